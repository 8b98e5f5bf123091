package ai.vaultgemma.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.vaultgemma.testing.PostgresExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Connection lifetime and idle timeout retire connections. HikariCP's floors (30 s lifetime, 10 s
 * idle) make these the slow tests of the module; the housekeeper runs every 500 ms here instead of
 * every 30 s so the idle test does not wait for it.
 */
class DbPoolRetirementTest {

  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  private static final String HOUSEKEEPING = "com.zaxxer.hikari.housekeeping.periodMs";

  @BeforeAll
  static void fastHousekeeping() {
    System.setProperty(HOUSEKEEPING, "500");
  }

  @AfterAll
  static void normalHousekeeping() {
    System.clearProperty(HOUSEKEEPING);
  }

  @Test
  void idleConnectionsAboveMaxIdleAreClosedAfterMaxIdleTime() throws SQLException {
    String appName = "vg-idle-" + Long.toHexString(System.nanoTime());
    DbPoolConfig config =
        DbPoolConfig.builder()
            .dsn(postgres.jdbcUrl())
            .maxOpen(4)
            .maxIdle(1)
            .maxIdleTime(DbPoolConfig.MIN_MAX_IDLE_TIME)
            .poolName(appName)
            .build();
    try (DbPool pool = DbPool.start(config)) {
      List<Connection> burst = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        burst.add(pool.dataSource().getConnection());
      }
      assertThat(pool.stats().inUse()).isEqualTo(4);
      assertThat(serverPids(appName)).hasSize(4);
      for (Connection c : burst) {
        c.close();
      }
      assertThat(pool.stats().idle()).isEqualTo(4);

      await()
          .atMost(Duration.ofSeconds(40))
          .pollInterval(Duration.ofMillis(250))
          .untilAsserted(
              () -> {
                assertThat(pool.stats().openConnections()).isEqualTo(1);
                assertThat(serverPids(appName)).hasSize(1);
              });
    }
  }

  @Test
  void connectionsAreReplacedAfterMaxLifetime() throws SQLException {
    String appName = "vg-life-" + Long.toHexString(System.nanoTime());
    DbPoolConfig config =
        DbPoolConfig.builder()
            .dsn(postgres.jdbcUrl())
            .maxOpen(2)
            .maxIdle(2)
            .maxLifetime(DbPoolConfig.MIN_MAX_LIFETIME)
            .poolName(appName)
            .build();
    try (DbPool pool = DbPool.start(config)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> serverPids(appName).size() == 2);
      Set<Integer> first = serverPids(appName);

      await()
          .atMost(Duration.ofSeconds(75))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                Set<Integer> now = serverPids(appName);
                assertThat(now).hasSize(2).doesNotContainAnyElementsOf(first);
              });
      // The replacements work.
      assertThat(pool.query("SELECT pg_backend_pid()", rs -> rs.getInt(1)))
          .singleElement()
          .isNotIn(first);
    }
  }

  private static Set<Integer> serverPids(String appName) throws SQLException {
    try (Connection c = postgres.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT pid FROM pg_stat_activity WHERE application_name = ?")) {
      ps.setString(1, appName);
      Set<Integer> pids = new HashSet<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          pids.add(rs.getInt(1));
        }
      }
      return pids;
    }
  }
}
