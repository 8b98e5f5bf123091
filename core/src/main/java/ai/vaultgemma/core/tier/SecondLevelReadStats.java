package ai.vaultgemma.core.tier;

import com.google.errorprone.annotations.Immutable;

/**
 * An immutable snapshot of how the shared tier's second-level lookups ended ({@link
 * SharedTier#lookupAsync}, {@link SharedTier#lookup} and {@code secondLevelStore().get}). Every
 * lookup that passed the argument checks increments exactly one counter:
 *
 * <ul>
 *   <li>{@code hitCount}: a value was found;
 *   <li>{@code missCount}: the database answered "absent or expired";
 *   <li>{@code timeoutCount}: the database had not answered within the read budget; the caller got
 *       a miss at the budget (and the circuit breaker opened);
 *   <li>{@code failureCount}: the read failed (connection refused, statement error, corrupt entry);
 *       the caller got a miss;
 *   <li>{@code circuitOpenCount}: the circuit breaker was open, so the database was not asked; a
 *       miss at once;
 *   <li>{@code queueFullCount}: every read thread was busy and the read queue full, or the tier was
 *       closed; a miss at once.
 * </ul>
 *
 * <p>Counters are read one by one and may be slightly out of step under concurrency.
 *
 * @param hitCount lookups that found a value
 * @param missCount lookups the database answered as absent
 * @param timeoutCount lookups given up at the read budget
 * @param failureCount lookups that failed
 * @param circuitOpenCount lookups skipped because the breaker was open
 * @param queueFullCount lookups refused because the read queue was full or the tier closed
 */
@Immutable
public record SecondLevelReadStats(
    long hitCount,
    long missCount,
    long timeoutCount,
    long failureCount,
    long circuitOpenCount,
    long queueFullCount) {

  private static final SecondLevelReadStats EMPTY = new SecondLevelReadStats(0, 0, 0, 0, 0, 0);

  /**
   * Returns a snapshot with every counter at zero.
   *
   * @return the empty snapshot
   */
  public static SecondLevelReadStats empty() {
    return EMPTY;
  }

  /**
   * Returns the number of lookups: the sum of every counter.
   *
   * @return the sum
   */
  public long lookupCount() {
    return hitCount + missCount + timeoutCount + failureCount + circuitOpenCount + queueFullCount;
  }
}
