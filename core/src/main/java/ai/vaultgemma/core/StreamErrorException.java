package ai.vaultgemma.core;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The server sent an error inside a stream that had started with HTTP 200: an {@code event: error}
 * (Groq) or a {@code data:} payload with an {@code error} object (OpenAI, OpenRouter).
 *
 * <p>Immutable. The fields are those of the error payload; {@link #status()} is the status the
 * payload names ({@code status_code}, or a numeric {@code code}), if any.
 */
public class StreamErrorException extends InvalidResponseException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String serverMessage;
  private final @Nullable String type;
  private final @Nullable String code;
  private final @Nullable Integer status;

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
    super(message, null);
    this.serverMessage = serverMessage;
    this.type = type;
    this.code = code;
    this.status = status;
  }

  /**
   * Returns the server's error message.
   *
   * @return the message, empty if none
   */
  public Optional<String> serverMessage() {
    return Optional.ofNullable(serverMessage);
  }

  /**
   * Returns the server's error type.
   *
   * @return the type, empty if absent or empty
   */
  public Optional<String> type() {
    return Optional.ofNullable(type);
  }

  /**
   * Returns the server's error code as text.
   *
   * @return the code, empty if absent
   */
  public Optional<String> code() {
    return Optional.ofNullable(code);
  }

  /**
   * Returns the HTTP-like status the payload names.
   *
   * @return the status, empty if none
   */
  public Optional<Integer> status() {
    return Optional.ofNullable(status);
  }
}
