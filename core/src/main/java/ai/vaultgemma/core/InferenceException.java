package ai.vaultgemma.core;

import org.jspecify.annotations.Nullable;

/**
 * The root of every runtime failure of an inference call; unchecked.
 *
 * <p>Subtypes say what failed: {@link InferenceHttpException} (the server answered with an error:
 * an error status, {@link RateLimitedException} for 429, or {@link StreamErrorException} for an
 * error event inside a stream), {@link InferenceTimeoutException}, {@link
 * InferenceConnectionException} and {@link InvalidResponseException} (the server answered, but not
 * with what the protocol promises, such as a stream cut before its end). Caller mistakes are not
 * here: they are {@link IllegalArgumentException}s thrown before anything is sent.
 *
 * <p>Messages name the method, the URL path and the status, and the server's own message where it
 * gave one. They never contain the API key, request headers or prompt text.
 */
public class InferenceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what failed
   * @param cause the underlying failure, may be null
   */
  public InferenceException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /**
   * Creates an exception without a cause.
   *
   * @param message what failed
   */
  public InferenceException(String message) {
    super(message);
  }
}
