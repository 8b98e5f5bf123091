package ai.vaultgemma.examples;

import ai.vaultgemma.core.CallOptions;
import ai.vaultgemma.core.ChatChunk;
import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.ChatStreamListener;
import ai.vaultgemma.core.EmbeddingRequest;
import ai.vaultgemma.core.HealthSnapshot;
import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.core.tier.SharedTierConfig;
import ai.vaultgemma.logging.LogOutput;
import ai.vaultgemma.logging.internal.LogbackSetup;
import ai.vaultgemma.pool.DbPoolConfig;
import ch.qos.logback.classic.LoggerContext;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The demo behind README's first command: the library doing its job end to end.
 *
 * <p>Backend: {@code INFERENCE_BASE_URL} when set (any OpenAI-compatible server; {@code
 * INFERENCE_MODEL} names the model), otherwise the in-process {@link SimulatedBackend}, which it
 * says plainly. Store for the shared tier: {@code POSTGRES_DSN} when set, otherwise an embedded H2
 * file under {@code target/}. The JSON log lines go to a file it names. Finishes in seconds.
 */
public final class Demo {
  private Demo() {}

  /**
   * Runs the demo.
   *
   * @param args optional: the folder for the log file and the embedded store (default {@code
   *     examples/target/demo} or {@code target/demo})
   * @throws IOException if the log file cannot be written
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    Path dir = args.length > 0 ? Paths.get(args[0]) : defaultDir();
    Files.createDirectories(dir);
    Path logFile = dir.resolve("vaultgemma-demo.log.jsonl").toAbsolutePath();
    // Buffered, and flushed once at the end: logback flushes after every line, which on some
    // file systems costs more than writing the line.
    LazyFlush logStream = new LazyFlush(Files.newOutputStream(logFile));
    LogbackSetup.install(
        (LoggerContext) LoggerFactory.getILoggerFactory(), LogOutput.fromEnv(), logStream);

    String url = System.getenv(InferenceClient.ENV_BASE_URL);
    SimulatedBackend simulator = null;
    String model;
    if (url == null || url.isBlank()) {
      simulator = SimulatedBackend.start();
      url = simulator.baseUrl();
      model = "simulated-model";
      say("Backend:     SIMULATOR at " + url);
      say("             (an in-process OpenAI-compatible simulator with realistic latency:");
      say("             120 ms to the first token, 4 ms a token; it is NOT a language model.");
      say("             Set INFERENCE_BASE_URL to run this against a real server.)");
    } else {
      String m = System.getenv("INFERENCE_MODEL");
      model = m == null || m.isBlank() ? "vaultgemma-1b" : m;
      say("Backend:     " + url + " (model " + model + ")");
    }
    String dsn = System.getenv(InferenceClient.ENV_POSTGRES_DSN);
    if (dsn == null || dsn.isBlank()) {
      Path store = dir.resolve("store").toAbsolutePath();
      deleteStore(dir);
      dsn = "jdbc:h2:file:" + store;
      say("Store:       embedded H2 file " + store + ".mv.db (set POSTGRES_DSN for PostgreSQL)");
    } else {
      say("Store:       PostgreSQL from POSTGRES_DSN");
    }
    say("JSON logs:   " + logFile);
    say("");

    // A scope per run keeps a reused PostgreSQL store from answering this run's first question.
    String scope = "demo-" + Long.toHexString(System.currentTimeMillis());
    try (InferenceClient client = client(url, dsn, scope, "demo-a")) {
      runChats(client, model);
      runCoalescing(client, model);
      runStream(client, model);
      runEmbeddings(client, simulator == null ? model : "simulated-embedding", simulator);
      // The first instance's answers reach the store through the tier's write queue, off the
      // caller's thread; wait for them (bounded) so the second instance finds them.
      client.sharedTier().orElseThrow().flush(Duration.ofSeconds(5));
      try (InferenceClient second = client(url, dsn, scope, "demo-b")) {
        long start = System.nanoTime();
        second.chat(question(model, "What does VaultGemma do?"));
        step("second instance (own L1 and DB pool), same question", "L2 hit (shared tier)", start);
        say("");
        say(
            "Second instance: server calls "
                + second.health().client().backendCalls()
                + ", shared-tier hits "
                + second.health().client().l2Hits());
      }
      say("");
      say("Health JSON (client.health().toJson()):");
      say(pretty(client.health()));
      if (simulator != null) {
        say("");
        say(
            "The simulator saw "
                + simulator.chatRequests()
                + " chat and "
                + simulator.embeddingRequests()
                + " embedding requests for all of the above.");
      }
    } finally {
      if (simulator != null) {
        simulator.close();
      }
      logStream.flushNow();
    }
    say("Log lines written: " + Files.readAllLines(logFile).size() + " in " + logFile);
  }

  private static InferenceClient client(String url, String dsn, String scope, String name) {
    InferenceClient.Builder b =
        InferenceClient.builder()
            .baseUrl(url)
            .cacheScope(scope)
            .dbPool(
                DbPoolConfig.fromDsn(dsn).toBuilder()
                    .poolName(name)
                    .maxOpen(4)
                    .maxIdle(1)
                    .failFast(false)
                    .build())
            .sharedTier(SharedTierConfig.defaults());
    String key = System.getenv(InferenceClient.ENV_API_KEY);
    if (key != null && !key.isBlank()) {
      b.apiKey(key);
    }
    return b.build();
  }

  private static void runChats(InferenceClient client, String model) {
    ChatRequest q = question(model, "What does VaultGemma do?");
    long start = System.nanoTime();
    ChatResponse first = client.chat(q);
    step("chat \"What does VaultGemma do?\"", "miss -> server", start);
    say("      answer: " + first.text());
    start = System.nanoTime();
    client.chat(q);
    step("the same chat again (first hit: cold JIT)", "L1 hit (memory)", start);
    int repeats = 10_000;
    start = System.nanoTime();
    for (int i = 0; i < repeats; i++) {
      client.chat(q);
    }
    say(
        String.format(
            Locale.ROOT,
            "  %-58s %-32s %9.3f ms",
            repeats + " more identical chats, average per call",
            "L1 hits (+ log line, audit row)",
            (System.nanoTime() - start) / 1e6 / repeats));
    start = System.nanoTime();
    client.chat(q, CallOptions.builder().skipCacheRead(true).build());
    step("the same chat with skipCacheRead", "server (on request)", start);
  }

  private static void runCoalescing(InferenceClient client, String model) {
    long before = client.health().client().backendCalls();
    ChatRequest q = question(model, "Twenty callers ask this at once.");
    int callers = 20;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<ChatResponse>> answers = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < callers; i++) {
      answers.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                return client.chat(q);
              },
              pool));
    }
    go.countDown();
    answers.forEach(CompletableFuture::join);
    pool.shutdown();
    long calls = client.health().client().backendCalls() - before;
    step(
        callers + " concurrent identical chats",
        calls + " server call, " + client.health().client().coalesced() + " coalesced",
        start);
  }

  private static void runStream(InferenceClient client, String model) {
    ChatRequest q = question(model, "Stream me an answer.");
    for (String label : new String[] {"miss -> server stream", "replayed from cache"}) {
      AtomicInteger chunks = new AtomicInteger();
      long start = System.nanoTime();
      client
          .chatStream(
              q,
              new ChatStreamListener() {
                @Override
                public void onChunk(ChatChunk chunk) {
                  chunks.incrementAndGet();
                }
              })
          .completion()
          .join();
      step("chatStream (" + chunks.get() + " chunks)", label, start);
    }
  }

  private static void runEmbeddings(
      InferenceClient client, String model, SimulatedBackend simulator) {
    client.embed(EmbeddingRequest.of(model, List.of("alpha", "beta")));
    long before = simulator == null ? 0 : simulator.embeddingInputs();
    long start = System.nanoTime();
    client.embed(EmbeddingRequest.of(model, List.of("alpha", "gamma", "beta", "delta", "eps")));
    String sent =
        simulator == null
            ? "3 misses sent"
            : (simulator.embeddingInputs() - before) + " of 5 inputs sent to the server";
    step("embed 5 inputs, 2 cached", sent, start);
  }

  private static ChatRequest question(String model, String text) {
    return ChatRequest.builder()
        .model(model)
        .message(ChatMessage.user(text))
        .temperature(0.0)
        .build();
  }

  private static void step(String what, String outcome, long startNanos) {
    double ms = (System.nanoTime() - startNanos) / 1e6;
    say(String.format(Locale.ROOT, "  %-58s %-32s %9.3f ms", what, outcome, ms));
  }

  private static String pretty(HealthSnapshot health) {
    ObjectMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    JsonNode node = mapper.readTree(health.toJson());
    return mapper.writeValueAsString(node);
  }

  private static void deleteStore(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (p.getFileName().toString().startsWith("store.")) {
          Files.delete(p);
        }
      }
    }
  }

  private static Path defaultDir() {
    Path examples = Paths.get("examples");
    return Files.isDirectory(examples)
        ? examples.resolve("target").resolve("demo")
        : Paths.get("target", "demo");
  }

  /** A buffered stream whose {@code flush()} waits for {@link #flushNow()}. */
  private static final class LazyFlush extends BufferedOutputStream {
    LazyFlush(OutputStream out) {
      super(out, 1 << 16);
    }

    @Override
    public synchronized void flush() {
      // logback calls this after every event; the demo flushes once, at the end
    }

    synchronized void flushNow() throws IOException {
      super.flush();
    }
  }

  private static void say(String line) {
    System.out.println(line);
  }
}
