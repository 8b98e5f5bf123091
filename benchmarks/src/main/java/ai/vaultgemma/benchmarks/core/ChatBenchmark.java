package ai.vaultgemma.benchmarks.core;

import ai.vaultgemma.core.CallOptions;
import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.InferenceClient;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
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
 * One non-streaming chat completion ({@code model "m"}, one user message {@code "hi"}, temperature
 * 0.2) against {@link LoopbackChatServer}, which answers at once, so each score is the client's own
 * cost plus one loopback round trip. All contenders run in one JMH run (one fork per method, each
 * with the same setup), on the same kind of server, with the same request and the same logging:
 * logback, root INFO, a counting null appender (see {@link NullSinkLogging}).
 *
 * <ul>
 *   <li>{@code ours_cacheHit}: {@link InferenceClient#chat(ChatRequest)} answered from the
 *       inference cache (default client: caching, cache stats, HTTP stats and the {@code inference}
 *       log event all on). Goal: under 2 us/op and at least 50x faster than {@code ours_miss};
 *   <li>{@code ours_miss}: the same client with {@link CallOptions} skipping cache read and write,
 *       so every call reaches the server. Goal: at least 10 % faster than {@code
 *       baseline_openaiJava};
 *   <li>{@code baseline_bareOkHttp}: a shared default {@link OkHttpClient} posting a hand-written
 *       JSON body and reading the answer with a Jackson 3 tree: the floor for any OkHttp client;
 *   <li>{@code baseline_openaiJava}: {@code com.openai:openai-java} with its OkHttp client, on the
 *       same OkHttp 5 as everyone else, default settings;
 *   <li>{@code baseline_langchain4j}: LangChain4j's {@link OpenAiChatModel}, default settings (its
 *       JDK {@code HttpClient} transport).
 * </ul>
 *
 * <p>Each contender's request object is built once; what is measured is the call. Setup checks that
 * every contender gets the expected answer, that a cache hit does not reach the server, and that a
 * round trip takes well under a millisecond (a Nagle stall shows as about 40 ms); it prints each
 * contender's median round trip and log events per call.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar core.ChatBenchmark -f 1 -wi 2 -w 1s -i 3 -r 1s
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-D" + LoopbackChatServer.NODELAY_PROPERTY + "=true"})
@Threads(1)
public class ChatBenchmark {

  /** The model every contender asks for. */
  static final String MODEL = "m";

  /** The user message every contender sends. */
  static final String PROMPT = "hi";

  /** The temperature every contender sends. */
  static final double TEMPERATURE = 0.2;

  /** The API key every contender sends (the server ignores it). */
  static final String API_KEY = "sk-bench";

  /**
   * A median setup round trip above this means a stall and fails the trial. A Nagle stall costs
   * about 40 ms; a healthy loopback call well under 1 ms, even on a busy machine once warm.
   */
  private static final double MAX_MEDIAN_ROUND_TRIP_MS = 20.0;

  private static final int WARM_UP_CALLS = 300;
  private static final int TIMED_CALLS = 100;

  private static final MediaType JSON = MediaType.get("application/json");

  // Set in setUp(); JMH never calls a benchmark method before it.
  private LoopbackChatServer server;
  private InferenceClient ours;
  private ChatRequest oursRequest;
  private CallOptions miss;
  private OkHttpClient bareOkHttp;
  private Request bareRequest;
  private JsonMapper jackson;
  private OpenAIClient openaiJava;
  private ChatCompletionCreateParams openaiParams;
  private OpenAiChatModel langchain4j;
  private dev.langchain4j.model.chat.request.ChatRequest langchain4jRequest;

  /**
   * Starts the server, builds every contender and checks each against it.
   *
   * @throws Exception if the server cannot start or a contender fails its check
   */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    NullSinkLogging.install();
    server = LoopbackChatServer.start();
    String baseUrl = server.baseUrl();

    ours = InferenceClient.builder().baseUrl(baseUrl).apiKey(API_KEY).build();
    oursRequest = request();
    miss = CallOptions.builder().skipCacheRead(true).skipCacheWrite(true).build();

    bareOkHttp = new OkHttpClient();
    bareRequest = bareRequest(baseUrl);
    jackson = JsonMapper.builder().build();

    openaiJava = OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey(API_KEY).build();
    openaiParams =
        ChatCompletionCreateParams.builder()
            .model(MODEL)
            .addUserMessage(PROMPT)
            .temperature(TEMPERATURE)
            .build();

    langchain4j =
        OpenAiChatModel.builder()
            .baseUrl(baseUrl)
            .apiKey(API_KEY)
            .modelName(MODEL)
            .temperature(TEMPERATURE)
            .build();
    langchain4jRequest =
        dev.langchain4j.model.chat.request.ChatRequest.builder()
            .messages(UserMessage.from(PROMPT))
            .build();

    Map<String, Callable<String>> contenders = new LinkedHashMap<>();
    contenders.put("ours_miss", this::ours_miss);
    contenders.put("ours_cacheHit", this::ours_cacheHit);
    contenders.put("baseline_bareOkHttp", this::baseline_bareOkHttp);
    contenders.put("baseline_openaiJava", this::baseline_openaiJava);
    contenders.put("baseline_langchain4j", this::baseline_langchain4j);
    // Warm every contender before timing any, so the first one does not pay for compiling the
    // code they share (OkHttp, Jackson, the JDK server). Each must reach the server on every call,
    // except the cache hit, which must never reach it once the cache holds the answer.
    String primed = ours.chat(oursRequest).text();
    if (!LoopbackChatServer.ANSWER_TEXT.equals(primed)) {
      throw new IllegalStateException("ours answered " + primed);
    }
    for (Map.Entry<String, Callable<String>> contender : contenders.entrySet()) {
      long before = server.requestCount();
      warmUp(contender.getKey(), contender.getValue());
      long requests = server.requestCount() - before;
      long expected = contender.getKey().equals("ours_cacheHit") ? 0 : WARM_UP_CALLS;
      if (requests != expected) {
        throw new IllegalStateException(
            contender.getKey()
                + " reached the server "
                + requests
                + " times in "
                + WARM_UP_CALLS
                + " calls; expected "
                + expected);
      }
    }
    for (Map.Entry<String, Callable<String>> contender : contenders.entrySet()) {
      time(contender.getKey(), contender.getValue());
    }
  }

  /**
   * Our request: model {@value #MODEL}, one user message, temperature {@value #TEMPERATURE}.
   *
   * @return a new request
   */
  static ChatRequest request() {
    return ChatRequest.builder()
        .model(MODEL)
        .message(ChatMessage.user(PROMPT))
        .temperature(TEMPERATURE)
        .build();
  }

  /**
   * The bare baseline's request: the same chat as ours, its JSON written by hand.
   *
   * @param baseUrl the server's base URL
   * @return the request, reusable for every call
   */
  static Request bareRequest(String baseUrl) {
    return new Request.Builder()
        .url(baseUrl + "/chat/completions")
        .header("Authorization", "Bearer " + API_KEY)
        .post(
            RequestBody.create(
                "{\"model\":\""
                    + MODEL
                    + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
                    + PROMPT
                    + "\"}],\"temperature\":"
                    + TEMPERATURE
                    + "}",
                JSON))
        .build();
  }

  /** Calls a contender until it is warm and checks each answer. */
  private static void warmUp(String name, Callable<String> call) throws Exception {
    for (int i = 0; i < WARM_UP_CALLS; i++) {
      String answer = call.call();
      if (!LoopbackChatServer.ANSWER_TEXT.equals(answer)) {
        throw new IllegalStateException(name + " answered " + answer);
      }
    }
  }

  /**
   * Times a warm contender and fails if its median round trip says the loopback connection stalls
   * (Nagle plus delayed ACK: about 40 ms).
   */
  private static void time(String name, Callable<String> call) throws Exception {
    long events = NullSinkLogging.events();
    long[] nanos = new long[TIMED_CALLS];
    for (int i = 0; i < TIMED_CALLS; i++) {
      long start = System.nanoTime();
      call.call();
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    double medianMs = nanos[TIMED_CALLS / 2] / 1e6;
    double eventsPerCall = (NullSinkLogging.events() - events) / (double) TIMED_CALLS;
    // Benchmarks may print: this is the evidence that the scores hold no Nagle stalls.
    System.out.printf(
        Locale.ROOT,
        "%n%s: median %.3f ms over %d warm calls; %.1f log events per call%n",
        name,
        medianMs,
        TIMED_CALLS,
        eventsPerCall);
    if (medianMs > MAX_MEDIAN_ROUND_TRIP_MS) {
      throw new IllegalStateException(
          String.format(
              Locale.ROOT,
              "%s: median loopback round trip is %.1f ms; a Nagle stall? Run the fork with -D%s=true",
              name,
              medianMs,
              LoopbackChatServer.NODELAY_PROPERTY));
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

  /**
   * Ours, answered from the inference cache (the setup's first call filled it).
   *
   * @return the assistant's text
   */
  @Benchmark
  public @Nullable String ours_cacheHit() {
    return ours.chat(oursRequest).text();
  }

  /**
   * Ours with cache read and write skipped, so every call goes to the server; cache key, stats,
   * trace context and the {@code inference} log event are all still paid for.
   *
   * @return the assistant's text
   */
  @Benchmark
  public @Nullable String ours_miss() {
    return ours.chat(oursRequest, miss).text();
  }

  /**
   * Bare pooled OkHttp: hand-written JSON out, Jackson 3 tree in.
   *
   * @return the assistant's text
   * @throws IOException if the call fails
   */
  @Benchmark
  public String baseline_bareOkHttp() throws IOException {
    try (Response response = bareOkHttp.newCall(bareRequest).execute();
        InputStream body = response.body().byteStream()) {
      if (!response.isSuccessful()) {
        throw new IOException("HTTP " + response.code());
      }
      JsonNode root = jackson.readTree(body);
      return BareJackson.messageContent(root);
    }
  }

  /**
   * openai-java 4.x with its OkHttp client.
   *
   * @return the assistant's text
   */
  @Benchmark
  public String baseline_openaiJava() {
    return openaiJava
        .chat()
        .completions()
        .create(openaiParams)
        .choices()
        .get(0)
        .message()
        .content()
        .orElseThrow();
  }

  /**
   * LangChain4j's {@code OpenAiChatModel}.
   *
   * @return the assistant's text
   */
  @Benchmark
  public String baseline_langchain4j() {
    return langchain4j.chat(langchain4jRequest).aiMessage().text();
  }
}
