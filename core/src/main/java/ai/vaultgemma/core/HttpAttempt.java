package ai.vaultgemma.core;

/**
 * One HTTP attempt of a call that reached the server, as an {@link InferenceListener} sees it. The
 * first attempt is number 1; each retry the retry policy makes is the next number. The client makes
 * these; a listener only reads them (and, during {@link InferenceListener#attemptStart}, may set
 * headers on the attempt). Safe to read from any thread.
 */
public interface HttpAttempt {

  /**
   * Returns the attempt's number: 1 for the first, 2 for the first retry, and so on.
   *
   * @return the number
   */
  int number();

  /**
   * Returns the HTTP method.
   *
   * @return such as {@code POST}
   */
  String method();

  /**
   * Returns the request path, without query.
   *
   * @return such as {@code /v1/chat/completions}
   */
  String path();

  /**
   * Returns the request's full URL ({@code url.full} in OpenTelemetry's conventions): scheme, host,
   * port and path. It never holds user info or a query: a base URL with either is refused when the
   * client is built.
   *
   * @return such as {@code https://api.example.com/v1/chat/completions}
   */
  String url();

  /**
   * Returns the server's host ({@code server.address} in OpenTelemetry's conventions).
   *
   * @return the host name or address
   */
  String serverAddress();

  /**
   * Returns the server's port ({@code server.port}).
   *
   * @return the port
   */
  int serverPort();

  /**
   * Sets a header on this attempt's request, such as a tracer's {@code traceparent}. Only during
   * {@link InferenceListener#attemptStart}; the header goes on this attempt only.
   *
   * @param name the header's name; not {@code Authorization}, {@code Proxy-Authorization}, {@code
   *     Host}, {@code Content-Length} or {@code Content-Type}, which the transport owns
   * @param value the value
   * @throws IllegalStateException if the attempt was already sent
   * @throws IllegalArgumentException if the name is reserved or the name or value cannot be sent
   * @throws NullPointerException if an argument is null
   */
  void header(String name, String value);
}
