package ai.vaultgemma.core.internal;

import ai.vaultgemma.core.InferenceHttpException;
import ai.vaultgemma.core.RateLimitedException;
import ai.vaultgemma.core.StreamErrorException;
import ai.vaultgemma.pool.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Reads the error shapes of OpenAI-compatible servers into {@link ServerError} and the typed
 * exceptions. Stateless and thread-safe.
 *
 * <p>Shapes, in the order they are tried on a JSON object:
 *
 * <ol>
 *   <li>{@code {"error":{"message","type","param","code",...}}}: OpenAI, Groq, llama.cpp, LocalAI,
 *       LiteLLM, OpenRouter, Ollama's {@code /v1}, Azure; {@code code} may be a string or a number,
 *       {@code status_code} may name a status (Groq's stream errors);
 *   <li>{@code {"error":"text","error_type":"..."}}: TGI, Ollama's native API;
 *   <li>{@code {"object":"error","message",...}} or any object with a top-level {@code message}:
 *       vLLM (flat), Mistral ({@code request_id});
 *   <li>{@code {"detail":"text"}} or {@code {"detail":[{"loc","msg"},...]}}: FastAPI validation;
 * </ol>
 *
 * <p>A body that is not JSON is used as the message when it is short plain text (TGI's 422 {@code
 * text/plain}); an HTML page contributes its {@code <title>} only. Messages are cut to {@value
 * #MAX_MESSAGE_CHARS} characters and the API key, should a server echo it, is replaced by {@code
 * ****}.
 */
public final class ErrorParser {

  /** Longest server message kept, in characters. */
  public static final int MAX_MESSAGE_CHARS = 500;

  private static final Pattern TITLE =
      Pattern.compile("<title[^>]*>([^<]*)</title>", Pattern.CASE_INSENSITIVE);
  private static final String[] REQUEST_ID_HEADERS = {
    "x-request-id", "request-id", "apim-request-id", "x-amzn-requestid"
  };

  private ErrorParser() {}

  /**
   * Builds the typed exception for an HTTP error answer.
   *
   * @param method the HTTP method
   * @param path the URL path called
   * @param status the HTTP status
   * @param contentType the response content type, may be null
   * @param body the response body text (may be empty)
   * @param header looks up a response header by name, returning null when absent
   * @param secret the API key to keep out of messages, may be null
   * @param now the current time, for an HTTP-date {@code Retry-After}
   * @return an {@link InferenceHttpException}, a {@link RateLimitedException} for 429
   */
  public static InferenceHttpException httpError(
      String method,
      String path,
      int status,
      @Nullable String contentType,
      String body,
      Function<String, @Nullable String> header,
      @Nullable String secret,
      Instant now) {
    ServerError error = parseBody(contentType, body, secret);
    String requestId = error.requestId();
    for (int i = 0; requestId == null && i < REQUEST_ID_HEADERS.length; i++) {
      requestId = header.apply(REQUEST_ID_HEADERS[i]);
    }
    StringBuilder message =
        new StringBuilder(method).append(' ').append(path).append(" failed with HTTP ");
    message.append(status);
    if (status >= 200 && status < 300) {
      message.append(" (error body)");
    }
    appendDetails(message, error);
    if (status == 429) {
      Duration retryAfter =
          retryAfter(header.apply("retry-after-ms"), header.apply("retry-after"), now);
      if (retryAfter != null) {
        message.append(" (retry after ").append(retryAfter.toMillis()).append(" ms)");
      }
      return new RateLimitedException(
          message.toString(),
          status,
          error.message(),
          error.type(),
          error.code(),
          error.param(),
          requestId,
          retryAfter);
    }
    return new InferenceHttpException(
        message.toString(),
        status,
        error.message(),
        error.type(),
        error.code(),
        error.param(),
        requestId);
  }

  /**
   * Builds the exception for an error event inside a stream.
   *
   * @param method the HTTP method
   * @param path the URL path called
   * @param payload the parsed error payload
   * @param secret the API key to keep out of messages, may be null
   * @return the exception
   */
  public static StreamErrorException streamError(
      String method, String path, JsonNode payload, @Nullable String secret) {
    ServerError error = fromJson(payload, secret);
    StringBuilder message =
        new StringBuilder(method).append(' ').append(path).append(": error event in stream");
    appendDetails(message, error);
    return new StreamErrorException(
        message.toString(), error.message(), error.type(), error.code(), error.status());
  }

  private static void appendDetails(StringBuilder message, ServerError error) {
    message.append(": ").append(error.message() == null ? "(no message)" : error.message());
    if (error.type() != null || error.code() != null || error.param() != null) {
      String sep = " (";
      if (error.type() != null) {
        message.append(sep).append("type=").append(error.type());
        sep = ", ";
      }
      if (error.code() != null) {
        message.append(sep).append("code=").append(error.code());
        sep = ", ";
      }
      if (error.param() != null) {
        message.append(sep).append("param=").append(error.param());
      }
      message.append(')');
    }
  }

  /**
   * Reads an error body of any known shape.
   *
   * @param contentType the content type, may be null
   * @param body the body text
   * @param secret the API key to keep out of the message, may be null
   * @return the fields found ({@link ServerError#message()} null when there is none)
   */
  public static ServerError parseBody(
      @Nullable String contentType, String body, @Nullable String secret) {
    String trimmed = body.strip();
    if (trimmed.isEmpty()) {
      return ServerError.EMPTY;
    }
    if (trimmed.charAt(0) == '{') {
      try {
        JsonNode node = Json.MAPPER.readTree(trimmed);
        if (node != null && node.isObject()) {
          return fromJson(node, secret);
        }
      } catch (JacksonException e) {
        // not JSON after all: fall through to text
      }
    }
    String lower = trimmed.toLowerCase(Locale.ROOT);
    boolean html =
        (contentType != null && contentType.toLowerCase(Locale.ROOT).contains("html"))
            || lower.startsWith("<!doctype html")
            || lower.startsWith("<html");
    if (html) {
      Matcher m = TITLE.matcher(trimmed);
      String title = m.find() ? m.group(1).strip() : "";
      return new ServerError(
          clean(title.isEmpty() ? "(HTML error page)" : title, secret),
          null,
          null,
          null,
          null,
          null);
    }
    return new ServerError(clean(trimmed, secret), null, null, null, null, null);
  }

  /**
   * Returns whether a JSON body sent with a success status is in fact an error (vLLM's flat error
   * with HTTP 200, an {@code error} object in place of the answer).
   *
   * @param root the parsed body
   * @return true for an error payload
   */
  public static boolean isErrorPayload(JsonNode root) {
    if (!root.isObject()) {
      return false;
    }
    JsonNode error = root.get("error");
    if (error != null && !error.isNull()) {
      return true;
    }
    return "error".equals(text(root.get("object")));
  }

  /**
   * Reads an error payload that is a JSON object.
   *
   * @param node the payload
   * @param secret the API key to keep out of the message, may be null
   * @return the fields found
   */
  public static ServerError fromJson(JsonNode node, @Nullable String secret) {
    JsonNode error = node.get("error");
    if (error != null && error.isObject()) {
      return new ServerError(
          clean(text(error.get("message")), secret),
          nonEmpty(text(error.get("type"))),
          text(error.get("code")),
          text(error.get("param")),
          firstNonNull(text(error.get("request_id")), text(node.get("request_id"))),
          status(error));
    }
    if (error != null && error.isString()) {
      return new ServerError(
          clean(error.asString(), secret),
          nonEmpty(firstNonNull(text(node.get("error_type")), text(node.get("type")))),
          text(node.get("code")),
          null,
          text(node.get("request_id")),
          status(node));
    }
    JsonNode detail = node.get("detail");
    if (node.get("message") == null && detail != null) {
      return new ServerError(clean(detail(detail), secret), null, null, null, null, null);
    }
    return new ServerError(
        clean(text(node.get("message")), secret),
        nonEmpty(text(node.get("type"))),
        text(node.get("code")),
        text(node.get("param")),
        text(node.get("request_id")),
        status(node));
  }

  private static @Nullable Integer status(JsonNode node) {
    JsonNode statusCode = node.get("status_code");
    if (statusCode != null && statusCode.isIntegralNumber()) {
      return statusCode.asInt();
    }
    JsonNode code = node.get("code");
    if (code != null && code.isIntegralNumber() && code.asInt() >= 100 && code.asInt() < 600) {
      return code.asInt();
    }
    return null;
  }

  private static @Nullable String detail(JsonNode detail) {
    if (!detail.isArray()) {
      return text(detail);
    }
    StringBuilder sb = new StringBuilder();
    for (JsonNode item : detail) {
      if (sb.length() > 0) {
        sb.append("; ");
      }
      JsonNode loc = item.get("loc");
      if (loc != null && loc.isArray()) {
        StringBuilder path = new StringBuilder();
        for (JsonNode part : loc) {
          if (path.length() > 0) {
            path.append('.');
          }
          path.append(text(part));
        }
        sb.append(path).append(": ");
      }
      // "msg" only: FastAPI's "input" echoes the request, which may hold prompt text.
      String msg = text(item.get("msg"));
      sb.append(msg == null ? "invalid" : msg);
    }
    return sb.toString();
  }

  /**
   * Returns the node as text: strings as they are, numbers and booleans in JSON form, null for a
   * missing or null node.
   *
   * @param node the node, may be null
   * @return the text or null
   */
  static @Nullable String text(@Nullable JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    return node.isString() ? node.asString() : node.toString();
  }

  private static @Nullable String nonEmpty(@Nullable String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static @Nullable String firstNonNull(@Nullable String a, @Nullable String b) {
    return a != null ? a : b;
  }

  private static @Nullable String clean(@Nullable String message, @Nullable String secret) {
    if (message == null) {
      return null;
    }
    String m = message.strip();
    if (secret != null && secret.length() >= 4 && m.contains(secret)) {
      m = m.replace(secret, "****");
    }
    if (m.length() > MAX_MESSAGE_CHARS) {
      m = m.substring(0, MAX_MESSAGE_CHARS) + "...";
    }
    return m;
  }

  /**
   * Reads the wait a server asked for, by the pool's one rule ({@link RetryAfter}): {@code
   * retry-after-ms} first (milliseconds, OpenAI), then {@code Retry-After} as seconds (a fraction
   * allowed) or as an HTTP date.
   *
   * @param retryAfterMs the {@code retry-after-ms} header, may be null
   * @param retryAfter the {@code Retry-After} header, may be null
   * @param now the current time
   * @return the wait (never negative), null when absent or unreadable
   */
  public static @Nullable Duration retryAfter(
      @Nullable String retryAfterMs, @Nullable String retryAfter, Instant now) {
    return RetryPolicy.serverWait(retryAfterMs, retryAfter, now).orElse(null);
  }
}
