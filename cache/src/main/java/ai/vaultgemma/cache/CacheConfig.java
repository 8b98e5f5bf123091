package ai.vaultgemma.cache;

import static java.util.Objects.requireNonNull;

import ai.vaultgemma.cache.internal.Checks;
import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * The immutable settings of one {@link ResponseCache}: its name, its bound (entries or bytes), the
 * default time to live, prompt expiry, statistics, and the clock, weigher and executor it uses.
 *
 * <p>Instances are immutable and thread-safe. Start from a preset or the builder, and derive
 * variants with {@link #toBuilder()}:
 *
 * <pre>{@code
 * CacheConfig chat = CacheConfig.inference();                 // 1000 entries, 1 h
 * CacheConfig vectors = CacheConfig.embeddings();             // 500 entries, 24 h
 * CacheConfig big = CacheConfig.inference().toBuilder()
 *     .maximumBytes(256L << 20)                                // replaces the inherited entry bound
 *     .defaultTtl(Duration.ofMinutes(30))
 *     .build();
 * }</pre>
 *
 * <h2>Settings</h2>
 *
 * <ul>
 *   <li>Essential: {@code maximumEntries} <em>or</em> {@code maximumBytes} (a cache has exactly one
 *       bound; {@value #DEFAULT_MAXIMUM_ENTRIES} entries when neither is set), {@code defaultTtl}
 *       ({@link #DEFAULT_TTL}).
 *   <li>Frequently used: {@code name} ({@value #DEFAULT_NAME}), {@code weigher} ({@link
 *       Weigher#standard()}).
 *   <li>Rarely used: {@code promptExpiry} ({@value #DEFAULT_PROMPT_EXPIRY}), {@code recordStats}
 *       ({@value #DEFAULT_RECORD_STATS}), {@code clock} ({@link CacheClock#system()}), {@code
 *       executor} ({@link ForkJoinPool#commonPool()}).
 * </ul>
 */
public final class CacheConfig {

  /** The name of a cache built without {@link Builder#name(String)}: {@value}. */
  public static final String DEFAULT_NAME = "cache";

  /** The entry bound of a cache built without a bound: {@value}, the seed's inference cache. */
  public static final long DEFAULT_MAXIMUM_ENTRIES = 1000;

  /** The default time to live of a cache built without {@link Builder#defaultTtl}: one hour. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(1);

  /** Whether expired entries are removed without waiting for access, by default: {@value}. */
  public static final boolean DEFAULT_PROMPT_EXPIRY = true;

  /** Whether hits, misses and loads are counted, by default: {@value}. */
  public static final boolean DEFAULT_RECORD_STATS = true;

  /**
   * The largest time to live accepted: 365 days. Anything longer is almost certainly a unit
   * mistake, and an entry that should live forever does not belong in a response cache.
   */
  public static final Duration MAXIMUM_TTL = Duration.ofDays(365);

  /** The entry bound of {@link #inference()}: {@value}. */
  public static final long INFERENCE_MAXIMUM_ENTRIES = 1000;

  /** The time to live of {@link #inference()}: one hour. */
  public static final Duration INFERENCE_TTL = Duration.ofHours(1);

  /** The entry bound of {@link #embeddings()}: {@value}. */
  public static final long EMBEDDINGS_MAXIMUM_ENTRIES = 500;

  /** The time to live of {@link #embeddings()}: 24 hours. */
  public static final Duration EMBEDDINGS_TTL = Duration.ofHours(24);

  private static final long UNSET = -1;

  private final String name;
  private final long maximumEntries;
  private final long maximumBytes;
  private final Duration defaultTtl;
  private final boolean promptExpiry;
  private final boolean recordStats;
  private final CacheClock clock;
  private final Weigher weigher;
  private final Executor executor;

  private CacheConfig(Builder builder) {
    this.name = builder.name;
    this.maximumBytes = builder.maximumBytes;
    this.maximumEntries =
        builder.maximumEntries == UNSET && builder.maximumBytes == UNSET
            ? DEFAULT_MAXIMUM_ENTRIES
            : builder.maximumEntries;
    this.defaultTtl = builder.defaultTtl;
    this.promptExpiry = builder.promptExpiry;
    this.recordStats = builder.recordStats;
    this.clock = builder.clock;
    this.weigher = builder.weigher;
    this.executor = builder.executor;
  }

  /**
   * Returns a builder with every default: {@value #DEFAULT_NAME}, {@value #DEFAULT_MAXIMUM_ENTRIES}
   * entries unless a bound is set, a one-hour TTL, prompt expiry and statistics on.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the inference (chat completion) preset: named {@code inference}, {@value
   * #INFERENCE_MAXIMUM_ENTRIES} entries, one-hour TTL.
   *
   * @return the inference preset
   */
  public static CacheConfig inference() {
    return builder()
        .name("inference")
        .maximumEntries(INFERENCE_MAXIMUM_ENTRIES)
        .defaultTtl(INFERENCE_TTL)
        .build();
  }

  /**
   * Returns the embeddings preset: named {@code embeddings}, {@value #EMBEDDINGS_MAXIMUM_ENTRIES}
   * entries, 24-hour TTL.
   *
   * @return the embeddings preset
   */
  public static CacheConfig embeddings() {
    return builder()
        .name("embeddings")
        .maximumEntries(EMBEDDINGS_MAXIMUM_ENTRIES)
        .defaultTtl(EMBEDDINGS_TTL)
        .build();
  }

  /**
   * Returns a builder holding this configuration. The bound it holds counts as inherited: setting
   * either bound on the builder replaces it, where setting one twice on a fresh builder fails.
   *
   * @return a new builder initialised from this configuration
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Returns the cache's name, used in statistics, logs and error messages.
   *
   * @return the name, never blank
   */
  public String name() {
    return name;
  }

  /**
   * Returns the entry bound, if the cache is bounded by entries.
   *
   * @return the maximum number of entries, or empty when the cache is bounded by bytes
   */
  public OptionalLong maximumEntries() {
    return maximumEntries == UNSET ? OptionalLong.empty() : OptionalLong.of(maximumEntries);
  }

  /**
   * Returns the byte bound, if the cache is bounded by bytes.
   *
   * @return the maximum total of {@link #weigher()} sizes, or empty when bounded by entries
   */
  public OptionalLong maximumBytes() {
    return maximumBytes == UNSET ? OptionalLong.empty() : OptionalLong.of(maximumBytes);
  }

  /**
   * Returns the time to live of entries written without their own.
   *
   * @return the default TTL, positive and at most {@link #MAXIMUM_TTL}
   */
  public Duration defaultTtl() {
    return defaultTtl;
  }

  /**
   * Tells whether expired entries are removed by a background timer (shortly after they expire,
   * without any access) rather than only during later cache activity.
   *
   * @return {@code true} when prompt expiry is on
   */
  public boolean promptExpiry() {
    return promptExpiry;
  }

  /**
   * Tells whether hits, misses and loads are counted.
   *
   * @return {@code true} when statistics are recorded
   */
  public boolean recordStats() {
    return recordStats;
  }

  /**
   * Returns the clock that drives expiry.
   *
   * @return the clock
   */
  public CacheClock clock() {
    return clock;
  }

  /**
   * Returns the weigher that measures entries in bytes.
   *
   * @return the weigher
   */
  public Weigher weigher() {
    return weigher;
  }

  /**
   * Returns the executor that calls {@link EvictionListener}s.
   *
   * @return the executor
   */
  public Executor executor() {
    return executor;
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("CacheConfig{name=").append(name);
    if (maximumEntries != UNSET) {
      out.append(", maximumEntries=").append(maximumEntries);
    }
    if (maximumBytes != UNSET) {
      out.append(", maximumBytes=").append(maximumBytes);
    }
    return out.append(", defaultTtl=")
        .append(defaultTtl)
        .append(", promptExpiry=")
        .append(promptExpiry)
        .append(", recordStats=")
        .append(recordStats)
        .append(", weigher=")
        .append(weigher)
        .append('}')
        .toString();
  }

  /**
   * Builds a {@link CacheConfig}. Each setter checks its value; {@link #build()} checks how they
   * combine. Not thread-safe.
   */
  public static final class Builder {
    private String name = DEFAULT_NAME;
    private long maximumEntries = UNSET;
    private long maximumBytes = UNSET;
    // A bound copied by toBuilder() may be replaced by the other kind; one set here may not.
    private boolean boundInherited;
    private Duration defaultTtl = DEFAULT_TTL;
    private boolean promptExpiry = DEFAULT_PROMPT_EXPIRY;
    private boolean recordStats = DEFAULT_RECORD_STATS;
    private CacheClock clock = CacheClock.system();
    private Weigher weigher = Weigher.standard();
    private Executor executor = ForkJoinPool.commonPool();

    private Builder() {}

    private Builder(CacheConfig config) {
      this.name = config.name;
      this.maximumEntries = config.maximumEntries;
      this.maximumBytes = config.maximumBytes;
      this.boundInherited = true;
      this.defaultTtl = config.defaultTtl;
      this.promptExpiry = config.promptExpiry;
      this.recordStats = config.recordStats;
      this.clock = config.clock;
      this.weigher = config.weigher;
      this.executor = config.executor;
    }

    /**
     * Sets the cache's name.
     *
     * @param name a non-blank name, such as {@code inference}
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    @CanIgnoreReturnValue
    public Builder name(String name) {
      requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank but was \"" + name + "\"");
      }
      this.name = name;
      return this;
    }

    /**
     * Bounds the cache by its number of entries. Beyond the bound, the entries least likely to be
     * used again are evicted (Caffeine's W-TinyLFU policy, which weighs recency and frequency).
     *
     * @param maximumEntries the bound, at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code maximumEntries} is less than 1
     * @throws IllegalStateException if a bound was already set on this builder
     */
    @CanIgnoreReturnValue
    public Builder maximumEntries(long maximumEntries) {
      if (maximumEntries <= 0) {
        throw new IllegalArgumentException("maximumEntries must be > 0 but was " + maximumEntries);
      }
      checkNoBound("maximumEntries");
      this.maximumEntries = maximumEntries;
      this.maximumBytes = UNSET;
      return this;
    }

    /**
     * Bounds the cache by the total size of its entries, as measured by the {@link
     * #weigher(Weigher) weigher}. Beyond the bound, entries are evicted as for {@link
     * #maximumEntries(long)}.
     *
     * @param maximumBytes the bound in bytes, at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code maximumBytes} is less than 1
     * @throws IllegalStateException if a bound was already set on this builder
     */
    @CanIgnoreReturnValue
    public Builder maximumBytes(long maximumBytes) {
      if (maximumBytes <= 0) {
        throw new IllegalArgumentException("maximumBytes must be > 0 but was " + maximumBytes);
      }
      checkNoBound("maximumBytes");
      this.maximumBytes = maximumBytes;
      this.maximumEntries = UNSET;
      return this;
    }

    private void checkNoBound(String setting) {
      if (!boundInherited) {
        if (maximumEntries != UNSET) {
          throw new IllegalStateException(
              "maximumEntries was already set to "
                  + maximumEntries
                  + "; cannot also set "
                  + setting
                  + " (a cache has one bound)");
        }
        if (maximumBytes != UNSET) {
          throw new IllegalStateException(
              "maximumBytes was already set to "
                  + maximumBytes
                  + "; cannot also set "
                  + setting
                  + " (a cache has one bound)");
        }
      }
      boundInherited = false;
    }

    /**
     * Sets the time to live of entries written without their own (see {@link
     * ResponseCache#put(Object, Object, Duration)}). It runs from the write; reads do not extend
     * it.
     *
     * @param defaultTtl a positive duration of at most {@link #MAXIMUM_TTL}
     * @return this builder
     * @throws NullPointerException if {@code defaultTtl} is null
     * @throws IllegalArgumentException if {@code defaultTtl} is zero, negative or too long
     */
    @CanIgnoreReturnValue
    public Builder defaultTtl(Duration defaultTtl) {
      this.defaultTtl = Checks.checkTtl(defaultTtl, "defaultTtl");
      return this;
    }

    /**
     * Turns prompt expiry on or off. When on (the default), a JVM-wide timer thread removes entries
     * shortly after they expire, so memory and the {@code entries} count drop and listeners hear
     * {@link RemovalCause#EXPIRED} without any cache access. When off, expired entries are never
     * returned but are only removed during later cache activity or {@link ResponseCache#cleanUp()}.
     *
     * @param promptExpiry whether to remove expired entries in the background
     * @return this builder
     */
    @CanIgnoreReturnValue
    public Builder promptExpiry(boolean promptExpiry) {
      this.promptExpiry = promptExpiry;
      return this;
    }

    /**
     * Turns the counting of hits, misses and loads on (the default) or off. Removal counts, entries
     * and bytes are always reported.
     *
     * @param recordStats whether to count hits, misses and loads
     * @return this builder
     */
    @CanIgnoreReturnValue
    public Builder recordStats(boolean recordStats) {
      this.recordStats = recordStats;
      return this;
    }

    /**
     * Sets the clock that drives expiry; tests pass a hand-moved one.
     *
     * @param clock the clock
     * @return this builder
     * @throws NullPointerException if {@code clock} is null
     */
    @CanIgnoreReturnValue
    public Builder clock(CacheClock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the weigher that measures entries in bytes.
     *
     * @param weigher the weigher; {@link Weigher#none()} turns byte accounting off
     * @return this builder
     * @throws NullPointerException if {@code weigher} is null
     */
    @CanIgnoreReturnValue
    public Builder weigher(Weigher weigher) {
      this.weigher = requireNonNull(weigher, "weigher");
      return this;
    }

    /**
     * Sets the executor that calls {@link EvictionListener}s. Cache maintenance itself (applying
     * the eviction policy, removing expired entries) runs on the threads that use the cache, a
     * little at a time, which keeps the hit rate at its best (see the module README). Tests pass
     * {@code Runnable::run} so listeners are called before the cache call returns.
     *
     * @param executor the executor for listener calls
     * @return this builder
     * @throws NullPointerException if {@code executor} is null
     */
    @CanIgnoreReturnValue
    public Builder executor(Executor executor) {
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Returns the configuration.
     *
     * @return a new immutable configuration
     * @throws IllegalStateException if {@code maximumBytes} is set while the weigher is {@link
     *     Weigher#none()}
     */
    public CacheConfig build() {
      if (maximumBytes != UNSET && weigher == Weigher.none()) {
        throw new IllegalStateException(
            "maximumBytes ("
                + maximumBytes
                + ") requires a weigher but weigher is Weigher.none(); "
                + "use Weigher.standard() or your own");
      }
      return new CacheConfig(this);
    }
  }
}
