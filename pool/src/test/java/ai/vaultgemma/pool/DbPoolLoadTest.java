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
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** 50 concurrent workers on a pool of 5, watched from the server side. */
class DbPoolLoadTest {

  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  private static final int WORKERS = 50;
  private static final int QUERIES_PER_WORKER = 20;
  private static final String COUNT_OURS =
      "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?";

  @Test
  void fiftyWorkersNeverOpenMoreThanFiveConnections() throws Exception {
    String appName = "vg-load-" + Long.toHexString(System.nanoTime());
    DbPoolConfig config =
        DbPoolConfig.builder()
            .dsn(postgres.jdbcUrl())
            .maxOpen(5)
            .maxIdle(5)
            .poolName(appName)
            .build();
    AtomicInteger maxSeenByServer = new AtomicInteger();
    AtomicInteger maxWaiting = new AtomicInteger();
    AtomicInteger snapshots = new AtomicInteger();
    List<DbPoolStats> badSnapshots = new ArrayList<>();
    AtomicBoolean running = new AtomicBoolean(true);

    ExecutorService executor = Executors.newFixedThreadPool(WORKERS + 1);
    try (DbPool pool = DbPool.start(config);
        Connection monitor = postgres.dataSource().getConnection()) {
      // A watcher outside the pool: samples the server's count and our snapshots until done.
      Future<?> watcher =
          executor.submit(
              () -> {
                try (PreparedStatement ps = monitor.prepareStatement(COUNT_OURS)) {
                  ps.setString(1, appName);
                  while (running.get()) {
                    try (ResultSet rs = ps.executeQuery()) {
                      rs.next();
                      maxSeenByServer.accumulateAndGet(rs.getInt(1), Math::max);
                    }
                    DbPoolStats stats = pool.stats();
                    snapshots.incrementAndGet();
                    maxWaiting.accumulateAndGet(stats.threadsAwaiting(), Math::max);
                    if (stats.inUse() + stats.idle() != stats.openConnections()
                        || stats.openConnections() > 5
                        || stats.inUse() > 5) {
                      synchronized (badSnapshots) {
                        badSnapshots.add(stats);
                      }
                    }
                  }
                }
                return null;
              });

      CountDownLatch start = new CountDownLatch(1);
      AtomicInteger done = new AtomicInteger();
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < WORKERS; w++) {
        workers.add(
            executor.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < QUERIES_PER_WORKER; i++) {
                    // Each query also reports how many of our connections the server sees.
                    List<Integer> seen =
                        pool.query(
                            "SELECT count(*)::int FROM pg_stat_activity, pg_sleep(0.001)"
                                + " WHERE application_name = ?",
                            rs -> rs.getInt(1),
                            appName);
                    maxSeenByServer.accumulateAndGet(seen.get(0), Math::max);
                    done.incrementAndGet();
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> worker : workers) {
        worker.get(2, TimeUnit.MINUTES);
      }
      running.set(false);
      watcher.get(1, TimeUnit.MINUTES);

      assertThat(done.get()).isEqualTo(WORKERS * QUERIES_PER_WORKER);
      assertThat(maxSeenByServer.get()).isBetween(1, 5);
      assertThat(snapshots.get()).isPositive();
      assertThat(badSnapshots).isEmpty();
      assertThat(maxWaiting.get()).as("workers had to wait for the 5 connections").isPositive();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                DbPoolStats stats = pool.stats();
                assertThat(stats.inUse()).isZero();
                assertThat(stats.threadsAwaiting()).isZero();
                assertThat(stats.openConnections()).isEqualTo(stats.idle()).isBetween(1, 5);
                assertThat(stats.totalAcquisitions())
                    .isGreaterThanOrEqualTo(WORKERS * QUERIES_PER_WORKER);
              });
    } finally {
      running.set(false);
      executor.shutdownNow();
    }
    assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    // A closed connection's backend leaves pg_stat_activity a moment after the client hangs up.
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(serverConnections(appName)).isZero());
  }

  private static int serverConnections(String appName) throws SQLException {
    try (Connection c = postgres.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(COUNT_OURS)) {
      ps.setString(1, appName);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
