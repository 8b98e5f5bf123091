package ai.vaultgemma.core.tier.internal;

import static java.util.Objects.requireNonNull;

import ai.vaultgemma.logging.StructuredLogger;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The tier's circuit breaker for its database, shared by reads, writes and the log.
 *
 * <p>Closed: operations may use the database. The first failure of any operation opens it with a
 * reason; while open no operation touches the database ({@link #isClosed()} is one volatile read,
 * so callers are refused at no cost). A background probe, one at a time, runs {@code retryInterval}
 * after the opening (and after each failed probe) on the maintenance executor; it is given up after
 * {@code probeTimeout} (the next one waits until the stuck one returns, so never two run at once),
 * and its first success closes the breaker. Transitions are written once each as {@code db} events
 * (degraded at WARN, recovered at INFO), in the trace of the call that found the failure.
 *
 * <p>The scheduler only runs timers here, never JDBC. Thread-safe.
 */
public final class CircuitBreaker {

  /** The check a probe runs; it throws when the database cannot be used. */
  @FunctionalInterface
  public interface Probe {
    /**
     * Checks the database.
     *
     * @throws Exception when it cannot be used
     */
    void check() throws Exception;
  }

  private static final StructuredLogger events = StructuredLogger.of(CircuitBreaker.class);
  private static final int MAX_REASON_LENGTH = 300;

  private final String name;
  private final long retryNanos;
  private final long probeTimeoutNanos;
  private final ScheduledExecutorService scheduler;
  private final Executor probeExecutor;
  private final Probe probe;
  private final AtomicReference<@Nullable String> reason = new AtomicReference<>();
  private final AtomicBoolean probeScheduled = new AtomicBoolean();
  private final AtomicBoolean probeRunning = new AtomicBoolean();
  private final Object closedSignal = new Object();
  private volatile boolean shutdown;

  /**
   * Creates a closed breaker.
   *
   * @param name what it guards, for log lines, e.g. {@code "shared tier vg_"}
   * @param retryInterval the delay before a probe
   * @param probeTimeout how long a probe may take before it counts as failed
   * @param scheduler runs the timers; never JDBC
   * @param probeExecutor runs the probe
   * @param probe the check
   */
  public CircuitBreaker(
      String name,
      Duration retryInterval,
      Duration probeTimeout,
      ScheduledExecutorService scheduler,
      Executor probeExecutor,
      Probe probe) {
    this.name = requireNonNull(name, "name");
    this.retryNanos = retryInterval.toNanos();
    this.probeTimeoutNanos = probeTimeout.toNanos();
    this.scheduler = requireNonNull(scheduler, "scheduler");
    this.probeExecutor = requireNonNull(probeExecutor, "probeExecutor");
    this.probe = requireNonNull(probe, "probe");
  }

  /** Returns whether operations may use the database now; one volatile read. */
  public boolean isClosed() {
    return reason.get() == null;
  }

  /** Returns why the breaker is open, or null when it is closed. */
  public @Nullable String reason() {
    return reason.get();
  }

  /**
   * Records that {@code operation} failed: opens the breaker (or, if open, updates the reason) and
   * makes sure a probe is scheduled.
   *
   * @param operation what failed, e.g. {@code "L2 get"}
   * @param cause the failure
   */
  public void onFailure(String operation, Throwable cause) {
    open(operation, operation + " failed: " + describe(cause));
  }

  /**
   * Records that {@code operation} got no answer within {@code timeout}; as {@link #onFailure}.
   *
   * @param operation what timed out
   * @param timeout the bound it exceeded
   */
  public void onTimeout(String operation, Duration timeout) {
    open(operation, operation + " timed out after " + timeout.toMillis() + " ms");
  }

  /** Opens with a reason; the first opening writes a {@code db} event, in the caller's trace. */
  private void open(String operation, String why) {
    String was = reason.getAndSet(why);
    if (was == null) {
      events.dbState(
          operation,
          true,
          name
              + " is degraded: "
              + why
              + "; probing every "
              + TimeUnit.NANOSECONDS.toMillis(retryNanos)
              + " ms");
    }
    scheduleProbe();
  }

  /**
   * Waits until the breaker is closed, the breaker is shut down or {@code nanos} passed.
   *
   * @param nanos the longest wait
   * @return whether the breaker is closed
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitClosed(long nanos) throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    synchronized (closedSignal) {
      while (!isClosed() && !shutdown) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        TimeUnit.NANOSECONDS.timedWait(closedSignal, left);
      }
    }
    return isClosed();
  }

  /** Stops probing and wakes every {@link #awaitClosed} waiter. */
  public void shutdown() {
    shutdown = true;
    synchronized (closedSignal) {
      closedSignal.notifyAll();
    }
  }

  private void close() {
    String was = reason.getAndSet(null);
    if (was != null) {
      events.dbState("probe", false, name + " reaches the database again (was: " + was + ")");
    }
    synchronized (closedSignal) {
      closedSignal.notifyAll();
    }
  }

  // startProbe catches what it expects; a timer failure would show in the next probe's absence.
  @SuppressWarnings("FutureReturnValueIgnored")
  private void scheduleProbe() {
    if (shutdown || !probeScheduled.compareAndSet(false, true)) {
      return;
    }
    try {
      scheduler.schedule(this::startProbe, retryNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      probeScheduled.set(false); // shutting down
    }
  }

  /** On the scheduler: hands one probe to the probe executor, with a timer that gives it up. */
  private void startProbe() {
    probeScheduled.set(false);
    if (shutdown || isClosed()) {
      return;
    }
    if (!probeRunning.compareAndSet(false, true)) {
      scheduleProbe(); // the previous probe is still stuck in the database: one at a time
      return;
    }
    AtomicBoolean settled = new AtomicBoolean();
    Future<?> timer;
    try {
      timer =
          scheduler.schedule(
              () -> {
                if (settled.compareAndSet(false, true)) {
                  open(
                      "probe",
                      "probe got no answer within "
                          + TimeUnit.NANOSECONDS.toMillis(probeTimeoutNanos)
                          + " ms");
                }
              },
              probeTimeoutNanos,
              TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      probeRunning.set(false);
      return;
    }
    try {
      probeExecutor.execute(() -> runProbe(settled, timer));
    } catch (RejectedExecutionException e) {
      probeRunning.set(false);
      timer.cancel(false);
      if (settled.compareAndSet(false, true)) {
        scheduleProbe();
      }
    }
  }

  private void runProbe(AtomicBoolean settled, Future<?> timer) {
    try {
      probe.check();
      settled.set(true);
      timer.cancel(false);
      close(); // even a late success shows the database answers again
    } catch (Exception e) {
      if (settled.compareAndSet(false, true)) {
        timer.cancel(false);
        open("probe", "probe failed: " + describe(e));
      }
    } finally {
      probeRunning.set(false);
    }
  }

  static String describe(Throwable e) {
    String message = e.getMessage();
    String text = e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    text = text.replace('\n', ' ');
    return text.length() <= MAX_REASON_LENGTH ? text : text.substring(0, MAX_REASON_LENGTH) + "...";
  }

  @Override
  public String toString() {
    String r = reason.get();
    return "CircuitBreaker{" + name + ", " + (r == null ? "closed" : "open: " + r) + "}";
  }
}
