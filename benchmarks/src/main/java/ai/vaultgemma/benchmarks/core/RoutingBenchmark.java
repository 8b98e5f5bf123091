package ai.vaultgemma.benchmarks.core;

import ai.vaultgemma.core.CallOptions;
import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.Endpoint;
import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.core.RoutingPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Several endpoints against one: 8 concurrent blocking chat calls over {@code replicas} loopback
 * servers ({@link LoopbackChatServer}, each spending {@link #SERVICE_TIME} on each answer on its
 * one dispatcher thread, so one server is a serial bottleneck the way a saturated inference server
 * is), and the cost of routing on the hit path.
 *
 * <ul>
 *   <li>{@code miss}: every call skips the cache and goes to a server picked by weighted power of
 *       two choices; each server answers at most 500 calls a second, so with 3 replicas the
 *       throughput should approach 3x that of 1 if the calls are spread well;
 *   <li>{@code hit}: every call is answered from the cache; the route stage sits after the caches,
 *       so the score must not depend on {@code replicas}.
 * </ul>
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar core.RoutingBenchmark -f 1 -wi 2 -i 3
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-D" + LoopbackChatServer.NODELAY_PROPERTY + "=true"})
@Threads(8)
public class RoutingBenchmark {

  /** How many loopback servers the client spreads its calls over. */
  @Param({"1", "3"})
  public int replicas;

  /**
   * What each answer costs a server, one answer at a time: a server's throughput is at most 500
   * answers a second, so the servers, not the client or this machine's cores, are the limit of
   * {@code miss}, as they are for an inference server under load.
   */
  static final java.time.Duration SERVICE_TIME = java.time.Duration.ofMillis(2);

  private final List<LoopbackChatServer> servers = new ArrayList<>();

  // Set in setUp(); JMH never calls a benchmark method before it.
  private InferenceClient client;
  private ChatRequest request;
  private CallOptions miss;

  /**
   * Starts the servers and the client, and checks that a miss reaches a server and a hit does not.
   *
   * @throws Exception if a server cannot start or a check fails
   */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    NullSinkLogging.install();
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      LoopbackChatServer server = LoopbackChatServer.start(SERVICE_TIME);
      servers.add(server);
      endpoints.add(Endpoint.builder(server.baseUrl()).apiKey(ChatBenchmark.API_KEY).build());
    }
    client =
        InferenceClient.builder()
            .endpoints(endpoints)
            .routing(RoutingPolicy.builder().probeInterval(java.time.Duration.ZERO).build())
            .build();
    request =
        ChatRequest.builder()
            .model(ChatBenchmark.MODEL)
            .message(ChatMessage.user(ChatBenchmark.PROMPT))
            .build();
    miss = CallOptions.builder().skipCacheRead(true).skipCacheWrite(true).build();
    String text = client.chat(request).text();
    if (!LoopbackChatServer.ANSWER_TEXT.equals(text)) {
      throw new IllegalStateException("answered " + text);
    }
    long before = requests();
    for (int i = 0; i < 100; i++) {
      client.chat(request);
    }
    if (requests() != before) {
      throw new IllegalStateException("a cache hit reached a server");
    }
    for (int i = 0; i < 100; i++) {
      client.chat(request, miss);
    }
    if (requests() != before + 100) {
      throw new IllegalStateException("a miss did not reach a server");
    }
  }

  private long requests() {
    long n = 0;
    for (LoopbackChatServer s : servers) {
      n += s.requestCount();
    }
    return n;
  }

  /** Closes the client and the servers. */
  @TearDown(Level.Trial)
  public void tearDown() {
    client.close();
    servers.forEach(LoopbackChatServer::close);
  }

  /**
   * A call that goes to a server.
   *
   * @return the answer's text
   */
  @Benchmark
  public String miss() {
    return client.chat(request, miss).text();
  }

  /**
   * A call the cache answers.
   *
   * @return the answer's text
   */
  @Benchmark
  public String hit() {
    return client.chat(request).text();
  }
}
