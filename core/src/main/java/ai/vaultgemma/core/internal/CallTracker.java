package ai.vaultgemma.core.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Counts the calls in flight so that {@code close()} can stop taking new ones and wait, up to a
 * timeout, for the rest to finish. Thread-safe.
 */
public final class CallTracker {
  private final String owner;
  private int inFlight;
  private boolean closed;

  /**
   * Creates a tracker.
   *
   * @param owner named in the exception a call gets after close
   */
  public CallTracker(String owner) {
    this.owner = owner;
  }

  /**
   * Registers a call.
   *
   * @throws IllegalStateException if the tracker is closed
   */
  public synchronized void enter() {
    if (closed) {
      throw new IllegalStateException(owner + " is closed and takes no new calls");
    }
    inFlight++;
  }

  /** Registers the end of a call that {@link #enter()} registered. */
  public synchronized void exit() {
    inFlight--;
    if (inFlight <= 0) {
      notifyAll();
    }
  }

  /** Returns true once {@link #closeAndAwait} has been called. */
  public synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Takes no new calls from now on, then waits for the calls in flight to end.
   *
   * @param timeout how long to wait at most
   * @return the number of calls still in flight when the wait ended (0 if all finished)
   */
  public synchronized int closeAndAwait(Duration timeout) {
    closed = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean interrupted = false;
    while (inFlight > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        interrupted = true;
        break;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return inFlight;
  }
}
