package ai.vaultgemma.core.tier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ai.vaultgemma.core.CallOptions;
import ai.vaultgemma.core.ChatChunk;
import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.EmbeddingRequest;
import ai.vaultgemma.core.EmbeddingResponse;
import ai.vaultgemma.core.HealthSnapshot;
import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.core.InferenceHttpException;
import ai.vaultgemma.logging.TraceScope;
import ai.vaultgemma.pool.DbPoolConfig;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shared tier seen through {@link InferenceClient}: what issue 8 asks of the client, run once
 * per database by the subclasses. Each test uses its own table prefix, and every client its own DB
 * pool, as separate instances of a service would. The backend is a MockWebServer whose request
 * count proves where each answer came from.
 */
@SuppressWarnings("try") // caller trace scopes are opened for their MDC side effect
abstract class SharedTierClientBaseTest {

  private static final AtomicInteger PREFIXES = new AtomicInteger();

  /** Answers chat and embedding requests; a prompt containing "fail" gets a 400. */
  static final Dispatcher BACKEND =
      new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
          String path = request.getUrl().encodedPath();
          String body = request.getBody() == null ? "" : request.getBody().utf8();
          if (path.endsWith("/chat/completions")) {
            if (body.contains("fail")) {
              return json(
                  400,
                  "{\"error\":{\"message\":\"bad prompt\",\"type\":\"invalid_request_error\"}}");
            }
            return json(200, completion(promptOf(body)));
          }
          if (path.endsWith("/embeddings")) {
            return json(200, embeddings(body));
          }
          return json(404, "{\"error\":{\"message\":\"no route\"}}");
        }
      };

  private static final Pattern CONTENT = Pattern.compile("\"content\":\"([^\"]*)\"");
  private static final Pattern INPUT = Pattern.compile("\"input\":(\\[[^\\]]*\\]|\"[^\"]*\")");

  final List<AutoCloseable> toClose = Collections.synchronizedList(new ArrayList<>());
  MockWebServer server;
  String prefix;

  /** The JDBC URL of the database under test. */
  abstract String jdbcUrl();

  @BeforeEach
  void startBackend() throws IOException {
    server = new MockWebServer();
    server.setDispatcher(BACKEND);
    server.start();
    prefix = newPrefix();
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
                        t ->
                            t.isAlive()
                                && (t.getName().startsWith("vaultgemma-tier")
                                    || t.getName().startsWith("vaultgemma-inference-log")))
                    .isEmpty());
  }

  // ---------------------------------------------------------------------------------------------
  // Fixtures

  static String newPrefix() {
    return "c"
        + PREFIXES.incrementAndGet()
        + "_"
        + Long.toHexString(System.nanoTime() & 0xffff)
        + "_";
  }

  /** A tier config for this test's prefix that writes log rows at once and retries quickly. */
  SharedTierConfig tierConfig() {
    return SharedTierConfig.builder()
        .tablePrefix(prefix)
        .logFlushInterval(Duration.ZERO)
        .readTimeout(Duration.ofMillis(500))
        .retryInterval(Duration.ofMillis(200))
        .build();
  }

  /** A DB pool of its own with short timeouts that starts even when the database is down. */
  static DbPoolConfig dbPool(String url) {
    return DbPoolConfig.builder()
        .dsn(url)
        .maxOpen(4)
        .maxIdle(1)
        .acquireTimeout(Duration.ofSeconds(1))
        .validationTimeout(Duration.ofMillis(250))
        .closeTimeout(Duration.ofSeconds(2))
        .failFast(false)
        .build();
  }

  /** A client with its own DB pool on {@code url}; closed after the test. */
  InferenceClient client(String url) {
    return track(newClient(url, tierConfig()));
  }

  InferenceClient newClient(String url, SharedTierConfig tier) {
    return InferenceClient.builder()
        .baseUrl(server.url("/v1").toString())
        .apiKey("sk-test")
        .dbPool(dbPool(url))
        .sharedTier(tier)
        .shutdownTimeout(Duration.ofSeconds(5))
        .build();
  }

  InferenceClient track(InferenceClient client) {
    toClose.add(client);
    return client;
  }

  /** A plain connection pool on the database under test, to look at the tables. */
  DataSource inspector() {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(jdbcUrl());
    c.setMaximumPoolSize(2);
    c.setConnectionTimeout(10_000);
    HikariDataSource ds = new HikariDataSource(c);
    toClose.add(ds);
    return ds;
  }

  static ChatRequest chat(String prompt) {
    return ChatRequest.builder().model("vaultgemma-1b").message(ChatMessage.user(prompt)).build();
  }

  static long count(DataSource ds, String sql, Object... params) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Waits until every log row the client accepted is written. */
  static void awaitLogDrained(InferenceClient client, long expectedWritten) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              InferenceLogStats stats = client.sharedTier().orElseThrow().inferenceLog().stats();
              assertThat(stats.writtenCount()).isEqualTo(expectedWritten);
              assertThat(stats.queuedCount()).isZero();
            });
  }

  static String traceIdOf(RecordedRequest request) {
    String traceparent = request.getHeaders().get("traceparent");
    assertThat(traceparent).isNotNull().matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
    return traceparent.substring(3, 35);
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  private static String promptOf(String body) {
    Matcher m = CONTENT.matcher(body);
    return m.find() ? m.group(1) : "";
  }

  /** A completion that echoes the prompt, with 7 prompt and 3 completion tokens. */
  static String completion(String prompt) {
    return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"vaultgemma-1b\","
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"echo: "
        + prompt
        + "\"},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3,\"total_tokens\":10}}";
  }

  /** One vector per input: {@code [length, first char, 0.5]}; 2 prompt tokens per input. */
  private static String embeddings(String body) {
    Matcher m = INPUT.matcher(body);
    List<String> inputs = new ArrayList<>();
    if (m.find()) {
      Matcher each = Pattern.compile("\"([^\"]*)\"").matcher(m.group(1));
      while (each.find()) {
        inputs.add(each.group(1));
      }
    }
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < inputs.size(); i++) {
      String in = inputs.get(i);
      data.append(i == 0 ? "" : ",")
          .append("{\"object\":\"embedding\",\"index\":")
          .append(i)
          .append(",\"embedding\":[")
          .append(in.length())
          .append(",")
          .append(in.isEmpty() ? 0 : (int) in.charAt(0))
          .append(",0.5]}");
    }
    return "{\"object\":\"list\",\"data\":["
        + data
        + "],\"model\":\"embed-1\",\"usage\":{\"prompt_tokens\":"
        + 2 * inputs.size()
        + ",\"total_tokens\":"
        + 2 * inputs.size()
        + "}}";
  }

  /** Waits until what {@code client} queued for the shared tier is written (at most 10 s). */
  static void flushed(InferenceClient client) throws InterruptedException {
    assertThat(client.sharedTier().orElseThrow().flush(Duration.ofSeconds(10))).isTrue();
  }

  // ---------------------------------------------------------------------------------------------
  // Tests

  @Test
  void chatAnsweredByOneClientIsAnL2HitForAnotherWithItsOwnPool() throws Exception {
    InferenceClient a = client(jdbcUrl());
    InferenceClient b = client(jdbcUrl());
    assertThat(a.dbPool().orElseThrow()).isNotSameAs(b.dbPool().orElseThrow());

    ChatResponse fromA = a.chat(chat("what is L2"));
    flushed(a); // L2 writes are queued off the caller's path
    ChatResponse fromB = b.chat(chat("what is L2"));

    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(fromB.text()).isEqualTo(fromA.text()).isEqualTo("echo: what is L2");
    assertThat(fromB.usage()).isEqualTo(fromA.usage());
    HealthSnapshot.ClientStats statsB = b.health().client();
    assertThat(statsB.l2Hits()).isEqualTo(1);
    assertThat(statsB.l1Hits()).isZero();
    assertThat(statsB.backendCalls()).isZero();
    assertThat(b.health().status()).isEqualTo(HealthSnapshot.Status.OK);
    // The JSON says how B's lookups and A's queued write went, not only the hit rate.
    String json = b.health().toJson();
    assertThat(json)
        .contains("\"shared_tier\":{")
        .contains("\"read_timeouts\":0", "\"read_failures\":0", "\"read_circuit_open\":0")
        .contains("\"read_queue_full\":0", "\"writes_dropped\":0", "\"writes_queued\":0");
    assertThat(a.health().toJson()).contains("\"writes_accepted\":1", "\"writes_written\":1");

    // The L2 hit filled B's L1: the next identical call does not touch the database.
    long l2Reads = b.sharedTier().orElseThrow().health().secondLevel().requestCount();
    assertThat(b.chat(chat("what is L2")).text()).isEqualTo("echo: what is L2");
    assertThat(b.health().client().l1Hits()).isEqualTo(1);
    assertThat(b.sharedTier().orElseThrow().health().secondLevel().requestCount())
        .isEqualTo(l2Reads);

    // A new instance after A is gone (client and pool closed) still hits.
    toClose.remove(a);
    a.close();
    assertThat(a.dbPool().orElseThrow().isClosed()).isTrue();
    InferenceClient c = client(jdbcUrl());
    assertThat(c.chat(chat("what is L2")).text()).isEqualTo("echo: what is L2");
    assertThat(c.health().client().l2Hits()).isEqualTo(1);
    assertThat(server.getRequestCount()).isEqualTo(1);

    // A different prompt, or the same prompt in another scope, is not shared.
    c.chat(chat("something else"));
    c.chat(chat("what is L2"), CallOptions.builder().scope("tenant-b").build());
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void asyncAndStreamingCallsAlsoHitTheSharedTier() throws Exception {
    InferenceClient a = client(jdbcUrl());
    InferenceClient b = client(jdbcUrl());
    InferenceClient c = client(jdbcUrl());
    a.chat(chat("async please"));
    flushed(a);

    ChatResponse async = b.chatAsync(chat("async please")).get(10, TimeUnit.SECONDS);
    List<ChatChunk> chunks = Collections.synchronizedList(new ArrayList<>());
    ChatResponse streamed =
        c.chatStream(chat("async please"), chunks::add).completion().get(10, TimeUnit.SECONDS);

    assertThat(async.text()).isEqualTo("echo: async please");
    assertThat(streamed.text()).isEqualTo("echo: async please");
    assertThat(chunks).isNotEmpty();
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(b.health().client().l2Hits()).isEqualTo(1);
    assertThat(c.health().client().l2Hits()).isEqualTo(1);
    awaitLogDrained(c, 1);
  }

  @Test
  void embeddingsComputedByOneClientAreL2HitsForAnother() throws Exception {
    InferenceClient a = client(jdbcUrl());
    InferenceClient b = client(jdbcUrl());

    EmbeddingResponse fromA = a.embed(EmbeddingRequest.of("embed-1", List.of("alpha", "beta")));
    flushed(a);
    EmbeddingResponse fromB = b.embed(EmbeddingRequest.of("embed-1", List.of("alpha", "beta")));

    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(fromB.vectors()).hasSize(2);
    assertThat(fromB.vectors().get(0).vector()).containsExactly(5f, 'a', 0.5f);
    assertThat(fromB.vectors().get(1).vector()).containsExactly(4f, 'b', 0.5f);
    assertThat(fromB.vectors().get(0).vector()).isEqualTo(fromA.vectors().get(0).vector());
    HealthSnapshot.ClientStats statsB = b.health().client();
    assertThat(statsB.l2Hits()).as("one call answered from L2").isEqualTo(1);
    assertThat(statsB.l1Hits()).isZero();
    assertThat(statsB.backendCalls()).isZero();

    // B now has both in L1; a batch with one new input sends only that input.
    b.embed(EmbeddingRequest.of("embed-1", List.of("alpha", "gamma")));
    assertThat(server.getRequestCount()).isEqualTo(2);
    server.takeRequest();
    assertThat(server.takeRequest().getBody().utf8()).contains("gamma").doesNotContain("alpha");

    toClose.remove(a);
    a.close();
    InferenceClient c = client(jdbcUrl());
    EmbeddingResponse fromC = c.embed(EmbeddingRequest.of("embed-1", "gamma"));
    assertThat(fromC.vectors().get(0).vector()).containsExactly(5f, 'g', 0.5f);
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(c.health().client().l2Hits()).isEqualTo(1);
  }

  @Test
  void expiredAnswersAreNotServedAndArePurged() throws Exception {
    InferenceClient a = client(jdbcUrl());
    InferenceClient b = client(jdbcUrl());
    DataSource db = inspector();
    String table = prefix + "l2_entry";
    a.chat(chat("short lived"), CallOptions.builder().ttl(Duration.ofMillis(300)).build());
    a.chat(chat("long lived"));
    flushed(a);
    assertThat(count(db, "SELECT COUNT(*) FROM " + table)).isEqualTo(2);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                count(
                        db,
                        "SELECT COUNT(*) FROM " + table + " WHERE expires_at < ?",
                        System.currentTimeMillis())
                    == 1);

    // The row is still there, but B does not serve it: it asks the backend.
    ChatResponse answer =
        b.chat(chat("short lived"), CallOptions.builder().skipCacheWrite(true).build());
    assertThat(answer.text()).isEqualTo("echo: short lived");
    assertThat(server.getRequestCount()).isEqualTo(3);
    assertThat(b.health().client().l2Hits()).isZero();
    assertThat(b.chat(chat("long lived")).text()).isEqualTo("echo: long lived");
    assertThat(b.health().client().l2Hits()).isEqualTo(1);

    assertThat(b.sharedTier().orElseThrow().purgeExpired()).isEqualTo(1);
    assertThat(count(db, "SELECT COUNT(*) FROM " + table)).isEqualTo(1);
    assertThat(b.health().sharedTier().orElseThrow().secondLevel().purgedCount()).isEqualTo(1);
  }

  @Test
  void anL2HitStaysInL1NoLongerThanItHadLeftInL2() throws Exception {
    InferenceClient a = client(jdbcUrl());
    InferenceClient b = client(jdbcUrl());
    DataSource db = inspector();
    a.chat(chat("brief"), CallOptions.builder().ttl(Duration.ofSeconds(2)).build());
    a.embed(
        EmbeddingRequest.of("embed-1", "brief"),
        CallOptions.builder().ttl(Duration.ofSeconds(2)).build());
    flushed(a);
    b.chat(chat("brief")); // an L2 hit; B's own default TTL is an hour
    b.embed(EmbeddingRequest.of("embed-1", "brief"));
    assertThat(b.health().client().l2Hits()).isEqualTo(2);
    assertThat(server.getRequestCount()).isEqualTo(2);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                count(
                        db,
                        "SELECT COUNT(*) FROM " + prefix + "l2_entry WHERE expires_at < ?",
                        System.currentTimeMillis())
                    == 2);

    // A's TTL ran out: B's in-memory copies are gone too, so B asks the backend.
    b.chat(chat("brief"));
    b.embed(EmbeddingRequest.of("embed-1", "brief"));
    assertThat(server.getRequestCount()).isEqualTo(4);
    assertThat(b.health().client().l1Hits()).isZero();
  }

  @Test
  void backgroundPurgeRemovesExpiredAnswers() throws Exception {
    SharedTierConfig fastPurge =
        tierConfig().toBuilder().purgeInterval(Duration.ofMillis(100)).build();
    InferenceClient a = track(newClient(jdbcUrl(), fastPurge));
    DataSource db = inspector();
    a.chat(chat("gone soon"), CallOptions.builder().ttl(Duration.ofMillis(200)).build());

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> count(db, "SELECT COUNT(*) FROM " + prefix + "l2_entry") == 0);
    assertThat(a.health().sharedTier().orElseThrow().secondLevel().purgedCount()).isEqualTo(1);
  }

  @Test
  void inferenceLogRowsMatchTheCallsMadeWithoutPromptText() throws Exception {
    InferenceClient a = client(jdbcUrl());
    InferenceClient b = client(jdbcUrl());
    String callerTrace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    a.chat(chat("secret prompt one")); // MISS
    a.chat(chat("secret prompt one")); // L1
    try (TraceScope caller = TraceScope.fromTraceparent(callerTrace)) {
      b.chat(chat("secret prompt one"), CallOptions.builder().scope("tenant-7").build()); // MISS
      flushed(b);
      a.chat(chat("secret prompt one"), CallOptions.builder().scope("tenant-7").build()); // L2
    }
    a.embed(EmbeddingRequest.of("embed-1", List.of("secret input"))); // MISS
    assertThatThrownBy(() -> a.chat(chat("please fail"))) // MISS, 400
        .isInstanceOf(InferenceHttpException.class);

    awaitLogDrained(a, 5);
    awaitLogDrained(b, 1);
    List<String> backendTraces = new ArrayList<>();
    for (int i = 0; i < server.getRequestCount(); i++) {
      backendTraces.add(traceIdOf(server.takeRequest()));
    }
    assertThat(backendTraces).hasSize(4);

    List<List<Object>> rows = new ArrayList<>();
    try (Connection c = inspector().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT trace_id, scope, model, cache_level, prompt_tokens, completion_tokens,"
                    + " status, error_type, prompt_text, response_text, latency_micros FROM "
                    + prefix
                    + "inference_log ORDER BY id");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int col = 1; col <= 8; col++) {
          row.add(rs.getObject(col) == null ? "null" : rs.getObject(col).toString());
        }
        assertThat(rs.getString(9)).as("prompt text").isNull();
        assertThat(rs.getString(10)).as("response text").isNull();
        assertThat(rs.getLong(11)).as("latency").isNotNegative();
        if (row.get(3).equals("L1")) {
          // An L1 hit never reaches the server; its trace id is the call's own new trace.
          assertThat((String) row.get(0)).matches("[0-9a-f]{32}").isNotIn(backendTraces);
          row.set(0, "own trace");
        }
        rows.add(row);
      }
    }
    String callerId = "4bf92f3577b34da6a3ce929d0e0e4736";
    // The writers are two threads, so order within a client only.
    assertThat(rows)
        .containsExactlyInAnyOrder(
            List.of(
                backendTraces.get(0), "default", "vaultgemma-1b", "MISS", "7", "3", "200", "null"),
            List.of("own trace", "default", "vaultgemma-1b", "L1", "7", "3", "200", "null"),
            List.of(callerId, "tenant-7", "vaultgemma-1b", "MISS", "7", "3", "200", "null"),
            List.of(callerId, "tenant-7", "vaultgemma-1b", "L2", "7", "3", "200", "null"),
            List.of(backendTraces.get(2), "default", "embed-1", "MISS", "2", "0", "200", "null"),
            List.of(
                backendTraces.get(3),
                "default",
                "vaultgemma-1b",
                "MISS",
                "0",
                "0",
                "400",
                "InferenceHttpException"));
    assertThat(backendTraces.get(1)).isEqualTo(callerId);
    assertThat(rows).noneSatisfy(r -> assertThat(r.toString()).contains("secret"));
    for (String column : List.of("prompt_text", "response_text")) {
      assertThat(
              count(
                  inspector(),
                  "SELECT COUNT(*) FROM " + prefix + "inference_log WHERE " + column + " IS NULL"))
          .isEqualTo(6);
    }
  }

  @Test
  void promptTextIsStoredOnlyWhenEnabledAndThenRedacted() throws Exception {
    SharedTierConfig withText =
        tierConfig().toBuilder().storePromptText(t -> t.replace("4111", "****")).build();
    InferenceClient a = track(newClient(jdbcUrl(), withText));
    a.chat(chat("card 4111 please"));
    awaitLogDrained(a, 1);
    try (Connection c = inspector().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT prompt_text, response_text FROM " + prefix + "inference_log");
        ResultSet rs = ps.executeQuery()) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("card **** please");
      assertThat(rs.getString(2)).isEqualTo("echo: card **** please");
    }
    a.embed(EmbeddingRequest.of("embed-1", List.of("4111 one", "two")));
    awaitLogDrained(a, 2);
    try (Connection c = inspector().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT prompt_text, response_text FROM "
                    + prefix
                    + "inference_log WHERE model = 'embed-1'");
        ResultSet rs = ps.executeQuery()) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("**** one\ntwo");
      assertThat(rs.getString(2)).isNull();
    }
  }

  @Test
  void twoClientsStartingAtTheSameMomentOnFreshTablesBothStartCleanly() throws Exception {
    for (int round = 0; round < 3; round++) {
      prefix = newPrefix();
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService starters = Executors.newFixedThreadPool(2);
      try {
        List<Future<InferenceClient>> started = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          started.add(
              starters.submit(
                  () -> {
                    go.await();
                    return client(jdbcUrl());
                  }));
        }
        go.countDown();
        InferenceClient a = started.get(0).get(30, TimeUnit.SECONDS);
        InferenceClient b = started.get(1).get(30, TimeUnit.SECONDS);

        assertThat(a.health().status()).isEqualTo(HealthSnapshot.Status.OK);
        assertThat(b.health().status()).isEqualTo(HealthSnapshot.Status.OK);
        DataSource db = inspector();
        assertThat(count(db, "SELECT COUNT(*) FROM " + prefix + "schema_version")).isEqualTo(1);
        assertThat(count(db, "SELECT MAX(version) FROM " + prefix + "schema_version")).isEqualTo(2);
        int before = server.getRequestCount();
        a.chat(chat("round " + round));
        flushed(a);
        b.chat(chat("round " + round));
        assertThat(server.getRequestCount()).isEqualTo(before + 1);
        assertThat(b.health().client().l2Hits()).isEqualTo(1);
      } finally {
        starters.shutdownNow();
      }
    }
  }
}
