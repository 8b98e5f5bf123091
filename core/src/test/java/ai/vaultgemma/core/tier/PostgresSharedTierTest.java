package ai.vaultgemma.core.tier;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.vaultgemma.testing.PostgresExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shared tier on the real PostgreSQL, plus starting during an outage. Outages of a running tier
 * (refused and silent connections) are in {@link SharedTierFaultIsolationTest}.
 */
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
          .isEqualTo(2);
    }
  }

  @Test
  void aVersionOneDatabaseIsUpgradedWithTheRateLimitTableAndKeepsItsEntries() throws Exception {
    String prefix = newPrefix();
    javax.sql.DataSource ds = pool(postgres.jdbcUrl());
    // A database as version 1 of the library left it: its tables, version 1, one entry.
    try (java.sql.Connection c = ds.getConnection();
        java.sql.Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE "
              + prefix
              + "schema_version (id INTEGER NOT NULL PRIMARY KEY, version INTEGER NOT NULL,"
              + " updated_at BIGINT NOT NULL)");
      s.execute("INSERT INTO " + prefix + "schema_version VALUES (1, 1, 0)");
      s.execute(
          "CREATE TABLE "
              + prefix
              + "l2_entry (cache_key VARCHAR(512) NOT NULL PRIMARY KEY, value_bytes BYTEA NOT NULL,"
              + " compressed BOOLEAN NOT NULL, raw_size INTEGER NOT NULL, expires_at BIGINT NOT"
              + " NULL)");
      s.execute(
          "INSERT INTO "
              + prefix
              + "l2_entry VALUES ('kept', '\\x6b', FALSE, 1, 9223372036854775807)");
    }

    SharedTier tier = open(ds, config(prefix));

    assertThat(count(ds, "SELECT version FROM " + prefix + "schema_version")).isEqualTo(2);
    assertThat(count(ds, "SELECT COUNT(*) FROM " + prefix + "rate_limit")).isZero();
    assertThat(tier.secondLevelStore().get("kept"))
        .hasValueSatisfying(v -> assertThat(v).hasSize(1));
    assertThat(tier.rateLimits()).isPresent();
  }
}
