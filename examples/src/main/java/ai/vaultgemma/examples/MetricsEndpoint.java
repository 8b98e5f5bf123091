package ai.vaultgemma.examples;

import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.micrometer.InferenceMetrics;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Serving the client's meters to Prometheus: {@code InferenceMetrics} records into a {@link
 * PrometheusMeterRegistry}, and the JDK's {@link HttpServer} serves its scrape text at {@code GET
 * /metrics}. Point Prometheus at it and import {@code docs/grafana/vaultgemma-dashboard.json}.
 *
 * <p>{@code MetricsEndpoint [baseUrl] [port]}: without a base URL it starts the simulated server
 * and sends a few calls (misses, then hits) so the first scrape has something to show. Port 9464 by
 * default. From the repository root, one command builds and runs it:
 *
 * <pre>{@code
 * ./mvnw -B -q -Pdemo -DskipTests -Ddemo.mainClass=ai.vaultgemma.examples.MetricsEndpoint package
 * }</pre>
 */
public final class MetricsEndpoint {
  private MetricsEndpoint() {}

  /** The port {@link #main} serves on unless told otherwise. */
  public static final int DEFAULT_PORT = 9464;

  /**
   * A running endpoint: the registry, the client that reports to it, and the HTTP server. Closing
   * stops the server and closes the client.
   *
   * @param registry the registry
   * @param client the client, with the metrics' listener installed and its parts bound
   * @param server the HTTP server serving {@code /metrics}
   */
  public record Running(PrometheusMeterRegistry registry, InferenceClient client, HttpServer server)
      implements AutoCloseable {

    /**
     * Returns the URL of the metrics endpoint.
     *
     * @return such as {@code http://127.0.0.1:9464/metrics}
     */
    public String metricsUrl() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/metrics";
    }

    @Override
    public void close() {
      server.stop(0);
      client.close();
      registry.close();
    }
  }

  /**
   * Builds a client on {@code baseUrl} that reports to a new Prometheus registry, and serves the
   * registry at {@code /metrics}.
   *
   * @param baseUrl the inference server
   * @param port the port, 0 for any free one
   * @return the running endpoint; close it when done
   * @throws IOException if the port cannot be bound
   */
  public static Running start(String baseUrl, int port) throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    InferenceMetrics metrics =
        InferenceMetrics.builder(registry).tags(Tags.of("application", "metrics-example")).build();
    InferenceClient client =
        InferenceClient.builder().baseUrl(baseUrl).addListener(metrics.listener()).build();
    metrics.bind(client);
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
    server.createContext(
        "/metrics",
        exchange -> {
          try (exchange) {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange
                .getResponseHeaders()
                .set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
        });
    server.start();
    return new Running(registry, client, server);
  }

  /**
   * Runs the example until the process is stopped.
   *
   * @param args the base URL (none: the simulated server), and optionally the port
   * @throws IOException if the port cannot be bound
   */
  public static void main(String[] args) throws IOException {
    SimulatedBackend simulated = args.length > 0 ? null : SimulatedBackend.start();
    String baseUrl = simulated != null ? simulated.baseUrl() : args[0];
    int port = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_PORT;
    Running running = start(baseUrl, port);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  running.close();
                  if (simulated != null) {
                    simulated.close();
                  }
                }));
    if (simulated != null) {
      for (int round = 0; round < 2; round++) { // the second round is answered from the cache
        for (String q : new String[] {"What is a cache?", "Why pool connections?"}) {
          running
              .client()
              .chat(ChatRequest.builder().model("simulated").message(ChatMessage.user(q)).build());
        }
      }
    }
    System.out.println("metrics at " + running.metricsUrl() + " (Ctrl-C to stop)");
  }
}
