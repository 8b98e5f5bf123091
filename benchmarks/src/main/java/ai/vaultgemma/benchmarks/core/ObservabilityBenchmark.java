package ai.vaultgemma.benchmarks.core;

import ai.vaultgemma.core.CallOptions;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.micrometer.InferenceMetrics;
import ai.vaultgemma.opentelemetry.GenAiAttributes;
import ai.vaultgemma.opentelemetry.InferenceTracing;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

/**
 * What metrics and tracing cost a call: the same chat as {@link ChatBenchmark}, on the same
 * loopback server, through clients that differ only in their listeners.
 *
 * <ul>
 *   <li>{@code off_*}: no listener (the bare library: the baseline);
 *   <li>{@code metrics_*}: {@link InferenceMetrics} on a {@link PrometheusMeterRegistry}, bound to
 *       the client (meters per call, gauges on the caches and pools);
 *   <li>{@code tracing_*}: {@link InferenceTracing} on the OpenTelemetry SDK, every span sampled,
 *       ended into a {@link BatchSpanProcessor} with an exporter that discards (the export itself
 *       happens on the processor's thread, off the call); its GenAI metrics off, as when Micrometer
 *       records them;
 *   <li>{@code both_*}: metrics and tracing together, what a production service runs.
 * </ul>
 *
 * <p>{@code *_hit} is an L1 hit (the setup filled the cache); {@code *_miss} skips cache read and
 * write, so every call reaches the server. {@code sdk_spanAlone} is the floor no instrumentation
 * can go under: the same SDK making and ending one span with the attributes a traced hit's span
 * gets (ten), and nothing else. Goals (issue 15): a hit pays at most a few hundred nanoseconds for
 * both, a miss at most 5 %. Logging as in {@link ChatBenchmark}.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar core.ObservabilityBenchmark -f 3
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
public class ObservabilityBenchmark {

  // Set in setUp(); JMH never calls a benchmark method before it.
  private LoopbackChatServer server;
  private InferenceClient off;
  private InferenceClient metrics;
  private InferenceClient tracing;
  private InferenceClient both;
  private PrometheusMeterRegistry registry;
  private OpenTelemetrySdk otel;
  private ChatRequest request;
  private CallOptions miss;
  private final CountingDiscardExporter discard = new CountingDiscardExporter();
  private Tracer sdkTracer;
  private final List<String> finishReasons = List.of("stop");

  /**
   * Starts the server and the four clients, and fills each client's cache.
   *
   * @throws Exception if the server cannot start or a client fails its first call
   */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    NullSinkLogging.install();
    server = LoopbackChatServer.start();
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(BatchSpanProcessor.builder(discard).build())
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    InferenceMetrics meters =
        InferenceMetrics.builder(registry).tags(Tags.of("client", "metrics")).build();
    InferenceTracing spans = InferenceTracing.builder(otel).metrics(false).build();
    sdkTracer = otel.getTracer("baseline");

    String baseUrl = server.baseUrl();
    off = client(baseUrl).build();
    metrics = client(baseUrl).addListener(meters.listener()).build();
    meters.bind(metrics);
    tracing = client(baseUrl).addListenerFactory(spans.listenerFactory()).build();
    InferenceMetrics bothMeters =
        InferenceMetrics.builder(registry).tags(Tags.of("client", "both")).build();
    both =
        client(baseUrl)
            .addListener(bothMeters.listener())
            .addListenerFactory(spans.listenerFactory())
            .build();
    bothMeters.bind(both);

    request = ChatBenchmark.request();
    miss = CallOptions.builder().skipCacheRead(true).skipCacheWrite(true).build();
    for (InferenceClient client : new InferenceClient[] {off, metrics, tracing, both}) {
      String text = client.chat(request).text();
      if (!LoopbackChatServer.ANSWER_TEXT.equals(text)) {
        throw new IllegalStateException("answered " + text);
      }
    }
    long before = server.requestCount();
    both.chat(request);
    if (server.requestCount() != before) {
      throw new IllegalStateException("a cache hit reached the server");
    }
  }

  private static InferenceClient.Builder client(String baseUrl) {
    return InferenceClient.builder().baseUrl(baseUrl).apiKey(ChatBenchmark.API_KEY);
  }

  /**
   * Closes the clients, the SDK and the server; prints what the exporter saw, so a run shows the
   * spans were made.
   */
  @TearDown(Level.Trial)
  public void tearDown() {
    off.close();
    metrics.close();
    tracing.close();
    both.close();
    otel.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);
    otel.close();
    System.out.printf("%nspans exported: %d%n", discard.exported());
    registry.close();
    server.close();
  }

  /**
   * L1 hit, no listener.
   *
   * @return the assistant's text
   */
  @Benchmark
  public @Nullable String off_hit() {
    return off.chat(request).text();
  }

  /**
   * L1 hit with Micrometer metrics.
   *
   * @return the assistant's text
   */
  @Benchmark
  public @Nullable String metrics_hit() {
    return metrics.chat(request).text();
  }

  /**
   * L1 hit with OpenTelemetry spans.
   *
   * @return the assistant's text
   */
  @Benchmark
  public @Nullable String tracing_hit() {
    return tracing.chat(request).text();
  }

  /**
   * L1 hit with metrics and spans.
   *
   * @return the assistant's text
   */
  @Benchmark
  public @Nullable String both_hit() {
    return both.chat(request).text();
  }

  /**
   * The SDK alone: one CLIENT span with the ten attributes of a traced hit's span, started and
   * ended into the same batch processor.
   *
   * @return the span, so it is not optimised away
   */
  @Benchmark
  public Span sdk_spanAlone() {
    Span span = callSpanBuilder(sdkTracer, Context.current()).startSpan();
    span.setAttribute(GenAiAttributes.VAULTGEMMA_TRACE_ID, "4bf92f3577b34da6a3ce929d0e0e4736");
    span.setAttribute(GenAiAttributes.VAULTGEMMA_CACHE_LEVEL, "l1");
    span.setAttribute(GenAiAttributes.GEN_AI_RESPONSE_MODEL, ChatBenchmark.MODEL);
    span.setAttribute(GenAiAttributes.GEN_AI_RESPONSE_ID, "chatcmpl-bench");
    span.setAttribute(GenAiAttributes.GEN_AI_RESPONSE_FINISH_REASONS, finishReasons);
    span.end();
    return span;
  }

  /**
   * A call span's builder with the attributes {@code InferenceTracing} gives a blocking chat of
   * {@link ChatBenchmark#request()} before it starts: the SDK's floor for one call span.
   *
   * @param tracer the SDK's tracer
   * @param parent the parent context
   * @return the builder, not started
   */
  static SpanBuilder callSpanBuilder(Tracer tracer, Context parent) {
    return tracer
        .spanBuilder("chat m")
        .setParent(parent)
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute(GenAiAttributes.GEN_AI_OPERATION_NAME, "chat")
        .setAttribute(GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai")
        .setAttribute(GenAiAttributes.GEN_AI_REQUEST_MODEL, ChatBenchmark.MODEL)
        .setAttribute(GenAiAttributes.VAULTGEMMA_CALL_MODE, "blocking")
        .setAttribute(GenAiAttributes.GEN_AI_REQUEST_TEMPERATURE, ChatBenchmark.TEMPERATURE);
  }

  /**
   * Server call, no listener.
   *
   * @return the assistant's text
   */
  @Benchmark
  public @Nullable String off_miss() {
    return off.chat(request, miss).text();
  }

  /**
   * Server call with metrics and spans (a call span and an attempt span, the attempt's {@code
   * traceparent} on the wire).
   *
   * @return the assistant's text
   */
  @Benchmark
  public @Nullable String both_miss() {
    return both.chat(request, miss).text();
  }
}
