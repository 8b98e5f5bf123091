package ai.vaultgemma.core.tier.internal;

import ai.vaultgemma.logging.TraceContext;
import ai.vaultgemma.logging.TraceScope;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * One piece of database work a caller waits for within the tier's read budget (an L2 lookup, a
 * rate-limit decision). It runs on the tier's bounded read pool and is completed exactly once: by
 * its work, by the budget's timer, by a refused hand-off, or at close. Its future never completes
 * exceptionally: null means "no answer", and a counter says why. What a failure tells the breaker
 * is said in the trace of the call that asked, so the {@code db} event carries that call's trace.
 *
 * @param <T> what the work answers
 */
@SuppressWarnings("try") // trace scopes are opened for their MDC side effect
abstract class BudgetedRead<T> implements Runnable {
  /** Completed exactly once; never exceptionally. */
  final CompletableFuture<@Nullable T> result = new CompletableFuture<>();

  private final String operation;
  private final CircuitBreaker breaker;
  private final Duration budget;
  private final LongAdder timeouts;
  private final @Nullable TraceContext trace = TraceContext.current();

  /** Set once by whoever ends the work, before counting, so a counter is in step on wake-up. */
  private final AtomicBoolean settled = new AtomicBoolean();

  private volatile @Nullable ScheduledFuture<?> timer;

  /**
   * Creates the work, on the caller's thread (whose trace it keeps).
   *
   * @param operation what it is, for the breaker's reason, e.g. {@code "L2 get"}
   * @param breaker the tier's breaker
   * @param budget the read budget
   * @param timeouts counts the work given up at the budget
   */
  BudgetedRead(String operation, CircuitBreaker breaker, Duration budget, LongAdder timeouts) {
    this.operation = operation;
    this.breaker = breaker;
    this.budget = budget;
    this.timeouts = timeouts;
  }

  /**
   * Hands the work to the read pool and arms the budget's timer. A pool that refuses it completes
   * it at once, counted in {@code refused}.
   *
   * @param readers the tier's read pool
   * @param timers runs the budget timers; never JDBC
   * @param refused counts work the pool refused
   * @return the future the caller waits on
   */
  final CompletableFuture<@Nullable T> start(
      ExecutorService readers, ScheduledExecutorService timers, LongAdder refused) {
    try {
      timer = timers.schedule(this::giveUp, budget.toNanos(), TimeUnit.NANOSECONDS);
      readers.execute(this);
    } catch (RejectedExecutionException e) {
      finish(null, refused);
    }
    return result;
  }

  /**
   * Hands the work to the read pool and waits for it on this thread, which keeps the budget itself
   * (no timer to arm and cancel, so no timer thread wakes for it): the form for a caller that
   * blocks anyway. Gives up at the budget, and when interrupted (the interrupt is kept).
   *
   * @param readers the tier's read pool
   * @param refused counts work the pool refused
   * @return the answer, or null
   */
  final @Nullable T startAndWait(ExecutorService readers, LongAdder refused) {
    try {
      readers.execute(this);
    } catch (RejectedExecutionException e) {
      finish(null, refused);
      return null;
    }
    try {
      return result.get(budget.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      giveUp();
    } catch (TimeoutException e) {
      giveUp();
    } catch (ExecutionException e) {
      throw new AssertionError("never completed exceptionally", e);
    }
    return result.getNow(null); // the work may have ended between the wait and giving up
  }

  @Override
  public final void run() {
    if (settled.get()) {
      return; // given up at the budget while it waited for a thread
    }
    work();
  }

  /** Does the work on a read thread and ends with one {@link #finish}. */
  abstract void work();

  /** Whether the store is closed: then no failure reaches the breaker. */
  abstract boolean storeClosed();

  /**
   * Tells the breaker of a failure that is the database's (not the request's).
   *
   * @param e the failure
   * @return whether it was a connection problem, which opened the breaker
   */
  final boolean connectionFailure(SQLException e) {
    if (!JdbcSupport.isConnectionProblem(e)) {
      return false;
    }
    if (!storeClosed()) {
      try (TraceScope ignored = inTrace()) {
        breaker.onFailure(operation, e);
      }
    }
    return true;
  }

  /** Ends the work at the budget: no answer, counted, and the breaker told. */
  final void giveUp() {
    if (settled.compareAndSet(false, true)) {
      timeouts.increment();
      if (!storeClosed()) {
        try (TraceScope ignored = inTrace()) {
          breaker.onTimeout(operation, budget);
        }
      }
      result.complete(null);
    }
  }

  /**
   * Ends the work with an answer (or none), counted, unless it already ended.
   *
   * @param value the answer, or null
   * @param counter counts this way of ending
   */
  final void finish(@Nullable T value, LongAdder counter) {
    if (settled.compareAndSet(false, true)) {
      counter.increment();
      ScheduledFuture<?> t = timer;
      if (t != null) {
        t.cancel(false);
      }
      result.complete(value);
    }
  }

  private @Nullable TraceScope inTrace() {
    TraceContext t = trace;
    return t == null ? null : t.makeCurrent();
  }
}
