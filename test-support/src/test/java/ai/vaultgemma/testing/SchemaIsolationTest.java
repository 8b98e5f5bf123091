package ai.vaultgemma.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Two test classes run through the JUnit engine here, as Surefire would run them: each gets its own
 * schema on the one server of the JVM, sees only its own tables, and leaves nothing behind.
 */
class SchemaIsolationTest {

  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  /** What each inner class saw, by class name. Static: the engine makes its own instances. */
  static final Map<String, Seen> SEEN = new ConcurrentHashMap<>();

  record Seen(String schema, String serverUrl, List<String> tables) {}

  @Test
  void eachClassGetsItsOwnSchemaOnTheSharedServerAndItIsDroppedAfterwards() throws SQLException {
    EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(FirstClass.class), selectClass(SecondClass.class))
        .execute()
        .testEvents()
        .assertStatistics(stats -> stats.started(2).succeeded(2).failed(0).skipped(0));

    Seen first = SEEN.get("first");
    Seen second = SEEN.get("second");
    assertThat(first).isNotNull();
    assertThat(second).isNotNull();
    assertThat(first.schema()).startsWith("vg_firstclass_").isNotEqualTo(second.schema());
    assertThat(second.schema()).startsWith("vg_secondclass_");
    assertThat(first.tables()).containsExactly("first_only");
    assertThat(second.tables()).containsExactly("second_only");
    // One server for the JVM: both classes, and this one, were handed the same server.
    assertThat(first.serverUrl()).isEqualTo(second.serverUrl()).isEqualTo(postgres.serverUrl());

    try (Connection c = postgres.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM information_schema.schemata WHERE schema_name IN ('"
                    + first.schema()
                    + "', '"
                    + second.schema()
                    + "')")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).as("schemas left after both classes").isZero();
    }
  }

  static Seen createAndList(PostgresExtension pg, String table) throws SQLException {
    try (Connection c = pg.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + table + " (id int)");
      List<String> tables = new ArrayList<>();
      try (ResultSet rs =
          s.executeQuery(
              "SELECT table_name FROM information_schema.tables"
                  + " WHERE table_schema = current_schema() ORDER BY table_name")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      return new Seen(pg.schema(), pg.serverUrl(), tables);
    }
  }

  // Nested classes are not run by Surefire on their own (its default excludes **/*$*).
  static class FirstClass {
    @RegisterExtension static final PostgresExtension pg = new PostgresExtension();

    @Test
    void createsItsTable() throws SQLException {
      SEEN.put("first", createAndList(pg, "first_only"));
    }
  }

  static class SecondClass {
    @RegisterExtension static final PostgresExtension pg = new PostgresExtension();

    @Test
    void createsItsTable() throws SQLException {
      SEEN.put("second", createAndList(pg, "second_only"));
    }
  }
}
