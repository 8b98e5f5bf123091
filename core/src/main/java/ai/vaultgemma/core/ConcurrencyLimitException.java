package ai.vaultgemma.core;

import java.time.Duration;

/**
 * A call found no free concurrency slot within its deadline, or found the queue of waiting calls
 * full. Nothing was sent to the server. The message says which limit and in what state, in the
 * manner of HikariCP's connection timeout: {@code localhost:8080 - no call slot free, request timed
 * out after 30000ms (endpoint active=256/256, total active=256/1024, waiting=17)}.
 *
 * <p>Immutable. Retrying at once usually fails again: the client is at the limit it was given (see
 * {@code InferenceClient.Builder#maxConcurrentCalls}).
 */
public class ConcurrencyLimitException extends InferenceException {
  private static final long serialVersionUID = 1L;

  private final Duration waited;
  private final int active;
  private final int limit;
  private final int waiting;

  /**
   * Creates an exception.
   *
   * @param message the full message
   * @param waited how long the call waited for a slot
   * @param active the calls holding a slot of the limit that was full
   * @param limit that limit
   * @param waiting the calls waiting for a slot when this one gave up
   */
  public ConcurrencyLimitException(
      String message, Duration waited, int active, int limit, int waiting) {
    super(message);
    this.waited = waited;
    this.active = active;
    this.limit = limit;
    this.waiting = waiting;
  }

  /**
   * Returns how long the call waited for a slot.
   *
   * @return the wait
   */
  public Duration waited() {
    return waited;
  }

  /**
   * Returns how many calls held a slot of the full limit.
   *
   * @return the active calls
   */
  public int active() {
    return active;
  }

  /**
   * Returns the limit that was full.
   *
   * @return the limit
   */
  public int limit() {
    return limit;
  }

  /**
   * Returns how many calls were waiting for a slot.
   *
   * @return the waiting calls
   */
  public int waiting() {
    return waiting;
  }
}
