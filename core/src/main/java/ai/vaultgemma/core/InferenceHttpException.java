package ai.vaultgemma.core;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The server answered with an error: an HTTP status outside 2xx, or an error body with status 200
 * (vLLM and some gateways do that).
 *
 * <p>Immutable. The fields come from the server's error body, whatever its shape: OpenAI's {@code
 * {"error":{"message","type","param","code"}}}, vLLM's flat {@code {"object":"error",...}}, TGI's
 * {@code {"error","error_type"}}, Mistral's {@code {"message","request_id"}}, FastAPI's {@code
 * {"detail":[...]}}, plain text or HTML. {@code code} is text even when a server sends a number
 * (llama.cpp, LocalAI, OpenRouter send the HTTP status there).
 */
public class InferenceHttpException extends InferenceException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final @Nullable String serverMessage;
  private final @Nullable String type;
  private final @Nullable String code;
  private final @Nullable String param;
  private final @Nullable String requestId;

  /**
   * Creates an exception.
   *
   * @param message the full message (method, path, status and the server's message)
   * @param status the HTTP status
   * @param serverMessage the server's own error message, null if it gave none
   * @param type the server's error type, null if absent or empty
   * @param code the server's error code as text, null if absent
   * @param param the request parameter the server blamed, null if absent
   * @param requestId the request id from the body or the response headers, null if absent
   */
  public InferenceHttpException(
      String message,
      int status,
      @Nullable String serverMessage,
      @Nullable String type,
      @Nullable String code,
      @Nullable String param,
      @Nullable String requestId) {
    super(message);
    this.status = status;
    this.serverMessage = serverMessage;
    this.type = type;
    this.code = code;
    this.param = param;
    this.requestId = requestId;
  }

  /**
   * Returns the HTTP status (200 for an error body sent with a success status).
   *
   * @return the status
   */
  public int status() {
    return status;
  }

  /**
   * Returns the server's own error message.
   *
   * @return the message, empty if the server gave none
   */
  public Optional<String> serverMessage() {
    return Optional.ofNullable(serverMessage);
  }

  /**
   * Returns the server's error type ({@code invalid_request_error}, TGI's {@code validation}, ...).
   *
   * @return the type, empty if absent or empty
   */
  public Optional<String> type() {
    return Optional.ofNullable(type);
  }

  /**
   * Returns the server's error code as text ({@code invalid_api_key}, {@code "400"}, ...).
   *
   * @return the code, empty if absent
   */
  public Optional<String> code() {
    return Optional.ofNullable(code);
  }

  /**
   * Returns the request parameter the server blamed ({@code model}, {@code messages}, ...).
   *
   * @return the parameter, empty if absent
   */
  public Optional<String> param() {
    return Optional.ofNullable(param);
  }

  /**
   * Returns the request id from the body ({@code request_id}) or a response header ({@code
   * x-request-id}, {@code request-id}), for the server operator.
   *
   * @return the id, empty if absent
   */
  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }
}
