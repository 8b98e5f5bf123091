package ai.vaultgemma.pool;

import java.io.IOException;
import java.time.Duration;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Hears each attempt of one request: attach it to the request as a tag ({@code
 * request.newBuilder().tag(HttpAttemptListener.class, listener)}) and the pool's retry stage calls
 * it for every attempt it sends, every answer or failure it gets, and every retry it schedules.
 * Where {@link HttpEventListener} hears the whole pool, this hears one call, so a tracer can open a
 * span per attempt and put that attempt's trace header on it.
 *
 * <p>Calls come on the thread that runs the request (the caller's for a blocking call, OkHttp's
 * dispatcher for an enqueued one), one at a time per request, while a connection may be held: be
 * fast and never block. An exception thrown here is caught and logged at WARN; it never breaks the
 * request. Every method has an empty default.
 */
public interface HttpAttemptListener {

  /**
   * An attempt is about to be sent.
   *
   * @param attempt the attempt's number, 1 for the first
   * @param header sets a header on this attempt only (such as {@code traceparent}); valid during
   *     this call only, {@link IllegalStateException} after it. {@code Authorization}, {@code
   *     Host}, {@code Content-Length} and {@code Content-Type} cannot be set, and a name or value a
   *     header cannot carry is refused; both throw {@link IllegalArgumentException}
   */
  default void attemptStart(int attempt, BiConsumer<String, String> header) {}

  /**
   * An attempt got a response (its headers; the body may still be streaming).
   *
   * @param attempt the attempt's number
   * @param status the HTTP status
   * @param latencyNanos from the attempt's start to its response headers
   */
  default void attemptEnd(int attempt, int status, long latencyNanos) {}

  /**
   * An attempt failed without a response (connect, I/O, timeout or cancel).
   *
   * @param attempt the attempt's number
   * @param failure the failure
   * @param latencyNanos from the attempt's start to the failure
   */
  default void attemptFailed(int attempt, IOException failure, long latencyNanos) {}

  /**
   * The retry policy scheduled another attempt after this one.
   *
   * @param attempt the attempt that just ended
   * @param status its status, or -1 when it failed with {@code failure}
   * @param failure its failure, or null when it got a response
   * @param wait how long the pool waits before the next attempt
   */
  default void retryScheduled(
      int attempt, int status, @Nullable IOException failure, Duration wait) {}
}
