package ai.vaultgemma.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresExtensionTest {

  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  @Test
  void connectionsUseTheClassSchemaAndRoundTripRows() throws SQLException {
    try (Connection c = postgres.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE greeting (id int PRIMARY KEY, text varchar(20) NOT NULL)");
      s.execute("INSERT INTO greeting VALUES (1, 'hello'), (2, 'world')");
      try (ResultSet rs = s.executeQuery("SELECT current_schema(), count(*) FROM greeting")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo(postgres.schema());
        assertThat(rs.getInt(2)).isEqualTo(2);
      }
    }
  }

  @Test
  void schemaNameIsPrefixedWithTheTestClass() {
    assertThat(postgres.schema()).startsWith("vg_postgresextensiontest_");
    assertThat(postgres.jdbcUrl()).contains("currentSchema=" + postgres.schema());
    assertThat(postgres.port()).isPositive();
  }

  @Test
  void jdbcUrlAtReachesTheSameSchemaThroughTheGivenPort() throws SQLException {
    String url = postgres.jdbcUrlAt(postgres.port());
    assertThat(url).startsWith("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/");
    try (Connection c = java.sql.DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_schema()")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo(postgres.schema());
    }
  }

  @Test
  void sourceNamesWhereTheServerCameFrom() {
    // Whichever source this run uses, it is one of the three and the choice variable agrees.
    PostgresExtension.Source source = postgres.source();
    String chosen = System.getProperty(PostgresExtension.CHOICE_VARIABLE);
    if (chosen == null || chosen.isBlank()) {
      chosen = System.getenv(PostgresExtension.CHOICE_VARIABLE);
    }
    if (chosen != null && !chosen.isBlank() && !chosen.strip().equalsIgnoreCase("auto")) {
      assertThat(source.text()).isEqualTo(chosen.strip().toLowerCase(java.util.Locale.ROOT));
    } else if (System.getenv(PostgresExtension.JDBC_URL_ENV) != null) {
      assertThat(source).isEqualTo(PostgresExtension.Source.URL);
    } else {
      assertThat(source).isIn(PostgresExtension.Source.DOCKER, PostgresExtension.Source.EMBEDDED);
    }
  }

  @Test
  void withParameterAppendsWithTheRightSeparator() {
    assertThat(PostgresExtension.withParameter("jdbc:postgresql://h/db", "a", "1"))
        .isEqualTo("jdbc:postgresql://h/db?a=1");
    assertThat(PostgresExtension.withParameter("jdbc:postgresql://h/db?user=x", "a", "1"))
        .isEqualTo("jdbc:postgresql://h/db?user=x&a=1");
  }
}
