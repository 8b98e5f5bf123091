package ai.vaultgemma.benchmarks.core;

import ai.vaultgemma.core.CallOptions;
import ai.vaultgemma.core.ChatChunk;
import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.ChatStreamListener;
import ai.vaultgemma.core.InferenceClient;
import com.openai.client.OpenAIClientAsync;
import com.openai.client.okhttp.OpenAIOkHttpClientAsync;
import com.openai.core.http.AsyncStreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * {@code streams} streamed chat completions started at once from one thread, against a {@link
 * LoopbackSseServer} whose every answer takes {@value #ANSWER_MILLIS} ms ({@value #CHUNKS} chunks
 * spread evenly over it), timed until the last stream has ended. The score is seconds for the whole
 * batch; a client that lets all calls run at once scores about 1 s (the floor), one that queues
 * them scores about {@code streams / concurrency} seconds. Each iteration is one batch ({@link
 * Mode#SingleShotTime}).
 *
 * <p>Contenders, each with its default settings, in the same run:
 *
 * <ul>
 *   <li>{@code concurrent_ours}: {@link InferenceClient#chatStream(ChatRequest, ChatStreamListener,
 *       CallOptions)} with cache read and write skipped per call, a different prompt per stream,
 *       the caller waiting on every {@code completion()}. Goal (issue 13): at 100 streams, within
 *       15 % of the 1 s floor;
 *   <li>{@code concurrent_openaiJavaAsync}: openai-java's async client ({@code
 *       OpenAIOkHttpClientAsync}, {@code chat().completions().createStreaming(...)}), one {@code
 *       subscribe} per stream, waiting on every {@code onCompleteFuture()}.
 * </ul>
 *
 * <p>After each batch the benchmark checks that the server got exactly {@code streams} requests and
 * that every stream delivered {@value #CHUNKS} chunks, and prints the most streams the server saw
 * in flight at once: that is the client's effective concurrency.
 *
 * <p>Bounded: a batch that has not ended {@value #BATCH_DEADLINE_SECONDS} s after it started is
 * cancelled (every stream) and fails the run; the server holds at most {@value #MAX_CONNECTIONS}
 * connections on loopback, on one selector thread.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar core.ConcurrentStreamsBenchmark -f 1 -wi 0 -i 1 \
 *     -p streams=1,100
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
@Threads(1)
public class ConcurrentStreamsBenchmark {

  /** How long each answer takes on the server, first byte of the request to the last event. */
  static final long ANSWER_MILLIS = 1000;

  /** Content chunks per answer. */
  static final int CHUNKS = 5;

  /**
   * A batch still running this long after its start is cancelled and fails the run. Today's cap (10
   * streams at once per host) makes 1000 streams take about 100 s; this leaves room for that on a
   * busy machine and still stops a hung run.
   */
  static final long BATCH_DEADLINE_SECONDS = 300;

  /** The most connections the server holds at once; above the largest batch, with room to spare. */
  static final int MAX_CONNECTIONS = 2048;

  /** How many streams each batch starts at once. */
  @Param({"1", "10", "100", "1000"})
  public int streams;

  // Set in setUp(); JMH never calls a benchmark method before it.
  private LoopbackSseServer server;
  private InferenceClient ours;
  private CallOptions miss;
  private List<ChatRequest> oursRequests;
  private OpenAIClientAsync openaiJava;
  private List<ChatCompletionCreateParams> openaiParams;
  private long requestsBefore;

  /**
   * Starts the server and builds both contenders, each with its default settings.
   *
   * @throws Exception if the server cannot start
   */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    NullSinkLogging.install();
    server = LoopbackSseServer.start(CHUNKS, Duration.ofMillis(ANSWER_MILLIS), MAX_CONNECTIONS);
    String baseUrl = server.baseUrl();
    ours = InferenceClient.builder().baseUrl(baseUrl).apiKey(ChatBenchmark.API_KEY).build();
    miss = CallOptions.builder().skipCacheRead(true).skipCacheWrite(true).build();
    openaiJava =
        OpenAIOkHttpClientAsync.builder().baseUrl(baseUrl).apiKey(ChatBenchmark.API_KEY).build();
    // A different prompt per stream, as from different users: no client may answer one stream
    // from another, whatever its joining or caching rules.
    oursRequests = new ArrayList<>(streams);
    openaiParams = new ArrayList<>(streams);
    for (int i = 0; i < streams; i++) {
      String prompt = ChatBenchmark.PROMPT + " " + i;
      oursRequests.add(
          ChatRequest.builder()
              .model(ChatBenchmark.MODEL)
              .message(ChatMessage.user(prompt))
              .temperature(ChatBenchmark.TEMPERATURE)
              .build());
      openaiParams.add(
          ChatCompletionCreateParams.builder()
              .model(ChatBenchmark.MODEL)
              .addUserMessage(prompt)
              .temperature(ChatBenchmark.TEMPERATURE)
              .build());
    }
  }

  /** Starts counting requests and concurrency for the next batch. */
  @Setup(Level.Iteration)
  public void beforeBatch() {
    requestsBefore = server.requestCount();
    server.resetPeak();
  }

  /** Checks what the server saw of the batch and prints its effective concurrency. */
  @TearDown(Level.Iteration)
  public void afterBatch() {
    server.checkHealthy();
    long requests = server.requestCount() - requestsBefore;
    // Benchmarks may print: this is the evidence of each client's effective concurrency.
    System.out.printf(
        Locale.ROOT,
        "%n%d streams: the server got %d requests and saw at most %d streams in flight at once"
            + " (%d connections rejected since start)%n",
        streams,
        requests,
        server.peakStreamsInFlight(),
        server.rejectedConnections());
    if (requests != streams) {
      throw new IllegalStateException(
          "the server got " + requests + " requests for " + streams + " streams");
    }
  }

  /** Closes both contenders and stops the server. */
  @TearDown(Level.Trial)
  public void tearDown() {
    ours.close();
    openaiJava.close();
    server.close();
  }

  /**
   * Ours: {@code streams} calls to {@code chatStream}, then waits for every completion.
   *
   * @return the chunks delivered in all
   * @throws Exception if a stream fails or the batch passes its deadline
   */
  @Benchmark
  public int concurrent_ours() throws Exception {
    List<Counter> counters = new ArrayList<>(streams);
    List<CompletableFuture<?>> ends = new ArrayList<>(streams);
    List<Runnable> cancels = new ArrayList<>(streams);
    for (int i = 0; i < streams; i++) {
      Counter counter = new Counter();
      var stream = ours.chatStream(oursRequests.get(i), counter, miss);
      counters.add(counter);
      ends.add(stream.completion());
      cancels.add(stream::cancel);
    }
    awaitAll(ends, cancels);
    return total(counters);
  }

  /**
   * openai-java's async client: {@code streams} calls to {@code createStreaming}, then waits for
   * every stream's end.
   *
   * @return the chunks delivered in all
   * @throws Exception if a stream fails or the batch passes its deadline
   */
  @Benchmark
  public int concurrent_openaiJavaAsync() throws Exception {
    List<Counter> counters = new ArrayList<>(streams);
    List<CompletableFuture<?>> ends = new ArrayList<>(streams);
    List<Runnable> cancels = new ArrayList<>(streams);
    for (int i = 0; i < streams; i++) {
      Counter counter = new Counter();
      AsyncStreamResponse<ChatCompletionChunk> stream =
          openaiJava.chat().completions().createStreaming(openaiParams.get(i));
      stream.subscribe(counter::onNext);
      counters.add(counter);
      ends.add(stream.onCompleteFuture());
      cancels.add(stream::close);
    }
    awaitAll(ends, cancels);
    return total(counters);
  }

  /** Waits for every stream's end within the batch deadline; on failure cancels all of them. */
  private static void awaitAll(List<CompletableFuture<?>> ends, List<Runnable> cancels)
      throws Exception {
    CompletableFuture<Void> all =
        CompletableFuture.allOf(ends.toArray(new CompletableFuture<?>[0]));
    try {
      all.get(BATCH_DEADLINE_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      cancels.forEach(Runnable::run);
      long ended = ends.stream().filter(CompletableFuture::isDone).count();
      throw new IllegalStateException(
          String.format(
              Locale.ROOT,
              "only %d of %d streams ended within %d s; all cancelled",
              ended,
              ends.size(),
              BATCH_DEADLINE_SECONDS),
          e);
    } catch (ExecutionException e) {
      cancels.forEach(Runnable::run);
      throw new IllegalStateException("a stream failed; all cancelled", e.getCause());
    }
  }

  /** Sums the chunks and fails if any stream was short. */
  private static int total(List<Counter> counters) {
    int total = 0;
    for (Counter counter : counters) {
      if (counter.chunks != CHUNKS) {
        throw new IllegalStateException(
            "a stream delivered " + counter.chunks + " chunks; expected " + CHUNKS);
      }
      total += counter.chunks;
    }
    return total;
  }

  /**
   * Counts one stream's chunks. Each stream calls back one chunk at a time; the count is read after
   * the stream's end future completed, which orders the read after the writes.
   */
  private static final class Counter implements ChatStreamListener {
    int chunks;

    @Override
    public void onChunk(ChatChunk chunk) {
      chunks++;
    }

    void onNext(ChatCompletionChunk chunk) {
      chunks++;
    }
  }
}
