package ai.vaultgemma.benchmarks.core;

import ai.vaultgemma.core.CallOptions;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.micrometer.InferenceMetrics;
import ai.vaultgemma.opentelemetry.InferenceTracing;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * Two contenders measured in turn, call for call, in the same fork: each invocation makes one call
 * of each (the order alternating) and adds each call's time to its own counter. On two cores the
 * separate-fork scores of {@link ChatBenchmark} drift 15-35 % between forks (JIT state, the other
 * core's load), which hides a 5-10 % difference; interleaving makes both contenders share every
 * drift, so their ratio holds where their absolute scores do not.
 *
 * <p>Pairs ({@code pair}), all on the {@link LoopbackChatServer} with {@link ChatBenchmark}'s
 * request and logging, every call reaching the server:
 *
 * <ul>
 *   <li>{@code ours_vs_bare}: {@code a} is {@link InferenceClient#chat} with cache read and write
 *       skipped (issue 12's miss), {@code b} bare pooled OkHttp with a Jackson tree;
 *   <li>{@code both_vs_off}: {@code a} is the same miss through a client with Micrometer metrics
 *       and OpenTelemetry tracing (as {@link ObservabilityBenchmark}'s {@code both}), {@code b}
 *       through one without listeners (issue 15's miss overhead);
 *   <li>{@code metrics_vs_off}, {@code tracing_vs_off}: the same with one of the two.
 * </ul>
 *
 * <p>Read the secondary results {@code aNanos} and {@code bNanos} (nanoseconds per iteration, each
 * over the same number of calls): their ratio is the pair's ratio. The primary score is the time of
 * one pair of calls.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar core.InterleavedBenchmark -f 3
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// 15 s: on two cores C2 is still compiling after 5 s, which taxes the contender with more code
@Warmup(iterations = 15, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-D" + LoopbackChatServer.NODELAY_PROPERTY + "=true"})
@Threads(1)
public class InterleavedBenchmark {

  /** Which two contenders take turns. */
  @Param({"ours_vs_bare", "both_vs_off", "metrics_vs_off", "tracing_vs_off"})
  public String pair;

  // Set in setUp(); JMH never calls a benchmark method before it.
  private LoopbackChatServer server;
  private InferenceClient plain;
  private InferenceClient observed;
  private InferenceClient metered;
  private InferenceClient traced;
  private PrometheusMeterRegistry registry;
  private OpenTelemetrySdk otel;
  private OkHttpClient bare;
  private Request bareRequest;
  private JsonMapper jackson;
  private ChatRequest request;
  private CallOptions miss;

  /**
   * Starts the server and the contenders, and checks each one's answer.
   *
   * @throws Exception if the server cannot start or a contender fails
   */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    NullSinkLogging.install();
    server = LoopbackChatServer.start();
    String baseUrl = server.baseUrl();
    request = ChatBenchmark.request();
    miss = CallOptions.builder().skipCacheRead(true).skipCacheWrite(true).build();
    plain = InferenceClient.builder().baseUrl(baseUrl).apiKey(ChatBenchmark.API_KEY).build();
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(
                        BatchSpanProcessor.builder(new CountingDiscardExporter()).build())
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    InferenceMetrics meters = InferenceMetrics.builder(registry).tags(Tags.empty()).build();
    observed =
        InferenceClient.builder()
            .baseUrl(baseUrl)
            .apiKey(ChatBenchmark.API_KEY)
            .addListener(meters.listener())
            .addListenerFactory(
                InferenceTracing.builder(otel).metrics(false).build().listenerFactory())
            .build();
    meters.bind(observed);
    InferenceMetrics alone =
        InferenceMetrics.builder(registry).tags(Tags.of("client", "metered")).build();
    metered =
        InferenceClient.builder()
            .baseUrl(baseUrl)
            .apiKey(ChatBenchmark.API_KEY)
            .addListener(alone.listener())
            .build();
    alone.bind(metered);
    traced =
        InferenceClient.builder()
            .baseUrl(baseUrl)
            .apiKey(ChatBenchmark.API_KEY)
            .addListenerFactory(
                InferenceTracing.builder(otel).metrics(false).build().listenerFactory())
            .build();
    bare = new OkHttpClient();
    bareRequest = ChatBenchmark.bareRequest(baseUrl);
    jackson = JsonMapper.builder().build();
    for (int i = 0; i < 200; i++) {
      check(a());
      check(b());
    }
  }

  private static void check(String answer) {
    if (!LoopbackChatServer.ANSWER_TEXT.equals(answer)) {
      throw new IllegalStateException("answered " + answer);
    }
  }

  /** Closes the contenders and stops the server. */
  @TearDown(Level.Trial)
  public void tearDown() {
    plain.close();
    observed.close();
    metered.close();
    traced.close();
    otel.close();
    registry.close();
    bare.dispatcher().executorService().shutdown();
    bare.connectionPool().evictAll();
    server.close();
  }

  private String a() throws IOException {
    InferenceClient client =
        switch (pair) {
          case "ours_vs_bare" -> plain;
          case "metrics_vs_off" -> metered;
          case "tracing_vs_off" -> traced;
          default -> observed;
        };
    return String.valueOf(client.chat(request, miss).text());
  }

  private String b() throws IOException {
    if (!pair.equals("ours_vs_bare")) {
      return String.valueOf(plain.chat(request, miss).text());
    }
    try (Response response = bare.newCall(bareRequest).execute();
        InputStream body = response.body().byteStream()) {
      return BareJackson.messageContent(jackson.readTree(body));
    }
  }

  /**
   * One call of each contender, the order alternating, each timed into its own counter.
   *
   * @param t this iteration's counters
   * @return the second answer's length, so nothing is optimised away
   * @throws Exception if a call fails
   */
  @Benchmark
  public int pairOfCalls(PairTimes t) throws Exception {
    return t.<String>time(this::a, this::b).length();
  }
}
