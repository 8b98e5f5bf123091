package ai.vaultgemma.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.vaultgemma.testing.PostgresExtension.Source;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The embedded source on its own, whatever source the rest of this JVM uses: a second server is
 * started here and stopped again.
 */
class EmbeddedPostgresTest {

  @Test
  void startsARealPostgres17ForTheCurrentUserAndStopsOnClose() throws IOException, SQLException {
    String url;
    try (PostgresServer.Embedded pg = PostgresServer.startEmbedded()) {
      url = pg.server().jdbcUrl();
      assertThat(pg.server().source()).isEqualTo(Source.EMBEDDED);
      assertThat(url)
          .startsWith("jdbc:postgresql://127.0.0.1:")
          .endsWith("/postgres?user=postgres");
      try (Connection c = DriverManager.getConnection(url);
          Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SHOW server_version")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).startsWith("17.");
        }
        // A real server: PL/pgSQL, advisory locks and ON CONFLICT, which the shared tier uses.
        s.execute("CREATE TABLE t (k text PRIMARY KEY, v int)");
        s.execute("INSERT INTO t VALUES ('a', 1) ON CONFLICT (k) DO UPDATE SET v = t.v + 1");
        s.execute("INSERT INTO t VALUES ('a', 1) ON CONFLICT (k) DO UPDATE SET v = t.v + 1");
        try (ResultSet rs =
            s.executeQuery("SELECT v, pg_try_advisory_lock(42), current_user FROM t")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getInt(1)).isEqualTo(2);
          assertThat(rs.getBoolean(2)).isTrue();
          assertThat(rs.getString(3)).isEqualTo("postgres");
        }
      }
    }
    assertThatThrownBy(() -> DriverManager.getConnection(url).close())
        .isInstanceOf(SQLException.class);
  }
}
