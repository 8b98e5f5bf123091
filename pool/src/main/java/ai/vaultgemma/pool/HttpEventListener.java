package ai.vaultgemma.pool;

import java.io.IOException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Hears what an {@link HttpPool} does, so a logger or metrics registry can record it. Every method
 * has an empty default, so new events break no implementation.
 *
 * <p>URLs passed here are redacted to scheme, host and port ({@code https://api.example/...}):
 * paths and query strings, which may carry keys, are left out, and no header is ever passed.
 *
 * <p>Methods are called on OkHttp's threads, often while a connection is held: they must be fast,
 * must not block and must not call back into the pool. An exception thrown by a method is caught
 * and logged at WARN; it never breaks the call. Implementations must be thread-safe.
 */
public interface HttpEventListener {

  /** A listener that ignores every event. */
  HttpEventListener NONE = new HttpEventListener() {};

  /**
   * A retry was decided and the pool is about to wait.
   *
   * @param method the HTTP method
   * @param redactedUrl the URL without path or query
   * @param attempt the attempt that just ended, 1-based
   * @param status the status of that attempt, or -1 when it failed with {@code failure}
   * @param failure the I/O failure of that attempt, or null when it got a response
   * @param wait how long the pool waits before the next attempt
   */
  default void retryScheduled(
      String method,
      String redactedUrl,
      int attempt,
      int status,
      @Nullable IOException failure,
      Duration wait) {}

  /**
   * A call completed: its final response was received and its body read or closed.
   *
   * @param method the HTTP method
   * @param redactedUrl the URL without path or query
   * @param status the final status
   * @param latencyNanos time from call start to the final response's headers
   */
  default void callEnd(String method, String redactedUrl, int status, long latencyNanos) {}

  /**
   * A call failed with an I/O error (including timeouts and cancellation).
   *
   * @param method the HTTP method
   * @param redactedUrl the URL without path or query
   * @param failure the failure
   * @param latencyNanos time from call start to the failure
   */
  default void callFailed(
      String method, String redactedUrl, IOException failure, long latencyNanos) {}
}
