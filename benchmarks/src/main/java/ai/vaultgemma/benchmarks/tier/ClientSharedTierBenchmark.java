package ai.vaultgemma.benchmarks.tier;

import ai.vaultgemma.benchmarks.core.BareJackson;
import ai.vaultgemma.benchmarks.core.Interleave;
import ai.vaultgemma.benchmarks.core.PairTimes;
import ai.vaultgemma.core.CallOptions;
import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.core.tier.SharedTierConfig;
import ai.vaultgemma.pool.DbPoolConfig;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;

/**
 * One blocking {@code client.chat(request)} through the facade, answered from each place it can be
 * answered, against PostgreSQL and an instant loopback backend (a JDK {@code HttpServer} on
 * 127.0.0.1 that answers a fixed completion without reading a model):
 *
 * <ul>
 *   <li>{@code l2Hit}: L1 is emptied before each call, so the shared tier answers (one indexed
 *       select, JSON parse, L1 fill, one log row queued);
 *   <li>{@code missToLoopbackBackend}: the baseline, a client without a shared tier whose call
 *       skips the cache, so it always goes to the backend over a kept-alive connection;
 *   <li>{@code missWithSharedTier}: a new prompt each call, so the full miss path with a tier: L2
 *       select (miss), backend, L2 upsert, log row;
 *   <li>{@code l1Hit}: for scale, the in-memory hit;
 *   <li>{@code interleaved_l2HitVsJdbc}: {@code l2Hit} and its bare baseline taken in turn, call
 *       for call, in the same fork ({@link PairTimes}): the same select on the calling thread
 *       through the same pool, and a Jackson tree of the bytes. Separate-fork scores of {@code
 *       l2Hit} drift by a third on two cores; the ratio of the secondary results {@code aNanos} /
 *       {@code bNanos} holds.
 * </ul>
 *
 * <p>The fork sets {@code sun.net.httpserver.nodelay}, so the backend's replies are not held back
 * by Nagle's algorithm. {@code java -jar benchmarks/target/benchmarks.jar
 * ClientSharedTierBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// 15 s: on two cores C2 is still compiling after 5 s, which taxes the contender with more code
@Warmup(iterations = 15, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dsun.net.httpserver.nodelay=true")
public class ClientSharedTierBenchmark {

  private static final String PREFIX = "bench_client_";
  private static final byte[] COMPLETION =
      ("{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"vaultgemma-1b\","
              + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
              + "\"Revenue rose 12% in Q3, led by the northern region.\"},"
              + "\"finish_reason\":\"stop\"}],"
              + "\"usage\":{\"prompt_tokens\":24,\"completion_tokens\":14,\"total_tokens\":38}}")
          .getBytes(StandardCharsets.UTF_8);
  private static final ChatRequest REQUEST =
      ChatRequest.builder()
          .model("vaultgemma-1b")
          .message(ChatMessage.user("Summarise our Q3 numbers"))
          .build();
  private static final CallOptions NO_CACHE =
      CallOptions.builder().skipCacheRead(true).skipCacheWrite(true).build();

  private HttpServer backend;
  private ExecutorService backendThreads;
  private InferenceClient withTier;
  private InferenceClient withoutTier;
  private long missCounter;
  private String l2Key;
  private String selectEntry;
  private final JsonMapper jackson = JsonMapper.builder().build();

  /** Starts the backend and both clients, and puts the answer {@code l2Hit} reads in L2. */
  @Setup(Level.Trial)
  public void setUp() throws IOException, InterruptedException, SQLException {
    backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    backendThreads = Executors.newFixedThreadPool(2);
    backend.setExecutor(backendThreads);
    backend.createContext(
        "/v1/chat/completions",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
          }
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, COMPLETION.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(COMPLETION);
          }
        });
    backend.start();
    String baseUrl = "http://127.0.0.1:" + backend.getAddress().getPort() + "/v1";
    withTier =
        InferenceClient.builder()
            .baseUrl(baseUrl)
            .dbPool(
                DbPoolConfig.builder()
                    .dsn(BenchDatabase.jdbcUrl())
                    .maxOpen(4)
                    .acquireTimeout(Duration.ofSeconds(10))
                    .build())
            .sharedTier(SharedTierConfig.builder().tablePrefix(PREFIX).build())
            .build();
    withoutTier = InferenceClient.builder().baseUrl(baseUrl).build();
    withTier.chat(REQUEST);
    withTier.sharedTier().orElseThrow().flush(Duration.ofSeconds(10)); // L2 writes are queued
    withTier.inferenceCache().invalidateAll();
    withTier.chat(REQUEST);
    withoutTier.chat(REQUEST);
    if (withTier.health().client().l2Hits() != 1) {
      throw new IllegalStateException("setup: no L2 hit: " + withTier.health());
    }
    selectEntry =
        "SELECT value_bytes, compressed, raw_size, expires_at FROM "
            + PREFIX
            + "l2_entry WHERE cache_key = ? AND expires_at > ?";
    try (Connection c = withTier.dbPool().orElseThrow().dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT cache_key, compressed FROM " + PREFIX + "l2_entry")) {
      if (!rs.next() || rs.getBoolean(2)) {
        throw new IllegalStateException("setup: expected one uncompressed L2 entry");
      }
      l2Key = rs.getString(1);
    }
    if (!bareL2Hit().equals(l2Hit().text())) {
      throw new IllegalStateException("setup: the bare baseline read something else");
    }
  }

  /** Closes the clients and the backend, and empties the tables. */
  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    try (Connection c = withTier.dbPool().orElseThrow().dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("DELETE FROM " + PREFIX + "l2_entry");
      s.execute("DELETE FROM " + PREFIX + "inference_log");
    }
    withTier.close();
    withoutTier.close();
    backend.stop(0);
    backendThreads.shutdownNow();
  }

  /** The shared tier answers: L1 is emptied first. */
  @Benchmark
  public ChatResponse l2Hit() {
    withTier.inferenceCache().invalidateAll();
    return withTier.chat(REQUEST);
  }

  /**
   * The baseline of {@code l2Hit}: the same select on this thread through the same pool, as the
   * client did before the read budget, and the answer's text from a Jackson tree.
   */
  private String bareL2Hit() throws SQLException {
    try (Connection c = withTier.dbPool().orElseThrow().dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(selectEntry)) {
      ps.setString(1, l2Key);
      ps.setLong(2, System.currentTimeMillis());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("the L2 entry is gone");
        }
        return BareJackson.messageContent(jackson.readTree(rs.getBytes(1)));
      }
    }
  }

  /**
   * {@code l2Hit} and its bare baseline in turn; see the class comment.
   *
   * @param t this iteration's counters
   * @return the second answer's length
   * @throws Exception if a call fails
   */
  @Benchmark
  public int interleaved_l2HitVsJdbc(PairTimes t) throws Exception {
    return Interleave.<String>time(t, () -> String.valueOf(l2Hit().text()), this::bareL2Hit)
        .length();
  }

  /** Baseline: straight to the instant loopback backend, no cache, no tier. */
  @Benchmark
  public ChatResponse missToLoopbackBackend() {
    return withoutTier.chat(REQUEST, NO_CACHE);
  }

  /** A new prompt each call: L2 miss, backend, L2 upsert, log row. */
  @Benchmark
  public ChatResponse missWithSharedTier() {
    return withTier.chat(
        ChatRequest.builder()
            .model("vaultgemma-1b")
            .message(ChatMessage.user("Summarise our Q3 numbers, take " + missCounter++))
            .build());
  }

  /** For scale: the in-memory hit, no shared tier. */
  @Benchmark
  public ChatResponse l1Hit() {
    return withoutTier.chat(REQUEST);
  }

  /** The in-memory hit with the shared tier on: an audit row is queued for every hit. */
  @Benchmark
  public ChatResponse l1HitWithSharedTier() {
    return withTier.chat(REQUEST);
  }
}
