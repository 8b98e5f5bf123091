package ai.vaultgemma.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.spring.autoconfigure.InferenceClientLifecycle;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The demo as a user runs it: a real Tomcat on a random port, the starter's client calling an
 * OpenAI-compatible server (MockWebServer), and Actuator's health, metrics and Prometheus endpoints
 * read over HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DemoApplicationTest {

  private static final MockWebServer INFERENCE_SERVER = new MockWebServer();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @DynamicPropertySource
  static void inferenceServer(DynamicPropertyRegistry registry) throws Exception {
    INFERENCE_SERVER.start();
    registry.add("vaultgemma.base-url", () -> INFERENCE_SERVER.url("/v1").toString());
    registry.add("vaultgemma.api-key", () -> "sk-demo");
    registry.add("demo.model", () -> "demo-model");
  }

  @AfterAll
  static void stopInferenceServer() {
    INFERENCE_SERVER.close();
  }

  @LocalServerPort int port;

  @Autowired InferenceClient client;

  @Autowired InferenceClientLifecycle lifecycle;

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void ask_callsTheServerThroughTheInjectedClient_andHealthAndMetricsReportIt() throws Exception {
    // the server and the context are shared by the tests, whatever their order: count from here
    int requestsBefore = INFERENCE_SERVER.getRequestCount();
    INFERENCE_SERVER.enqueue(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "application/json")
            .body(
                "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,"
                    + "\"model\":\"demo-model\",\"choices\":[{\"index\":0,\"message\":"
                    + "{\"role\":\"assistant\",\"content\":\"Hello from the model\"},"
                    + "\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}")
            .build());

    HttpResponse<String> answer = get("/ask?q=Say%20hello");
    assertThat(answer.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(answer.body());
    assertThat(body.get("answer").asString()).isEqualTo("Hello from the model");
    assertThat(body.get("model").asString()).isEqualTo("demo-model");

    RecordedRequest sent = INFERENCE_SERVER.takeRequest(5, TimeUnit.SECONDS);
    assertThat(sent).isNotNull();
    assertThat(sent.getTarget()).isEqualTo("/v1/chat/completions");
    assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer sk-demo");
    assertThat(sent.getBody().utf8()).contains("\"model\":\"demo-model\"", "Say hello");

    // the same question again: the client's cache answers, the server sees nothing
    assertThat(JSON.readTree(get("/ask?q=Say%20hello").body()).get("answer").asString())
        .isEqualTo("Hello from the model");
    assertThat(INFERENCE_SERVER.getRequestCount()).isEqualTo(requestsBefore + 1);

    HttpResponse<String> health = get("/actuator/health");
    assertThat(health.statusCode()).isEqualTo(200);
    JsonNode vaultgemma = JSON.readTree(health.body()).get("components").get("vaultgemma");
    assertThat(vaultgemma.get("status").asString()).isEqualTo("UP");
    JsonNode details = vaultgemma.get("details");
    assertThat(details.get("status").asString()).isEqualTo("ok");
    assertThat(details.get("http_pool").get("requests").asLong()).isPositive();
    assertThat(details.get("inference_cache").get("hits").asLong()).isPositive();
    assertThat(details.get("client").get("l1_hits").asLong()).isPositive();
    assertThat(details.get("db_pool").get("configured").asBoolean()).isFalse();
    assertThat(health.body()).doesNotContain("sk-demo");

    // the two calls in the metrics endpoint: the one the cache answered counted under l1
    HttpResponse<String> duration =
        get(
            "/actuator/metrics/gen_ai.client.operation.duration"
                + "?tag=gen_ai.request.model:demo-model&tag=vaultgemma.cache.level:l1");
    assertThat(duration.statusCode()).isEqualTo(200);
    JsonNode metric = JSON.readTree(duration.body());
    assertThat(metric.get("baseUnit").asString()).isEqualTo("seconds");
    assertThat(measurement(metric, "COUNT")).isGreaterThanOrEqualTo(1);
    assertThat(measurement(metric, "TOTAL_TIME")).isPositive();

    HttpResponse<String> scrape = get("/actuator/prometheus");
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.body())
        .contains("gen_ai_client_operation_duration_seconds_bucket{")
        .contains("vaultgemma_cache_level=\"l1\"")
        .contains("cache_gets_total{cache=\"inference\",cache_manager=\"vaultgemma\"")
        .contains("vaultgemma_http_pool_connections{")
        .doesNotContain("Say hello")
        .doesNotContain("sk-demo");
  }

  private static double measurement(JsonNode metric, String statistic) {
    for (JsonNode m : metric.get("measurements")) {
      if (m.get("statistic").asString().equals(statistic)) {
        return m.get("value").asDouble();
      }
    }
    throw new AssertionError("no " + statistic + " in " + metric);
  }

  @Test
  void aFailingServer_isABadGateway() throws Exception {
    INFERENCE_SERVER.enqueue(
        new MockResponse.Builder()
            .code(400)
            .setHeader("Content-Type", "application/json")
            .body("{\"error\":{\"message\":\"model not found\",\"type\":\"invalid_request\"}}")
            .build());
    HttpResponse<String> answer = get("/ask?q=unknown%20model");
    assertThat(answer.statusCode()).isEqualTo(502);
    assertThat(JSON.readTree(answer.body()).get("error").asString()).contains("400");
    assertThat(INFERENCE_SERVER.takeRequest(5, TimeUnit.SECONDS)).isNotNull(); // sent once
  }

  @Test
  void clientClosesAfterTheWebServerStops() {
    assertThat(lifecycle.getPhase())
        .isLessThan(WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE)
        .isLessThan(WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE);
    assertThat(lifecycle.isRunning()).isTrue();
    assertThat(client.isClosed()).isFalse();
  }
}
