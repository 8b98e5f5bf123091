package ai.vaultgemma.core.tier.internal;

import static java.util.Objects.requireNonNull;

import ai.vaultgemma.core.tier.SharedRateLimitStats;
import ai.vaultgemma.core.tier.SharedRateLimits.Charge;
import ai.vaultgemma.core.tier.SharedRateLimits.Decision;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shared rate-limit cells in one table ({@link Dialect#rateDecision()}), decided on the tier's read
 * threads within the read budget, the way {@link JdbcSecondLevelStore} reads: a timer completes the
 * caller's future empty at the budget (counted from the call, so the wait for a thread and a
 * connection count too), a refused thread or an open breaker is empty at once, and connection
 * failures open the tier's breaker. The cells of one call are charged in one transaction, in key
 * order, and rolled back when one refuses. Thread-safe; owns nothing it is given.
 */
public final class JdbcRateLimitStore {

  private static final Logger log = LoggerFactory.getLogger(JdbcRateLimitStore.class);

  /** The most cells one call may be charged to. */
  static final int MAX_CHARGES = 16;

  /** Cells idle this long (their time this far in the past) are purged; covers clock skew. */
  static final long IDLE_NANOS = Duration.ofMinutes(10).toNanos();

  private final DataSource dataSource;
  private final Dialect dialect;
  private final CircuitBreaker breaker;
  private final ExecutorService readers;
  private final ScheduledExecutorService timer;
  private final Duration budget;
  private final int networkTimeoutMillis;
  private final int queryTimeoutSeconds;
  private final AtomicBoolean closed = new AtomicBoolean();

  private final LongAdder admitted = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final LongAdder timeouts = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder circuitOpen = new LongAdder();
  private final LongAdder queueFull = new LongAdder();
  private final LongAdder adjusted = new LongAdder();
  private final LongAdder adjustDropped = new LongAdder();

  /**
   * Creates the store.
   *
   * @param dataSource pooled connections; not closed here
   * @param dialect the database's SQL; must support rate decisions
   * @param breaker the tier's breaker
   * @param readers the tier's bounded read pool; not shut down here
   * @param timer runs the budget timers; never JDBC
   * @param budget the read budget
   */
  public JdbcRateLimitStore(
      DataSource dataSource,
      Dialect dialect,
      CircuitBreaker breaker,
      ExecutorService readers,
      ScheduledExecutorService timer,
      Duration budget) {
    this.dataSource = requireNonNull(dataSource, "dataSource");
    this.dialect = requireNonNull(dialect, "dialect");
    if (!dialect.supportsRateDecisions()) {
      throw new IllegalArgumentException(dialect.name() + " cannot take shared rate decisions");
    }
    this.breaker = requireNonNull(breaker, "breaker");
    this.readers = requireNonNull(readers, "readers");
    this.timer = requireNonNull(timer, "timer");
    this.budget = requireNonNull(budget, "budget");
    long millis = Math.min(Integer.MAX_VALUE, Math.max(1, budget.toMillis()));
    this.networkTimeoutMillis = (int) millis;
    this.queryTimeoutSeconds = JdbcSupport.querySeconds(millis);
  }

  /**
   * Decides on a read thread; the future completes within the budget, null when the database could
   * not decide, never exceptionally.
   *
   * @param charges the cells
   * @param nowNanos now, epoch nanoseconds
   * @return the decision, or null
   */
  public CompletableFuture<@Nullable Decision> decideAsync(List<Charge> charges, long nowNanos) {
    requireNonNull(charges, "charges");
    if (charges.isEmpty() || charges.size() > MAX_CHARGES) {
      throw new IllegalArgumentException(
          "charges must hold 1 to " + MAX_CHARGES + " cells but held " + charges.size());
    }
    if (closed.get()) {
      queueFull.increment();
      return CompletableFuture.completedFuture(null);
    }
    if (!breaker.isClosed()) {
      circuitOpen.increment();
      return CompletableFuture.completedFuture(null);
    }
    return new DecideTask(List.copyOf(charges), nowNanos).start(readers, timer, queueFull);
  }

  /** One decision, completed exactly once: by the statement, the budget or a refusal. */
  private final class DecideTask extends BudgetedRead<Decision> {
    final List<Charge> charges;
    final long nowNanos;

    DecideTask(List<Charge> charges, long nowNanos) {
      super("rate limit decision", breaker, budget, timeouts);
      this.charges = charges;
      this.nowNanos = nowNanos;
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
      Decision decision;
      try {
        decision = decide(charges, nowNanos);
      } catch (SQLException e) {
        if (!connectionFailure(e)) {
          log.warn("Shared rate limit decision in {} failed", dialect.rateTable, e);
        }
        finish(null, failures);
        return;
      } catch (RuntimeException e) {
        log.warn("Shared rate limit decision failed unexpectedly", e);
        finish(null, failures);
        return;
      }
      finish(decision, decision.admitted() ? admitted : refused);
    }
  }

  /** Charges every cell in one transaction, in key order; rolls back at the first refusal. */
  private Decision decide(List<Charge> charges, long now) throws SQLException {
    List<Integer> order = new ArrayList<>(charges.size());
    for (int i = 0; i < charges.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparing(i -> charges.get(i).key()));
    try (Connection c = dataSource.getConnection()) {
      boolean bounded = JdbcSupport.boundNetwork(c, networkTimeoutMillis);
      boolean single = charges.size() == 1;
      if (!single) {
        c.setAutoCommit(false);
      }
      try (PreparedStatement ps = c.prepareStatement(dialect.rateDecision())) {
        JdbcSupport.boundQuery(ps, bounded, queryTimeoutSeconds);
        long wait = 0;
        int limiting = -1;
        for (int i : order) {
          Charge charge = charges.get(i);
          ps.setString(1, charge.key());
          ps.setLong(2, now);
          ps.setLong(3, charge.costNanos());
          ps.setLong(4, now);
          ps.setLong(5, charge.costNanos());
          ps.setLong(6, now);
          ps.setLong(7, charge.burstNanos());
          ps.setLong(8, charge.allowedWaitNanos());
          ps.setString(9, charge.key());
          boolean ok;
          long tat;
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              ok = rs.getBoolean(1);
              tat = rs.getLong(2);
            } else {
              // Created by a concurrent call after this statement's snapshot, and refused.
              ok = false;
              tat = now + charge.burstNanos() + charge.costNanos();
            }
          }
          if (!ok) {
            if (!single) {
              c.rollback();
            }
            return new Decision(false, Math.max(1, tat - charge.burstNanos() - now), i);
          }
          // Admitted: the time before this charge was tat - cost, at least now.
          long w = tat - charge.costNanos() - charge.burstNanos() - now;
          if (w > wait) {
            wait = w;
            limiting = i;
          }
        }
        if (!single) {
          c.commit();
        }
        return new Decision(true, wait, limiting);
      } catch (SQLException | RuntimeException e) {
        if (!single) {
          JdbcSupport.rollbackQuietly(c, e);
        }
        throw e;
      } finally {
        if (!single) {
          JdbcSupport.restoreAutoCommit(c);
        }
      }
    }
  }

  /**
   * Queues a correction of one cell on a read thread; dropped and counted when it cannot run.
   *
   * @param key the cell
   * @param deltaNanos the correction
   */
  public void adjust(String key, long deltaNanos) {
    if (deltaNanos == 0) {
      return;
    }
    if (closed.get() || !breaker.isClosed()) {
      adjustDropped.increment();
      return;
    }
    try {
      readers.execute(() -> runAdjust(key, deltaNanos));
    } catch (RejectedExecutionException e) {
      adjustDropped.increment();
    }
  }

  private void runAdjust(String key, long deltaNanos) {
    if (closed.get() || !breaker.isClosed()) {
      adjustDropped.increment();
      return;
    }
    try (Connection c = dataSource.getConnection()) {
      boolean bounded = JdbcSupport.boundNetwork(c, networkTimeoutMillis);
      try (PreparedStatement ps = c.prepareStatement(dialect.rateAdjust())) {
        JdbcSupport.boundQuery(ps, bounded, queryTimeoutSeconds);
        ps.setLong(1, deltaNanos);
        ps.setString(2, key);
        ps.executeUpdate();
      }
      adjusted.increment();
    } catch (SQLException e) {
      adjustDropped.increment();
      if (JdbcSupport.isConnectionProblem(e) && !closed.get()) {
        breaker.onFailure("rate limit correction", e);
      }
    }
  }

  /**
   * Deletes cells idle for ten minutes by {@code nowNanos}, at most {@code limit}; on the calling
   * thread (the tier's maintenance thread). Skipped while the breaker is open.
   *
   * @param nowNanos now, epoch nanoseconds
   * @param limit the most rows deleted
   * @return the rows deleted
   */
  public int purgeIdle(long nowNanos, int limit) {
    if (closed.get() || !breaker.isClosed()) {
      return 0;
    }
    try (Connection c = dataSource.getConnection()) {
      boolean bounded =
          JdbcSupport.boundNetwork(
              c, networkTimeoutMillis * JdbcSecondLevelStore.BATCH_TIMEOUT_FACTOR);
      try (PreparedStatement ps = c.prepareStatement(dialect.purgeIdleRates())) {
        JdbcSupport.boundQuery(
            ps, bounded, queryTimeoutSeconds * JdbcSecondLevelStore.BATCH_TIMEOUT_FACTOR);
        ps.setLong(1, nowNanos - IDLE_NANOS);
        ps.setInt(2, limit);
        return ps.executeUpdate();
      }
    } catch (SQLException e) {
      if (JdbcSupport.isConnectionProblem(e) && !closed.get()) {
        breaker.onFailure("rate limit purge", e);
      } else {
        log.warn("Purge of idle rate limit cells in {} failed", dialect.rateTable, e);
      }
      return 0;
    }
  }

  /**
   * Completes a decision that the read pool dropped on shutdown, as refused a thread.
   *
   * @param task a task returned by the pool's {@code shutdownNow}
   */
  public void refuse(Runnable task) {
    if (task instanceof DecideTask decide) {
      decide.finish(null, queueFull);
    }
  }

  /** Stops taking decisions; pending ones answer empty at their budget or when they run. */
  public void close() {
    closed.set(true);
  }

  /** Returns how decisions and corrections ended. */
  public SharedRateLimitStats stats() {
    return new SharedRateLimitStats(
        admitted.sum(),
        refused.sum(),
        timeouts.sum(),
        failures.sum(),
        circuitOpen.sum(),
        queueFull.sum(),
        adjusted.sum(),
        adjustDropped.sum());
  }
}
