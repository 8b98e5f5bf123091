package ai.vaultgemma.core;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The server refused the call with HTTP 429 (rate limit, quota, or TGI's "model is overloaded").
 *
 * <p>Immutable. {@link #retryAfter()} is the wait the server asked for, read from {@code
 * retry-after-ms} (milliseconds) or {@code Retry-After} (seconds or an HTTP date); it is empty when
 * the server gave none, which OpenAI does for limits that need user action (insufficient quota).
 */
public class RateLimitedException extends InferenceHttpException {
  private static final long serialVersionUID = 1L;

  private final @Nullable Duration retryAfter;

  /**
   * Creates an exception.
   *
   * @param message the full message
   * @param status the HTTP status (429)
   * @param serverMessage the server's own error message, may be null
   * @param type the server's error type, may be null
   * @param code the server's error code as text, may be null
   * @param param the parameter the server blamed, may be null
   * @param requestId the request id, may be null
   * @param retryAfter the wait the server asked for, null if none
   */
  public RateLimitedException(
      String message,
      int status,
      @Nullable String serverMessage,
      @Nullable String type,
      @Nullable String code,
      @Nullable String param,
      @Nullable String requestId,
      @Nullable Duration retryAfter) {
    super(message, status, serverMessage, type, code, param, requestId);
    this.retryAfter = retryAfter;
  }

  /**
   * Returns how long the server asked the caller to wait.
   *
   * @return the wait, empty if the server gave none
   */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
