package ai.vaultgemma.benchmarks.core;

import ai.vaultgemma.core.CallOutcome;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.EmbeddingRequest;
import ai.vaultgemma.core.HttpAttempt;
import ai.vaultgemma.core.InferenceCall;
import ai.vaultgemma.core.InferenceListener;
import ai.vaultgemma.core.Usage;
import ai.vaultgemma.core.tier.CacheLevel;
import ai.vaultgemma.micrometer.InferenceMetrics;
import ai.vaultgemma.opentelemetry.GenAiAttributes;
import ai.vaultgemma.opentelemetry.InferenceTracing;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
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
 * What the listeners themselves cost one server call, without the server: the events of a blocking
 * chat miss with one attempt ({@code callStart}, {@code attemptStart}, {@code attemptEnd}, {@code
 * callEnd}) played to the listeners {@link ObservabilityBenchmark}'s {@code both} client has, on
 * made-up call and attempt objects. {@link InterleavedBenchmark}'s {@code *_vs_off} pairs measure
 * the whole overhead on a loopback call; this one says how much of it is the listeners' own work on
 * the calling thread and how much is everything else (other threads, caches, allocation).
 *
 * <p>Spans end into a {@link SimpleSpanProcessor} with a discarding exporter, so the conversion a
 * batch processor does on its own thread is counted here, on the benchmark's thread: each score is
 * all the CPU the listener costs, in one place. {@code sdk_twoSpans} is the floor: the same SDK
 * making and ending the call span and the attempt span with the attributes the listener gives them
 * and the attempt's {@code traceparent} formatted, and nothing else.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar core.ListenerCostBenchmark -f 3
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class ListenerCostBenchmark {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

  // Set in setUp(); JMH never calls a benchmark method before it.
  private PrometheusMeterRegistry registry;
  private OpenTelemetrySdk otel;
  private InferenceListener metrics;
  private InferenceListener.Factory tracing;
  private Tracer sdkTracer;
  private final CountingDiscardExporter discard = new CountingDiscardExporter();
  private final Call call = new Call(ChatBenchmark.request());
  private final Attempt attempt = new Attempt();
  private final Duration latency = Duration.ofNanos(110_000);
  private final CallOutcome outcome =
      new CallOutcome(
          CacheLevel.MISS,
          Duration.ofNanos(120_000),
          Usage.of(12, 5, 17),
          ChatBenchmark.MODEL,
          "chatcmpl-bench",
          List.of("stop"),
          null,
          null);
  private final List<String> finishReasons = List.of("stop");

  /** Builds the registry, the SDK and the listeners, as the {@code both} client has them. */
  @Setup(Level.Trial)
  public void setUp() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(discard))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    metrics = InferenceMetrics.builder(registry).tags(Tags.empty()).build().listener();
    tracing = InferenceTracing.builder(otel).metrics(false).build().listenerFactory();
    sdkTracer = otel.getTracer("baseline");
  }

  /** Closes the SDK and the registry; prints the exported count, so a run shows spans were made. */
  @TearDown(Level.Trial)
  public void tearDown() {
    otel.close();
    registry.close();
    System.out.printf("%nspans exported: %d%n", discard.exported());
  }

  private void play(InferenceListener listener) {
    listener.callStart(call);
    listener.attemptStart(call, attempt);
    listener.attemptEnd(call, attempt, 200, latency);
    listener.callEnd(call, outcome);
  }

  /**
   * Micrometer alone.
   *
   * @return the last header the attempt was given
   */
  @Benchmark
  public @Nullable String metrics_miss() {
    play(metrics);
    return attempt.lastValue;
  }

  /**
   * OpenTelemetry alone: the factory runs per call, as in the client.
   *
   * @return the attempt's {@code traceparent}
   */
  @Benchmark
  public @Nullable String tracing_miss() {
    play(tracing.create(call));
    return attempt.lastValue;
  }

  /**
   * Both, in the client's order: metrics first, then tracing.
   *
   * @return the attempt's {@code traceparent}
   */
  @Benchmark
  public @Nullable String both_miss() {
    InferenceListener tracer = tracing.create(call);
    metrics.callStart(call);
    tracer.callStart(call);
    metrics.attemptStart(call, attempt);
    tracer.attemptStart(call, attempt);
    metrics.attemptEnd(call, attempt, 200, latency);
    tracer.attemptEnd(call, attempt, 200, latency);
    metrics.callEnd(call, outcome);
    tracer.callEnd(call, outcome);
    return attempt.lastValue;
  }

  /**
   * The SDK floor: the call span and its attempt span with their attributes, the {@code
   * traceparent} injected, both ended.
   *
   * @return the attempt's {@code traceparent}
   */
  @Benchmark
  public @Nullable String sdk_twoSpans() {
    Context parent = Context.current();
    Span callSpan =
        ObservabilityBenchmark.callSpanBuilder(sdkTracer, parent)
            .setAttribute(GenAiAttributes.SERVER_ADDRESS, attempt.serverAddress())
            .setAttribute(GenAiAttributes.SERVER_PORT, (long) attempt.serverPort())
            .startSpan();
    Context callContext = parent.with(callSpan);
    Span attemptSpan =
        sdkTracer
            .spanBuilder("POST")
            .setParent(callContext)
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute(GenAiAttributes.HTTP_REQUEST_METHOD, "POST")
            .setAttribute(GenAiAttributes.SERVER_ADDRESS, attempt.serverAddress())
            .setAttribute(GenAiAttributes.SERVER_PORT, (long) attempt.serverPort())
            .setAttribute(GenAiAttributes.URL_FULL, attempt.url())
            .startSpan();
    otel.getPropagators()
        .getTextMapPropagator()
        .inject(callContext.with(attemptSpan), attempt, (a, k, v) -> a.header(k, v));
    attemptSpan.setAttribute(GenAiAttributes.HTTP_RESPONSE_STATUS_CODE, 200L);
    attemptSpan.end();
    callSpan.setAttribute(GenAiAttributes.VAULTGEMMA_TRACE_ID, TRACE_ID);
    callSpan.setAttribute(GenAiAttributes.VAULTGEMMA_CACHE_LEVEL, "miss");
    callSpan.setAttribute(GenAiAttributes.GEN_AI_RESPONSE_MODEL, ChatBenchmark.MODEL);
    callSpan.setAttribute(GenAiAttributes.GEN_AI_RESPONSE_ID, "chatcmpl-bench");
    callSpan.setAttribute(GenAiAttributes.GEN_AI_RESPONSE_FINISH_REASONS, finishReasons);
    callSpan.setAttribute(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS, 12L);
    callSpan.setAttribute(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, 5L);
    callSpan.end();
    return attempt.lastValue;
  }

  /** A blocking chat call as the client reports it. */
  private static final class Call implements InferenceCall {
    private final ChatRequest request;

    Call(ChatRequest request) {
      this.request = request;
    }

    @Override
    public Operation operation() {
      return Operation.CHAT;
    }

    @Override
    public Mode mode() {
      return Mode.BLOCKING;
    }

    @Override
    public String model() {
      return request.model();
    }

    @Override
    public String scope() {
      return "default";
    }

    @Override
    public String traceId() {
      return TRACE_ID;
    }

    @Override
    public ChatRequest chatRequest() {
      return request;
    }

    @Override
    public @Nullable EmbeddingRequest embeddingRequest() {
      return null;
    }
  }

  /** The first attempt to a loopback server; keeps the last header value it was given. */
  private static final class Attempt implements HttpAttempt {
    @Nullable String lastValue;

    @Override
    public int number() {
      return 1;
    }

    @Override
    public String method() {
      return "POST";
    }

    @Override
    public String path() {
      return "/v1/chat/completions";
    }

    @Override
    public String url() {
      return "http://127.0.0.1:8080/v1/chat/completions";
    }

    @Override
    public String serverAddress() {
      return "127.0.0.1";
    }

    @Override
    public int serverPort() {
      return 8080;
    }

    @Override
    public void header(String name, String value) {
      lastValue = value;
    }
  }
}
