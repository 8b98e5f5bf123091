package ai.vaultgemma.core;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The server sent an error inside a stream that had started with HTTP 200: an {@code event: error}
 * (Groq) or a {@code data:} payload with an {@code error} object (OpenAI, OpenRouter).
 *
 * <p>It is a server error like any other: {@code catch (InferenceHttpException e)} catches it, with
 * the payload's message, type and code. {@link #status()} is the status the payload names ({@code
 * status_code}, or a numeric {@code code}), or 200, the status the stream itself had; {@link
 * #payloadStatus()} tells which. A stream cut before its end is not this but an {@link
 * InvalidResponseException} (or a timeout or connection failure).
 *
 * <p>Immutable.
 */
public class StreamErrorException extends InferenceHttpException {
  private static final long serialVersionUID = 1L;

  private final @Nullable Integer payloadStatus;

  /**
   * Creates an exception.
   *
   * @param message the full message
   * @param serverMessage the server's error message, may be null
   * @param type the server's error type, may be null
   * @param code the server's error code as text, may be null
   * @param status the status named in the payload, may be null
   */
  public StreamErrorException(
      String message,
      @Nullable String serverMessage,
      @Nullable String type,
      @Nullable String code,
      @Nullable Integer status) {
    super(message, status == null ? 200 : status, serverMessage, type, code, null, null);
    this.payloadStatus = status;
  }

  /**
   * Returns the status the error payload names, if it names one.
   *
   * @return the status, empty if the payload names none (then {@link #status()} is 200)
   */
  public Optional<Integer> payloadStatus() {
    return Optional.ofNullable(payloadStatus);
  }
}
