package ai.vaultgemma.core.tier;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.vaultgemma.cache.SecondLevelStats;
import ai.vaultgemma.cache.SecondLevelStore;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every supported database must show, run once per dialect by the subclasses. Each
 * test uses its own table prefix, so tests do not see each other's rows.
 */
abstract class AbstractSharedTierTest {

  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static final Duration TTL = Duration.ofMinutes(10);

  private final List<AutoCloseable> toClose = new ArrayList<>();

  /** The JDBC URL of the database under test. */
  abstract String jdbcUrl();

  @AfterEach
  void closeAndCheckForLeaks() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(Thread.getAllStackTraces().keySet())
                    .filteredOn(t -> t.isAlive() && t.getName().startsWith("vaultgemma-tier"))
                    .isEmpty());
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(Thread.getAllStackTraces().keySet())
                    .filteredOn(
                        t -> t.isAlive() && t.getName().startsWith("vaultgemma-inference-log"))
                    .isEmpty());
  }

  /** A pool with a generous connection timeout: opening an H2 file on a busy machine takes time. */
  HikariDataSource pool(String url) {
    return pool(url, Duration.ofSeconds(10));
  }

  /** A pool that gives up on a connection after {@code connectionTimeout} (250 ms at least). */
  HikariDataSource pool(String url, Duration connectionTimeout) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(url);
    c.setMaximumPoolSize(4);
    c.setConnectionTimeout(connectionTimeout.toMillis());
    c.setValidationTimeout(250);
    c.setInitializationFailTimeout(-1);
    HikariDataSource ds = new HikariDataSource(c);
    toClose.add(ds);
    return ds;
  }

  SharedTier open(DataSource ds, SharedTierConfig config) {
    SharedTier tier = SharedTier.open(ds, jdbcUrl(), config);
    toClose.add(tier);
    return tier;
  }

  static String newPrefix() {
    return "t"
        + PREFIXES.incrementAndGet()
        + "_"
        + Long.toHexString(System.nanoTime() & 0xffff)
        + "_";
  }

  static SharedTierConfig config(String prefix) {
    return SharedTierConfig.builder().tablePrefix(prefix).logFlushInterval(Duration.ZERO).build();
  }

  /** Waits for the tier's queued writes and log rows, which it writes on its own threads. */
  static void flushed(SharedTier tier) throws InterruptedException {
    assertThat(tier.flush(Duration.ofSeconds(10))).as("flushed within 10 s").isTrue();
  }

  static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  static long count(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void putByOneInstanceIsHitForAnotherWithItsOwnPool() throws Exception {
    String prefix = newPrefix();
    SharedTier a = open(pool(jdbcUrl()), config(prefix));
    SharedTier b = open(pool(jdbcUrl()), config(prefix));

    a.secondLevelStore().put("k1", bytes("{\"answer\":42}"), TTL);
    flushed(a);
    Optional<byte[]> fromB = b.secondLevelStore().get("k1");

    assertThat(fromB).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("{\"answer\":42}")));
    assertThat(b.secondLevelStore().get("other")).isEmpty();
    SecondLevelStats stats = b.secondLevelStore().stats();
    assertThat(stats.hitCount()).isEqualTo(1);
    assertThat(stats.missCount()).isEqualTo(1);
    assertThat(stats.errorCount()).isZero();
    assertThat(a.secondLevelStore().stats().writeCount()).isEqualTo(1);
    assertThat(a.health().status()).isEqualTo("ok");
  }

  @Test
  void newInstanceAfterTheFirstIsClosedStillHits() throws Exception {
    String prefix = newPrefix();
    HikariDataSource poolA = pool(jdbcUrl());
    SharedTier a = SharedTier.open(poolA, jdbcUrl(), config(prefix));
    a.secondLevelStore().put("survivor", bytes("still here"), TTL);
    a.close();
    a.close(); // idempotent
    poolA.close(); // with H2, the last connection closes the database file

    SharedTier c = open(pool(jdbcUrl()), config(prefix));

    assertThat(c.secondLevelStore().get("survivor"))
        .hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("still here")));
    assertThat(a.secondLevelStore().get("survivor")).as("a closed store only misses").isEmpty();
  }

  @Test
  void putReplacesAndInvalidateRemoves() throws Exception {
    SharedTier tier = open(pool(jdbcUrl()), config(newPrefix()));
    SecondLevelStore store = tier.secondLevelStore();

    store.put("k", bytes("one"), TTL);
    store.put("k", bytes("two"), TTL);
    flushed(tier);
    assertThat(store.get("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("two")));

    store.invalidate("k");
    flushed(tier);
    assertThat(store.get("k")).isEmpty();
    assertThat(store.stats().writeFailureCount()).isZero();
  }

  @Test
  void largeValuesAreCompressedAndComeBackIntact() throws Exception {
    String prefix = newPrefix();
    HikariDataSource ds = pool(jdbcUrl());
    SharedTier tier = open(ds, config(prefix).toBuilder().compressionThresholdBytes(1024).build());
    StringBuilder json = new StringBuilder("{\"choices\":[");
    for (int i = 0; i < 2000; i++) {
      json.append("{\"index\":").append(i).append(",\"text\":\"the same words again\"},");
    }
    byte[] large = bytes(json.append("]}").toString());
    byte[] random = new byte[50_000];
    new Random(7).nextBytes(random);
    byte[] small = bytes("{\"a\":1}");

    tier.secondLevelStore().put("large", large, TTL);
    tier.secondLevelStore().put("random", random, TTL);
    tier.secondLevelStore().put("small", small, TTL);
    flushed(tier);

    assertThat(tier.secondLevelStore().get("large"))
        .hasValueSatisfying(v -> assertThat(v).isEqualTo(large));
    assertThat(tier.secondLevelStore().get("random"))
        .hasValueSatisfying(v -> assertThat(v).isEqualTo(random));
    assertThat(tier.secondLevelStore().get("small"))
        .hasValueSatisfying(v -> assertThat(v).isEqualTo(small));
    String table = prefix + "l2_entry";
    assertThat(
            count(
                ds, "SELECT COUNT(*) FROM " + table + " WHERE compressed AND cache_key = 'large'"))
        .isEqualTo(1);
    assertThat(
            count(
                ds,
                "SELECT OCTET_LENGTH(value_bytes) FROM " + table + " WHERE cache_key = 'large'"))
        .isLessThan(large.length / 5);
    assertThat(count(ds, "SELECT COUNT(*) FROM " + table + " WHERE compressed")).isEqualTo(1);
  }

  @Test
  void oversizedValueIsNotStoredAndIsCounted() throws Exception {
    String prefix = newPrefix();
    HikariDataSource ds = pool(jdbcUrl());
    SharedTier tier = open(ds, config(prefix).toBuilder().maxValueBytes(100).build());

    tier.secondLevelStore().put("big", new byte[101], TTL);
    tier.secondLevelStore().put("fits", new byte[100], TTL);
    flushed(tier);

    assertThat(tier.secondLevelStore().get("big")).isEmpty();
    assertThat(tier.secondLevelStore().get("fits")).isPresent();
    SecondLevelStats stats = tier.secondLevelStore().stats();
    assertThat(stats.oversizedCount()).isEqualTo(1);
    assertThat(stats.writeCount()).isEqualTo(1);
    assertThat(count(ds, "SELECT COUNT(*) FROM " + prefix + "l2_entry")).isEqualTo(1);
  }

  @Test
  void expiredEntriesAreNotServedAndArePurgedInBatches() throws Exception {
    String prefix = newPrefix();
    HikariDataSource ds = pool(jdbcUrl());
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    SharedTier tier =
        SharedTier.open(ds, jdbcUrl(), config(prefix).toBuilder().purgeBatchSize(2).build(), clock);
    toClose.add(tier);
    SecondLevelStore store = tier.secondLevelStore();
    for (int i = 0; i < 5; i++) {
      store.put("short" + i, bytes("v" + i), Duration.ofMinutes(1));
    }
    store.put("long", bytes("stays"), Duration.ofHours(1));
    flushed(tier);
    assertThat(store.get("short0")).isPresent();

    clock.advance(Duration.ofMinutes(2));

    assertThat(store.get("short0")).as("expired, still in the table").isEmpty();
    assertThat(count(ds, "SELECT COUNT(*) FROM " + prefix + "l2_entry")).isEqualTo(6);
    assertThat(tier.purgeExpired()).isEqualTo(5);
    assertThat(count(ds, "SELECT COUNT(*) FROM " + prefix + "l2_entry")).isEqualTo(1);
    assertThat(store.get("long")).isPresent();
    assertThat(store.stats().purgedCount()).isEqualTo(5);
    assertThat(tier.purgeExpired()).isZero();
  }

  @Test
  void onePurgeRunIsBoundedInStatementsAndRows() throws Exception {
    String prefix = newPrefix();
    HikariDataSource ds = pool(jdbcUrl());
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    SharedTier tier =
        SharedTier.open(ds, jdbcUrl(), config(prefix).toBuilder().purgeBatchSize(1).build(), clock);
    toClose.add(tier);
    for (int i = 0; i < 130; i++) {
      tier.secondLevelStore().put("k" + i, bytes("v"), Duration.ofSeconds(1));
    }
    flushed(tier);
    clock.advance(Duration.ofSeconds(2));

    // 100 statements of one row each, then the run yields; the next run takes the rest.
    assertThat(tier.purgeExpired()).isEqualTo(100);
    assertThat(count(ds, "SELECT COUNT(*) FROM " + prefix + "l2_entry")).isEqualTo(30);
    assertThat(tier.purgeExpired()).isEqualTo(30);
    assertThat(count(ds, "SELECT COUNT(*) FROM " + prefix + "l2_entry")).isZero();
  }

  @Test
  void backgroundPurgeRemovesExpiredRows() throws Exception {
    String prefix = newPrefix();
    HikariDataSource ds = pool(jdbcUrl());
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    SharedTierConfig config =
        config(prefix).toBuilder().purgeInterval(Duration.ofMillis(50)).purgeBatchSize(3).build();
    SharedTier tier = SharedTier.open(ds, jdbcUrl(), config, clock);
    toClose.add(tier);
    for (int i = 0; i < 10; i++) {
      tier.secondLevelStore().put("k" + i, bytes("v"), Duration.ofSeconds(30));
    }
    flushed(tier);

    clock.advance(Duration.ofSeconds(31));

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(tier.secondLevelStore().stats().purgedCount()).isEqualTo(10);
              assertThat(count(ds, "SELECT COUNT(*) FROM " + prefix + "l2_entry")).isZero();
            });
  }

  @Test
  void twoInstancesMigratingAtTheSameMomentBothStart() throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 3; round++) {
        String prefix = newPrefix();
        HikariDataSource poolA = pool(jdbcUrl());
        HikariDataSource poolB = pool(jdbcUrl());
        // Warm both pools so the race is in the migration, not in connecting.
        count(poolA, "SELECT 1");
        count(poolB, "SELECT 1");
        CountDownLatch ready = new CountDownLatch(2);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<SharedTier>> started = new ArrayList<>();
        for (HikariDataSource ds : List.of(poolA, poolB)) {
          started.add(
              executor.submit(
                  () -> {
                    ready.countDown();
                    go.await();
                    return open(ds, config(prefix));
                  }));
        }
        ready.await();
        go.countDown();
        for (Future<SharedTier> f : started) {
          SharedTier tier = f.get(30, TimeUnit.SECONDS);
          assertThat(tier.health().reason()).isEmpty();
          tier.secondLevelStore().put("k", bytes("v"), TTL);
          flushed(tier);
          assertThat(tier.secondLevelStore().get("k")).isPresent();
        }
        assertThat(count(poolA, "SELECT version FROM " + prefix + "schema_version WHERE id = 1"))
            .isEqualTo(2);
        assertThat(count(poolA, "SELECT COUNT(*) FROM " + prefix + "schema_version")).isEqualTo(1);
      }
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void reopeningAnUpToDateSchemaChangesNothing() throws Exception {
    String prefix = newPrefix();
    HikariDataSource ds = pool(jdbcUrl());
    SharedTier first = open(ds, config(prefix));
    first.secondLevelStore().put("k", bytes("v"), TTL);
    flushed(first);
    long updatedAt = count(ds, "SELECT updated_at FROM " + prefix + "schema_version");

    SharedTier again = open(ds, config(prefix));

    assertThat(again.health().status()).isEqualTo("ok");
    assertThat(again.secondLevelStore().get("k")).isPresent();
    assertThat(count(ds, "SELECT updated_at FROM " + prefix + "schema_version"))
        .isEqualTo(updatedAt);
  }

  @Test
  void logRowsMatchTheRecordsAndHoldNoPromptTextByDefault() throws SQLException {
    String prefix = newPrefix();
    HikariDataSource ds = pool(jdbcUrl());
    SharedTier tier = open(ds, config(prefix).toBuilder().logBatchSize(7).build());
    Instant start = Instant.parse("2026-03-04T05:06:07.123456Z");
    List<InferenceLogRecord> submitted = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      InferenceLogRecord r =
          InferenceLogRecord.builder()
              .time(start.plusSeconds(i))
              .traceId("trace-" + i)
              .scope(i % 2 == 0 ? "tenant-a" : "")
              .model("vaultgemma-1b")
              .cacheLevel(i % 3 == 0 ? CacheLevel.L1 : i % 3 == 1 ? CacheLevel.L2 : CacheLevel.MISS)
              .promptTokens(10 + i)
              .completionTokens(20 + i)
              .latency(Duration.ofMillis(i).plusNanos(5_000))
              .status(i == 39 ? 503 : 200)
              .errorType(i == 39 ? "backend_unavailable" : null)
              .promptText("my secret prompt " + i)
              .responseText("the answer " + i)
              .build();
      submitted.add(r);
      assertThat(tier.inferenceLog().record(r)).isTrue();
    }

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> tier.inferenceLog().stats().writtenCount() == 40);

    InferenceLogStats stats = tier.inferenceLog().stats();
    assertThat(stats.acceptedCount()).isEqualTo(40);
    assertThat(stats.droppedCount()).isZero();
    assertThat(stats.failedCount()).isZero();
    assertThat(stats.queuedCount()).isZero();
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT logged_at, trace_id, scope, model, cache_level, prompt_tokens,"
                    + " completion_tokens, latency_micros, status, error_type, prompt_text,"
                    + " response_text FROM "
                    + prefix
                    + "inference_log ORDER BY trace_id");
        ResultSet rs = ps.executeQuery()) {
      List<InferenceLogRecord> rows = new ArrayList<>();
      while (rs.next()) {
        assertThat(rs.getString(11)).isNull();
        assertThat(rs.getString(12)).isNull();
        rows.add(
            InferenceLogRecord.builder()
                .time(rs.getObject(1, OffsetDateTime.class).toInstant())
                .traceId(rs.getString(2))
                .scope(rs.getString(3))
                .model(rs.getString(4))
                .cacheLevel(CacheLevel.valueOf(rs.getString(5)))
                .promptTokens(rs.getInt(6))
                .completionTokens(rs.getInt(7))
                .latency(Duration.of(rs.getLong(8), ChronoUnit.MICROS))
                .status(rs.getInt(9))
                .errorType(rs.getString(10))
                .build());
      }
      List<InferenceLogRecord> expected = new ArrayList<>();
      for (InferenceLogRecord r : submitted) {
        expected.add(
            new InferenceLogRecord(
                r.time(),
                r.traceId(),
                r.scope(),
                r.model(),
                r.cacheLevel(),
                r.promptTokens(),
                r.completionTokens(),
                r.latency(),
                r.status(),
                r.errorType(),
                null,
                null));
      }
      expected.sort((x, y) -> x.traceId().compareTo(y.traceId()));
      assertThat(rows).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void promptTextIsStoredOnlyAfterTheRedactorWhenEnabled() throws SQLException {
    String prefix = newPrefix();
    HikariDataSource ds = pool(jdbcUrl());
    SharedTierConfig config =
        config(prefix).toBuilder().storePromptText(s -> s.replaceAll("\\d{4}", "####")).build();
    SharedTier tier = open(ds, config);

    tier.inferenceLog()
        .record(
            InferenceLogRecord.builder()
                .traceId("t")
                .model("m")
                .promptText("card 1234 please")
                .responseText("ok 5678")
                .build());

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> tier.inferenceLog().stats().writtenCount() == 1);
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT prompt_text, response_text FROM " + prefix + "inference_log")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("card #### please");
      assertThat(rs.getString(2)).isEqualTo("ok ####");
    }
  }

  @Test
  void fullLogQueueDropsAndCountsWithoutBlocking() {
    String prefix = newPrefix();
    // A pool that cannot connect: the writer holds one batch and retries, the queue fills up.
    HikariDataSource dead = pool("jdbc:postgresql://127.0.0.1:1/nothing", Duration.ofMillis(250));
    SharedTierConfig config =
        config(prefix).toBuilder().logQueueCapacity(5).logBatchSize(1).build();
    SharedTier tier = SharedTier.open(dead, jdbcUrl(), config);
    toClose.add(tier);

    int queued = 0;
    for (int i = 0; i < 50; i++) {
      if (tier.inferenceLog().record(InferenceLogRecord.builder().traceId("t" + i).build())) {
        queued++;
      }
    }

    // The writer may hold one record in its batch, waiting for the breaker: 5 or 6 fit.
    InferenceLogStats stats = tier.inferenceLog().stats();
    assertThat(queued).isBetween(5, 6);
    assertThat(stats.acceptedCount()).isEqualTo(50);
    assertThat(stats.droppedCount()).isEqualTo(50 - queued);
    assertThat(stats.queuedCount()).isEqualTo(queued);
    assertThat(tier.health().status()).isEqualTo("degraded");
    assertThat(tier.health().reason()).hasValueSatisfying(r -> assertThat(r).contains("failed"));

    tier.close();

    // The database is down at close: nothing is tried, and the rest is counted, not lost silently.
    InferenceLogStats closed = tier.inferenceLog().stats();
    assertThat(closed.writtenCount()).isZero();
    assertThat(closed.failedCount()).isZero();
    assertThat(closed.droppedCount()).isEqualTo(50);
    assertThat(closed.queuedCount()).isZero();
    assertThat(tier.inferenceLog().record(InferenceLogRecord.builder().build())).isFalse();
    assertThat(tier.inferenceLog().stats().droppedCount()).isEqualTo(51);
    assertThat(tier.inferenceLog().stats().acceptedCount()).isEqualTo(51);
  }
}
