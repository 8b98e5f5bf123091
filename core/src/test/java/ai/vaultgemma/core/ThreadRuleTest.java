package ai.vaultgemma.core;

import static ai.vaultgemma.core.InferenceClientPayloads.JSON;
import static ai.vaultgemma.core.InferenceClientPayloads.chatOk;
import static ai.vaultgemma.core.InferenceClientPayloads.embeddings;
import static ai.vaultgemma.core.InferenceClientPayloads.inputsOf;
import static ai.vaultgemma.core.InferenceClientPayloads.json;
import static ai.vaultgemma.core.InferenceClientPayloads.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.vaultgemma.core.RecordingSocketFactory.Io;
import ai.vaultgemma.core.tier.InferenceLogStats;
import ai.vaultgemma.core.tier.SharedTier;
import ai.vaultgemma.core.tier.SharedTierConfig;
import ai.vaultgemma.pool.DbPoolConfig;
import ai.vaultgemma.pool.HttpPool;
import ai.vaultgemma.testing.PostgresExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Issue 12 point 4, end to end: no JDBC on a thread we do not own. Two clients share a tier on the
 * real PostgreSQL; their DB pools connect through {@link RecordingSocketFactory}, which records the
 * thread of every blocking database I/O (connect, and every read and write of a statement, commit
 * or validation). Every call mode is driven from a caller thread with a name of its own, and each
 * phase waits until the tiers have written what it queued, so every I/O it caused is recorded under
 * its label.
 *
 * <p>The rule checked: no database I/O on an OkHttp thread (OkHttp's own, or our HTTP pool's
 * {@value HttpPool#THREAD_NAME_PREFIX}), on our client threads ({@code vaultgemma-client-}), or on
 * the caller's thread of any call (blocking calls included: a blocking call waits for its L2
 * lookup, it does not run it); every one ran on a shared-tier thread ({@value
 * SharedTier#THREAD_NAME_PREFIX}...) or on one of HikariCP's threads for the pool ({@value
 * DbPoolConfig#DEFAULT_POOL_NAME}{@code :connection-adder}, which opens the connections). pgjdbc
 * runs each connection's set-up on a short-lived thread of its own while the requesting thread
 * waits; that I/O is held against the waiting thread. OkHttp renames a dispatcher thread of ours to
 * {@code OkHttp <url>} while it runs a call, so both names count as OkHttp's.
 *
 * <p>Our pools, each named: {@code vaultgemma-client-N} (the client's executor), {@code
 * vaultgemma-http-N-N} (OkHttp's dispatcher), {@code vaultgemma-tier-<prefix>-read-N}, {@code
 * -write}, {@code -log}, {@code -timer-N}, {@code -maintenance-N} (the shared tier) and HikariCP's
 * {@code vaultgemma-db:housekeeper} and {@code :connection-adder}. The test checks that every
 * thread started while it runs is one of these or a known test or library thread.
 *
 * <p>Each client also has a shared rate limit, so every call that goes to the server is decided by
 * a statement in the tier's database (and its token charge corrected by another): those must run on
 * the tier's threads as well, the blocking caller only waiting for them.
 *
 * <p>Building a client is not a call: with {@code failFast} (the default) HikariCP checks the
 * database on the building thread, as {@link DbPoolConfig.Builder#failFast} documents.
 */
class ThreadRuleTest {

  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  /** Threads that may do database I/O while calls run: the tier's and the DB pool's own. */
  private static final List<String> DB_THREAD_PREFIXES =
      List.of(SharedTier.THREAD_NAME_PREFIX, DbPoolConfig.DEFAULT_POOL_NAME + ":");

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final List<InferenceClient> clients = Collections.synchronizedList(new ArrayList<>());
  private final Set<String> callerThreads = Collections.synchronizedSet(new LinkedHashSet<>());
  private MockWebServer server;
  private String prefix;
  private Set<Thread> threadsBefore = Set.of();

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.setDispatcher(backend());
    server.start();
    prefix = "tr" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 40) + "_";
    RecordingSocketFactory.reset("set-up");
    threadsBefore = Thread.getAllStackTraces().keySet();
  }

  @AfterEach
  void closeAndCheckForLeaks() {
    RecordingSocketFactory.phase("close");
    for (InferenceClient client : clients) {
      client.close();
    }
    server.close();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(Thread.getAllStackTraces().keySet())
                    .filteredOn(
                        t -> t.isAlive() && t.getName().startsWith(SharedTier.THREAD_NAME_PREFIX))
                    .isEmpty());
  }

  /** Chat answers echo the prompt (as a stream when asked); embeddings are a function of text. */
  private static Dispatcher backend() {
    return new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String path = request.getUrl().encodedPath();
        if (path.endsWith("/embeddings")) {
          return json(embeddings(inputsOf(request)));
        }
        JsonNode body = JSON.readTree(request.getBody().utf8());
        JsonNode messages = body.get("messages");
        String prompt = messages.get(messages.size() - 1).get("content").asString();
        JsonNode stream = body.get("stream");
        if (stream != null && stream.asBoolean()) {
          return sse("echo: ", prompt);
        }
        return chatOk("echo: " + prompt);
      }
    };
  }

  /** A client whose DB pool records its I/O, with a tier in this test's tables. */
  private InferenceClient newClient() {
    DbPoolConfig db =
        DbPoolConfig.builder()
            .dsn(postgres.jdbcUrl())
            .maxOpen(4)
            .maxIdle(2)
            .driverProperty("socketFactory", RecordingSocketFactory.class.getName())
            .build();
    SharedTierConfig tier =
        SharedTierConfig.builder()
            .tablePrefix(prefix)
            .logFlushInterval(Duration.ZERO)
            // Generous, so a busy machine does not turn an L2 hit into a miss; the budget is not
            // what this test is about.
            .readTimeout(Duration.ofSeconds(5))
            .build();
    InferenceClient client =
        InferenceClient.builder()
            .baseUrl(server.url("/v1").toString())
            .dbPool(db)
            .sharedTier(tier)
            // Shared limits too high to refuse: every call's decision (and token correction) runs
            // as a statement, which must also stay on the tier's threads.
            .rateLimitPerScope(
                RateLimit.builder()
                    .requestsPerMinute(100_000_000)
                    .tokensPerMinute(100_000_000)
                    .shared(true)
                    .build())
            .shutdownTimeout(Duration.ofSeconds(10))
            .build();
    clients.add(client);
    return client;
  }

  private static ChatRequest chat(String prompt) {
    return ChatRequest.builder().model("m").message(ChatMessage.user(prompt)).build();
  }

  /**
   * Runs {@code call} on a new thread named {@code callerName} under the phase label {@code phase},
   * waits for what it returns to be done (a future's or stream's completion), then waits until
   * every client's tier has written what was queued, so all the I/O the call caused is recorded
   * under {@code phase}.
   */
  private <T> T phase(String phase, String callerName, Callable<T> call) throws Exception {
    RecordingSocketFactory.phase(phase);
    callerThreads.add(callerName);
    CompletableFuture<T> returned = new CompletableFuture<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                returned.complete(call.call());
              } catch (Throwable e) {
                returned.completeExceptionally(e);
              }
            },
            callerName);
    caller.start();
    T result = returned.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    Object done = result;
    if (result instanceof CompletableFuture<?> future) {
      done = future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } else if (result instanceof ChatStream stream) {
      done = stream.completion().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
    assertThat(done).as("answer of %s", phase).isNotNull();
    caller.join(WAIT.toMillis());
    for (InferenceClient client : clients) {
      assertThat(client.sharedTier().orElseThrow().flush(WAIT))
          .as("tier flushed after %s", phase)
          .isTrue();
    }
    RecordingSocketFactory.phase("between phases");
    return result;
  }

  private List<Io> recordedIn(String phase) {
    return RecordingSocketFactory.recorded().stream()
        .filter(io -> io.phase().equals(phase))
        .toList();
  }

  private static boolean isDbThread(String thread) {
    return DB_THREAD_PREFIXES.stream().anyMatch(thread::startsWith);
  }

  /** True when the I/O ran on, or for, a thread of the tier or of the DB pool. */
  private static boolean onDbThread(Io io) {
    List<String> threads = io.onBehalfOf();
    return !threads.isEmpty() && threads.stream().allMatch(ThreadRuleTest::isDbThread);
  }

  /** Every I/O that breaks the rule, described with its phase, thread, JDBC call and stack. */
  private List<String> violations(List<Io> recorded) {
    return violations(recorded, List.of());
  }

  /** As {@link #violations(List)}, with {@code alsoAllowed} threads accepted as the DB pool's. */
  private List<String> violations(List<Io> recorded, List<String> alsoAllowed) {
    List<String> found = new ArrayList<>();
    for (Io io : recorded) {
      List<String> threads = io.onBehalfOf();
      if (threads.isEmpty()) {
        found.add("for no thread that could be found waiting: " + io.describe(40));
      }
      for (String thread : threads) {
        String why = null;
        if (thread.startsWith("OkHttp") || thread.startsWith(HttpPool.THREAD_NAME_PREFIX)) {
          why = "an OkHttp thread";
        } else if (callerThreads.contains(thread)) {
          why = "the caller's thread";
        } else if (!isDbThread(thread) && !alsoAllowed.contains(thread)) {
          why = "a thread that is neither the tier's nor the DB pool's";
        }
        if (why != null) {
          found.add("on " + why + " (" + thread + "): " + io.describe(40));
        }
      }
    }
    return found;
  }

  /** A thread name with its numbers folded to N, so one pool shows as one name. */
  private static String fold(String name) {
    return name.replaceAll("\\d+", "N");
  }

  private static String summary(List<Io> recorded) {
    Map<String, Long> byPhaseAndThread = new LinkedHashMap<>();
    for (Io io : recorded) {
      byPhaseAndThread.merge(
          io.phase()
              + " | "
              + io.thread().replaceAll("-\\d+$", "-N")
              + (io.waiters() == null ? "" : " for " + io.onBehalfOf())
              + " | "
              + io.jdbcCall(),
          1L,
          Long::sum);
    }
    return byPhaseAndThread.entrySet().stream()
        .map(e -> e.getKey() + " x" + e.getValue())
        .collect(Collectors.joining("\n  ", "I/O by phase, thread and JDBC call:\n  ", ""));
  }

  @Test
  void everyCallModeRunsItsJdbcOnlyOnTheTiersAndThePoolsOwnThreads() throws Exception {
    InferenceClient a = phase("build client A", "caller-build-a", this::newClient);
    InferenceClient b = phase("build client B", "caller-build-b", this::newClient);
    EmbeddingRequest vectors = EmbeddingRequest.of("e", List.of("alpha", "beta"));

    // Misses on A go to the server and queue an L2 write; the same calls on B are L2 hits.
    phase("chat miss", "caller-chat-miss", () -> a.chat(chat("blocking")));
    phase("chat L1 hit", "caller-chat-l1-hit", () -> a.chat(chat("blocking")));
    phase("chat L2 hit", "caller-chat-l2-hit", () -> b.chat(chat("blocking")));
    phase("chatAsync miss", "caller-async-miss", () -> a.chatAsync(chat("async")));
    phase("chatAsync L2 hit", "caller-async-l2-hit", () -> b.chatAsync(chat("async")));
    List<ChatChunk> live = Collections.synchronizedList(new ArrayList<>());
    List<ChatChunk> replayed = Collections.synchronizedList(new ArrayList<>());
    phase("chatStream miss", "caller-stream-miss", () -> a.chatStream(chat("stream"), live::add));
    phase(
        "chatStream L2 hit",
        "caller-stream-l2-hit",
        () -> b.chatStream(chat("stream"), replayed::add));
    phase("embed miss", "caller-embed-miss", () -> a.embed(vectors));
    phase("embed L2 hit", "caller-embed-l2-hit", () -> b.embed(vectors));

    // The answers came from where the phase names say: 4 misses reached the server, nothing else.
    assertThat(server.getRequestCount()).isEqualTo(4);
    assertThat(live).isNotEmpty();
    assertThat(replayed).isNotEmpty();

    List<Io> recorded = RecordingSocketFactory.recorded();
    String summary = summary(recorded);
    System.out.println(summary); // kept in target/surefire-reports/*-output.txt
    // The recorder sees the tier at work in every call phase (each writes at least a log row).
    for (String phase :
        List.of(
            "chat miss",
            "chat L1 hit",
            "chat L2 hit",
            "chatAsync miss",
            "chatAsync L2 hit",
            "chatStream miss",
            "chatStream L2 hit",
            "embed miss",
            "embed L2 hit")) {
      assertThat(recordedIn(phase)).as("I/O recorded in %s\n%s", phase, summary).isNotEmpty();
    }
    // L2 lookups ran on the tier's readers, L2 writes and log rows on its writers.
    Set<String> threads = recorded.stream().map(Io::thread).collect(Collectors.toSet());
    String tier = SharedTier.THREAD_NAME_PREFIX + prefix;
    assertThat(threads)
        .as(summary)
        .anyMatch(t -> t.startsWith(tier + "-read-"))
        .anyMatch(t -> t.equals(tier + "-write"))
        .anyMatch(t -> t.equals(tier + "-log"));

    // Building a client with failFast (the default) checks the database on the building thread,
    // as DbPoolConfig.failFast documents; that is before any call, so it is not part of the rule.
    List<Io> calls =
        recorded.stream()
            .filter(io -> !io.phase().startsWith("build client") && !io.phase().equals("set-up"))
            .toList();
    assertThat(violations(calls)).as(summary).isEmpty();
    List<String> builders = List.of("caller-build-a", "caller-build-b");
    callerThreads.removeAll(builders);
    assertThat(violations(recorded, builders)).as("while building clients\n%s", summary).isEmpty();

    // Every thread started since the test began, by name with numbers folded: ours all carry
    // "vaultgemma-"; the rest belong to the test (callers, MockWebServer) or to a library.
    Set<String> started =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> !threadsBefore.contains(t))
            .map(t -> fold(t.getName()))
            .collect(Collectors.toCollection(java.util.TreeSet::new));
    System.out.println("threads started: " + started);
    assertThat(started)
        .as("threads started by the clients")
        .allMatch(
            name ->
                name.startsWith("vaultgemma-") // ours, below
                    || name.startsWith("MockWebServer") // the test's server
                    || name.startsWith("caller-") // the test's callers
                    || name.startsWith("OkHttp TaskRunner") // OkHttp's housekeeping, no JDBC
                    || name.startsWith("PostgreSQL-JDBC-SharedTimer"), // pgjdbc's query timeouts
            "named vaultgemma-... or a known test or library thread")
        // The tier's long-lived threads (readers come and go, as do the pools' idle threads:
        // vaultgemma-client-N, vaultgemma-http-N-N, vaultgemma-db:connection-adder).
        .contains(
            fold(tier + "-write"),
            fold(tier + "-log"),
            fold(tier + "-timer-1"),
            fold(tier + "-maintenance-1"));
  }

  @Test
  void anL1HitDoesNoDatabaseIoOnTheCallersThreadAndItsAuditRowIsWrittenByTheTier()
      throws Exception {
    InferenceClient client = newClient();
    phase("chat miss", "caller-miss", () -> client.chat(chat("once")));
    SharedTier tier = client.sharedTier().orElseThrow();
    InferenceLogStats before = tier.inferenceLog().stats();
    long l2Reads = tier.health().secondLevel().requestCount();

    ChatResponse hit = phase("L1 hit", "caller-l1-hit", () -> client.chat(chat("once")));

    assertThat(hit.text()).isEqualTo("echo: once");
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(tier.health().secondLevel().requestCount()).as("no L2 read").isEqualTo(l2Reads);
    InferenceLogStats after = tier.inferenceLog().stats();
    assertThat(after.acceptedCount())
        .as("one audit row queued")
        .isEqualTo(before.acceptedCount() + 1);
    assertThat(after.writtenCount()).as("and written").isEqualTo(before.writtenCount() + 1);

    List<Io> l1 = recordedIn("L1 hit");
    String summary = summary(RecordingSocketFactory.recorded());
    assertThat(l1).as(summary).noneMatch(io -> io.thread().equals("caller-l1-hit"));
    // Its database work is its audit row, written by the tier's log thread.
    assertThat(l1)
        .as(summary)
        .allMatch(ThreadRuleTest::onDbThread)
        .anyMatch(
            io ->
                io.thread().equals(SharedTier.THREAD_NAME_PREFIX + prefix + "-log")
                    && io.from().startsWith("InferenceLogWriter"));
  }
}
