package ai.vaultgemma.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ai.vaultgemma.testing.PostgresExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DbPoolTest {

  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  private DbPool pool;

  @BeforeEach
  void startPool() {
    pool = DbPool.start(config().build());
    pool.update("CREATE TABLE IF NOT EXISTS notes (id int PRIMARY KEY, body text)");
    pool.update("TRUNCATE notes");
  }

  @AfterEach
  void closePool() {
    pool.close();
  }

  private static DbPoolConfig.Builder config() {
    return DbPoolConfig.builder()
        .dsn(postgres.jdbcUrl())
        .maxOpen(4)
        .maxIdle(1)
        .poolName("dbpool-test");
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void updateAndQueryBindParameters() {
    assertThat(pool.update("INSERT INTO notes VALUES (?, ?), (?, ?)", 1, "one", 2, null))
        .isEqualTo(2);
    // A value that would break string-built SQL is stored as it is.
    pool.update("INSERT INTO notes VALUES (?, ?)", 3, "x'); DROP TABLE notes; --");

    List<String> bodies =
        pool.query("SELECT body FROM notes ORDER BY id", rs -> rs.getString("body"));
    List<Integer> ids =
        pool.query("SELECT id FROM notes WHERE id > ? ORDER BY id", rs -> rs.getInt(1), 1);

    assertThat(bodies).containsExactly("one", null, "x'); DROP TABLE notes; --");
    assertThat(ids).containsExactly(2, 3);
  }

  @Test
  void inTransactionCommits() {
    String result =
        pool.inTransaction(
            c -> {
              try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO notes VALUES (10, 'a')");
                s.executeUpdate("INSERT INTO notes VALUES (11, 'b')");
              }
              return "done";
            });

    assertThat(result).isEqualTo("done");
    assertThat(pool.query("SELECT count(*) FROM notes", rs -> rs.getInt(1))).containsExactly(2);
  }

  @Test
  void inTransactionRollsBackOnRuntimeException() {
    IllegalStateException boom = new IllegalStateException("boom");

    assertThatThrownBy(
            () ->
                pool.inTransaction(
                    c -> {
                      try (Statement s = c.createStatement()) {
                        s.executeUpdate("INSERT INTO notes VALUES (20, 'a')");
                      }
                      throw boom;
                    }))
        .isSameAs(boom);
    assertThat(pool.query("SELECT count(*) FROM notes", rs -> rs.getInt(1))).containsExactly(0);
  }

  @Test
  void inTransactionRollsBackOnSqlExceptionAndWrapsIt() {
    pool.update("INSERT INTO notes VALUES (30, 'kept')");

    assertThatThrownBy(
            () ->
                pool.inTransaction(
                    c -> {
                      try (Statement s = c.createStatement()) {
                        s.executeUpdate("INSERT INTO notes VALUES (31, 'gone')");
                        s.executeUpdate("INSERT INTO notes VALUES (30, 'duplicate')");
                      }
                      return null;
                    }))
        .isInstanceOf(DbPoolException.class)
        .hasCauseInstanceOf(SQLException.class)
        .hasMessageContaining("transaction failed")
        .hasMessageContaining("23505")
        .satisfies(e -> assertThat(((DbPoolException) e).sqlState()).isEqualTo("23505"));
    assertThat(pool.query("SELECT id FROM notes", rs -> rs.getInt(1))).containsExactly(30);
    // The connection went back in auto-commit mode: a plain update is visible at once.
    pool.update("INSERT INTO notes VALUES (32, 'after')");
    assertThat(pool.query("SELECT count(*) FROM notes", rs -> rs.getInt(1))).containsExactly(2);
  }

  @Test
  void inTransactionHandsTheConnectionBackInAutoCommitMode() throws SQLException {
    try (DbPool single =
        DbPool.start(config().maxOpen(1).maxIdle(1).poolName("dbpool-single").build())) {
      single.inTransaction(c -> c.getAutoCommit());
      assertThatThrownBy(
              () ->
                  single.inTransaction(
                      c -> {
                        throw new SQLException("work failed");
                      }))
          .isInstanceOf(DbPoolException.class)
          .hasMessageContaining("work failed");

      try (Connection c = single.dataSource().getConnection()) {
        assertThat(c.getAutoCommit()).isTrue();
      }
    }
  }

  @Test
  void sqlErrorsBecomeDbPoolExceptionsWithTheCause() {
    assertThatThrownBy(() -> pool.query("SELECT * FROM no_such_table", rs -> 1))
        .isInstanceOf(DbPoolException.class)
        .hasMessageContaining("query failed [SELECT * FROM no_such_table]")
        .hasMessageContaining("42P01")
        .hasCauseInstanceOf(SQLException.class);
    assertThatThrownBy(() -> pool.update("INSERT INTO notes VALUES (?, ?)", "not-a-number", "b"))
        .isInstanceOf(DbPoolException.class)
        .hasMessageContaining("update failed")
        .hasMessageNotContaining("not-a-number".toUpperCase(java.util.Locale.ROOT));
    assertThatThrownBy(
            () ->
                pool.query(
                    "SELECT 1",
                    rs -> {
                      throw new SQLException("mapper failed", "XX001");
                    }))
        .isInstanceOf(DbPoolException.class)
        .hasMessageContaining("mapper failed")
        .satisfies(e -> assertThat(((DbPoolException) e).sqlState()).isEqualTo("XX001"));
    assertThat(pool.stats().inUse()).isZero();
  }

  @Test
  void statsCountAcquisitionsAndAddUp() {
    long before = pool.stats().totalAcquisitions();
    for (int i = 0; i < 10; i++) {
      pool.query("SELECT 1", rs -> rs.getInt(1));
    }

    DbPoolStats stats = pool.stats();

    assertThat(stats.totalAcquisitions()).isEqualTo(before + 10);
    assertThat(stats.totalAcquisitionNanos()).isPositive();
    assertThat(stats.averageAcquisitionNanos()).isPositive();
    assertThat(stats.inUse()).isZero();
    assertThat(stats.openConnections()).isEqualTo(stats.inUse() + stats.idle()).isBetween(1, 4);
    assertThat(stats.maxOpen()).isEqualTo(4);
    assertThat(stats.timeoutCount()).isZero();
  }

  @Test
  void statsSeeBorrowedConnections() throws SQLException {
    try (Connection a = pool.dataSource().getConnection();
        Connection b = pool.dataSource().getConnection()) {
      DbPoolStats stats = pool.stats();
      assertThat(stats.inUse()).isEqualTo(2);
      assertThat(stats.openConnections()).isEqualTo(stats.inUse() + stats.idle());
      assertThat(a).isNotSameAs(b);
    }
    assertThat(pool.stats().inUse()).isZero();
  }

  @Test
  void acquireTimeoutIsCountedAndReported() throws SQLException {
    try (DbPool small =
            DbPool.start(
                config()
                    .maxOpen(1)
                    .maxIdle(1)
                    .poolName("dbpool-timeout")
                    .acquireTimeout(Duration.ofMillis(300))
                    .validationTimeout(Duration.ofMillis(250))
                    .build());
        Connection held = small.dataSource().getConnection()) {
      assertThat(held.isValid(1)).isTrue();

      assertThatThrownBy(() -> small.query("SELECT 1", rs -> 1))
          .isInstanceOf(DbPoolException.class)
          .hasMessageContaining("dbpool-timeout")
          .hasCauseInstanceOf(SQLException.class);
      assertThat(small.stats().timeoutCount()).isEqualTo(1);
    }
  }

  @Test
  void healthyAgainstTheLiveServer() {
    DbHealth health = pool.health(Duration.ofSeconds(2));

    assertThat(health.isHealthy()).as(health.toString()).isTrue();
    assertThat(health.reason()).isEmpty();
    assertThat(health.latency()).isPositive().isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void unhealthyAndFastAgainstAClosedPort() throws IOException {
    int port = closedPort();
    DbPoolConfig config =
        DbPoolConfig.builder()
            .dsn("postgres://app:hunter2@127.0.0.1:" + port + "/test")
            .failFast(false)
            .poolName("dbpool-down")
            .build();

    try (DbPool down = DbPool.start(config)) {
      DbHealth health =
          assertTimeoutPreemptively(
              Duration.ofSeconds(10), () -> down.health(Duration.ofMillis(500)));

      assertThat(health.isHealthy()).isFalse();
      assertThat(health.reason()).contains("127.0.0.1:" + port).doesNotContain("hunter2");
      assertThat(health.latency()).isLessThan(Duration.ofSeconds(5));
      assertThatThrownBy(() -> down.health(Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("timeout must be >= 1ms but was PT0S");
    }
  }

  @Test
  void startAgainstAClosedPortFailsClearlyInBoundedTime() throws IOException {
    int port = closedPort();
    DbPoolConfig config =
        DbPoolConfig.builder()
            .dsn("postgresql://app:hunter2@127.0.0.1:" + port + "/test")
            .acquireTimeout(Duration.ofSeconds(2))
            .validationTimeout(Duration.ofSeconds(1))
            .build();

    assertTimeoutPreemptively(
        Duration.ofSeconds(15),
        () ->
            assertThatThrownBy(() -> DbPool.start(config))
                .isInstanceOf(DbPoolException.class)
                .hasMessageContaining("Could not connect to the database at 127.0.0.1:" + port)
                .hasMessageContaining(DbPoolConfig.DEFAULT_POOL_NAME)
                .hasMessageNotContaining("hunter2")
                .hasCauseInstanceOf(Throwable.class));
  }

  @Test
  void closeIsIdempotentAndRefusesNewWork() {
    pool.close();
    pool.close();

    assertThat(pool.isClosed()).isTrue();
    assertThatThrownBy(() -> pool.query("SELECT 1", rs -> 1))
        .isInstanceOf(DbPoolException.class)
        .hasMessage("DB pool dbpool-test is closed");
    assertThatThrownBy(() -> pool.update("SELECT 1")).isInstanceOf(DbPoolException.class);
    assertThatThrownBy(() -> pool.inTransaction(c -> 1)).isInstanceOf(DbPoolException.class);
    DbHealth health = pool.health(Duration.ofSeconds(1));
    assertThat(health.isHealthy()).isFalse();
    assertThat(health.reason()).isEqualTo("pool dbpool-test is closed");
    assertThat(pool.stats().openConnections()).isZero();
  }

  @Test
  void closeLetsInFlightWorkFinish() throws Exception {
    CountDownLatch borrowed = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    AtomicReference<Integer> resultAfterCloseBegan = new AtomicReference<>();
    CompletableFuture<Void> worker =
        CompletableFuture.runAsync(
            () ->
                pool.inTransaction(
                    c -> {
                      borrowed.countDown();
                      awaitLatch(finish);
                      try (Statement s = c.createStatement();
                          var rs = s.executeQuery("SELECT 42")) {
                        rs.next();
                        resultAfterCloseBegan.set(rs.getInt(1));
                      }
                      return null;
                    }));
    assertThat(borrowed.await(10, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> closer = CompletableFuture.runAsync(pool::close);
    await().atMost(Duration.ofSeconds(10)).until(pool::isClosed);
    assertThat(closer).isNotDone();
    finish.countDown();

    worker.get(10, TimeUnit.SECONDS);
    closer.get(10, TimeUnit.SECONDS);
    assertThat(resultAfterCloseBegan.get()).isEqualTo(42);
  }

  private static void awaitLatch(CountDownLatch latch) throws SQLException {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new SQLException("test latch was never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted", e);
    }
  }

  @Test
  void closeAbortsWorkStillBorrowedAfterTheCloseTimeout() throws Exception {
    DbPool impatient =
        DbPool.start(config().poolName("dbpool-impatient").closeTimeout(Duration.ZERO).build());
    Connection held = impatient.dataSource().getConnection();

    impatient.close();

    assertThatThrownBy(() -> held.createStatement().executeQuery("SELECT 1"))
        .isInstanceOf(SQLException.class);
    held.close();
  }

  @Test
  void toStringShowsNameAndTargetButNoSecret() {
    assertThat(pool.toString()).contains("dbpool-test").contains(postgres.host());
  }
}
