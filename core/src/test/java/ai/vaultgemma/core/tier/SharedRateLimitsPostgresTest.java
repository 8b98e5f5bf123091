package ai.vaultgemma.core.tier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ai.vaultgemma.core.CallOptions;
import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.core.RateLimit;
import ai.vaultgemma.core.RateLimitExceededException;
import ai.vaultgemma.pool.DbPoolConfig;
import ai.vaultgemma.pool.HttpPoolConfig;
import ai.vaultgemma.pool.RetryPolicy;
import ai.vaultgemma.testing.PostgresExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rate limits shared by two client instances through the shared tier on the real PostgreSQL. Both
 * clients have their own DB pool and tier on the same tables, and one {@link MutableClock} that the
 * test drives, so no test sleeps to let time pass.
 */
class SharedRateLimitsPostgresTest {

  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  private static final AtomicInteger PREFIXES = new AtomicInteger();

  private static final CallOptions NO_CACHE =
      CallOptions.builder().skipCacheRead(true).skipCacheWrite(true).build();

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private MockWebServer server;
  private String prefix;

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return new MockResponse.Builder()
                .code(200)
                .setHeader("Content-Type", "application/json")
                .body(
                    "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
                        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                        + "\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
                        + "\"usage\":{\"prompt_tokens\":70,\"completion_tokens\":30,"
                        + "\"total_tokens\":100}}")
                .build();
          }
        });
    server.start();
    prefix = "rl" + PREFIXES.incrementAndGet() + "_" + (System.nanoTime() & 0xffff) + "_";
  }

  @AfterEach
  void closeAndCheckForLeaks() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    server.close();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(Thread.getAllStackTraces().keySet())
                    .filteredOn(
                        t -> t.isAlive() && t.getName().startsWith(SharedTier.THREAD_NAME_PREFIX))
                    .isEmpty());
  }

  private InferenceClient client(RateLimit perScope, String jdbcUrl, Duration budget) {
    InferenceClient client =
        InferenceClient.builder()
            .baseUrl(server.url("/v1").toString())
            .httpPool(HttpPoolConfig.builder().retryPolicy(RetryPolicy.none()).build())
            .dbPool(DbPoolConfig.builder().dsn(jdbcUrl).maxOpen(4).maxIdle(2).build())
            .sharedTier(
                SharedTierConfig.builder()
                    .tablePrefix(prefix)
                    .readTimeout(budget)
                    .retryInterval(Duration.ofMinutes(5)) // stays open once an outage opened it
                    .build())
            .rateLimitPerScope(perScope)
            .clock(clock)
            .shutdownTimeout(Duration.ofSeconds(10))
            .build();
    toClose.add(client);
    return client;
  }

  private InferenceClient client(RateLimit perScope) {
    return client(perScope, postgres.jdbcUrl(), Duration.ofSeconds(5));
  }

  private static RateLimit.Builder shared(long perMinute) {
    return RateLimit.builder()
        .requestsPerMinute(perMinute)
        .whenExceeded(RateLimit.Action.REJECT)
        .shared(true);
  }

  private static ChatRequest chat(String prompt) {
    return ChatRequest.builder().model("m").message(ChatMessage.user(prompt)).build();
  }

  private static SharedRateLimitStats stats(InferenceClient client) {
    return client.sharedTier().orElseThrow().rateLimits().orElseThrow().stats();
  }

  @Test
  void twoInstancesTogetherHoldTheLimitWithinAFewPercentInEveryTenSecondWindow() {
    RateLimit limit = shared(600).build();
    InferenceClient a = client(limit);
    InferenceClient b = client(limit);
    int[] perClient = new int[2];
    List<Integer> windows = new ArrayList<>();
    // Offered load: one call every 20 ms of clock time (3,000 per minute, five times the limit),
    // the two instances taking turns, for 60 s.
    for (int w = 0; w < 6; w++) {
      int passed = 0;
      for (int i = 0; i < 500; i++) {
        int who = i % 2;
        try {
          (who == 0 ? a : b).chat(chat("w" + w + "-" + i), NO_CACHE);
          passed++;
          perClient[who]++;
        } catch (RateLimitExceededException e) {
          // over the shared limit: not sent
        }
        clock.advance(Duration.ofMillis(20));
      }
      windows.add(passed);
    }
    // 600 per minute is 100 per 10 s; the first window also has the one-second burst (10).
    assertThat(windows.get(0)).isBetween(100, 112);
    for (int passed : windows.subList(1, windows.size())) {
      assertThat(passed).isBetween(97, 103);
    }
    assertThat(server.getRequestCount()).isEqualTo(windows.stream().mapToInt(x -> x).sum());
    // Each instance alone would have let 600 per minute through; together they did.
    assertThat(perClient[0]).isBetween(250, 360);
    assertThat(perClient[1]).isBetween(250, 360);
    assertThat(stats(a).fallbackCount() + stats(b).fallbackCount()).isZero();
    assertThat(stats(a).admittedCount() + stats(b).admittedCount())
        .isEqualTo(server.getRequestCount());
  }

  @Test
  void theLimitIsPerScope() {
    RateLimit limit = shared(60).build(); // one call at once, then one a second
    InferenceClient a = client(limit);
    InferenceClient b = client(limit);
    CallOptions tenantA = CallOptions.builder().scope("tenant-a").skipCacheRead(true).build();
    CallOptions tenantB = CallOptions.builder().scope("tenant-b").skipCacheRead(true).build();

    a.chat(chat("1"), tenantA);
    b.chat(chat("2"), tenantB); // another scope: its own cell
    assertThatThrownBy(() -> b.chat(chat("3"), tenantA)) // the other instance, same scope
        .isInstanceOf(RateLimitExceededException.class)
        .hasMessageContaining("scope \"tenant-a\"");
    assertThatThrownBy(() -> a.chat(chat("4"), tenantB))
        .isInstanceOf(RateLimitExceededException.class)
        .hasMessageContaining("scope \"tenant-b\"");
    assertThat(server.getRequestCount()).isEqualTo(2);

    clock.advance(Duration.ofSeconds(1));
    b.chat(chat("5"), tenantA);
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void aRejectNamesTheLimitAndWhenToRetry() {
    InferenceClient a = client(shared(60).build());
    InferenceClient b = client(shared(60).build());
    a.chat(chat("first"), NO_CACHE);
    clock.advance(Duration.ofMillis(250));

    assertThatThrownBy(() -> b.chat(chat("second"), NO_CACHE))
        .isInstanceOfSatisfying(
            RateLimitExceededException.class,
            e -> {
              assertThat(e.limit()).isEqualTo("scope \"default\" requests per minute (60)");
              assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(750));
            })
        .hasMessage(
            "rate limit scope \"default\" requests per minute (60) (shared) exceeded;"
                + " retry after 750ms");
    assertThat(stats(b).refusedCount()).isEqualTo(1);
  }

  @Test
  void aWaitingCallWaitsOnTheTimerAndOnePastItsDeadlineIsNotSent() throws Exception {
    RateLimit limit = shared(600).whenExceeded(RateLimit.Action.WAIT).build();
    InferenceClient a = client(limit);
    InferenceClient b = client(limit);
    for (int i = 0; i < 10; i++) {
      (i % 2 == 0 ? a : b).chat(chat("burst " + i), NO_CACHE); // the one-second burst
    }
    // The clock stands still: the next call may go 100 ms later, on the client's timer.
    CompletableFuture<ChatResponse> waited = b.chatAsync(chat("eleventh"), NO_CACHE);
    assertThat(waited.get(10, TimeUnit.SECONDS).choices()).hasSize(1);
    assertThat(server.getRequestCount()).isEqualTo(11);

    // The next one would have to wait 200 ms, past a 50 ms deadline: refused, not sent.
    CallOptions shortDeadline = NO_CACHE.toBuilder().timeout(Duration.ofMillis(50)).build();
    assertThatThrownBy(() -> a.chat(chat("twelfth"), shortDeadline))
        .isInstanceOf(RateLimitExceededException.class)
        .hasMessageContaining("retry after 200ms")
        .hasMessageContaining("past the call's deadline");
    assertThat(server.getRequestCount()).isEqualTo(11);
  }

  @Test
  void theTokenChargeIsCorrectedFromUsageInTheDatabase() throws Exception {
    // 6,000 tokens per minute: a token costs 10 ms. The prompt "hi" is estimated at 1 token; the
    // server reports 100.
    RateLimit limit =
        RateLimit.builder()
            .tokensPerMinute(6_000)
            .whenExceeded(RateLimit.Action.REJECT)
            .shared(true)
            .build();
    InferenceClient a = client(limit);
    a.chat(chat("hi"), NO_CACHE);
    long start = Instant.parse("2030-01-01T00:00:00Z").toEpochMilli() * 1_000_000L;
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(tat("scope:default:tokens")).isEqualTo(start + 100 * 10_000_000L));
    assertThat(stats(a).adjustedCount()).isEqualTo(1);
  }

  @Test
  void anOutageFallsBackToEachInstancesMemoryWithinTheReadBudget() throws Exception {
    try (TcpForwarder forwarder = new TcpForwarder(postgres.host(), postgres.port())) {
      Duration budget = Duration.ofMillis(300);
      InferenceClient a = client(shared(60).build(), postgres.jdbcUrlAt(forwarder.port()), budget);
      a.chat(chat("through the database"), NO_CACHE);
      assertThat(stats(a).admittedCount()).isEqualTo(1);

      forwarder.refuse();
      clock.advance(Duration.ofSeconds(1));
      long t0 = System.nanoTime();
      a.chat(chat("in memory"), NO_CACHE); // memory's own cell is fresh: admitted
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(budget.plusSeconds(2));
      t0 = System.nanoTime();
      assertThatThrownBy(() -> a.chat(chat("over memory's limit"), NO_CACHE))
          .isInstanceOf(RateLimitExceededException.class)
          .hasMessageContaining("requests per minute (60)");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(budget.plusSeconds(2));
      assertThat(stats(a).fallbackCount()).isEqualTo(2);
      assertThat(a.sharedTier().orElseThrow().health().status())
          .isEqualTo(SharedTierHealth.DEGRADED);
      // The health JSON says each instance is deciding alone.
      assertThat(a.health().sharedRateLimits())
          .hasValueSatisfying(s -> assertThat(s.fallbackCount()).isEqualTo(2));
      assertThat(a.health().toJson())
          .contains("\"rate_limit_admitted\":1", "\"rate_limit_fallbacks\":2");
      assertThat(server.getRequestCount()).isEqualTo(2);
    }
  }

  @Test
  void aSharedLimitWithoutASharedTierOnPostgresFailsTheBuildNamingTheSetting() {
    RateLimit limit = shared(60).build();
    assertThatThrownBy(
            () ->
                InferenceClient.builder()
                    .baseUrl(server.url("/v1").toString())
                    .rateLimitPerScope(limit)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("rateLimitPerScope is shared(true)")
        .hasMessageContaining("no shared tier");
    assertThatThrownBy(
            () ->
                InferenceClient.builder()
                    .baseUrl(server.url("/v1").toString())
                    .dbPool(DbPoolConfig.fromDsn("jdbc:h2:mem:rl"))
                    .sharedTier(SharedTierConfig.defaults())
                    .rateLimitPerEndpoint(limit)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("rateLimitPerEndpoint is shared(true)")
        .hasMessageContaining("not PostgreSQL");
  }

  private long tat(String key) throws Exception {
    try (Connection c = postgres.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT tat FROM " + prefix + "rate_limit WHERE limit_key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("row %s", key).isTrue();
        return rs.getLong(1);
      }
    }
  }
}
