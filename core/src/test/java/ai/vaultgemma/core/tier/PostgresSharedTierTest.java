package ai.vaultgemma.core.tier;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ai.vaultgemma.cache.SecondLevelStore;
import ai.vaultgemma.testing.PostgresExtension;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shared tier on the real PostgreSQL, plus what only a server can show: an outage. */
class PostgresSharedTierTest extends AbstractSharedTierTest {

  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  @Override
  String jdbcUrl() {
    return postgres.jdbcUrl();
  }

  private static String urlThrough(TcpForwarder forwarder) {
    return postgres.jdbcUrlAt(forwarder.port());
  }

  private static InferenceLogRecord record(String traceId) {
    return InferenceLogRecord.builder().traceId(traceId).model("vaultgemma-1b").build();
  }

  @Test
  void outageDegradesWithoutFailingCallsAndEverythingResumesWhenTheDatabaseReturns()
      throws Exception {
    String prefix = newPrefix();
    try (TcpForwarder forwarder = new TcpForwarder(postgres.host(), postgres.port())) {
      String url = urlThrough(forwarder);
      HikariDataSource pool = pool(url, Duration.ofMillis(250));
      SharedTierConfig config =
          config(prefix).toBuilder()
              .readTimeout(Duration.ofMillis(500))
              .retryInterval(Duration.ofMillis(200))
              .build();
      SharedTier tier = SharedTier.open(pool, url, config);
      SecondLevelStore store = tier.secondLevelStore();
      try {
        store.put("before", "cached".getBytes(UTF_8), Duration.ofMinutes(10));
        assertThat(store.get("before")).isPresent();
        for (int i = 0; i < 20; i++) {
          assertThat(tier.inferenceLog().record(record("before-" + i))).isTrue();
        }
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> tier.inferenceLog().stats().writtenCount() == 20);

        forwarder.cut();

        // Every call returns normally; reads are misses until the store notices and degrades.
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () -> store.get("before").isEmpty() && tier.health().status().equals("degraded"));
        assertThat(tier.health().reason())
            .hasValueSatisfying(r -> assertThat(r).startsWith("second level: ").contains("failed"));
        assertThat(store.get("before")).isEmpty();
        long writeFailures = store.stats().writeFailureCount();
        store.put("during", "lost".getBytes(UTF_8), Duration.ofMinutes(10));
        store.invalidate("before");
        assertThat(store.stats().writeFailureCount()).isEqualTo(writeFailures + 2);
        assertThat(store.stats().errorCount()).isPositive();
        for (int i = 0; i < 10; i++) {
          assertThat(tier.inferenceLog().record(record("during-" + i))).isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> tier.inferenceLog().stats().degraded());
        assertThat(tier.inferenceLog().stats().writtenCount()).isEqualTo(20);

        forwarder.restore();

        await()
            .atMost(Duration.ofSeconds(5))
            .untilAsserted(() -> assertThat(store.get("before")).isPresent());
        store.put("after", "fresh".getBytes(UTF_8), Duration.ofMinutes(10));
        assertThat(store.get("after")).isPresent();
        assertThat(store.get("during")).as("the put during the outage was not stored").isEmpty();
        await()
            .atMost(Duration.ofSeconds(5))
            .untilAsserted(
                () -> {
                  InferenceLogStats stats = tier.inferenceLog().stats();
                  assertThat(stats.writtenCount()).isEqualTo(30);
                  assertThat(stats.failedCount()).isZero();
                  assertThat(stats.droppedCount()).isZero();
                  assertThat(tier.health().status()).isEqualTo("ok");
                });
      } finally {
        tier.close();
      }

      Set<String> traceIds = new HashSet<>();
      try (Connection c = postgres.dataSource().getConnection();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT trace_id FROM " + prefix + "inference_log")) {
        while (rs.next()) {
          traceIds.add(rs.getString(1));
        }
      }
      for (int i = 0; i < 20; i++) {
        assertThat(traceIds).contains("before-" + i);
      }
      for (int i = 0; i < 10; i++) {
        assertThat(traceIds).contains("during-" + i);
      }
    }
  }

  @Test
  void readsAgainstASilentNetworkGiveUpAfterTheReadTimeoutAndRecover() throws Exception {
    String prefix = newPrefix();
    try (TcpForwarder forwarder = new TcpForwarder(postgres.host(), postgres.port())) {
      String url = urlThrough(forwarder);
      SharedTierConfig config =
          config(prefix).toBuilder()
              .readTimeout(Duration.ofMillis(300))
              .retryInterval(Duration.ofMillis(100))
              .build();
      SharedTier tier = open(pool(url, Duration.ofMillis(250)), config);
      SecondLevelStore store = tier.secondLevelStore();
      store.put("k", "v".getBytes(UTF_8), Duration.ofMinutes(10));
      assertThat(tier.inferenceLog().record(record("before-stall"))).isTrue();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> tier.inferenceLog().stats().writtenCount() == 1);

      // Without a network timeout the second read would wait for an answer forever; the bound
      // here is a hang guard, far above the 300 ms read timeout, not a latency target. Both reads
      // run on one thread so the pool hands the just-used connection back without validating it:
      // the read itself meets the silent network, not the pool's connection check.
      Optional<byte[]> duringStall =
          assertTimeoutPreemptively(
              Duration.ofSeconds(10),
              () -> {
                assertThat(store.get("k")).isPresent();
                forwarder.stall();
                return store.get("k");
              });
      assertThat(duringStall).isEmpty();
      assertThat(tier.health().status()).isEqualTo("degraded");
      assertThat(tier.health().reason())
          .hasValueSatisfying(r -> assertThat(r).contains("get failed: PSQLException"));
      assertThat(store.stats().errorCount()).isEqualTo(1);
      // The log writer meets the same silent network; its batch waits, bounded, and is retried.
      assertThat(tier.inferenceLog().record(record("during-stall"))).isTrue();

      forwarder.restore();

      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(store.get("k")).isPresent());
      assertThat(tier.health().secondLevel().degraded()).isFalse();
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () -> {
                assertThat(tier.inferenceLog().stats().writtenCount()).isEqualTo(2);
                assertThat(tier.health().status()).isEqualTo("ok");
              });
    }
  }

  @Test
  void openingWhileTheDatabaseIsDownStartsDegradedAndCreatesTheTablesWhenItReturns()
      throws Exception {
    String prefix = newPrefix();
    try (TcpForwarder forwarder = new TcpForwarder(postgres.host(), postgres.port())) {
      String url = urlThrough(forwarder);
      forwarder.cut();
      SharedTierConfig config =
          config(prefix).toBuilder().retryInterval(Duration.ofMillis(100)).build();

      SharedTier tier = open(pool(url, Duration.ofMillis(250)), config);

      assertThat(tier.health().status()).isEqualTo("degraded");
      assertThat(tier.health().reason())
          .hasValueSatisfying(r -> assertThat(r).contains("schema migration failed"));
      assertThat(tier.secondLevelStore().get("k")).isEmpty();
      assertThat(tier.inferenceLog().record(record("while-down"))).isTrue();

      forwarder.restore();

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                tier.secondLevelStore().put("k", "v".getBytes(UTF_8), Duration.ofMinutes(1));
                assertThat(tier.secondLevelStore().get("k")).isPresent();
                assertThat(tier.inferenceLog().stats().writtenCount()).isEqualTo(1);
                assertThat(tier.health().status()).isEqualTo("ok");
              });
      assertThat(count(postgres.dataSource(), "SELECT version FROM " + prefix + "schema_version"))
          .isEqualTo(1);
    }
  }
}
