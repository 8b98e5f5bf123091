package ai.vaultgemma.examples;

import ai.vaultgemma.core.CallOptions;
import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.Endpoint;
import ai.vaultgemma.core.EndpointHealth;
import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.core.RoutingPolicy;
import ai.vaultgemma.pool.HttpPoolConfig;
import ai.vaultgemma.pool.RetryPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Several backends: one client spreads its calls over three replicas, and when one goes away the
 * calls go on, answered by the other two, while its circuit breaker opens. Runs against three
 * simulated servers of its own; {@code SeveralBackends}, no arguments.
 */
public final class SeveralBackends {
  private SeveralBackends() {}

  /**
   * Runs the example.
   *
   * @param args none
   * @throws IOException if a simulated server cannot start
   */
  @SuppressWarnings("try") // c is closed early on purpose: a replica goes away mid-run
  public static void main(String[] args) throws IOException {
    try (SimulatedBackend a = SimulatedBackend.start(Duration.ZERO, Duration.ZERO);
        SimulatedBackend b = SimulatedBackend.start(Duration.ZERO, Duration.ZERO);
        SimulatedBackend c = SimulatedBackend.start(Duration.ZERO, Duration.ZERO);
        InferenceClient client =
            InferenceClient.builder()
                .endpoints(
                    List.of(
                        Endpoint.of(a.baseUrl()), // the first endpoint names the cache key
                        Endpoint.of(b.baseUrl()),
                        Endpoint.of(c.baseUrl())))
                // No retries on one replica: a failed call moves to another at once.
                .httpPool(HttpPoolConfig.builder().retryPolicy(RetryPolicy.none()).build())
                // Open a replica's breaker after 2 failures in a row (default 5).
                .routing(RoutingPolicy.builder().failureThreshold(2).build())
                .build()) {
      ChatRequest request =
          ChatRequest.builder()
              .model("simulated-model")
              .message(ChatMessage.user("Which replica answers?"))
              .build();
      CallOptions fresh = CallOptions.builder().skipCacheRead(true).skipCacheWrite(true).build();
      for (int i = 0; i < 30; i++) {
        client.chat(request, fresh);
      }
      System.out.printf(
          "30 calls over three replicas: %d, %d, %d%n",
          a.chatRequests(), b.chatRequests(), c.chatRequests());

      c.close(); // one replica goes away
      int answered = 0;
      for (int i = 0; i < 100; i++) {
        client.chat(request, fresh); // a refused connection falls back to another replica
        answered++;
      }
      System.out.printf("100 more calls with one replica gone: %d answered%n", answered);
      for (EndpointHealth e : client.health().endpoints()) {
        System.out.printf(
            "  %s breaker %s, %d calls, %d failures%n",
            e.name(), e.state().jsonName(), e.calls(), e.failures());
      }
      System.out.println("health: " + client.health().status().name().toLowerCase(Locale.ROOT));
    }
  }
}
