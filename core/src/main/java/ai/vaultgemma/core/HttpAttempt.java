package ai.vaultgemma.core;

import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * One HTTP attempt of a call that reached the server, as an {@link InferenceListener} sees it. The
 * first attempt is number 1; each retry the retry policy makes is the next number.
 *
 * <p>During {@link InferenceListener#attemptStart} only, {@link #header} puts a header on this
 * attempt's request: a tracer's {@code traceparent} for its attempt span, say. Immutable otherwise
 * and safe to read from any thread.
 */
public final class HttpAttempt {
  private final int number;
  private final String method;
  private final String path;
  private final String serverAddress;
  private final int serverPort;
  private final BiConsumer<String, String> headers;

  /**
   * Creates an attempt; the client makes these.
   *
   * @param number the attempt's number, from 1
   * @param method the HTTP method
   * @param path the request path, such as {@code /v1/chat/completions} (never a query)
   * @param serverAddress the server's host
   * @param serverPort the server's port
   * @param headers sets a header on this attempt; throws {@link IllegalStateException} once it is
   *     sent
   */
  public HttpAttempt(
      int number,
      String method,
      String path,
      String serverAddress,
      int serverPort,
      BiConsumer<String, String> headers) {
    this.number = number;
    this.method = Objects.requireNonNull(method, "method");
    this.path = Objects.requireNonNull(path, "path");
    this.serverAddress = Objects.requireNonNull(serverAddress, "serverAddress");
    this.serverPort = serverPort;
    this.headers = Objects.requireNonNull(headers, "headers");
  }

  /**
   * Returns the attempt's number: 1 for the first, 2 for the first retry, and so on.
   *
   * @return the number
   */
  public int number() {
    return number;
  }

  /**
   * Returns the HTTP method.
   *
   * @return such as {@code POST}
   */
  public String method() {
    return method;
  }

  /**
   * Returns the request path, without query.
   *
   * @return such as {@code /v1/chat/completions}
   */
  public String path() {
    return path;
  }

  /**
   * Returns the server's host ({@code server.address} in OpenTelemetry's conventions).
   *
   * @return the host name or address
   */
  public String serverAddress() {
    return serverAddress;
  }

  /**
   * Returns the server's port ({@code server.port}).
   *
   * @return the port
   */
  public int serverPort() {
    return serverPort;
  }

  /**
   * Sets a header on this attempt's request. Only during {@link InferenceListener#attemptStart}.
   *
   * @param name the header's name; not {@code Authorization}, {@code Host}, {@code Content-Length}
   *     or {@code Content-Type}, which the transport owns
   * @param value the value
   * @throws IllegalStateException if the attempt was already sent
   * @throws IllegalArgumentException if the name is reserved or the name or value cannot be sent
   */
  public void header(String name, String value) {
    headers.accept(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
  }

  @Override
  public String toString() {
    return "HttpAttempt{"
        + number
        + " "
        + method
        + " "
        + serverAddress
        + ":"
        + serverPort
        + path
        + "}";
  }
}
