package ai.vaultgemma.core;

import org.jspecify.annotations.Nullable;

/**
 * The server answered with a success status but not with what the protocol promises: a body that is
 * not the expected JSON, a stream with an unreadable event, or a stream that ended without {@code
 * [DONE]} before every choice had finished. An {@code error} event inside a stream is a server
 * error instead ({@link StreamErrorException}, an {@link InferenceHttpException}). The message
 * never quotes the body (it may hold generated text).
 */
public class InvalidResponseException extends InferenceException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what was wrong
   * @param cause the parse failure, may be null
   */
  public InvalidResponseException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
