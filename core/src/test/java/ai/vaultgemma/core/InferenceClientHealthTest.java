package ai.vaultgemma.core;

import static ai.vaultgemma.core.InferenceClientPayloads.chatOk;
import static ai.vaultgemma.core.InferenceClientPayloads.client;
import static ai.vaultgemma.core.InferenceClientPayloads.embeddingDispatcher;
import static ai.vaultgemma.core.InferenceClientPayloads.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.vaultgemma.pool.DbPoolConfig;
import ai.vaultgemma.testing.PostgresExtension;
import java.util.List;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** {@code health().toJson()} parsed back and checked field by field. */
class InferenceClientHealthTest {

  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  @StartStop final MockWebServer server = new MockWebServer();

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void jsonHasTheSeedShapeWithTheRealNumbers() {
    String big = "x".repeat(300_000);
    server.enqueue(chatOk(big));
    server.enqueue(chatOk("small"));
    server.enqueue(InferenceClientPayloads.error(400, "{\"error\":{\"message\":\"no\"}}"));
    try (InferenceClient client = client(server).build()) {
      client.chat(request("big"));
      client.chat(request("big"));
      client.chat(request("big"));
      client.chat(request("small"));
      assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> client.chat(request("bad"))))
          .isInstanceOf(InferenceHttpException.class);
      server.setDispatcher(embeddingDispatcher());
      client.embed(EmbeddingRequest.of("e", List.of("a", "b")));
      client.embed(EmbeddingRequest.of("e", List.of("a", "b", "c")));

      HealthSnapshot health = client.health();
      JsonNode json = MAPPER.readTree(health.toJson());

      assertThat(json.get("status").asString()).isEqualTo("ok");
      assertThat(json.get("version").asString())
          .isEqualTo(InferenceClient.version())
          .isNotBlank()
          .isNotEqualTo("unknown");
      assertThat(json.get("reasons").isArray()).isTrue();
      assertThat(json.get("reasons")).isEmpty();

      JsonNode pools = json.get("pools");
      assertThat(pools.propertyNames())
          .contains("db_pool", "http_pool", "inference_cache", "embedding_cache");

      JsonNode db = pools.get("db_pool");
      assertThat(db.get("configured").asBoolean()).isFalse();
      assertThat(db.get("open_connections").asInt()).isZero();
      assertThat(db.get("in_use").asInt()).isZero();
      assertThat(db.get("idle").asInt()).isZero();
      assertThat(db.get("wait_count").asInt()).isZero();

      JsonNode http = pools.get("http_pool");
      assertThat(http.get("requests").asLong()).isEqualTo(5);
      assertThat(http.get("success_rate").asDouble())
          .isEqualTo(round(health.httpPool().successRate(), 4))
          .isBetween(0.5, 1.0);
      assertThat(http.get("avg_latency_ms").asDouble())
          .isEqualTo(round(health.httpPool().averageLatencyMillis(), 3))
          .isPositive();

      JsonNode chat = pools.get("inference_cache");
      // reads: big (miss), big (hit), big (hit), small (miss), bad (miss)
      assertThat(chat.get("hit_rate").asDouble()).isCloseTo(2.0 / 5, within(1e-4));
      assertThat(chat.get("hits").asLong()).isEqualTo(2);
      assertThat(chat.get("entries").asLong()).isEqualTo(2);
      double mb = health.inferenceCache().totalSizeBytes() / (1024.0 * 1024.0);
      assertThat(mb).isBetween(0.28, 0.30);
      assertThat(chat.get("total_size_mb").asDouble()).isCloseTo(mb, within(0.001));

      JsonNode vectors = pools.get("embedding_cache");
      // reads: a, b (misses), a, b (hits), c (miss)
      assertThat(vectors.get("hit_rate").asDouble()).isCloseTo(2.0 / 5, within(1e-4));
      assertThat(vectors.get("entries").asLong()).isEqualTo(3);
      assertThat(vectors.get("total_size_mb").asDouble())
          .isEqualTo(round(health.embeddingCache().totalSizeMb(), 3));

      JsonNode counters = json.get("client");
      assertThat(counters.get("calls").asLong()).isEqualTo(7);
      assertThat(counters.get("l1_hits").asLong()).isEqualTo(2);
      assertThat(counters.get("l2_hits").asLong()).isZero();
      assertThat(counters.get("coalesced").asLong()).isZero();
      assertThat(counters.get("backend_calls").asLong()).isEqualTo(5);
      assertThat(counters.get("failures").asLong()).isEqualTo(1);
      assertThat(counters.get("active").asInt()).isZero();
      assertThat(counters.get("waiting").asInt()).isZero();

      assertThat(health.toString()).contains("\"status\":\"ok\"");
    }
  }

  @Test
  void theConcurrencySlotsInUseAndAwaitedAreInTheSnapshot() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    server.setDispatcher(InferenceClientPayloads.heldUntil(release, chatOk("late")));
    CallOptions noCache = CallOptions.builder().skipCacheRead(true).skipCacheWrite(true).build();
    try (InferenceClient client = client(server).maxConcurrentCallsPerEndpoint(1).build()) {
      var first = client.chatAsync(request("one"), noCache);
      var second = client.chatAsync(request("two"), noCache);
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .until(() -> client.health().client().waiting() == 1);
      HealthSnapshot.ClientStats stats = client.health().client();
      assertThat(stats.active()).isEqualTo(1);
      JsonNode counters = MAPPER.readTree(client.health().toJson()).get("client");
      assertThat(counters.get("active").asInt()).isEqualTo(1);
      assertThat(counters.get("waiting").asInt()).isEqualTo(1);
      release.countDown();
      first.get(10, java.util.concurrent.TimeUnit.SECONDS);
      second.get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(client.health().client().active()).isZero();
    } finally {
      release.countDown();
    }
  }

  @Test
  void statusIsDownAfterClose() {
    InferenceClient client = client(server).build();
    client.close();
    HealthSnapshot health = client.health();
    assertThat(health.status()).isEqualTo(HealthSnapshot.Status.DOWN);
    JsonNode json = MAPPER.readTree(health.toJson());
    assertThat(json.get("status").asString()).isEqualTo("down");
    assertThat(json.get("reasons").get(0).asString()).isEqualTo("client is closed");
  }

  @Test
  void dbPoolFieldsComeFromTheRealPool() {
    try (InferenceClient client =
        client(server)
            .dbPool(DbPoolConfig.fromDsn(postgres.jdbcUrl()).toBuilder().maxOpen(6).build())
            .build()) {
      assertThat(client.dbPool()).isPresent();
      HealthSnapshot health = client.health();
      assertThat(health.status()).isEqualTo(HealthSnapshot.Status.OK);
      JsonNode db = MAPPER.readTree(health.toJson()).get("pools").get("db_pool");
      assertThat(db.get("configured").asBoolean()).isTrue();
      assertThat(db.get("healthy").asBoolean()).isTrue();
      assertThat(db.get("max_open").asInt()).isEqualTo(6);
      int open = db.get("open_connections").asInt();
      assertThat(open).isBetween(1, 6);
      assertThat(db.get("in_use").asInt() + db.get("idle").asInt()).isEqualTo(open);
      assertThat(db.get("wait_count").asInt()).isZero();
    }
  }

  @Test
  void statusIsDegradedWhenTheDatabaseDoesNotAnswer() {
    DbPoolConfig unreachable =
        DbPoolConfig.fromDsn("postgres://app@127.0.0.1:1/app").toBuilder().failFast(false).build();
    try (InferenceClient client = client(server).dbPool(unreachable).build()) {
      HealthSnapshot health = client.health();
      assertThat(health.status()).isEqualTo(HealthSnapshot.Status.DEGRADED);
      assertThat(health.reasons()).anyMatch(r -> r.startsWith("database: "));
      JsonNode json = MAPPER.readTree(health.toJson());
      assertThat(json.get("status").asString()).isEqualTo("degraded");
      assertThat(json.get("pools").get("db_pool").get("configured").asBoolean()).isTrue();
      assertThat(json.get("pools").get("db_pool").get("healthy").asBoolean()).isFalse();
    }
  }

  @Test
  void closedClientWithADbPoolIsDownAndItsPoolIsClosed() {
    InferenceClient client =
        client(server).dbPool(DbPoolConfig.fromDsn(postgres.jdbcUrl())).build();
    client.close();
    HealthSnapshot health = client.health();
    assertThat(health.status()).isEqualTo(HealthSnapshot.Status.DOWN);
    assertThat(health.reasons()).first().isEqualTo("client is closed");
    JsonNode db = MAPPER.readTree(health.toJson()).get("pools").get("db_pool");
    assertThat(db.get("configured").asBoolean()).isTrue();
    assertThat(db.get("open_connections").asInt()).isZero();
  }

  private static double round(double value, int digits) {
    double scale = Math.pow(10, digits);
    return Math.round(value * scale) / scale;
  }
}
