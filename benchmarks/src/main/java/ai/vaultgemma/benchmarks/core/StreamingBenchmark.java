package ai.vaultgemma.benchmarks.core;

import ai.vaultgemma.core.CallOptions;
import ai.vaultgemma.core.ChatChunk;
import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.ChatStream;
import ai.vaultgemma.core.ChatStreamListener;
import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.core.InferenceException;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;
import org.jspecify.annotations.Nullable;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One streamed chat completion of {@value #CHUNKS} chunks against {@link LoopbackSseServer}, which
 * writes the whole event stream at once, so each score is the client's own cost of one loopback
 * round trip and of parsing and delivering {@value #CHUNKS} server-sent events. Same request as
 * {@link ChatBenchmark} ({@code model "m"}, one user message {@code "hi"}, temperature 0.2) with
 * {@code stream: true}; same logging (logback, root INFO, a counting null appender).
 *
 * <p>Two measures per contender:
 *
 * <ul>
 *   <li>{@code stream_*}: from the call until the whole answer is in the caller's hands (every
 *       chunk delivered and the stream's end seen);
 *   <li>{@code firstChunk_*}: from the call until the first chunk is in the caller's hands. The
 *       rest of the stream is drained after the timed part (a per-invocation tear-down), so the
 *       connection goes back to the pool as it would in use.
 * </ul>
 *
 * <p>Contenders:
 *
 * <ul>
 *   <li>{@code ours}: {@link InferenceClient#chatStream(ChatRequest, ChatStreamListener,
 *       CallOptions)} with cache read and write skipped, so every round reaches the server; the
 *       listener reads each chunk's text, and the caller waits on {@link ChatStream#completion()}.
 *       Goal (issue 12): at most 1.3x {@code bareOkHttpSse} for the whole stream;
 *   <li>{@code bareOkHttpSse} (the baseline): a shared default {@link OkHttpClient} and
 *       okhttp-sse's {@link EventSource}, a hand-written JSON body out and a Jackson 3 tree per
 *       event in, the caller waiting on a future the listener completes. Callbacks run on an OkHttp
 *       thread, as ours do, so this is the floor for a listener-style client;
 *   <li>{@code bareOkHttpSseCallerThread}: the same, but the events are parsed on the caller's
 *       thread ({@link EventSources#processResponse}), with no hand-off at all: the floor for any
 *       OkHttp client (whole stream only);
 *   <li>{@code openaiJava}: {@code com.openai:openai-java}'s blocking {@code createStreaming} with
 *       its OkHttp client, default settings, the caller iterating the chunks.
 * </ul>
 *
 * <p>Setup checks that every contender reaches the server once per call and gets {@value #CHUNKS}
 * chunks with the right text, and prints each contender's median, p90 and slowest stream. Every
 * timed round checks its chunk count too.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar core.StreamingBenchmark -f 1 -wi 2 -w 1s -i 3 -r 1s
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// 15 s: on two cores C2 is still compiling after 5 s, which taxes the contender with more code
@Warmup(iterations = 15, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class StreamingBenchmark {

  /** Content chunks per answer ({@code data: [DONE]} not counted). */
  static final int CHUNKS = 50;

  /** How long a caller waits for one stream before the round fails. */
  private static final long STREAM_TIMEOUT_SECONDS = 10;

  /**
   * A median setup stream above this gets a warning. It does not fail the trial: the server writes
   * each answer in one write with TCP_NODELAY, so it cannot cause a stall, and a client that stalls
   * by itself is what the benchmark is there to show. On a busy shared machine a slow client's
   * median passes this without any stall.
   */
  private static final double SLOW_MEDIAN_MS = 20.0;

  private static final int MAX_CONNECTIONS = 64;
  private static final int WARM_UP_CALLS = 200;
  private static final int TIMED_CALLS = 100;
  private static final MediaType JSON = MediaType.get("application/json");

  // Set in setUp(); JMH never calls a benchmark method before it.
  private LoopbackSseServer server;
  private InferenceClient ours;
  private ChatRequest oursRequest;
  private CallOptions miss;
  private OkHttpClient bareOkHttp;
  private EventSource.Factory bareSse;
  private Request bareRequest;
  private JsonMapper jackson;
  private OpenAIClient openaiJava;
  private ChatCompletionCreateParams openaiParams;

  /**
   * What a {@code firstChunk_*} benchmark leaves to finish after its timed part: the rest of the
   * stream, drained and checked in a per-invocation tear-down that JMH does not time.
   */
  @State(Scope.Thread)
  public static class Rest {
    private @Nullable Callable<Integer> rest;

    /**
     * Drains the rest of the stream the last invocation started, and checks its chunk count.
     *
     * @throws Exception if the stream fails or has the wrong number of chunks
     */
    @TearDown(Level.Invocation)
    public void drain() throws Exception {
      Callable<Integer> r = rest;
      rest = null;
      if (r != null) {
        int chunks = r.call();
        if (chunks != CHUNKS) {
          throw new IllegalStateException("stream had " + chunks + " chunks; expected " + CHUNKS);
        }
      }
    }

    void set(Callable<Integer> rest) {
      this.rest = rest;
    }
  }

  /**
   * Starts the server, builds every contender and checks each against it.
   *
   * @throws Exception if the server cannot start or a contender fails its check
   */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    NullSinkLogging.install();
    server = LoopbackSseServer.start(CHUNKS, java.time.Duration.ZERO, MAX_CONNECTIONS);
    String baseUrl = server.baseUrl();

    ours = InferenceClient.builder().baseUrl(baseUrl).apiKey(ChatBenchmark.API_KEY).build();
    oursRequest = ChatBenchmark.request();
    miss = CallOptions.builder().skipCacheRead(true).skipCacheWrite(true).build();

    bareOkHttp = new OkHttpClient();
    bareSse = EventSources.createFactory(bareOkHttp);
    bareRequest =
        new Request.Builder()
            .url(baseUrl + "/chat/completions")
            .header("Authorization", "Bearer " + ChatBenchmark.API_KEY)
            .header("Accept", "text/event-stream")
            .post(
                RequestBody.create(
                    "{\"model\":\""
                        + ChatBenchmark.MODEL
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
                        + ChatBenchmark.PROMPT
                        + "\"}],\"temperature\":"
                        + ChatBenchmark.TEMPERATURE
                        + ",\"stream\":true}",
                    JSON))
            .build();
    jackson = JsonMapper.builder().build();

    openaiJava =
        OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey(ChatBenchmark.API_KEY).build();
    openaiParams =
        ChatCompletionCreateParams.builder()
            .model(ChatBenchmark.MODEL)
            .addUserMessage(ChatBenchmark.PROMPT)
            .temperature(ChatBenchmark.TEMPERATURE)
            .build();

    Map<String, Callable<String>> contenders = new LinkedHashMap<>();
    contenders.put("ours", () -> oursStream().text());
    contenders.put("bareOkHttpSse", () -> bareStream().text());
    contenders.put("bareOkHttpSseCallerThread", () -> bareStreamCallerThread().text());
    contenders.put("openaiJava", () -> openaiStream().text());
    // Warm every contender before timing any, so the first does not pay for compiling the code
    // they share. Each must reach the server once per call and get the whole answer.
    for (Map.Entry<String, Callable<String>> contender : contenders.entrySet()) {
      long before = server.requestCount();
      for (int i = 0; i < WARM_UP_CALLS; i++) {
        String text = contender.getValue().call();
        if (!server.answerText().equals(text)) {
          throw new IllegalStateException(contender.getKey() + " assembled " + text);
        }
      }
      long requests = server.requestCount() - before;
      if (requests != WARM_UP_CALLS) {
        throw new IllegalStateException(
            contender.getKey()
                + " reached the server "
                + requests
                + " times in "
                + WARM_UP_CALLS
                + " calls");
      }
    }
    for (Map.Entry<String, Callable<String>> contender : contenders.entrySet()) {
      time(contender.getKey(), contender.getValue());
    }
    server.checkHealthy();
  }

  /** Times a warm contender and prints its median, p90 and slowest stream. */
  private static void time(String name, Callable<String> call) throws Exception {
    long[] nanos = new long[TIMED_CALLS];
    for (int i = 0; i < TIMED_CALLS; i++) {
      long start = System.nanoTime();
      call.call();
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    double medianMs = nanos[TIMED_CALLS / 2] / 1e6;
    // Benchmarks may print: this is the evidence that the scores hold no stalls.
    System.out.printf(
        Locale.ROOT,
        "%n%s: a %d-chunk stream takes %.3f ms median, %.3f ms at p90, %.3f ms at most"
            + " over %d warm calls%n",
        name,
        CHUNKS,
        medianMs,
        nanos[TIMED_CALLS * 9 / 10] / 1e6,
        nanos[TIMED_CALLS - 1] / 1e6,
        TIMED_CALLS);
    if (medianMs > SLOW_MEDIAN_MS) {
      System.out.printf(
          Locale.ROOT,
          "WARNING %s: a median of %.1f ms is slow for loopback: a busy machine, or a client that"
              + " writes its request in pieces (Nagle plus delayed ACK: about 40 ms)?%n",
          name,
          medianMs);
    }
  }

  /** Closes every contender and stops the server. */
  @TearDown(Level.Trial)
  public void tearDown() {
    ours.close();
    openaiJava.close();
    bareOkHttp.dispatcher().executorService().shutdown();
    bareOkHttp.connectionPool().evictAll();
    server.close();
  }

  // ---------------------------------------------------------------- whole stream

  /**
   * Ours: the whole stream through {@code chatStream}, cache skipped.
   *
   * @return the assembled answer
   * @throws Exception if the stream fails or times out
   */
  @Benchmark
  public Received stream_ours() throws Exception {
    return oursStream();
  }

  /**
   * Bare OkHttp + okhttp-sse, callbacks on an OkHttp thread, a Jackson tree per event.
   *
   * @return the assembled answer
   * @throws Exception if the stream fails or times out
   */
  @Benchmark
  public Received stream_bareOkHttpSse() throws Exception {
    return bareStream();
  }

  /**
   * Bare OkHttp + okhttp-sse, events parsed on the caller's thread, a Jackson tree per event.
   *
   * @return the assembled answer
   * @throws IOException if the call fails
   */
  @Benchmark
  public Received stream_bareOkHttpSseCallerThread() throws IOException {
    return bareStreamCallerThread();
  }

  /**
   * openai-java's blocking {@code createStreaming}, iterated to the end.
   *
   * @return the assembled answer
   */
  @Benchmark
  public Received stream_openaiJava() {
    return openaiStream();
  }

  /**
   * Ours ({@code a}) and the bare pair ({@code b}), one whole stream each per invocation, the order
   * alternating, each timed into {@link PairTimes}: the ratio of {@code aNanos} to {@code bNanos}
   * holds where the separate scores drift from fork to fork (see {@link InterleavedBenchmark}).
   *
   * @param t this iteration's times
   * @return the second answer's chunk count
   * @throws Exception if a stream fails or times out
   */
  @Benchmark
  public int interleaved_oursVsBare(PairTimes t) throws Exception {
    return t.<Received>time(this::oursStream, this::bareStream).chunks;
  }

  // ---------------------------------------------------------------- first chunk

  /**
   * Ours: until the first chunk reaches the listener and the caller sees it.
   *
   * @param rest where the rest of the stream is left, drained untimed
   * @return the first chunk's text
   * @throws Exception if the stream fails or times out
   */
  @Benchmark
  public @Nullable String firstChunk_ours(Rest rest) throws Exception {
    Received received = new Received();
    OursListener listener = new OursListener(received);
    ChatStream stream = ours.chatStream(oursRequest, listener, miss);
    String first = await(listener.first);
    rest.set(
        () -> {
          await(stream.completion());
          return received.chunks;
        });
    return first;
  }

  /**
   * Bare OkHttp + okhttp-sse: until the first event is parsed and the caller sees it.
   *
   * @param rest where the rest of the stream is left, drained untimed
   * @return the first chunk's text
   * @throws Exception if the stream fails or times out
   */
  @Benchmark
  public String firstChunk_bareOkHttpSse(Rest rest) throws Exception {
    Received received = new Received();
    BareListener listener = new BareListener(received);
    bareSse.newEventSource(bareRequest, listener);
    String first = await(listener.first);
    rest.set(
        () -> {
          await(listener.done);
          return received.chunks;
        });
    return first;
  }

  /**
   * openai-java: until the iterator yields the first chunk.
   *
   * @param rest where the rest of the stream is left, drained untimed
   * @return the first chunk's text
   */
  @Benchmark
  @SuppressWarnings("MustBeClosedChecker") // closed by the tear-down, or here if the first fails
  public String firstChunk_openaiJava(Rest rest) {
    StreamResponse<ChatCompletionChunk> response =
        openaiJava.chat().completions().createStreaming(openaiParams);
    Received received = new Received();
    Iterator<ChatCompletionChunk> chunks;
    String first;
    try {
      chunks = response.stream().iterator();
      first = openaiText(chunks.next());
    } catch (RuntimeException e) {
      response.close();
      throw e;
    }
    received.add(first);
    rest.set(
        () -> {
          try (response) {
            chunks.forEachRemaining(chunk -> received.add(openaiText(chunk)));
          }
          return received.chunks;
        });
    return first;
  }

  // ---------------------------------------------------------------- the contenders' calls

  private Received oursStream() throws Exception {
    Received received = new Received();
    ChatStream stream = ours.chatStream(oursRequest, new OursListener(received), miss);
    ChatResponse response = await(stream.completion());
    received.check(response.text());
    return received;
  }

  private Received bareStream() throws Exception {
    Received received = new Received();
    BareListener listener = new BareListener(received);
    bareSse.newEventSource(bareRequest, listener);
    await(listener.done);
    received.check(null);
    return received;
  }

  private Received bareStreamCallerThread() throws IOException {
    Received received = new Received();
    BareListener listener = new BareListener(received);
    try (Response response = bareOkHttp.newCall(bareRequest).execute()) {
      EventSources.processResponse(response, listener);
    }
    if (!listener.done.isDone() || listener.done.isCompletedExceptionally()) {
      throw new IOException("stream did not end cleanly");
    }
    received.check(null);
    return received;
  }

  private Received openaiStream() {
    Received received = new Received();
    try (StreamResponse<ChatCompletionChunk> response =
        openaiJava.chat().completions().createStreaming(openaiParams)) {
      response.stream().forEach(chunk -> received.add(openaiText(chunk)));
    }
    received.check(null);
    return received;
  }

  private static String openaiText(ChatCompletionChunk chunk) {
    return chunk.choices().get(0).delta().content().orElse("");
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    try {
      return future.get(STREAM_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof Exception ex ? ex : e;
    } catch (TimeoutException e) {
      future.cancel(true);
      throw e;
    }
  }

  /**
   * What one stream delivered: its chunk count and its text, read by the caller after the stream's
   * end (or first chunk) was handed over through a future, which orders the reads after the writes.
   */
  public static final class Received {
    int chunks;
    private final StringBuilder text = new StringBuilder();

    void add(@Nullable String piece) {
      chunks++;
      if (piece != null) {
        text.append(piece);
      }
    }

    String text() {
      return text.toString();
    }

    /** Fails the round if the stream was short, or if an assembled answer disagrees. */
    void check(@Nullable String assembled) {
      if (chunks != CHUNKS) {
        throw new IllegalStateException("stream had " + chunks + " chunks; expected " + CHUNKS);
      }
      if (assembled != null && !assembled.contentEquals(text)) {
        throw new IllegalStateException("assembled answer differs from the chunks: " + assembled);
      }
    }
  }

  /** Ours: reads each chunk's text; signals the first. */
  private static final class OursListener implements ChatStreamListener {
    final CompletableFuture<@Nullable String> first = new CompletableFuture<>();
    private final Received received;

    OursListener(Received received) {
      this.received = received;
    }

    @Override
    public void onChunk(ChatChunk chunk) {
      ChatMessage delta = chunk.choices().get(0).delta();
      String piece = delta == null ? null : delta.text();
      received.add(piece);
      if (received.chunks == 1) {
        first.complete(piece);
      }
    }

    @Override
    public void onComplete(ChatResponse response) {
      first.complete(null); // no chunk at all: the tear-down's count check reports it
    }

    @Override
    public void onError(InferenceException error) {
      first.completeExceptionally(error);
    }
  }

  /** Bare: a Jackson tree per event; {@code [DONE]} ends the answer. */
  private final class BareListener extends EventSourceListener {
    final CompletableFuture<String> first = new CompletableFuture<>();
    final CompletableFuture<Integer> done = new CompletableFuture<>();
    private final Received received;

    BareListener(Received received) {
      this.received = received;
    }

    @Override
    public void onEvent(
        EventSource source, @Nullable String id, @Nullable String type, String data) {
      if ("[DONE]".equals(data)) {
        return;
      }
      JsonNode root = jackson.readTree(data);
      String piece = root.path("choices").path(0).path("delta").path("content").asString();
      received.add(piece);
      if (received.chunks == 1) {
        first.complete(piece);
      }
    }

    @Override
    public void onClosed(EventSource source) {
      first.complete(""); // no chunk at all: the tear-down's count check reports it
      done.complete(received.chunks);
    }

    @Override
    public void onFailure(EventSource source, @Nullable Throwable t, @Nullable Response response) {
      IOException failure =
          new IOException(
              "stream failed" + (response == null ? "" : ": HTTP " + response.code()), t);
      first.completeExceptionally(failure);
      done.completeExceptionally(failure);
    }
  }
}
