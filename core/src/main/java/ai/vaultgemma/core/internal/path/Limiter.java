package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.ConcurrencyLimitException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Concurrency slots for the calls that go to the server: at most {@code perEndpoint} at once to one
 * endpoint and {@code total} in all, whatever the call mode. A call that finds no slot waits in a
 * FIFO queue of at most {@code maxWaiting} calls, no longer than its deadline; a released slot goes
 * to the longest waiter. Waiting never blocks a thread of ours: an async or streamed call's wait is
 * a future, and only a blocking caller parks its own thread on it. Thread-safe.
 *
 * <p>One endpoint today (the client's base URL); the per-endpoint count is kept separate so several
 * endpoints can share the total.
 */
public final class Limiter {
  private final String endpoint;
  private final int perEndpoint;
  private final int total;
  private final int maxWaiting;
  private final ScheduledExecutorService timer;
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private int endpointActive;
  private int totalActive;

  /**
   * Creates the slots.
   *
   * @param endpoint names the endpoint in messages (host and port, never credentials)
   * @param perEndpoint slots per endpoint
   * @param total slots in all
   * @param maxWaiting calls that may wait for a slot; one more fails at once
   * @param timer ends waits at their deadline
   */
  public Limiter(
      String endpoint, int perEndpoint, int total, int maxWaiting, ScheduledExecutorService timer) {
    this.endpoint = endpoint;
    this.perEndpoint = perEndpoint;
    this.total = total;
    this.maxWaiting = maxWaiting;
    this.timer = timer;
  }

  /** A call waiting for a slot. */
  private static final class Waiter {
    final CompletableFuture<Void> granted = new CompletableFuture<>();
    final long startNanos = System.nanoTime();
    volatile ScheduledFuture<?> timeout;
  }

  /**
   * Takes a slot, or waits for one no longer than {@code maxWaitNanos}.
   *
   * @param maxWaitNanos the longest wait (the call's time left)
   * @return a future completed when the slot is this call's, or failed with a {@link
   *     ConcurrencyLimitException}; already complete when a slot was free
   */
  public CompletableFuture<Void> acquire(long maxWaitNanos) {
    Waiter waiter;
    synchronized (this) {
      if (waiters.isEmpty() && endpointActive < perEndpoint && totalActive < total) {
        endpointActive++;
        totalActive++;
        return CompletableFuture.completedFuture(null);
      }
      if (waiters.size() >= maxWaiting || maxWaitNanos <= 0) {
        return CompletableFuture.failedFuture(full(Duration.ZERO, waiters.size()));
      }
      waiter = new Waiter();
      waiters.addLast(waiter);
    }
    waiter.timeout = timer.schedule(() -> expire(waiter), maxWaitNanos, TimeUnit.NANOSECONDS);
    return waiter.granted;
  }

  /** Gives a slot back; the longest waiter gets it. Call exactly once per granted acquire. */
  public void release() {
    Waiter next;
    synchronized (this) {
      next = waiters.pollFirst();
      if (next == null) {
        endpointActive--;
        totalActive--;
        return;
      }
      // The slot passes to the waiter as it is: the counts do not change.
    }
    ScheduledFuture<?> timeout = next.timeout;
    if (timeout != null) {
      timeout.cancel(false);
    }
    next.granted.complete(null);
  }

  private void expire(Waiter waiter) {
    int waiting;
    synchronized (this) {
      if (!waiters.remove(waiter)) {
        return; // granted meanwhile
      }
      waiting = waiters.size();
    }
    waiter.granted.completeExceptionally(
        full(Duration.ofNanos(System.nanoTime() - waiter.startNanos), waiting));
  }

  /** A point-in-time count of the slots in use (approximate under load). */
  public synchronized int active() {
    return totalActive;
  }

  /** A point-in-time count of the calls waiting for a slot. */
  public synchronized int waiting() {
    return waiters.size();
  }

  private ConcurrencyLimitException full(Duration waited, int waiting) {
    int endpointNow;
    int totalNow;
    synchronized (this) {
      endpointNow = endpointActive;
      totalNow = totalActive;
    }
    boolean endpointFull = endpointNow >= perEndpoint;
    String why =
        waiting >= maxWaiting
            ? "no call slot free and " + maxWaiting + " calls already waiting"
            : "no call slot free, request timed out after " + waited.toMillis() + "ms";
    return new ConcurrencyLimitException(
        endpoint
            + " - "
            + why
            + " (endpoint active="
            + endpointNow
            + "/"
            + perEndpoint
            + ", total active="
            + totalNow
            + "/"
            + total
            + ", waiting="
            + waiting
            + ")",
        waited,
        endpointFull ? endpointNow : totalNow,
        endpointFull ? perEndpoint : total,
        waiting);
  }
}
