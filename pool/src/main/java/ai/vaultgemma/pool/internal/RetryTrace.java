package ai.vaultgemma.pool.internal;

/**
 * What the retry interceptor did to one call, for the pool's execute helpers: attached to the
 * request as a tag, written by the interceptor, read after the call returns. A call runs its
 * interceptor chain on one thread at a time, and the fields are volatile so an async callback on
 * another thread sees them.
 */
public final class RetryTrace {
  private volatile int attempts;
  private volatile long waitedNanos;
  private volatile boolean exhausted;
  private volatile long retryAfterNanos = -1;

  void attempt(int attempt) {
    attempts = attempt;
  }

  @SuppressWarnings("NonAtomicVolatileUpdate") // one writer: the thread running the call
  void waited(long nanos) {
    waitedNanos += nanos;
  }

  void exhausted(long retryAfterNanos) {
    this.retryAfterNanos = retryAfterNanos;
    exhausted = true;
  }

  /** Returns the attempts made so far, the first one included. */
  public int attempts() {
    return attempts;
  }

  /** Returns the total nanoseconds waited between attempts. */
  public long waitedNanos() {
    return waitedNanos;
  }

  /** Returns whether the policy gave up on a retryable outcome. */
  public boolean exhausted() {
    return exhausted;
  }

  /** Returns the last server-requested wait before capping in nanoseconds, or -1 if none. */
  public long retryAfterNanos() {
    return retryAfterNanos;
  }
}
