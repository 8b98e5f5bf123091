package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.ConcurrencyLimitException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Concurrency slots for the calls that go to the server: at most {@code perEndpoint} at once to one
 * endpoint and {@code total} in all, whatever the call mode. A call that finds no slot waits in a
 * FIFO queue of at most {@code maxWaiting} calls, no longer than its deadline; a released slot goes
 * to the longest waiter that can use it (one waiting for the same endpoint, or for any endpoint
 * with room when a total slot was freed). Waiting never blocks a thread of ours: an async or
 * streamed call's wait is a future, and only a blocking caller parks its own thread on it.
 * Thread-safe.
 */
public final class Limiter {
  private final int perEndpoint;
  private final int total;
  private final int maxWaiting;
  private final ScheduledExecutorService timer;
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private int totalActive;

  /**
   * Creates the slots.
   *
   * @param perEndpoint slots per endpoint
   * @param total slots in all
   * @param maxWaiting calls that may wait for a slot; one more fails at once
   * @param timer ends waits at their deadline
   */
  public Limiter(int perEndpoint, int total, int maxWaiting, ScheduledExecutorService timer) {
    this.perEndpoint = perEndpoint;
    this.total = total;
    this.maxWaiting = maxWaiting;
    this.timer = timer;
  }

  /**
   * The slots of one endpoint. Its count is guarded by the limiter's lock.
   *
   * @return a new bucket named for messages (host and port, never credentials)
   * @param endpoint the endpoint's name
   */
  public Bucket bucket(String endpoint) {
    return new Bucket(endpoint);
  }

  /** The per-endpoint count of one endpoint. */
  public static final class Bucket {
    final String endpoint;
    int active; // guarded by the limiter

    Bucket(String endpoint) {
      this.endpoint = endpoint;
    }

    /** The endpoint's name, as messages show it. */
    public String endpoint() {
      return endpoint;
    }
  }

  /** A call waiting for a slot. */
  private static final class Waiter {
    final Bucket bucket;
    final CompletableFuture<Void> granted = new CompletableFuture<>();
    final long startNanos = System.nanoTime();
    volatile ScheduledFuture<?> timeout;

    Waiter(Bucket bucket) {
      this.bucket = bucket;
    }
  }

  /**
   * Takes a slot of {@code bucket}'s endpoint, or waits for one no longer than {@code
   * maxWaitNanos}.
   *
   * @param bucket the endpoint's slots
   * @param maxWaitNanos the longest wait (the call's time left)
   * @return a future completed when the slot is this call's, or failed with a {@link
   *     ConcurrencyLimitException}; already complete when a slot was free
   */
  public CompletableFuture<Void> acquire(Bucket bucket, long maxWaitNanos) {
    Waiter waiter;
    synchronized (this) {
      if (!hasWaiterFor(bucket) && bucket.active < perEndpoint && totalActive < total) {
        bucket.active++;
        totalActive++;
        return CompletableFuture.completedFuture(null);
      }
      if (waiters.size() >= maxWaiting || maxWaitNanos <= 0) {
        return CompletableFuture.failedFuture(full(bucket, Duration.ZERO, waiters.size()));
      }
      waiter = new Waiter(bucket);
      waiters.addLast(waiter);
    }
    waiter.timeout = timer.schedule(() -> expire(waiter), maxWaitNanos, TimeUnit.NANOSECONDS);
    return waiter.granted;
  }

  /** FIFO per endpoint: a new call does not pass a waiter that could take the same slot. */
  private boolean hasWaiterFor(Bucket bucket) {
    if (waiters.isEmpty()) {
      return false;
    }
    if (totalActive >= total) {
      return true;
    }
    for (Waiter w : waiters) {
      if (w.bucket == bucket) {
        return true;
      }
    }
    return false;
  }

  /**
   * Gives a slot of {@code bucket} back; the longest waiter that can use it gets it. Call exactly
   * once per granted acquire.
   *
   * @param bucket the endpoint the slot was taken from
   */
  public void release(Bucket bucket) {
    Waiter next = null;
    synchronized (this) {
      bucket.active--;
      totalActive--;
      if (!waiters.isEmpty()) {
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
          Waiter w = it.next();
          if (w.bucket.active < perEndpoint && totalActive < total) {
            it.remove();
            w.bucket.active++;
            totalActive++;
            next = w;
            break;
          }
        }
      }
    }
    if (next != null) {
      ScheduledFuture<?> timeout = next.timeout;
      if (timeout != null) {
        timeout.cancel(false);
      }
      next.granted.complete(null);
    }
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
        full(waiter.bucket, Duration.ofNanos(System.nanoTime() - waiter.startNanos), waiting));
  }

  /** A point-in-time count of the slots in use (approximate under load). */
  public synchronized int active() {
    return totalActive;
  }

  /**
   * A point-in-time count of one endpoint's slots in use.
   *
   * @param bucket the endpoint's slots
   * @return the count
   */
  public synchronized int active(Bucket bucket) {
    return bucket.active;
  }

  /** A point-in-time count of the calls waiting for a slot. */
  public synchronized int waiting() {
    return waiters.size();
  }

  private ConcurrencyLimitException full(Bucket bucket, Duration waited, int waiting) {
    int endpointNow;
    int totalNow;
    synchronized (this) {
      endpointNow = bucket.active;
      totalNow = totalActive;
    }
    boolean endpointFull = endpointNow >= perEndpoint;
    String why =
        waiting >= maxWaiting
            ? "no call slot free and " + maxWaiting + " calls already waiting"
            : "no call slot free, request timed out after " + waited.toMillis() + "ms";
    return new ConcurrencyLimitException(
        bucket.endpoint
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
