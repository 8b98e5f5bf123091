package ai.vaultgemma.core.tier;

import static java.util.Objects.requireNonNull;

import ai.vaultgemma.core.tier.internal.JdbcRateLimitStore;
import com.google.errorprone.annotations.Immutable;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Rate-limit cells in the shared tier's database, so that several client instances share one limit
 * through the PostgreSQL they already run. Each cell is a GCRA (generic cell rate algorithm) cell:
 * one row holding a theoretical arrival time ({@code tat}, epoch nanoseconds); a decision is one
 * atomic {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE ... RETURNING} statement per cell, the
 * cells of one call in one transaction (in key order, so two calls never deadlock), so a call is
 * charged all its cells or none.
 *
 * <p>"Now" is the caller's clock, not the database's, so tests can drive time: the clocks of the
 * instances sharing a cell must agree to within its burst, or the one ahead gets less than its
 * share.
 *
 * <p>As every tier operation, a decision never runs JDBC on the calling thread and never holds the
 * caller longer than the tier's read budget ({@link SharedTierConfig#readTimeout()}): on timeout, a
 * database error, an open circuit breaker or a full read queue, {@link #decideAsync} completes with
 * {@link Optional#empty()} (never exceptionally), and the caller decides alone (the client falls
 * back to its in-memory limiter). Each ending is counted in {@link #stats()}.
 *
 * <p>Only PostgreSQL: {@link SharedTier#rateLimits()} is empty on H2, which serves one process,
 * where an in-memory limit is the same thing. Thread-safe; owned by its tier.
 */
public final class SharedRateLimits {

  /**
   * One cell a call is charged to.
   *
   * @param key the cell's key, at most 512 characters, e.g. {@code scope:tenant-a:requests}
   * @param costNanos how far the call moves the cell's time: units times the nanoseconds of a unit
   * @param burstNanos how far ahead of now the cell's time may be and still admit at once
   * @param allowedWaitNanos how much further ahead it may be for a call that waits (0 to reject)
   */
  @Immutable
  public record Charge(String key, long costNanos, long burstNanos, long allowedWaitNanos) {
    /**
     * Checks the arguments.
     *
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code key} is longer than 512 characters or a time is
     *     negative
     */
    public Charge {
      requireNonNull(key, "key");
      if (key.length() > 512) {
        throw new IllegalArgumentException("key length must be <= 512 but was " + key.length());
      }
      if (costNanos < 0 || burstNanos < 0 || allowedWaitNanos < 0) {
        throw new IllegalArgumentException(
            "costNanos, burstNanos and allowedWaitNanos must be >= 0 but were "
                + costNanos
                + ", "
                + burstNanos
                + ", "
                + allowedWaitNanos);
      }
    }
  }

  /**
   * What the database decided for one call.
   *
   * @param admitted whether every cell was charged; if not, none was
   * @param waitNanos admitted: how long the call waits before it goes; refused: how long until the
   *     refusing cell would have let it through, as things stood
   * @param limiting the index of the cell that set the wait (admitted) or refused (not admitted),
   *     or -1 when no cell made the call wait
   */
  @Immutable
  public record Decision(boolean admitted, long waitNanos, int limiting) {}

  private final JdbcRateLimitStore store;

  SharedRateLimits(JdbcRateLimitStore store) {
    this.store = store;
  }

  /**
   * Charges a call to {@code charges} on a tier thread, all or none.
   *
   * @param charges the cells, at most 16
   * @param nowNanos now, in epoch nanoseconds of the caller's clock
   * @return a future that completes within the read budget with the decision, or empty when the
   *     database could not decide (timeout, failure, open breaker, full queue, closed tier); never
   *     exceptionally. It completes on a tier thread: continue on an executor of the caller's.
   * @throws NullPointerException if {@code charges} is null
   * @throws IllegalArgumentException if {@code charges} is empty or has more than 16 cells
   */
  public CompletableFuture<Optional<Decision>> decideAsync(List<Charge> charges, long nowNanos) {
    return store.decideAsync(charges, nowNanos).thenApply(Optional::ofNullable);
  }

  /**
   * Moves a cell's time by {@code deltaNanos} (positive: the call used more than it was charged;
   * negative: less), on a tier thread; returns at once. Skipped and counted as dropped while the
   * breaker is open, the read queue is full or the tier is closed.
   *
   * @param key the cell's key
   * @param deltaNanos the correction
   * @throws NullPointerException if {@code key} is null
   */
  public void adjust(String key, long deltaNanos) {
    store.adjust(requireNonNull(key, "key"), deltaNanos);
  }

  /**
   * Returns how decisions and corrections ended.
   *
   * @return a snapshot
   */
  public SharedRateLimitStats stats() {
    return store.stats();
  }

  @Override
  public String toString() {
    return "SharedRateLimits{" + stats() + "}";
  }
}
