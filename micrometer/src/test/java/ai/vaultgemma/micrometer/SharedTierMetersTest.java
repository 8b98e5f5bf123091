package ai.vaultgemma.micrometer;

import static ai.vaultgemma.micrometer.MeterNames.SHARED_TIER_DEGRADED;
import static ai.vaultgemma.micrometer.MeterNames.SHARED_TIER_LOG_ROWS;
import static ai.vaultgemma.micrometer.MeterNames.SHARED_TIER_LOG_ROWS_QUEUED;
import static ai.vaultgemma.micrometer.MeterNames.SHARED_TIER_LOOKUPS;
import static ai.vaultgemma.micrometer.MeterNames.SHARED_TIER_RATE_LIMIT_DECISIONS;
import static ai.vaultgemma.micrometer.MeterNames.SHARED_TIER_WRITES;
import static ai.vaultgemma.micrometer.MeterNames.SHARED_TIER_WRITES_QUEUED;
import static ai.vaultgemma.micrometer.MeterNames.TAG_RESULT;
import static ai.vaultgemma.micrometer.Payloads.client;
import static ai.vaultgemma.micrometer.Payloads.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.core.RateLimit;
import ai.vaultgemma.core.tier.SharedTier;
import ai.vaultgemma.core.tier.SharedTierConfig;
import ai.vaultgemma.core.tier.SharedTierHealth;
import ai.vaultgemma.pool.DbPoolConfig;
import ai.vaultgemma.testing.PostgresExtension;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link InferenceMetrics#bind} with a shared tier on a real PostgreSQL: the L2, inference log and
 * shared rate-limit meters read what the tier itself counted.
 */
class SharedTierMetersTest {

  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  private static final AtomicInteger PREFIXES = new AtomicInteger();

  /** Every result value each tier counter registers, in the order the tests list them. */
  private static final Map<String, List<String>> RESULTS =
      Map.of(
          SHARED_TIER_LOOKUPS,
          List.of("hit", "miss", "timeout", "failure", "circuit_open", "queue_full"),
          SHARED_TIER_WRITES,
          List.of("written", "dropped", "failed", "oversized"),
          SHARED_TIER_LOG_ROWS,
          List.of("written", "dropped", "failed"),
          SHARED_TIER_RATE_LIMIT_DECISIONS,
          List.of("admitted", "refused", "fallback"));

  @StartStop final MockWebServer server = new MockWebServer();

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final InferenceMetrics metrics =
      InferenceMetrics.builder(registry).snapshotMaxAge(Duration.ZERO).build();
  String prefix;

  @BeforeEach
  void newTablePrefix() {
    server.setDispatcher(InferenceMetricsTest.echoModel());
    prefix = "mt" + PREFIXES.incrementAndGet() + "_" + Long.toHexString(System.nanoTime() & 0xfff);
    prefix += "_";
  }

  @AfterEach
  void noTierThreadOutlivesItsClient() {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(Thread.getAllStackTraces().keySet())
                    .filteredOn(
                        t ->
                            t.isAlive()
                                && t.getName().startsWith(SharedTier.THREAD_NAME_PREFIX + prefix))
                    .isEmpty());
  }

  /** A shared tier of this test's tables that writes log rows at once. */
  private SharedTierConfig.Builder tier() {
    return SharedTierConfig.builder()
        .tablePrefix(prefix)
        .logFlushInterval(Duration.ZERO)
        .readTimeout(Duration.ofSeconds(2))
        .closeTimeout(Duration.ofSeconds(5));
  }

  /** A scope limit far above what the test sends, kept in the tier's database. */
  private static RateLimit sharedLimit() {
    return RateLimit.builder()
        .requestsPerMinute(100_000_000)
        .tokensPerMinute(100_000_000)
        .shared(true)
        .build();
  }

  private static DbPoolConfig pool(String url) {
    return DbPoolConfig.builder()
        .dsn(url)
        .maxOpen(4)
        .acquireTimeout(Duration.ofSeconds(1))
        .validationTimeout(Duration.ofMillis(250))
        .closeTimeout(Duration.ofSeconds(2))
        .failFast(false)
        .build();
  }

  private double count(String name, String result) {
    return registry.get(name).tags(TAG_RESULT, result).functionCounter().count();
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  /** Every tier counter's value by {@code name/result}, zeros included. */
  private Map<String, Double> counts() {
    Map<String, Double> all = new TreeMap<>();
    RESULTS.forEach(
        (name, results) -> results.forEach(r -> all.put(name + "/" + r, count(name, r))));
    return all;
  }

  /** {@link #counts()} as they should read: zero except for {@code nonZero}. */
  private static Map<String, Double> expected(Map<String, Double> nonZero) {
    Map<String, Double> all = new TreeMap<>();
    RESULTS.forEach((name, results) -> results.forEach(r -> all.put(name + "/" + r, 0.0)));
    all.putAll(nonZero);
    return all;
  }

  @Test
  void anL2MissThenAnL2HitAreCountedWithTheirWritesLogRowsAndDecisions() throws Exception {
    try (InferenceClient client =
        client(server, metrics)
            .dbPool(pool(postgres.jdbcUrl()))
            .sharedTier(tier().build())
            .rateLimitPerScope(sharedLimit())
            .build()) {
      metrics.bind(client);
      SharedTier tier = client.sharedTier().orElseThrow();
      assertThat(tier.health().status()).isEqualTo(SharedTierHealth.OK);
      assertThat(counts()).isEqualTo(expected(Map.of()));
      assertThat(gauge(SHARED_TIER_DEGRADED)).isZero();

      // L1 and L2 miss: the server answers, the answer is queued for L2, the call for the log.
      client.chat(request("m", "q"));
      assertThat(tier.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(counts())
          .isEqualTo(
              expected(
                  Map.of(
                      SHARED_TIER_LOOKUPS + "/miss", 1.0,
                      SHARED_TIER_WRITES + "/written", 1.0,
                      SHARED_TIER_LOG_ROWS + "/written", 1.0,
                      SHARED_TIER_RATE_LIMIT_DECISIONS + "/admitted", 1.0)));

      // With L1 emptied, the same call is an L2 hit: logged, but neither written nor decided.
      client.inferenceCache().invalidateAll();
      client.chat(request("m", "q"));
      assertThat(tier.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(server.getRequestCount()).isEqualTo(1);
      assertThat(client.health().client().l2Hits()).isEqualTo(1);
      assertThat(counts())
          .isEqualTo(
              expected(
                  Map.of(
                      SHARED_TIER_LOOKUPS + "/hit", 1.0,
                      SHARED_TIER_LOOKUPS + "/miss", 1.0,
                      SHARED_TIER_WRITES + "/written", 1.0,
                      SHARED_TIER_LOG_ROWS + "/written", 2.0,
                      SHARED_TIER_RATE_LIMIT_DECISIONS + "/admitted", 1.0)));
      assertThat(gauge(SHARED_TIER_WRITES_QUEUED)).isZero();
      assertThat(gauge(SHARED_TIER_LOG_ROWS_QUEUED)).isZero();
      assertThat(gauge(SHARED_TIER_DEGRADED)).isZero();

      // Every tier meter is in boundMeters, for removal: 16 counters and 3 gauges.
      List<Meter> tierMeters =
          registry.getMeters().stream()
              .filter(m -> m.getId().getName().startsWith("vaultgemma.shared_tier."))
              .toList();
      assertThat(tierMeters).hasSize(19);
      assertThat(metrics.boundMeters()).containsAll(tierMeters);
    }
  }

  @Test
  void aValueAboveTheSizeLimitIsCountedAsAnOversizedWrite() throws Exception {
    try (InferenceClient client =
        client(server, metrics)
            .dbPool(pool(postgres.jdbcUrl()))
            .sharedTier(tier().maxValueBytes(8).build())
            .build()) {
      metrics.bind(client);
      client.chat(request("m", "q"));
      assertThat(client.sharedTier().orElseThrow().flush(Duration.ofSeconds(10))).isTrue();
      assertThat(count(SHARED_TIER_WRITES, "oversized")).isEqualTo(1);
      assertThat(count(SHARED_TIER_WRITES, "written")).isZero();
      assertThat(count(SHARED_TIER_LOG_ROWS, "written")).isEqualTo(1);
    }
  }

  @Test
  void aTierThatCannotReachItsDatabaseReadsDegradedAndCountsWhatItSkipped() throws Exception {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort(); // free once closed: nothing listens there
    }
    try (InferenceClient client =
        client(server, metrics)
            .dbPool(pool(postgres.jdbcUrlAt(deadPort)))
            .sharedTier(tier().readTimeout(Duration.ofMillis(200)).build())
            .rateLimitPerScope(sharedLimit())
            .build()) {
      metrics.bind(client);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(gauge(SHARED_TIER_DEGRADED)).isEqualTo(1));

      // The call still succeeds from the server; the tier is not asked, and what it should write
      // waits in its queues.
      client.chat(request("m", "q"));
      assertThat(server.getRequestCount()).isEqualTo(1);
      assertThat(count(SHARED_TIER_LOOKUPS, "circuit_open")).isEqualTo(1);
      assertThat(count(SHARED_TIER_LOOKUPS, "miss")).isZero();
      assertThat(count(SHARED_TIER_RATE_LIMIT_DECISIONS, "fallback")).isEqualTo(1);
      assertThat(count(SHARED_TIER_RATE_LIMIT_DECISIONS, "admitted")).isZero();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(gauge(SHARED_TIER_WRITES_QUEUED)).isEqualTo(1);
                assertThat(gauge(SHARED_TIER_LOG_ROWS_QUEUED)).isEqualTo(1);
              });
      assertThat(count(SHARED_TIER_WRITES, "written")).isZero();
      assertThat(count(SHARED_TIER_LOG_ROWS, "written")).isZero();
    }
  }

  @Test
  void withoutASharedTierNoTierMetersAreRegistered() {
    try (InferenceClient client =
        client(server, metrics).dbPool(DbPoolConfig.fromDsn(postgres.jdbcUrl())).build()) {
      metrics.bind(client);
    }
    assertThat(metrics.boundMeters()).isNotEmpty();
    assertThat(metrics.boundMeters())
        .noneMatch(m -> m.getId().getName().startsWith("vaultgemma.shared_tier."));
    assertThat(registry.getMeters())
        .noneMatch(m -> m.getId().getName().startsWith("vaultgemma.shared_tier."));
    for (String name :
        List.of(
            SHARED_TIER_LOOKUPS,
            SHARED_TIER_WRITES,
            SHARED_TIER_WRITES_QUEUED,
            SHARED_TIER_LOG_ROWS,
            SHARED_TIER_LOG_ROWS_QUEUED,
            SHARED_TIER_DEGRADED,
            SHARED_TIER_RATE_LIMIT_DECISIONS)) {
      assertThat(registry.find(name).meters()).as(name).isEmpty();
    }
  }
}
