package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.HttpAttempt;
import ai.vaultgemma.core.InferenceListener;
import ai.vaultgemma.logging.StructuredLogger;
import ai.vaultgemma.logging.TraceScope;
import ai.vaultgemma.pool.HttpAttemptListener;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * What one call's HTTP attempts report: the pool's retry stage calls this for each attempt, and it
 * tells the call's {@link InferenceListener} and writes one {@code http_request} log event per
 * attempt, in the call's trace (attempts of async and streamed calls run on OkHttp's threads, which
 * do not carry the caller's MDC).
 */
@SuppressWarnings("try") // trace scopes are opened for their MDC side effect
final class AttemptReporter implements HttpAttemptListener {
  private final Exchange exchange;
  private final StructuredLogger logger;
  private final String method;
  private final String path;
  private final String url;
  private final String host;
  private final int port;
  private @Nullable HttpAttempt current; // attempts of one request run one at a time

  AttemptReporter(
      Exchange exchange,
      StructuredLogger logger,
      String method,
      String path,
      String url,
      String host,
      int port) {
    this.exchange = exchange;
    this.logger = logger;
    this.method = method;
    this.path = path;
    this.url = url;
    this.host = host;
    this.port = port;
  }

  /** Whether a call needs a reporter: someone listens, or the http events are written. */
  static boolean wanted(Exchange exchange, StructuredLogger logger) {
    return exchange.listener() != InferenceListener.NONE || logger.isWarnEnabled();
  }

  @Override
  public void attemptStart(int attempt, BiConsumer<String, String> header) {
    HttpAttempt a = new Attempt(attempt, header);
    current = a;
    exchange.listener().attemptStart(exchange, a);
  }

  @Override
  public void attemptEnd(int attempt, int status, long latencyNanos) {
    exchange
        .listener()
        .attemptEnd(exchange, attempt(attempt), status, Duration.ofNanos(latencyNanos));
    log(attempt, status, latencyNanos, null);
  }

  @Override
  public void attemptFailed(int attempt, IOException failure, long latencyNanos) {
    exchange
        .listener()
        .attemptFailed(exchange, attempt(attempt), failure, Duration.ofNanos(latencyNanos));
    log(attempt, 0, latencyNanos, failure.getClass().getSimpleName());
  }

  @Override
  public void retryScheduled(
      int attempt, int status, @Nullable IOException failure, Duration wait) {
    String reason = failure != null ? failure.getClass().getSimpleName() : Integer.toString(status);
    exchange.listener().retryScheduled(exchange, attempt(attempt), reason, wait);
  }

  private HttpAttempt attempt(int number) {
    HttpAttempt a = current;
    if (a != null && a.number() == number) {
      return a;
    }
    // Not announced (cannot happen with our pool); report it without a header hook.
    return new Attempt(
        number,
        (name, value) -> {
          throw new IllegalStateException("header " + name + ": attempt " + number + " was sent");
        });
  }

  /** One attempt of this call; its headers go through the pool's hook for that attempt. */
  private final class Attempt implements HttpAttempt {
    private final int number;
    private final BiConsumer<String, String> headers;

    Attempt(int number, BiConsumer<String, String> headers) {
      this.number = number;
      this.headers = headers;
    }

    @Override
    public int number() {
      return number;
    }

    @Override
    public String method() {
      return method;
    }

    @Override
    public String path() {
      return path;
    }

    @Override
    public String url() {
      return url;
    }

    @Override
    public String serverAddress() {
      return host;
    }

    @Override
    public int serverPort() {
      return port;
    }

    @Override
    public void header(String name, String value) {
      headers.accept(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    }

    @Override
    public String toString() {
      return "HttpAttempt{" + number + " " + method + " " + host + ":" + port + path + "}";
    }
  }

  private void log(int attempt, int status, long latencyNanos, @Nullable String error) {
    if (error == null ? !logger.isInfoEnabled() : !logger.isWarnEnabled()) {
      return;
    }
    try (TraceScope ignored = exchange.trace().makeCurrent()) {
      logger.httpRequest(method, path, status, latencyNanos / 1_000_000, attempt, error);
    }
  }
}
