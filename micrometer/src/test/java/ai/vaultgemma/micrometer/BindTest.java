package ai.vaultgemma.micrometer;

import static ai.vaultgemma.micrometer.MeterNames.CACHE_EVICTIONS;
import static ai.vaultgemma.micrometer.MeterNames.CACHE_GETS;
import static ai.vaultgemma.micrometer.MeterNames.CACHE_SIZE;
import static ai.vaultgemma.micrometer.MeterNames.CACHE_SIZE_BYTES;
import static ai.vaultgemma.micrometer.MeterNames.DB_POOL_ACQUIRE;
import static ai.vaultgemma.micrometer.MeterNames.DB_POOL_CONNECTIONS;
import static ai.vaultgemma.micrometer.MeterNames.DB_POOL_MAX;
import static ai.vaultgemma.micrometer.MeterNames.DB_POOL_PENDING;
import static ai.vaultgemma.micrometer.MeterNames.DB_POOL_TIMEOUTS;
import static ai.vaultgemma.micrometer.MeterNames.HTTP_POOL_CALLS;
import static ai.vaultgemma.micrometer.MeterNames.HTTP_POOL_CONNECTIONS;
import static ai.vaultgemma.micrometer.MeterNames.TAG_CACHE;
import static ai.vaultgemma.micrometer.MeterNames.TAG_POOL;
import static ai.vaultgemma.micrometer.MeterNames.TAG_RESULT;
import static ai.vaultgemma.micrometer.MeterNames.TAG_STATE;
import static ai.vaultgemma.micrometer.Payloads.chatOk;
import static ai.vaultgemma.micrometer.Payloads.client;
import static ai.vaultgemma.micrometer.Payloads.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.vaultgemma.cache.CacheConfig;
import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.pool.DbPoolConfig;
import ai.vaultgemma.testing.PostgresExtension;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link InferenceMetrics#bind}: the caches, the HTTP pool and a real PostgreSQL pool. */
class BindTest {

  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  @StartStop final MockWebServer server = new MockWebServer();

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final InferenceMetrics metrics =
      InferenceMetrics.builder(registry).snapshotMaxAge(Duration.ZERO).build();

  private double gauge(String name, String... tags) {
    return registry.get(name).tags(tags).gauge().value();
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).functionCounter().count();
  }

  @Test
  void cachesReportLookupsEvictionsEntriesAndBytes() {
    server.setDispatcher(InferenceMetricsTest.echoModel());
    try (InferenceClient client =
        client(server, metrics)
            .inferenceCache(CacheConfig.inference().toBuilder().maximumEntries(1).build())
            .build()) {
      metrics.bind(client);
      client.chat(request("m", "q1"));
      client.chat(request("m", "q1"));
      assertThat(counter(CACHE_GETS, TAG_CACHE, "inference", TAG_RESULT, "hit")).isEqualTo(1);
      double missesAfterTwo = counter(CACHE_GETS, TAG_CACHE, "inference", TAG_RESULT, "miss");
      assertThat(missesAfterTwo).isPositive();
      assertThat(gauge(CACHE_SIZE, TAG_CACHE, "inference")).isEqualTo(1);
      assertThat(gauge(CACHE_SIZE_BYTES, TAG_CACHE, "inference")).isPositive();

      client.chat(request("m", "q2")); // a second entry in a cache of one: one is evicted
      assertThat(counter(CACHE_GETS, TAG_CACHE, "inference", TAG_RESULT, "miss"))
          .isGreaterThan(missesAfterTwo);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                client.inferenceCache().cleanUp();
                assertThat(counter(CACHE_EVICTIONS, TAG_CACHE, "inference")).isEqualTo(1);
                assertThat(gauge(CACHE_SIZE, TAG_CACHE, "inference")).isEqualTo(1);
              });
      assertThat(gauge(CACHE_SIZE, TAG_CACHE, "embeddings")).isZero();
    }
  }

  @Test
  void theHttpPoolReportsConnectionsAndDispatcherCalls() {
    server.enqueue(chatOk("m"));
    try (InferenceClient client = client(server, metrics).build()) {
      metrics.bind(client);
      assertThat(gauge(HTTP_POOL_CONNECTIONS, TAG_STATE, "idle")).isZero();
      client.chat(request("m", "q"));
      // The connection went back to the pool once the answer was read.
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> assertThat(gauge(HTTP_POOL_CONNECTIONS, TAG_STATE, "idle")).isEqualTo(1));
      assertThat(gauge(HTTP_POOL_CONNECTIONS, TAG_STATE, "in_use")).isZero();
      assertThat(gauge(HTTP_POOL_CALLS, TAG_STATE, "queued")).isZero();
      assertThat(gauge(HTTP_POOL_CALLS, TAG_STATE, "running")).isZero();
    }
  }

  @Test
  void theDbPoolReportsItsConnectionsFromItsStats() throws Exception {
    try (InferenceClient client =
        client(server, metrics)
            .dbPool(
                DbPoolConfig.fromDsn(postgres.jdbcUrl()).toBuilder()
                    .poolName("metrics-test")
                    .maxOpen(3)
                    .build())
            .build()) {
      metrics.bind(client);
      String[] pool = {TAG_POOL, "metrics-test"};
      assertThat(registry.get(DB_POOL_MAX).tags(pool).gauge().value()).isEqualTo(3);
      try (Connection borrowed = client.dbPool().orElseThrow().dataSource().getConnection()) {
        assertThat(borrowed.isValid(5)).isTrue();
        assertThat(
                registry
                    .get(DB_POOL_CONNECTIONS)
                    .tags(pool)
                    .tags(TAG_STATE, "in_use")
                    .gauge()
                    .value())
            .isEqualTo(1);
      }
      assertThat(
              registry
                  .get(DB_POOL_CONNECTIONS)
                  .tags(pool)
                  .tags(TAG_STATE, "in_use")
                  .gauge()
                  .value())
          .isZero();
      assertThat(
              registry.get(DB_POOL_CONNECTIONS).tags(pool).tags(TAG_STATE, "idle").gauge().value())
          .isPositive();
      assertThat(registry.get(DB_POOL_PENDING).tags(pool).gauge().value()).isZero();
      FunctionTimer acquire = registry.get(DB_POOL_ACQUIRE).tags(pool).functionTimer();
      assertThat(acquire.count()).isGreaterThanOrEqualTo(1);
      assertThat(acquire.totalTime(TimeUnit.NANOSECONDS)).isPositive();
      assertThat(registry.get(DB_POOL_TIMEOUTS).tags(pool).functionCounter().count()).isZero();
    }
  }

  @Test
  void withoutADbPoolNoDbMetersAreRegistered() {
    try (InferenceClient client = client(server, metrics).build()) {
      metrics.bind(client);
    }
    assertThat(registry.find(DB_POOL_CONNECTIONS).meters()).isEmpty();
    assertThat(registry.find(DB_POOL_MAX).meters()).isEmpty();
  }

  @Test
  void oneSnapshotServesAllMetersWithinItsMaxAge() {
    InferenceMetrics slow =
        InferenceMetrics.builder(registry).snapshotMaxAge(Duration.ofHours(1)).build();
    server.setDispatcher(InferenceMetricsTest.echoModel());
    try (InferenceClient client = client(server, slow).build()) {
      slow.bind(client);
      assertThat(gauge(CACHE_SIZE, TAG_CACHE, "inference")).isZero();
      client.chat(request("m", "q"));
      // The cache has an entry now, but the snapshot taken above is still young.
      assertThat(client.inferenceCache().size()).isEqualTo(1);
      assertThat(gauge(CACHE_SIZE, TAG_CACHE, "inference")).isZero();
    }
  }

  @Test
  void boundMetersCanBeRemovedFromARegistryThatOutlivesTheClient() {
    try (InferenceClient client = client(server, metrics).build()) {
      metrics.bind(client);
    }
    assertThat(metrics.boundMeters()).isNotEmpty();
    for (Meter m : metrics.boundMeters()) {
      registry.remove(m);
    }
    assertThat(registry.find(CACHE_GETS).meters()).isEmpty();
    assertThat(registry.find(HTTP_POOL_CONNECTIONS).meters()).isEmpty();
  }
}
