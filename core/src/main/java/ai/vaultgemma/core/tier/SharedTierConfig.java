package ai.vaultgemma.core.tier;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Immutable settings of the shared persistent tier. Start from {@link #defaults()} or {@link
 * #builder()}, derive variants with {@link #toBuilder()}.
 *
 * <pre>{@code
 * SharedTierConfig config = SharedTierConfig.builder()
 *     .tablePrefix("myapp_")
 *     .readTimeout(Duration.ofMillis(200))
 *     .build();
 * }</pre>
 *
 * <p>Essentials: {@link Builder#tablePrefix}, {@link Builder#readTimeout}. Frequently used: {@link
 * Builder#maxValueBytes}, {@link Builder#storePromptText}. The rest rarely needs changing.
 *
 * <p>Prompt and response text are not stored unless {@link Builder#storePromptText} is given a
 * redactor; {@link #toString()} shows whether it is on, never the function.
 */
public final class SharedTierConfig {

  /** Default {@link #tablePrefix()}: {@value}. */
  public static final String DEFAULT_TABLE_PREFIX = "vg_";

  /** Default {@link #readTimeout()}: 500 ms. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMillis(500);

  /** Default {@link #retryInterval()}: 1 s. */
  public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofSeconds(1);

  /** Default {@link #purgeInterval()}: 1 min. */
  public static final Duration DEFAULT_PURGE_INTERVAL = Duration.ofMinutes(1);

  /** Default {@link #purgeBatchSize()}: {@value}. */
  public static final int DEFAULT_PURGE_BATCH_SIZE = 1000;

  /** Default {@link #maxValueBytes()}: {@value} (1 MiB). */
  public static final int DEFAULT_MAX_VALUE_BYTES = 1 << 20;

  /** Default {@link #compressionThresholdBytes()}: {@value}. */
  public static final int DEFAULT_COMPRESSION_THRESHOLD_BYTES = 1024;

  /** Default {@link #logQueueCapacity()}: {@value}. */
  public static final int DEFAULT_LOG_QUEUE_CAPACITY = 10_000;

  /** Default {@link #logBatchSize()}: {@value}. */
  public static final int DEFAULT_LOG_BATCH_SIZE = 500;

  /** Default {@link #logFlushInterval()}: 100 ms. */
  public static final Duration DEFAULT_LOG_FLUSH_INTERVAL = Duration.ofMillis(100);

  /** Default {@link #readThreads()}: {@value}. */
  public static final int DEFAULT_READ_THREADS = 4;

  /** Default {@link #readQueueCapacity()}: {@value}. */
  public static final int DEFAULT_READ_QUEUE_CAPACITY = 256;

  /** Default {@link #writeQueueCapacity()}: {@value}. */
  public static final int DEFAULT_WRITE_QUEUE_CAPACITY = 1000;

  /** Default {@link #writeQueueMaxBytes()}: {@value} (32 MiB). */
  public static final long DEFAULT_WRITE_QUEUE_MAX_BYTES = 32L << 20;

  /** Default {@link #closeTimeout()}: 5 s. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /** The largest {@link #logQueueCapacity()} and {@link #writeQueueCapacity()}: {@value}. */
  public static final int MAX_QUEUE_CAPACITY = 1 << 24;

  /** The longest {@link #tablePrefix()}: {@value} characters, so every table name fits. */
  public static final int MAX_TABLE_PREFIX_LENGTH = 40;

  private static final Pattern SAFE_PREFIX = Pattern.compile("[a-z_][a-z0-9_]*");
  private static final SharedTierConfig DEFAULTS = new Builder().build();

  private final String tablePrefix;
  private final Duration readTimeout;
  private final Duration retryInterval;
  private final Duration purgeInterval;
  private final int purgeBatchSize;
  private final int maxValueBytes;
  private final int compressionThresholdBytes;
  private final int logQueueCapacity;
  private final int logBatchSize;
  private final Duration logFlushInterval;
  private final int readThreads;
  private final int readQueueCapacity;
  private final int writeQueueCapacity;
  private final long writeQueueMaxBytes;
  private final Duration closeTimeout;
  private final @Nullable UnaryOperator<String> redactor;

  private SharedTierConfig(Builder b) {
    this.tablePrefix = b.tablePrefix;
    this.readTimeout = b.readTimeout;
    this.retryInterval = b.retryInterval;
    this.purgeInterval = b.purgeInterval;
    this.purgeBatchSize = b.purgeBatchSize;
    this.maxValueBytes = b.maxValueBytes;
    this.compressionThresholdBytes = b.compressionThresholdBytes;
    this.logQueueCapacity = b.logQueueCapacity;
    this.logBatchSize = b.logBatchSize;
    this.logFlushInterval = b.logFlushInterval;
    this.readThreads = b.readThreads;
    this.readQueueCapacity = b.readQueueCapacity;
    this.writeQueueCapacity = b.writeQueueCapacity;
    this.writeQueueMaxBytes = b.writeQueueMaxBytes;
    this.closeTimeout = b.closeTimeout;
    this.redactor = b.redactor;
  }

  /**
   * Returns the default settings (every {@code DEFAULT_*} constant, no prompt text stored).
   *
   * @return the defaults
   */
  public static SharedTierConfig defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a builder holding the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding this config's settings.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Returns the prefix of every table name, e.g. {@code vg_l2_entry}.
   *
   * @return the prefix
   */
  public String tablePrefix() {
    return tablePrefix;
  }

  /**
   * Returns the read budget: the longest a second-level lookup may take, counted from the call and
   * including the wait for a tier thread, getting a connection and the query. A lookup that has no
   * answer by then completes as a miss. Also the bound of each statement's network reads and of a
   * recovery probe.
   *
   * @return the budget
   */
  public Duration readTimeout() {
    return readTimeout;
  }

  /**
   * Returns how long a degraded part waits before it tries the database again.
   *
   * @return the interval
   */
  public Duration retryInterval() {
    return retryInterval;
  }

  /**
   * Returns the delay between two background purges of expired entries.
   *
   * @return the interval
   */
  public Duration purgeInterval() {
    return purgeInterval;
  }

  /**
   * Returns the most rows one purge statement deletes.
   *
   * @return the batch size
   */
  public int purgeBatchSize() {
    return purgeBatchSize;
  }

  /**
   * Returns the largest value, in bytes before compression, the second level stores.
   *
   * @return the limit
   */
  public int maxValueBytes() {
    return maxValueBytes;
  }

  /**
   * Returns the size from which values are compressed (deflate); 0 compresses every value.
   *
   * @return the threshold in bytes
   */
  public int compressionThresholdBytes() {
    return compressionThresholdBytes;
  }

  /**
   * Returns how many log records may wait to be written before new ones are dropped.
   *
   * @return the capacity
   */
  public int logQueueCapacity() {
    return logQueueCapacity;
  }

  /**
   * Returns the most log rows written in one batch insert.
   *
   * @return the batch size
   */
  public int logBatchSize() {
    return logBatchSize;
  }

  /**
   * Returns how long the log writer waits for a batch to fill before it writes a partial one.
   *
   * @return the interval, zero to write at once
   */
  public Duration logFlushInterval() {
    return logFlushInterval;
  }

  /**
   * Returns how many threads run second-level reads; at most this many lookups touch the database
   * at once.
   *
   * @return the thread count
   */
  public int readThreads() {
    return readThreads;
  }

  /**
   * Returns how many lookups may wait for a read thread; a lookup that finds the queue full is a
   * miss at once, counted.
   *
   * @return the capacity
   */
  public int readQueueCapacity() {
    return readQueueCapacity;
  }

  /**
   * Returns how many second-level writes (stores and invalidations) may wait to be written; a write
   * that finds the queue full is dropped and counted.
   *
   * @return the capacity
   */
  public int writeQueueCapacity() {
    return writeQueueCapacity;
  }

  /**
   * Returns how many value bytes the queued second-level writes may hold together; a write that
   * would go beyond is dropped and counted. Bounds the memory the queue can take while the database
   * is down.
   *
   * @return the limit in bytes
   */
  public long writeQueueMaxBytes() {
    return writeQueueMaxBytes;
  }

  /**
   * Returns how long {@link SharedTier#close()} spends writing what is queued before it counts the
   * rest as dropped.
   *
   * @return the timeout
   */
  public Duration closeTimeout() {
    return closeTimeout;
  }

  /**
   * Returns whether prompt and response text are written to the inference log.
   *
   * @return true when a redactor was given
   */
  public boolean storePromptText() {
    return redactor != null;
  }

  /**
   * Returns the function applied to prompt and response text before they are written.
   *
   * @return the redactor, or null when text is not stored
   */
  public @Nullable UnaryOperator<String> redactor() {
    return redactor;
  }

  @Override
  public String toString() {
    return "SharedTierConfig{tablePrefix="
        + tablePrefix
        + ", readTimeout="
        + readTimeout
        + ", retryInterval="
        + retryInterval
        + ", purgeInterval="
        + purgeInterval
        + ", purgeBatchSize="
        + purgeBatchSize
        + ", maxValueBytes="
        + maxValueBytes
        + ", compressionThresholdBytes="
        + compressionThresholdBytes
        + ", logQueueCapacity="
        + logQueueCapacity
        + ", logBatchSize="
        + logBatchSize
        + ", logFlushInterval="
        + logFlushInterval
        + ", readThreads="
        + readThreads
        + ", readQueueCapacity="
        + readQueueCapacity
        + ", writeQueueCapacity="
        + writeQueueCapacity
        + ", writeQueueMaxBytes="
        + writeQueueMaxBytes
        + ", closeTimeout="
        + closeTimeout
        + ", storePromptText="
        + storePromptText()
        + "}";
  }

  /** Builds a {@link SharedTierConfig}; each method checks its value. Not thread-safe. */
  public static final class Builder {
    private String tablePrefix = DEFAULT_TABLE_PREFIX;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private Duration retryInterval = DEFAULT_RETRY_INTERVAL;
    private Duration purgeInterval = DEFAULT_PURGE_INTERVAL;
    private int purgeBatchSize = DEFAULT_PURGE_BATCH_SIZE;
    private int maxValueBytes = DEFAULT_MAX_VALUE_BYTES;
    private int compressionThresholdBytes = DEFAULT_COMPRESSION_THRESHOLD_BYTES;
    private int logQueueCapacity = DEFAULT_LOG_QUEUE_CAPACITY;
    private int logBatchSize = DEFAULT_LOG_BATCH_SIZE;
    private Duration logFlushInterval = DEFAULT_LOG_FLUSH_INTERVAL;
    private int readThreads = DEFAULT_READ_THREADS;
    private int readQueueCapacity = DEFAULT_READ_QUEUE_CAPACITY;
    private int writeQueueCapacity = DEFAULT_WRITE_QUEUE_CAPACITY;
    private long writeQueueMaxBytes = DEFAULT_WRITE_QUEUE_MAX_BYTES;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private @Nullable UnaryOperator<String> redactor;

    private Builder() {}

    private Builder(SharedTierConfig c) {
      tablePrefix = c.tablePrefix;
      readTimeout = c.readTimeout;
      retryInterval = c.retryInterval;
      purgeInterval = c.purgeInterval;
      purgeBatchSize = c.purgeBatchSize;
      maxValueBytes = c.maxValueBytes;
      compressionThresholdBytes = c.compressionThresholdBytes;
      logQueueCapacity = c.logQueueCapacity;
      logBatchSize = c.logBatchSize;
      logFlushInterval = c.logFlushInterval;
      readThreads = c.readThreads;
      readQueueCapacity = c.readQueueCapacity;
      writeQueueCapacity = c.writeQueueCapacity;
      writeQueueMaxBytes = c.writeQueueMaxBytes;
      closeTimeout = c.closeTimeout;
      redactor = c.redactor;
    }

    /**
     * Sets the table-name prefix: lower-case letters, digits and underscores, starting with a
     * letter or underscore, at most {@value #MAX_TABLE_PREFIX_LENGTH} characters.
     *
     * @param tablePrefix the prefix, e.g. {@code "myapp_"}
     * @return this builder
     * @throws NullPointerException if {@code tablePrefix} is null
     * @throws IllegalArgumentException if it is not a safe SQL identifier
     */
    @CanIgnoreReturnValue
    public Builder tablePrefix(String tablePrefix) {
      requireNonNull(tablePrefix, "tablePrefix");
      if (tablePrefix.length() > MAX_TABLE_PREFIX_LENGTH
          || !SAFE_PREFIX.matcher(tablePrefix).matches()) {
        throw new IllegalArgumentException(
            "tablePrefix must be a safe SQL identifier ([a-z_][a-z0-9_]*, at most "
                + MAX_TABLE_PREFIX_LENGTH
                + " characters) but was \""
                + tablePrefix
                + "\"");
      }
      this.tablePrefix = tablePrefix;
      return this;
    }

    /**
     * Sets the read budget: a lookup completes within it, as a miss if the database has not
     * answered, counting the wait for a tier thread and for a connection (the pool's own, longer,
     * connection timeout then holds only a tier thread, never the caller). Also applied with
     * millisecond precision as each statement's network timeout (which is what bounds a read on a
     * silent network), and as a query timeout of the next whole second above it (so the network
     * timeout always fires first, and pgjdbc never waits for a cancel request that cannot get
     * through). A batch of writes or log rows and a purge statement may take ten times this value.
     *
     * @param readTimeout the timeout, positive
     * @return this builder
     * @throws NullPointerException if {@code readTimeout} is null
     * @throws IllegalArgumentException if it is not positive
     */
    @CanIgnoreReturnValue
    public Builder readTimeout(Duration readTimeout) {
      this.readTimeout = positive("readTimeout", readTimeout);
      return this;
    }

    /**
     * Sets how long a degraded part waits before it tries the database again. While it waits,
     * second-level reads are misses at once, without touching the database.
     *
     * @param retryInterval the interval, positive
     * @return this builder
     * @throws NullPointerException if {@code retryInterval} is null
     * @throws IllegalArgumentException if it is not positive
     */
    @CanIgnoreReturnValue
    public Builder retryInterval(Duration retryInterval) {
      this.retryInterval = positive("retryInterval", retryInterval);
      return this;
    }

    /**
     * Sets the delay between two background purges of expired second-level entries.
     *
     * @param purgeInterval the interval, positive
     * @return this builder
     * @throws NullPointerException if {@code purgeInterval} is null
     * @throws IllegalArgumentException if it is not positive
     */
    @CanIgnoreReturnValue
    public Builder purgeInterval(Duration purgeInterval) {
      this.purgeInterval = positive("purgeInterval", purgeInterval);
      return this;
    }

    /**
     * Sets the most rows one purge statement deletes; a purge runs statements until no expired row
     * is left, each in its own short transaction.
     *
     * @param purgeBatchSize the batch size, positive
     * @return this builder
     * @throws IllegalArgumentException if it is not positive
     */
    @CanIgnoreReturnValue
    public Builder purgeBatchSize(int purgeBatchSize) {
      this.purgeBatchSize = positive("purgeBatchSize", purgeBatchSize);
      return this;
    }

    /**
     * Sets the largest value the second level stores, in bytes before compression. A larger value
     * is not stored and is counted.
     *
     * @param maxValueBytes the limit, positive
     * @return this builder
     * @throws IllegalArgumentException if it is not positive
     */
    @CanIgnoreReturnValue
    public Builder maxValueBytes(int maxValueBytes) {
      this.maxValueBytes = positive("maxValueBytes", maxValueBytes);
      return this;
    }

    /**
     * Sets the size from which values are compressed. A compressed value is kept only if smaller.
     *
     * @param compressionThresholdBytes the threshold, {@code >= 0}
     * @return this builder
     * @throws IllegalArgumentException if it is negative
     */
    @CanIgnoreReturnValue
    public Builder compressionThresholdBytes(int compressionThresholdBytes) {
      if (compressionThresholdBytes < 0) {
        throw new IllegalArgumentException(
            "compressionThresholdBytes must be >= 0 but was " + compressionThresholdBytes);
      }
      this.compressionThresholdBytes = compressionThresholdBytes;
      return this;
    }

    /**
     * Sets how many log records may wait to be written. The queue's slots are allocated up front (a
     * reference each, rounded up to a power of two).
     *
     * @param logQueueCapacity the capacity, in {@code [1, MAX_QUEUE_CAPACITY]}
     * @return this builder
     * @throws IllegalArgumentException if it is out of range
     */
    @CanIgnoreReturnValue
    public Builder logQueueCapacity(int logQueueCapacity) {
      this.logQueueCapacity = capacity("logQueueCapacity", logQueueCapacity);
      return this;
    }

    /**
     * Sets the most log rows written in one batch insert.
     *
     * @param logBatchSize the batch size, positive
     * @return this builder
     * @throws IllegalArgumentException if it is not positive
     */
    @CanIgnoreReturnValue
    public Builder logBatchSize(int logBatchSize) {
      this.logBatchSize = positive("logBatchSize", logBatchSize);
      return this;
    }

    /**
     * Sets how long the log writer waits for a batch to fill before writing a partial one.
     *
     * @param logFlushInterval the interval, zero to write whatever is queued at once
     * @return this builder
     * @throws NullPointerException if {@code logFlushInterval} is null
     * @throws IllegalArgumentException if it is negative
     */
    @CanIgnoreReturnValue
    public Builder logFlushInterval(Duration logFlushInterval) {
      requireNonNull(logFlushInterval, "logFlushInterval");
      if (logFlushInterval.isNegative()) {
        throw new IllegalArgumentException(
            "logFlushInterval must not be negative but was " + logFlushInterval);
      }
      this.logFlushInterval = logFlushInterval;
      return this;
    }

    /**
     * Sets how many threads run second-level reads.
     *
     * @param readThreads the thread count, positive
     * @return this builder
     * @throws IllegalArgumentException if it is not positive
     */
    @CanIgnoreReturnValue
    public Builder readThreads(int readThreads) {
      this.readThreads = positive("readThreads", readThreads);
      return this;
    }

    /**
     * Sets how many lookups may wait for a read thread.
     *
     * @param readQueueCapacity the capacity, positive
     * @return this builder
     * @throws IllegalArgumentException if it is not positive
     */
    @CanIgnoreReturnValue
    public Builder readQueueCapacity(int readQueueCapacity) {
      this.readQueueCapacity = positive("readQueueCapacity", readQueueCapacity);
      return this;
    }

    /**
     * Sets how many second-level writes may wait to be written. The queue's slots are allocated up
     * front (a reference each, rounded up to a power of two).
     *
     * @param writeQueueCapacity the capacity, in {@code [1, MAX_QUEUE_CAPACITY]}
     * @return this builder
     * @throws IllegalArgumentException if it is out of range
     */
    @CanIgnoreReturnValue
    public Builder writeQueueCapacity(int writeQueueCapacity) {
      this.writeQueueCapacity = capacity("writeQueueCapacity", writeQueueCapacity);
      return this;
    }

    /**
     * Sets how many value bytes the queued second-level writes may hold together.
     *
     * @param writeQueueMaxBytes the limit, positive
     * @return this builder
     * @throws IllegalArgumentException if it is not positive
     */
    @CanIgnoreReturnValue
    public Builder writeQueueMaxBytes(long writeQueueMaxBytes) {
      if (writeQueueMaxBytes <= 0) {
        throw new IllegalArgumentException(
            "writeQueueMaxBytes must be > 0 but was " + writeQueueMaxBytes);
      }
      this.writeQueueMaxBytes = writeQueueMaxBytes;
      return this;
    }

    /**
     * Sets how long closing the tier spends writing what is queued.
     *
     * @param closeTimeout the timeout, positive
     * @return this builder
     * @throws NullPointerException if {@code closeTimeout} is null
     * @throws IllegalArgumentException if it is not positive
     */
    @CanIgnoreReturnValue
    public Builder closeTimeout(Duration closeTimeout) {
      this.closeTimeout = positive("closeTimeout", closeTimeout);
      return this;
    }

    /**
     * Turns on storing prompt and response text in the inference log, each passed through {@code
     * redactor} first (pass {@code UnaryOperator.identity()} to store it as is). Off by default. If
     * the redactor throws, the text is not stored.
     *
     * @param redactor the function applied before writing
     * @return this builder
     * @throws NullPointerException if {@code redactor} is null
     */
    @CanIgnoreReturnValue
    public Builder storePromptText(UnaryOperator<String> redactor) {
      this.redactor = requireNonNull(redactor, "redactor");
      return this;
    }

    /**
     * Turns off storing prompt and response text (the default).
     *
     * @return this builder
     */
    @CanIgnoreReturnValue
    public Builder noPromptText() {
      this.redactor = null;
      return this;
    }

    /**
     * Builds the config.
     *
     * @return the config
     */
    public SharedTierConfig build() {
      return new SharedTierConfig(this);
    }

    private static Duration positive(String name, Duration value) {
      requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive but was " + value);
      }
      return value;
    }

    private static int capacity(String name, int value) {
      if (value <= 0 || value > MAX_QUEUE_CAPACITY) {
        throw new IllegalArgumentException(
            name + " must be in [1, " + MAX_QUEUE_CAPACITY + "] but was " + value);
      }
      return value;
    }

    private static int positive(String name, int value) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + " must be > 0 but was " + value);
      }
      return value;
    }
  }
}
