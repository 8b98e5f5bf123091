package ai.vaultgemma.core.tier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.vaultgemma.core.CallOptions;
import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.EmbeddingRequest;
import ai.vaultgemma.core.HealthSnapshot;
import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.logging.TraceScope;
import ai.vaultgemma.pool.HttpPoolConfig;
import ai.vaultgemma.testing.PostgresExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The client over the shared tier on the real PostgreSQL, plus what only a server shows: an outage
 * between one instance and the database, and instances migrating a fresh schema together.
 */
@SuppressWarnings("try") // caller trace scopes are opened for their MDC side effect
class SharedTierClientPostgresTest extends SharedTierClientBaseTest {

  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  private static final String BEFORE_TRACE =
      "00-11111111111111111111111111111111-1111111111111111-01";
  private static final String DURING_TRACE =
      "00-22222222222222222222222222222222-2222222222222222-01";

  @Override
  String jdbcUrl() {
    return postgres.jdbcUrl();
  }

  private static String urlThrough(TcpForwarder forwarder) {
    return postgres.jdbcUrlAt(forwarder.port());
  }

  private long logRowsWithTrace(DataSource db, String traceparent) throws Exception {
    return count(
        db,
        "SELECT COUNT(*) FROM " + prefix + "inference_log WHERE trace_id = ?",
        traceparent.substring(3, 35));
  }

  @Test
  void outageBetweenAClientAndTheDatabaseFailsNoCallAndEverythingResumesWhenItReturns()
      throws Exception {
    try (TcpForwarder forwarder = new TcpForwarder(postgres.host(), postgres.port())) {
      InferenceClient a = client(postgres.jdbcUrl());
      InferenceClient b = client(urlThrough(forwarder));
      DataSource db = inspector();

      a.chat(chat("shared answer"));
      try (TraceScope caller = TraceScope.fromTraceparent(BEFORE_TRACE)) {
        for (int i = 0; i < 5; i++) {
          b.chat(chat("before " + i));
        }
        b.chat(chat("shared answer"));
      }
      assertThat(b.health().client().l2Hits()).isEqualTo(1);
      awaitLogDrained(b, 6);
      assertThat(b.health().status()).isEqualTo(HealthSnapshot.Status.OK);
      int backendBefore = server.getRequestCount();

      forwarder.cut();

      // Every call still succeeds: from B's L1, or from the backend when L2 cannot answer.
      try (TraceScope caller = TraceScope.fromTraceparent(DURING_TRACE)) {
        assertThat(b.chat(chat("shared answer")).text()).isEqualTo("echo: shared answer");
        for (int i = 0; i < 10; i++) {
          assertThat(b.chat(chat("during " + i)).text()).isEqualTo("echo: during " + i);
        }
        assertThat(b.embed(EmbeddingRequest.of("embed-1", "during")).vectors()).hasSize(1);
      }
      assertThat(server.getRequestCount()).isEqualTo(backendBefore + 11);
      assertThat(b.health().client().failures()).isZero();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                HealthSnapshot health = b.health();
                assertThat(health.status()).isEqualTo(HealthSnapshot.Status.DEGRADED);
                assertThat(health.reasons())
                    .anySatisfy(r -> assertThat(r).startsWith("shared tier: "));
                assertThat(health.toJson()).contains("\"status\":\"degraded\"");
                assertThat(health.sharedTier().orElseThrow().inferenceLog().degraded()).isTrue();
              });
      InferenceLogStats duringCut = b.sharedTier().orElseThrow().inferenceLog().stats();
      assertThat(duringCut.acceptedCount()).isEqualTo(18);
      assertThat(duringCut.writtenCount()).isEqualTo(6);
      assertThat(duringCut.droppedCount()).isZero();

      // Meanwhile A, whose own pool is fine, stores an answer B has never seen.
      a.chat(chat("computed during the outage"));
      assertThat(a.health().status()).isEqualTo(HealthSnapshot.Status.OK);

      forwarder.restore();

      // Within a few seconds B reads L2 again (its L1 is emptied before each try, so only L2 can
      // answer without the backend).
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(100))
          .untilAsserted(
              () -> {
                b.inferenceCache().invalidateAll();
                long hits = b.health().client().l2Hits();
                b.chat(chat("computed during the outage"));
                assertThat(b.health().client().l2Hits()).isEqualTo(hits + 1);
              });
      // ... and the log rows queued during the cut are written.
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                InferenceLogStats stats = b.sharedTier().orElseThrow().inferenceLog().stats();
                assertThat(stats.writtenCount()).isEqualTo(stats.acceptedCount());
                assertThat(stats.failedCount()).isZero();
                assertThat(stats.droppedCount()).isZero();
                assertThat(b.health().status()).isEqualTo(HealthSnapshot.Status.OK);
              });
      assertThat(logRowsWithTrace(db, BEFORE_TRACE)).as("rows before the cut").isEqualTo(6);
      assertThat(logRowsWithTrace(db, DURING_TRACE)).as("rows during the cut").isEqualTo(12);
      assertThat(b.health().client().failures()).isZero();
    }
  }

  @Test
  void aSlowSharedTierWriteDoesNotHoldAnHttpSlotOfAnAsyncCall() throws Exception {
    try (TcpForwarder forwarder = new TcpForwarder(postgres.host(), postgres.port())) {
      CountDownLatch firstArrived = new CountDownLatch(1);
      AtomicReference<CompletableFuture<ChatResponse>> first = new AtomicReference<>();
      AtomicBoolean firstDoneWhenSecondArrived = new AtomicBoolean(true);
      server.setDispatcher(
          new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
              String body = request.getBody() == null ? "" : request.getBody().utf8();
              if (body.contains("first")) {
                // L2 was read before this request; from now on the database is silent, so the
                // write of this answer to L2 hangs until the tier's timeout.
                forwarder.stall();
                firstArrived.countDown();
              } else if (body.contains("second")) {
                firstDoneWhenSecondArrived.set(first.get().isDone());
              }
              return BACKEND.dispatch(request);
            }
          });
      InferenceClient b =
          track(
              InferenceClient.builder()
                  .baseUrl(server.url("/v1").toString())
                  .httpPool(HttpPoolConfig.builder().maxRequestsPerHost(1).build())
                  .dbPool(dbPool(urlThrough(forwarder)))
                  .sharedTier(tierConfig().toBuilder().readTimeout(Duration.ofSeconds(3)).build())
                  .build());
      b.chat(chat("warm the pool"));

      first.set(b.chatAsync(chat("first")));
      assertThat(firstArrived.await(10, TimeUnit.SECONDS)).isTrue();
      ChatResponse second =
          b.chatAsync(
                  chat("second"),
                  CallOptions.builder().skipCacheRead(true).skipCacheWrite(true).build())
              .get(10, TimeUnit.SECONDS);

      assertThat(second.text()).isEqualTo("echo: second");
      // The L2 write is queued off the caller's path: the first answer did not wait for the
      // silent database at all, so it was already returned when the second request went out.
      assertThat(firstDoneWhenSecondArrived)
          .as("the first answer waited for its L2 write to a silent database")
          .isTrue();
      assertThat(first.get().get(1, TimeUnit.SECONDS).text()).isEqualTo("echo: first");
      forwarder.restore();
      // The stalled write itself gives up on the tier's thread and is counted, not lost.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                SecondLevelWriteStats writes = b.health().sharedTier().orElseThrow().writes();
                return writes.queuedCount() == 0
                    && writes.writtenCount() + writes.droppedCount() + writes.failedCount()
                        == writes.acceptedCount();
              });
    }
  }

  @Test
  void twoClientsStartingAtTheSameMomentInAFreshSchemaWithDefaultsBothStartCleanly()
      throws Exception {
    String schema = "vg_fresh_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    DataSource admin = postgres.dataSource();
    try (Connection c = admin.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    String url = postgres.serverUrl() + "&currentSchema=" + schema;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService starters = Executors.newFixedThreadPool(2);
    List<InferenceClient> clients = new ArrayList<>();
    try {
      List<Future<InferenceClient>> started = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        started.add(
            starters.submit(
                () -> {
                  go.await();
                  return newClient(url, SharedTierConfig.defaults());
                }));
      }
      go.countDown();
      for (Future<InferenceClient> f : started) {
        clients.add(f.get(30, TimeUnit.SECONDS));
      }
      for (InferenceClient client : clients) {
        assertThat(client.health().status()).isEqualTo(HealthSnapshot.Status.OK);
      }
      assertThat(
              count(
                  admin,
                  "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ?",
                  schema))
          .isEqualTo(4);
      assertThat(count(admin, "SELECT version FROM " + schema + ".vg_schema_version")).isEqualTo(2);
      clients.get(0).chat(chat("fresh"));
      flushed(clients.get(0));
      clients.get(1).chat(chat("fresh"));
      assertThat(server.getRequestCount()).isEqualTo(1);
    } finally {
      starters.shutdownNow();
      for (InferenceClient client : clients) {
        client.close();
      }
      try (Connection c = admin.getConnection();
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA " + schema + " CASCADE");
      }
    }
  }
}
