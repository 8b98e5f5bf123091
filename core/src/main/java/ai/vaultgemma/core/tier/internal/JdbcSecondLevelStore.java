package ai.vaultgemma.core.tier.internal;

import static java.util.Objects.requireNonNull;

import ai.vaultgemma.cache.SecondLevelStats;
import ai.vaultgemma.cache.SecondLevelStore;
import ai.vaultgemma.core.tier.SecondLevelReadStats;
import ai.vaultgemma.core.tier.SecondLevelWriteStats;
import ai.vaultgemma.core.tier.SharedTierConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.DataFormatException;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SecondLevelStore} in one table of a JDBC database (PostgreSQL or H2), that never runs
 * JDBC on the caller's thread and never holds a caller longer than the read budget.
 *
 * <p>Each entry is a row {@code (cache_key, value_bytes, compressed, raw_size, expires_at)}; expiry
 * is epoch milliseconds of the injected clock, so the clocks of the instances sharing a table
 * should agree to within the precision expiry needs. A read ignores expired rows; a background task
 * deletes them in bounded batches.
 *
 * <p><b>Reads</b> ({@link #getAsync}, {@link #getTimed}) run on the tier's bounded read pool. A
 * timer completes the caller's future as a miss at the read budget (a blocking {@link #getTimed}
 * waits with the budget as its timeout instead, so no timer is armed), counted from the call, so
 * waiting for a thread and for a connection count too; the read thread itself may stay longer in
 * the pool's {@code getConnection} (bounded by the pool's connection timeout) or in a statement
 * (bounded by the network timeout), but the caller has its answer. A full read queue, an open
 * breaker or a closed store is a miss at once. Every ending is counted once ({@link
 * SecondLevelReadStats}).
 *
 * <p><b>Writes</b> ({@link #put}, {@link #invalidate}) copy the value and go into a bounded queue
 * (in entries and in bytes) drained by one writer thread in batches ({@link BatchWriter}); expiry
 * is fixed when the write is accepted, so a write delayed by an outage does not live longer.
 *
 * <p>Failures that say the database cannot be reached open the tier's {@link CircuitBreaker}; while
 * open, nothing here touches the database. Thread-safe; does not own the data source, the executors
 * or the breaker.
 */
public final class JdbcSecondLevelStore implements SecondLevelStore {

  private static final Logger log = LoggerFactory.getLogger(JdbcSecondLevelStore.class);

  /** Upper bound of statements one purge runs, so a huge backlog cannot hog a connection. */
  static final int MAX_PURGE_BATCHES_PER_RUN = 100;

  /** A batch of writes or log rows, and a purge statement, may take this many read budgets. */
  static final int BATCH_TIMEOUT_FACTOR = 10;

  /** The most second-level writes in one transaction. */
  static final int WRITE_BATCH_SIZE = 100;

  /** TTLs are capped here so {@code now + ttl} cannot overflow. */
  private static final long MAX_TTL_MILLIS = Duration.ofDays(365L * 100).toMillis();

  private final DataSource dataSource;
  private final Dialect dialect;
  private final Clock clock;
  private final ValueCodec codec;
  private final int maxValueBytes;
  private final int purgeBatchSize;
  private final Duration budget;
  private final int networkTimeoutMillis;
  private final int queryTimeoutSeconds;
  private final int batchTimeoutMillis;
  private final CircuitBreaker breaker;
  private final ExecutorService readers;
  private final ScheduledExecutorService timer;
  private final BatchWriter<Write> writer;
  private final AtomicBoolean closed = new AtomicBoolean();

  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder timeouts = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder circuitOpen = new LongAdder();
  private final LongAdder queueFull = new LongAdder();
  private final LongAdder oversized = new LongAdder();
  private final LongAdder purged = new LongAdder();

  /**
   * Creates the store and starts its writer thread.
   *
   * @param dataSource pooled connections; not closed by this store
   * @param dialect the database's SQL
   * @param config the settings
   * @param clock the clock expiry is computed with
   * @param breaker the tier's breaker
   * @param readers the bounded read pool; not shut down by this store
   * @param timer runs the read-budget timers; never JDBC
   * @param writerThreadName the writer thread's name
   */
  public JdbcSecondLevelStore(
      DataSource dataSource,
      Dialect dialect,
      SharedTierConfig config,
      Clock clock,
      CircuitBreaker breaker,
      ExecutorService readers,
      ScheduledExecutorService timer,
      String writerThreadName) {
    this.dataSource = requireNonNull(dataSource, "dataSource");
    this.dialect = requireNonNull(dialect, "dialect");
    this.clock = requireNonNull(clock, "clock");
    requireNonNull(config, "config");
    this.breaker = requireNonNull(breaker, "breaker");
    this.readers = requireNonNull(readers, "readers");
    this.timer = requireNonNull(timer, "timer");
    this.codec = new ValueCodec(config.compressionThresholdBytes());
    this.maxValueBytes = config.maxValueBytes();
    this.purgeBatchSize = config.purgeBatchSize();
    this.budget = config.readTimeout();
    long timeoutMillis = Math.min(Integer.MAX_VALUE, Math.max(1, budget.toMillis()));
    this.networkTimeoutMillis = (int) timeoutMillis;
    this.queryTimeoutSeconds = JdbcSupport.querySeconds(timeoutMillis);
    this.batchTimeoutMillis =
        (int) Math.min(Integer.MAX_VALUE, timeoutMillis * BATCH_TIMEOUT_FACTOR);
    this.writer =
        new BatchWriter<>(
            writerThreadName,
            "L2 write",
            config.writeQueueCapacity(),
            config.writeQueueMaxBytes(),
            Write::weight,
            WRITE_BATCH_SIZE,
            Duration.ZERO,
            breaker,
            this::writeBatch);
    writer.start();
  }

  /**
   * A value and when it expires, in epoch milliseconds of this store's clock.
   *
   * @param value the value, a fresh array
   * @param expiresAtMillis when the entry expires
   */
  @SuppressWarnings("ArrayRecordComponent") // internal carrier; the array is the caller's own
  public record Timed(byte[] value, long expiresAtMillis) {}

  /** One queued write: an upsert, or a delete when {@code value} is null. */
  @SuppressWarnings("ArrayRecordComponent") // the array is the store's own copy
  record Write(String key, byte @Nullable [] value, long expiresAtMillis) {
    long weight() {
      return key.length() * 2L + (value == null ? 0 : value.length);
    }
  }

  /**
   * Looks {@code key} up on a read thread. The future completes within the read budget (a miss when
   * the database has not answered), never exceptionally, on a tier thread: dependants that block or
   * take long must use an {@code ...Async} method with their own executor.
   *
   * @param key the key
   * @return the value and its expiry, or null when absent, expired or not answered in time
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if {@code key} is too long
   */
  public CompletableFuture<@Nullable Timed> getAsync(String key) {
    ReadTask read = newRead(key);
    return read == null
        ? CompletableFuture.completedFuture(null)
        : read.start(readers, timer, queueFull);
  }

  /**
   * As {@link #getAsync}, waiting for the answer on this thread, which keeps the read budget itself
   * (the read still runs on a read thread).
   *
   * @param key the key
   * @return the value and its expiry, or null
   */
  public @Nullable Timed getTimed(String key) {
    ReadTask read = newRead(key);
    return read == null ? null : read.startAndWait(readers, queueFull);
  }

  /** A read of {@code key}, or null (counted) when the store is closed or the breaker open. */
  private @Nullable ReadTask newRead(String key) {
    checkKey(key);
    if (closed.get()) {
      queueFull.increment();
      return null;
    }
    if (!breaker.isClosed()) {
      circuitOpen.increment();
      return null;
    }
    return new ReadTask(key);
  }

  @Override
  public Optional<byte[]> get(String key) {
    Timed hit = getTimed(key);
    return hit == null ? Optional.empty() : Optional.of(hit.value());
  }

  /** One lookup: completed exactly once, by the read, the budget, a refusal or close. */
  final class ReadTask extends BudgetedRead<Timed> {
    final String key;

    ReadTask(String key) {
      super("L2 get", breaker, budget, timeouts);
      this.key = key;
    }

    @Override
    boolean storeClosed() {
      return closed.get();
    }

    @Override
    void work() {
      if (!breaker.isClosed() || closed.get()) {
        finish(null, circuitOpen);
        return;
      }
      Timed value;
      try {
        value = select(key);
      } catch (SQLException e) {
        connectionFailure(e);
        finish(null, failures);
        return;
      } catch (DataFormatException e) {
        // A corrupt row is this key's problem, not the database's: a miss, not degraded.
        log.warn("Ignoring corrupt L2 entry in {}: {}", dialect.entryTable, e.getMessage());
        finish(null, failures);
        return;
      } catch (RuntimeException e) {
        log.warn("L2 get failed unexpectedly", e);
        finish(null, failures);
        return;
      }
      finish(value, value == null ? misses : hits);
    }

    void refuse() {
      finish(null, queueFull);
    }
  }

  private @Nullable Timed select(String key) throws SQLException, DataFormatException {
    byte[] stored;
    boolean compressed;
    int rawSize;
    long expiresAt;
    try (Connection c = dataSource.getConnection()) {
      boolean bounded = JdbcSupport.boundNetwork(c, networkTimeoutMillis);
      try (PreparedStatement ps = c.prepareStatement(dialect.selectEntry())) {
        JdbcSupport.boundQuery(ps, bounded, queryTimeoutSeconds);
        ps.setString(1, key);
        ps.setLong(2, clock.millis());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return null;
          }
          stored = rs.getBytes(1);
          compressed = rs.getBoolean(2);
          rawSize = rs.getInt(3);
          expiresAt = rs.getLong(4);
        }
      }
    }
    return new Timed(ValueCodec.decode(stored, compressed, rawSize), expiresAt);
  }

  /**
   * Queues {@code value} to be stored under {@code key} for {@code ttl}; returns at once. The value
   * is copied. A value above the size limit is counted as oversized; a full queue or a closed store
   * drops the write, counted.
   */
  @Override
  public void put(String key, byte[] value, Duration ttl) {
    checkKey(key);
    requireNonNull(value, "value");
    requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive but was " + ttl);
    }
    if (value.length > maxValueBytes) {
      oversized.increment();
      return;
    }
    long ttlMillis =
        ttl.compareTo(Duration.ofMillis(MAX_TTL_MILLIS)) > 0 ? MAX_TTL_MILLIS : ttl.toMillis();
    writer.offer(new Write(key, value.clone(), clock.millis() + Math.max(1, ttlMillis)));
  }

  /** Queues the removal of {@code key}; returns at once. Counted as a write. */
  @Override
  public void invalidate(String key) {
    checkKey(key);
    writer.offer(new Write(key, null, 0));
  }

  /** Writes one batch in one transaction, in order (a put then an invalidate stays deleted). */
  private void writeBatch(List<Write> batch) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      boolean bounded = JdbcSupport.boundNetwork(c, batchTimeoutMillis);
      c.setAutoCommit(false);
      try (PreparedStatement upsert = c.prepareStatement(dialect.upsertEntry());
          PreparedStatement delete = c.prepareStatement(dialect.deleteEntry())) {
        int seconds = JdbcSupport.querySeconds(batchTimeoutMillis);
        JdbcSupport.boundQuery(upsert, bounded, seconds);
        JdbcSupport.boundQuery(delete, bounded, seconds);
        int upserts = 0;
        int deletes = 0;
        for (Write w : batch) {
          byte[] value = w.value();
          if (value == null) {
            if (upserts > 0) {
              upsert.executeBatch();
              upserts = 0;
            }
            delete.setString(1, w.key());
            delete.addBatch();
            deletes++;
          } else {
            if (deletes > 0) {
              delete.executeBatch();
              deletes = 0;
            }
            ValueCodec.Encoded encoded = codec.encode(value);
            upsert.setString(1, w.key());
            upsert.setBytes(2, encoded.bytes());
            upsert.setBoolean(3, encoded.compressed());
            upsert.setInt(4, value.length);
            upsert.setLong(5, w.expiresAtMillis());
            upsert.addBatch();
            upserts++;
          }
        }
        if (upserts > 0) {
          upsert.executeBatch();
        }
        if (deletes > 0) {
          delete.executeBatch();
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        JdbcSupport.rollbackQuietly(c, e);
        throw e;
      } finally {
        JdbcSupport.restoreAutoCommit(c);
      }
    }
  }

  /**
   * Deletes expired entries now, on the calling thread, in statements of at most {@code
   * purgeBatchSize} rows each, until none is left or {@value #MAX_PURGE_BATCHES_PER_RUN} statements
   * ran. Skipped while the breaker is open.
   *
   * @return the number of rows deleted
   */
  public long purgeExpired() {
    if (closed.get() || !breaker.isClosed()) {
      return 0;
    }
    long total = 0;
    try (Connection c = dataSource.getConnection()) {
      boolean bounded = JdbcSupport.boundNetwork(c, batchTimeoutMillis);
      try (PreparedStatement ps = c.prepareStatement(dialect.purgeExpired())) {
        JdbcSupport.boundQuery(ps, bounded, JdbcSupport.querySeconds(batchTimeoutMillis));
        for (int i = 0; i < MAX_PURGE_BATCHES_PER_RUN; i++) {
          ps.setLong(1, clock.millis());
          ps.setInt(2, purgeBatchSize);
          int deleted = ps.executeUpdate();
          total += deleted;
          purged.add(deleted);
          if (deleted < purgeBatchSize) {
            break;
          }
        }
      }
    } catch (SQLException e) {
      if (JdbcSupport.isConnectionProblem(e) && !closed.get()) {
        breaker.onFailure("L2 purge", e);
      } else {
        log.warn("L2 purge of {} failed", dialect.entryTable, e);
      }
    }
    return total;
  }

  /**
   * Checks that the database answers and the entry table exists, within the read budget's network
   * bound: the breaker's probe.
   *
   * @throws SQLException if it does not
   */
  public void probe() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      boolean bounded = JdbcSupport.boundNetwork(c, networkTimeoutMillis);
      try (PreparedStatement ps = c.prepareStatement(dialect.probe())) {
        JdbcSupport.boundQuery(ps, bounded, queryTimeoutSeconds);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
        }
      }
    }
  }

  /** Returns the clock expiry is computed with. */
  public Clock clock() {
    return clock;
  }

  @Override
  public SecondLevelStats stats() {
    BatchWriter.Counts w = writer.counts();
    return new SecondLevelStats(
        hits.sum(),
        misses.sum(),
        timeouts.sum() + failures.sum() + circuitOpen.sum() + queueFull.sum(),
        w.written(),
        w.failed() + w.dropped(),
        oversized.sum(),
        purged.sum(),
        breaker.reason());
  }

  /** Returns how lookups ended. */
  public SecondLevelReadStats readStats() {
    return new SecondLevelReadStats(
        hits.sum(),
        misses.sum(),
        timeouts.sum(),
        failures.sum(),
        circuitOpen.sum(),
        queueFull.sum());
  }

  /** Returns what became of writes. */
  public SecondLevelWriteStats writeStats() {
    BatchWriter.Counts w = writer.counts();
    return new SecondLevelWriteStats(
        w.accepted(), w.written(), w.dropped(), w.failed(), w.queued());
  }

  /**
   * Waits until queued writes are written or given up, or the deadline passes.
   *
   * @param deadlineNanos the {@link System#nanoTime()} to stop at
   * @return whether the queue drained
   * @throws InterruptedException if interrupted
   */
  public boolean awaitWritten(long deadlineNanos) throws InterruptedException {
    return writer.awaitDrained(deadlineNanos);
  }

  /** Stops taking reads; pending ones answer a miss. Writes are flushed by {@link #beginClose}. */
  public void stopReads() {
    closed.set(true);
  }

  /**
   * Completes a read that the pool dropped on shutdown, as refused.
   *
   * @param task a task returned by the pool's {@code shutdownNow}
   */
  public void refuse(Runnable task) {
    if (task instanceof ReadTask read) {
      read.refuse();
    }
  }

  /** Signals the writer to flush until {@code deadlineNanos}, then drop and count the rest. */
  public void beginClose(long deadlineNanos) {
    closed.set(true);
    writer.beginClose(deadlineNanos);
  }

  /** Waits for the writer to finish, as {@link BatchWriter#awaitClose()}. */
  public void awaitClose() {
    writer.awaitClose();
  }

  /** Closes as {@link #beginClose} then {@link #awaitClose} with the default close timeout. */
  @Override
  public void close() {
    beginClose(System.nanoTime() + SharedTierConfig.DEFAULT_CLOSE_TIMEOUT.toNanos());
    awaitClose();
  }

  @Override
  public String toString() {
    return "JdbcSecondLevelStore{" + dialect + ", " + stats() + "}";
  }

  private static void checkKey(String key) {
    requireNonNull(key, "key");
    if (key.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "key length must be <= " + MAX_KEY_LENGTH + " but was " + key.length());
    }
  }
}
