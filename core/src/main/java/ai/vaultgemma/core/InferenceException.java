package ai.vaultgemma.core;

import org.jspecify.annotations.Nullable;

/**
 * The root of every runtime failure of an inference call; unchecked.
 *
 * <p>Subtypes say what failed: {@link InferenceHttpException} (the server answered with an error
 * status, {@link RateLimitedException} for 429), {@link InferenceTimeoutException}, {@link
 * InferenceConnectionException} and {@link InvalidResponseException} (the server answered, but not
 * with what the protocol promises; {@link StreamErrorException} for an error inside a stream).
 * Caller mistakes are not here: they are {@link IllegalArgumentException}s thrown before anything
 * is sent.
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
