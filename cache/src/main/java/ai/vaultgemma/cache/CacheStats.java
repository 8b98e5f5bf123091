package ai.vaultgemma.cache;

import static java.util.Objects.requireNonNull;

import ai.vaultgemma.cache.internal.Checks;
import com.google.errorprone.annotations.CanIgnoreReturnValue;
import com.google.errorprone.annotations.Immutable;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An immutable snapshot of one {@link ResponseCache}'s statistics, from {@link
 * ResponseCache#stats()}.
 *
 * <p>What increments what:
 *
 * <ul>
 *   <li>{@link #hitCount()}: a {@code getIfPresent} or {@code get} that found a live entry.
 *   <li>{@link #missCount()}: a {@code getIfPresent} or {@code get} that found none (a {@code get}
 *       miss then loads).
 *   <li>{@link #loadSuccessCount()} / {@link #loadFailureCount()}: a {@code get} loader that
 *       returned a value / threw or returned null; {@link #totalLoadTimeNanos()} is the time spent
 *       in loaders of both kinds, measured with the cache's {@link CacheClock}.
 *   <li>{@link #removalCount(RemovalCause)}: entries removed for that cause (see {@link
 *       EvictionListener}).
 *   <li>{@link #entries()} and {@link #totalSizeBytes()}: gauges, read together in one pass over
 *       the cache, so they describe the same set of entries.
 * </ul>
 *
 * <p>Hits, misses and loads stay zero when {@link CacheConfig#recordStats()} is off. Counts taken
 * while other threads use the cache are each exact, but not a single atomic cut across all of them.
 * Arithmetic saturates at {@link Long#MAX_VALUE} instead of overflowing.
 *
 * <p>Build one by hand (for tests, or to merge several caches) with {@link #builder(String)}.
 */
@Immutable
public final class CacheStats {
  private static final double BYTES_PER_MB = 1024.0 * 1024.0;

  private final String name;
  private final long hitCount;
  private final long missCount;
  private final long loadSuccessCount;
  private final long loadFailureCount;
  private final long totalLoadTimeNanos;
  private final long explicitCount;
  private final long replacedCount;
  private final long expiredCount;
  private final long sizeEvictionCount;
  private final long entries;
  private final long totalSizeBytes;

  private CacheStats(Builder b) {
    this.name = b.name;
    this.hitCount = b.hitCount;
    this.missCount = b.missCount;
    this.loadSuccessCount = b.loadSuccessCount;
    this.loadFailureCount = b.loadFailureCount;
    this.totalLoadTimeNanos = b.totalLoadTimeNanos;
    this.explicitCount = b.explicitCount;
    this.replacedCount = b.replacedCount;
    this.expiredCount = b.expiredCount;
    this.sizeEvictionCount = b.sizeEvictionCount;
    this.entries = b.entries;
    this.totalSizeBytes = b.totalSizeBytes;
  }

  /**
   * Returns a builder for a snapshot with every count at zero.
   *
   * @param name the cache's name
   * @return a new builder
   * @throws NullPointerException if {@code name} is null
   */
  public static Builder builder(String name) {
    return new Builder(requireNonNull(name, "name"));
  }

  /**
   * Returns a snapshot with every count at zero.
   *
   * @param name the cache's name
   * @return an empty snapshot
   * @throws NullPointerException if {@code name} is null
   */
  public static CacheStats empty(String name) {
    return builder(name).build();
  }

  /**
   * Returns the name of the cache this snapshot describes.
   *
   * @return the cache's name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the number of lookups that found a live entry.
   *
   * @return the hit count
   */
  public long hitCount() {
    return hitCount;
  }

  /**
   * Returns the number of lookups that found no live entry.
   *
   * @return the miss count
   */
  public long missCount() {
    return missCount;
  }

  /**
   * Returns hits plus misses.
   *
   * @return the number of lookups
   */
  public long requestCount() {
    return Checks.saturatedAdd(hitCount, missCount);
  }

  /**
   * Returns hits over lookups. Unlike Caffeine's, this is {@code 0.0} (not {@code 1.0}) before the
   * first lookup, so a fresh cache does not show a perfect score in a health report.
   *
   * @return the hit rate, from 0.0 to 1.0
   */
  public double hitRate() {
    long requests = requestCount();
    return requests == 0 ? 0.0 : (double) hitCount / requests;
  }

  /**
   * Returns misses over lookups, {@code 0.0} before the first lookup.
   *
   * @return the miss rate, from 0.0 to 1.0
   */
  public double missRate() {
    long requests = requestCount();
    return requests == 0 ? 0.0 : (double) missCount / requests;
  }

  /**
   * Returns the number of loader calls that returned a value.
   *
   * @return the successful load count
   */
  public long loadSuccessCount() {
    return loadSuccessCount;
  }

  /**
   * Returns the number of loader calls that threw or returned null.
   *
   * @return the failed load count
   */
  public long loadFailureCount() {
    return loadFailureCount;
  }

  /**
   * Returns successful plus failed loads.
   *
   * @return the number of loader calls
   */
  public long loadCount() {
    return Checks.saturatedAdd(loadSuccessCount, loadFailureCount);
  }

  /**
   * Returns the total time spent in loaders, successful or not.
   *
   * @return nanoseconds, by the cache's clock
   */
  public long totalLoadTimeNanos() {
    return totalLoadTimeNanos;
  }

  /**
   * Returns the average time of one load, {@code 0.0} before the first.
   *
   * @return nanoseconds per load
   */
  public double averageLoadPenaltyNanos() {
    long loads = loadCount();
    return loads == 0 ? 0.0 : (double) totalLoadTimeNanos / loads;
  }

  /**
   * Returns the number of entries removed for one cause.
   *
   * @param cause the cause
   * @return the count for that cause
   * @throws NullPointerException if {@code cause} is null
   */
  public long removalCount(RemovalCause cause) {
    return switch (requireNonNull(cause, "cause")) {
      case EXPLICIT -> explicitCount;
      case REPLACED -> replacedCount;
      case EXPIRED -> expiredCount;
      case SIZE -> sizeEvictionCount;
    };
  }

  /**
   * Returns the number of entries the cache removed on its own: expired plus evicted for size.
   *
   * @return the eviction count
   */
  public long evictionCount() {
    return Checks.saturatedAdd(expiredCount, sizeEvictionCount);
  }

  /**
   * Returns the number of live entries when the snapshot was taken.
   *
   * @return the entry count
   */
  public long entries() {
    return entries;
  }

  /**
   * Returns the total size of the live entries, as the cache's {@link Weigher} measured them
   * (entries it cannot measure count as zero).
   *
   * @return the size in bytes
   */
  public long totalSizeBytes() {
    return totalSizeBytes;
  }

  /**
   * Returns {@link #totalSizeBytes()} in mebibytes (1 MB = 1,048,576 bytes here), as the health
   * report's {@code total_size_mb} shows it.
   *
   * @return the size in MB
   */
  public double totalSizeMb() {
    return totalSizeBytes / BYTES_PER_MB;
  }

  /**
   * Returns the sum of this snapshot and another, for a report over several caches; the name is
   * this one's.
   *
   * @param other the snapshot to add
   * @return a new snapshot whose every count and gauge is the sum
   * @throws NullPointerException if {@code other} is null
   */
  public CacheStats plus(CacheStats other) {
    requireNonNull(other, "other");
    return builder(name)
        .hitCount(Checks.saturatedAdd(hitCount, other.hitCount))
        .missCount(Checks.saturatedAdd(missCount, other.missCount))
        .loadSuccessCount(Checks.saturatedAdd(loadSuccessCount, other.loadSuccessCount))
        .loadFailureCount(Checks.saturatedAdd(loadFailureCount, other.loadFailureCount))
        .totalLoadTimeNanos(Checks.saturatedAdd(totalLoadTimeNanos, other.totalLoadTimeNanos))
        .removalCount(
            RemovalCause.EXPLICIT, Checks.saturatedAdd(explicitCount, other.explicitCount))
        .removalCount(
            RemovalCause.REPLACED, Checks.saturatedAdd(replacedCount, other.replacedCount))
        .removalCount(RemovalCause.EXPIRED, Checks.saturatedAdd(expiredCount, other.expiredCount))
        .removalCount(
            RemovalCause.SIZE, Checks.saturatedAdd(sizeEvictionCount, other.sizeEvictionCount))
        .entries(Checks.saturatedAdd(entries, other.entries))
        .totalSizeBytes(Checks.saturatedAdd(totalSizeBytes, other.totalSizeBytes))
        .build();
  }

  /**
   * Returns the counts accumulated since an earlier snapshot of the same cache (each count floored
   * at zero); the gauges {@code entries} and {@code totalSizeBytes} are this snapshot's.
   *
   * @param earlier an earlier snapshot
   * @return a new snapshot holding the difference
   * @throws NullPointerException if {@code earlier} is null
   */
  public CacheStats minus(CacheStats earlier) {
    requireNonNull(earlier, "earlier");
    return builder(name)
        .hitCount(floorSub(hitCount, earlier.hitCount))
        .missCount(floorSub(missCount, earlier.missCount))
        .loadSuccessCount(floorSub(loadSuccessCount, earlier.loadSuccessCount))
        .loadFailureCount(floorSub(loadFailureCount, earlier.loadFailureCount))
        .totalLoadTimeNanos(floorSub(totalLoadTimeNanos, earlier.totalLoadTimeNanos))
        .removalCount(RemovalCause.EXPLICIT, floorSub(explicitCount, earlier.explicitCount))
        .removalCount(RemovalCause.REPLACED, floorSub(replacedCount, earlier.replacedCount))
        .removalCount(RemovalCause.EXPIRED, floorSub(expiredCount, earlier.expiredCount))
        .removalCount(RemovalCause.SIZE, floorSub(sizeEvictionCount, earlier.sizeEvictionCount))
        .entries(entries)
        .totalSizeBytes(totalSizeBytes)
        .build();
  }

  private static long floorSub(long a, long b) {
    return Math.max(0, a - b);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof CacheStats that)) {
      return false;
    }
    return name.equals(that.name)
        && hitCount == that.hitCount
        && missCount == that.missCount
        && loadSuccessCount == that.loadSuccessCount
        && loadFailureCount == that.loadFailureCount
        && totalLoadTimeNanos == that.totalLoadTimeNanos
        && explicitCount == that.explicitCount
        && replacedCount == that.replacedCount
        && expiredCount == that.expiredCount
        && sizeEvictionCount == that.sizeEvictionCount
        && entries == that.entries
        && totalSizeBytes == that.totalSizeBytes;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        name,
        hitCount,
        missCount,
        loadSuccessCount,
        loadFailureCount,
        totalLoadTimeNanos,
        explicitCount,
        replacedCount,
        expiredCount,
        sizeEvictionCount,
        entries,
        totalSizeBytes);
  }

  @Override
  public String toString() {
    return "CacheStats{name="
        + name
        + ", hitCount="
        + hitCount
        + ", missCount="
        + missCount
        + ", hitRate="
        + hitRate()
        + ", loadSuccessCount="
        + loadSuccessCount
        + ", loadFailureCount="
        + loadFailureCount
        + ", totalLoadTimeNanos="
        + totalLoadTimeNanos
        + ", explicit="
        + explicitCount
        + ", replaced="
        + replacedCount
        + ", expired="
        + expiredCount
        + ", size="
        + sizeEvictionCount
        + ", entries="
        + entries
        + ", totalSizeBytes="
        + totalSizeBytes
        + "}";
  }

  /** Builds a {@link CacheStats}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private long hitCount;
    private long missCount;
    private long loadSuccessCount;
    private long loadFailureCount;
    private long totalLoadTimeNanos;
    private long explicitCount;
    private long replacedCount;
    private long expiredCount;
    private long sizeEvictionCount;
    private long entries;
    private long totalSizeBytes;

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Sets the hit count.
     *
     * @param hitCount zero or more
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    @CanIgnoreReturnValue
    public Builder hitCount(long hitCount) {
      this.hitCount = nonNegative(hitCount, "hitCount");
      return this;
    }

    /**
     * Sets the miss count.
     *
     * @param missCount zero or more
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    @CanIgnoreReturnValue
    public Builder missCount(long missCount) {
      this.missCount = nonNegative(missCount, "missCount");
      return this;
    }

    /**
     * Sets the successful load count.
     *
     * @param loadSuccessCount zero or more
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    @CanIgnoreReturnValue
    public Builder loadSuccessCount(long loadSuccessCount) {
      this.loadSuccessCount = nonNegative(loadSuccessCount, "loadSuccessCount");
      return this;
    }

    /**
     * Sets the failed load count.
     *
     * @param loadFailureCount zero or more
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    @CanIgnoreReturnValue
    public Builder loadFailureCount(long loadFailureCount) {
      this.loadFailureCount = nonNegative(loadFailureCount, "loadFailureCount");
      return this;
    }

    /**
     * Sets the total load time.
     *
     * @param totalLoadTimeNanos zero or more nanoseconds
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    @CanIgnoreReturnValue
    public Builder totalLoadTimeNanos(long totalLoadTimeNanos) {
      this.totalLoadTimeNanos = nonNegative(totalLoadTimeNanos, "totalLoadTimeNanos");
      return this;
    }

    /**
     * Sets the number of entries removed for one cause.
     *
     * @param cause the cause
     * @param count zero or more
     * @return this builder
     * @throws NullPointerException if {@code cause} is null
     * @throws IllegalArgumentException if {@code count} is negative
     */
    @CanIgnoreReturnValue
    public Builder removalCount(RemovalCause cause, long count) {
      requireNonNull(cause, "cause");
      nonNegative(count, "removalCount(" + cause + ")");
      switch (cause) {
        case EXPLICIT -> explicitCount = count;
        case REPLACED -> replacedCount = count;
        case EXPIRED -> expiredCount = count;
        case SIZE -> sizeEvictionCount = count;
      }
      return this;
    }

    /**
     * Sets the number of live entries.
     *
     * @param entries zero or more
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    @CanIgnoreReturnValue
    public Builder entries(long entries) {
      this.entries = nonNegative(entries, "entries");
      return this;
    }

    /**
     * Sets the total size of the live entries.
     *
     * @param totalSizeBytes zero or more bytes
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    @CanIgnoreReturnValue
    public Builder totalSizeBytes(long totalSizeBytes) {
      this.totalSizeBytes = nonNegative(totalSizeBytes, "totalSizeBytes");
      return this;
    }

    /**
     * Returns the snapshot.
     *
     * @return a new immutable snapshot
     */
    public CacheStats build() {
      return new CacheStats(this);
    }

    private static long nonNegative(long value, String field) {
      if (value < 0) {
        throw new IllegalArgumentException(field + " must be >= 0 but was " + value);
      }
      return value;
    }
  }
}
