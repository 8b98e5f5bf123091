package ai.vaultgemma.cache;

import ai.vaultgemma.cache.internal.Checks;
import com.google.errorprone.annotations.Immutable;
import org.jspecify.annotations.Nullable;

/**
 * An immutable snapshot of a {@link SecondLevelStore}'s counters, taken by {@link
 * SecondLevelStore#stats()}.
 *
 * <p>What increments each counter:
 *
 * <ul>
 *   <li>{@code hitCount}: a {@code get} that returned a value;
 *   <li>{@code missCount}: a {@code get} the store answered with "absent or expired";
 *   <li>{@code errorCount}: a {@code get} that could not be answered (the backing service failed,
 *       timed out, or the store is degraded and skipped it); the caller saw a miss;
 *   <li>{@code writeCount}: a {@code put} that was stored;
 *   <li>{@code writeFailureCount}: a {@code put} or {@code invalidate} that failed or was skipped
 *       while degraded;
 *   <li>{@code oversizedCount}: a {@code put} not stored because the value was above the size
 *       limit;
 *   <li>{@code purgedCount}: expired entries removed by background purging.
 * </ul>
 *
 * <p>Counters are read one by one and may be slightly out of step with each other under
 * concurrency. {@code degradedReason} is non-null while the store cannot reach its backing service.
 *
 * @param hitCount gets that returned a value
 * @param missCount gets answered as absent or expired
 * @param errorCount gets that failed and were reported as misses
 * @param writeCount puts stored
 * @param writeFailureCount puts and invalidations that failed
 * @param oversizedCount puts rejected because the value was too large
 * @param purgedCount expired entries purged
 * @param degradedReason why the store is degraded, or null when it is healthy
 */
@Immutable
public record SecondLevelStats(
    long hitCount,
    long missCount,
    long errorCount,
    long writeCount,
    long writeFailureCount,
    long oversizedCount,
    long purgedCount,
    @Nullable String degradedReason) {

  private static final SecondLevelStats EMPTY = new SecondLevelStats(0, 0, 0, 0, 0, 0, 0, null);

  /**
   * Checks that no counter is negative.
   *
   * @throws IllegalArgumentException if a counter is negative
   */
  public SecondLevelStats {
    requireNonNegative("hitCount", hitCount);
    requireNonNegative("missCount", missCount);
    requireNonNegative("errorCount", errorCount);
    requireNonNegative("writeCount", writeCount);
    requireNonNegative("writeFailureCount", writeFailureCount);
    requireNonNegative("oversizedCount", oversizedCount);
    requireNonNegative("purgedCount", purgedCount);
  }

  /**
   * Returns a snapshot with every counter at zero and no degraded reason.
   *
   * @return the empty snapshot
   */
  public static SecondLevelStats empty() {
    return EMPTY;
  }

  /**
   * Returns whether the store could not reach its backing service at its last attempt.
   *
   * @return true when {@link #degradedReason()} is non-null
   */
  public boolean degraded() {
    return degradedReason != null;
  }

  /**
   * Returns the number of gets: hits, misses and errors.
   *
   * @return the saturated sum
   */
  public long requestCount() {
    return Checks.saturatedAdd(Checks.saturatedAdd(hitCount, missCount), errorCount);
  }

  /**
   * Returns hits divided by all gets, or {@code 1.0} when there were none (as Caffeine does).
   *
   * @return the hit rate in {@code [0, 1]}
   */
  public double hitRate() {
    long requests = requestCount();
    return requests == 0 ? 1.0 : (double) hitCount / requests;
  }

  private static void requireNonNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0 but was " + value);
    }
  }
}
