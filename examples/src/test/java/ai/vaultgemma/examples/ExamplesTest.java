package ai.vaultgemma.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.testing.PostgresExtension;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** Runs every example's {@code main} against the simulator and checks what it printed. */
class ExamplesTest {

  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private SimulatedBackend backend;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private PrintStream originalOut;

  @BeforeEach
  void start() throws Exception {
    backend = SimulatedBackend.start(Duration.ZERO, Duration.ZERO);
    originalOut = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void stop() {
    System.setOut(originalOut);
    backend.close();
  }

  private String printed() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void quickStart_secondCallIsACacheHit() {
    QuickStart.main(new String[] {backend.baseUrl(), "simulated-model"});

    assertThat(printed()).contains("answer:       Simulated answer:").contains("(cache hit: ");
    assertThat(backend.chatRequests()).isEqualTo(1);
    String healthLine =
        printed().lines().filter(l -> l.startsWith("health:")).findFirst().orElseThrow();
    JsonNode health = JSON.readTree(healthLine.substring("health:".length()).strip());
    assertThat(health.get("status").asString()).isEqualTo("ok");
    assertThat(health.at("/pools/inference_cache/hit_rate").asDouble()).isEqualTo(0.5);
  }

  @Test
  void streaming_secondStreamIsReplayedFromTheCache() {
    Streaming.main(new String[] {backend.baseUrl(), "simulated-model"});

    assertThat(printed()).contains("[from the server] Simulated answer:");
    assertThat(printed()).contains("[replayed from the cache] Simulated answer:");
    assertThat(printed()).contains("server calls: 1");
    assertThat(backend.chatRequests()).isEqualTo(1);
  }

  @Test
  void severalBackends_noCallIsLostWhenAReplicaGoesAway() throws Exception {
    SeveralBackends.main(new String[0]);

    assertThat(printed()).contains("100 more calls with one replica gone: 100 answered");
    String spread =
        printed().lines().filter(l -> l.startsWith("30 calls over")).findFirst().orElseThrow();
    // Every replica took part of the first 30 calls.
    assertThat(spread).doesNotContain(" 0,").doesNotEndWith(" 0");
    assertThat(printed()).contains("breaker open").contains("health: degraded");
  }

  @Test
  void embeddings_onlyNewInputsReachTheServer() {
    Embeddings.main(new String[] {backend.baseUrl(), "simulated-embedding"});

    assertThat(backend.embeddingRequests()).isEqualTo(2);
    assertThat(backend.embeddingInputs()).isEqualTo(4); // 2, then only the 2 new of 4
    assertThat(printed()).contains("trace ids            -> 8 dimensions");
    assertThat(printed()).contains("embedding cache entries: 4");
  }

  @Test
  void healthEndpoint_servesTheSnapshot() throws Exception {
    try (InferenceClient client = InferenceClient.builder().baseUrl(backend.baseUrl()).build()) {
      HttpServer server = HealthEndpoint.serve(client, 0);
      try {
        HttpResponse<String> response =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create(
                                "http://127.0.0.1:" + server.getAddress().getPort() + "/health"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("status").asString()).isEqualTo("ok");
      } finally {
        server.stop(0);
      }
    }
  }

  @Test
  void integrationGuide_usesTheClientsPools() throws Exception {
    IntegrationGuide.main(new String[] {backend.baseUrl(), postgres.jdbcUrl()});

    assertThat(printed()).contains("db says:        42");
    assertThat(printed()).contains("models status:  200");
    assertThat(printed()).contains("answer:         Simulated answer:");
    assertThat(printed()).containsPattern("trace id:       [0-9a-f]{32}");
  }

  @Test
  void sharedTierInstances_secondInstanceHitsTheSharedTier() throws InterruptedException {
    SharedTierInstances.main(new String[] {backend.baseUrl(), postgres.jdbcUrl()});

    assertThat(printed()).contains("A: server calls 1");
    assertThat(printed()).contains("B: server calls 0, shared-tier hits 1");
    assertThat(backend.chatRequests()).isEqualTo(1);
  }

  @Test
  void demo_runsEndToEndWithTheSimulatorAndTheEmbeddedStore(@TempDir Path dir) throws Exception {
    Demo.main(new String[] {dir.toString()});

    String text = printed();
    assertThat(text).contains("Backend:     SIMULATOR");
    assertThat(text).contains("Store:       embedded H2 file");
    assertThat(text).containsPattern("miss -> server +\\d+\\.\\d+ ms");
    assertThat(text).contains("L1 hit (memory)");
    assertThat(text)
        .contains("20 concurrent identical chats")
        .contains("1 server call, 19 coalesced");
    assertThat(text).contains("replayed from cache");
    assertThat(text).contains("3 of 5 inputs sent to the server");
    assertThat(text).contains("L2 hit (shared tier)");
    assertThat(text).contains("Second instance: server calls 0, shared-tier hits 1");
    assertThat(text).contains("\"status\" : \"ok\"");

    Path log = dir.resolve("vaultgemma-demo.log.jsonl");
    List<String> lines = Files.readAllLines(log);
    assertThat(lines).isNotEmpty();
    long inferenceEvents =
        lines.stream()
            .map(JSON::readTree)
            .filter(n -> n.has("event") && n.get("event").asString().equals("inference"))
            .count();
    assertThat(inferenceEvents).isGreaterThan(10_000);
  }
}
