package ai.vaultgemma.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Starts the metrics endpoint on a free port against the simulator and scrapes it over HTTP. */
class MetricsEndpointTest {

  @Test
  void metricsEndpoint_servesTheClientsMetersAsPrometheusText() throws Exception {
    try (SimulatedBackend backend = SimulatedBackend.start(Duration.ZERO, Duration.ZERO);
        MetricsEndpoint.Running running = MetricsEndpoint.start(backend.baseUrl(), 0)) {
      ChatRequest request =
          ChatRequest.builder().model("simulated").message(ChatMessage.user("hello")).build();
      running.client().chat(request);
      running.client().chat(request); // a cache hit

      HttpResponse<String> scrape =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(running.metricsUrl())).GET().build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.headers().firstValue("Content-Type"))
          .hasValue("text/plain; version=0.0.4; charset=utf-8");
      List<String> lines = scrape.body().lines().toList();
      assertThat(lines)
          .anyMatch(
              l ->
                  l.startsWith("gen_ai_client_operation_duration_seconds_count{")
                      && l.contains("vaultgemma_cache_level=\"miss\"")
                      && l.contains("application=\"metrics-example\"")
                      && l.endsWith(" 1"))
          .anyMatch(
              l ->
                  l.startsWith("gen_ai_client_operation_duration_seconds_count{")
                      && l.contains("vaultgemma_cache_level=\"l1\"")
                      && l.endsWith(" 1"))
          .anyMatch(
              l ->
                  l.startsWith("cache_gets_total{")
                      && l.contains("cache=\"inference\"")
                      && l.contains("result=\"hit\""))
          .anyMatch(l -> l.startsWith("vaultgemma_http_pool_connections{"));
      assertThat(backend.chatRequests()).isEqualTo(1);
    }
  }
}
