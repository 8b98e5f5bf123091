package ai.vaultgemma.examples;

import ai.vaultgemma.core.HealthSnapshot;
import ai.vaultgemma.core.InferenceClient;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Exposing {@code client.health()} from the application's own HTTP endpoint. The library has no
 * server; here the JDK's {@link HttpServer} serves {@code GET /health} with the snapshot's JSON,
 * and answers 503 when the status is not {@code ok}. {@code HealthEndpoint http://localhost:8080/v1
 * [port]}.
 */
public final class HealthEndpoint {
  private HealthEndpoint() {}

  /**
   * Starts the endpoint and returns the server, so a caller (or a test) can stop it.
   *
   * @param client the client whose health is served
   * @param port the port, 0 for any free one
   * @return the started server
   * @throws IOException if the port cannot be bound
   */
  public static HttpServer serve(InferenceClient client, int port) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
    server.createContext(
        "/health",
        exchange -> {
          try (exchange) {
            HealthSnapshot health = client.health();
            byte[] body = health.toJson().getBytes(StandardCharsets.UTF_8);
            int status = health.status() == HealthSnapshot.Status.OK ? 200 : 503;
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
        });
    server.start();
    return server;
  }

  /**
   * Runs the example until the process is stopped.
   *
   * @param args the base URL, and optionally the port (default 8081)
   * @throws IOException if the port cannot be bound
   */
  public static void main(String[] args) throws IOException {
    String baseUrl = args.length > 0 ? args[0] : InferenceClient.DEFAULT_BASE_URL;
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 8081;
    InferenceClient client = InferenceClient.builder().baseUrl(baseUrl).build();
    HttpServer server = serve(client, port);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.stop(0);
                  client.close();
                }));
    System.out.println("health at http://127.0.0.1:" + server.getAddress().getPort() + "/health");
  }
}
