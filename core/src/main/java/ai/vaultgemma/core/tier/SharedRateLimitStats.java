package ai.vaultgemma.core.tier;

import com.google.errorprone.annotations.Immutable;

/**
 * An immutable snapshot of how the shared rate-limit decisions of {@link SharedRateLimits} ended.
 * Every decision increments exactly one of the first six counters:
 *
 * <ul>
 *   <li>{@code admittedCount}: the database charged every cell (the call may have had to wait);
 *   <li>{@code refusedCount}: the database refused the call (over a limit, or past its deadline);
 *   <li>{@code timeoutCount}: no answer within the read budget (the circuit breaker opened);
 *   <li>{@code failureCount}: the statement failed;
 *   <li>{@code circuitOpenCount}: the breaker was open, so the database was not asked;
 *   <li>{@code queueFullCount}: every read thread was busy and the read queue full, or the tier was
 *       closed.
 * </ul>
 *
 * <p>The last four are the decisions the client took alone, from its in-memory limiter ({@link
 * #fallbackCount()}): while they happen, the instances together may admit more than the limit.
 * {@code adjustedCount} and {@code adjustDroppedCount} count token corrections written and given
 * up. Counters are read one by one and may be slightly out of step under concurrency.
 *
 * @param admittedCount decisions that admitted the call
 * @param refusedCount decisions that refused the call
 * @param timeoutCount decisions given up at the read budget
 * @param failureCount decisions whose statement failed
 * @param circuitOpenCount decisions skipped because the breaker was open
 * @param queueFullCount decisions refused a thread, or asked of a closed tier
 * @param adjustedCount token corrections written
 * @param adjustDroppedCount token corrections given up (breaker open, queue full, failure)
 */
@Immutable
public record SharedRateLimitStats(
    long admittedCount,
    long refusedCount,
    long timeoutCount,
    long failureCount,
    long circuitOpenCount,
    long queueFullCount,
    long adjustedCount,
    long adjustDroppedCount) {

  /**
   * Returns the decisions the database could not take, so each instance decided alone.
   *
   * @return timeouts, failures, open-breaker skips and refused threads together
   */
  public long fallbackCount() {
    return timeoutCount + failureCount + circuitOpenCount + queueFullCount;
  }
}
