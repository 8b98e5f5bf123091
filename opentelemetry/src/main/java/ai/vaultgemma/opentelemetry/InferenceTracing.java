package ai.vaultgemma.opentelemetry;

import ai.vaultgemma.core.InferenceListener;
import ai.vaultgemma.logging.TraceScope;
import ai.vaultgemma.opentelemetry.internal.CallTracer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * OpenTelemetry tracing and GenAI metrics for an {@code InferenceClient}, following the
 * OpenTelemetry GenAI semantic conventions ({@value GenAiAttributes#SEMCONV_VERSION}).
 *
 * <p>Each call becomes a {@code CLIENT} span named {@code "{operation} {model}"} ({@code chat
 * gemma-3-4b-it}), a child of the OpenTelemetry context current on the caller's thread when the
 * call starts, with the GenAI attributes, the cache level that answered ({@code
 * vaultgemma.cache.level}) and, on failure, {@code error.type} and status {@code ERROR}. Each HTTP
 * attempt becomes a child {@code CLIENT} span named for its method, whose context is sent in the
 * attempt's headers through the configured propagators (replacing the client's own {@code
 * traceparent}); a retry is a second attempt span with {@code http.request.resend_count}. A call
 * answered by a cache, or by joining an identical call in flight, has no attempt span. The {@code
 * gen_ai.client.operation.duration} and {@code gen_ai.client.token.usage} histograms are recorded
 * through the OpenTelemetry {@code Meter}, with the conventions' bucket boundaries. {@link
 * GenAiAttributes} lists every name written; the module README has the full table.
 *
 * <pre>{@code
 * InferenceTracing tracing = InferenceTracing.builder(openTelemetry)
 *     .captureContent(false)          // the default: no prompt text on spans
 *     .build();
 * InferenceClient client = InferenceClient.builder()
 *     .baseUrl("http://localhost:8080/v1")
 *     .addListenerFactory(tracing.listenerFactory())
 *     .build();
 * }</pre>
 *
 * <p>Prompts and completions are not recorded unless {@link Builder#captureContent(boolean)} is
 * set; then the chat messages sent are written as {@code gen_ai.input.messages} and the answer's
 * choices (a stream's, assembled) as {@code gen_ai.output.messages}, each text cut to {@link
 * Builder#maxContentLength(int)} characters.
 *
 * <p>Immutable and thread-safe: one instance serves any number of clients and calls. It holds no
 * resources and needs no closing; the {@code OpenTelemetry} instance stays the caller's to shut
 * down.
 */
public final class InferenceTracing {

  /** The instrumentation scope name of the tracer and meter. */
  public static final String INSTRUMENTATION_SCOPE = "ai.vaultgemma.opentelemetry";

  /**
   * The default {@code gen_ai.provider.name}: {@code openai}, the API every server the client talks
   * to speaks. The conventions let it name the API flavour rather than who hosts the model; {@code
   * gen_ai.request.model}, {@code gen_ai.response.model} and {@code server.address} tell the rest.
   */
  public static final String DEFAULT_PROVIDER_NAME = "openai";

  /** By default prompts are not recorded. */
  public static final boolean DEFAULT_CAPTURE_CONTENT = false;

  /** By default each captured text is cut to 4096 characters. */
  public static final int DEFAULT_MAX_CONTENT_LENGTH = 4096;

  /** By default the GenAI metrics are recorded. */
  public static final boolean DEFAULT_METRICS = true;

  /**
   * By default an answer from the client's memory (an L1 hit) makes no span: no provider is called,
   * and the SDK's span would cost several times the lookup. The GenAI metrics still count it, with
   * {@code vaultgemma.cache.level=l1}; L2 hits, joined calls and server calls always get spans.
   */
  public static final boolean DEFAULT_TRACE_CACHE_HITS = false;

  private final boolean captureContent;
  private final int maxContentLength;
  private final String providerName;
  private final boolean metrics;
  private final boolean traceCacheHits;
  private final InferenceListener.Factory factory;

  private InferenceTracing(Builder b) {
    this.captureContent = b.captureContent;
    this.maxContentLength = b.maxContentLength;
    this.providerName = b.providerName;
    this.metrics = b.metrics;
    this.traceCacheHits = b.traceCacheHits;
    OpenTelemetry otel = b.openTelemetry;
    DoubleHistogram duration = null;
    LongHistogram tokens = null;
    if (metrics) {
      Meter meter = otel.getMeter(INSTRUMENTATION_SCOPE);
      duration =
          meter
              .histogramBuilder(GenAiAttributes.METRIC_OPERATION_DURATION)
              .setDescription("GenAI operation duration.")
              .setUnit("s")
              .setExplicitBucketBoundariesAdvice(GenAiAttributes.DURATION_BUCKETS)
              .build();
      tokens =
          meter
              .histogramBuilder(GenAiAttributes.METRIC_TOKEN_USAGE)
              .ofLongs()
              .setDescription("Number of input and output tokens used.")
              .setUnit("{token}")
              .setExplicitBucketBoundariesAdvice(GenAiAttributes.TOKEN_BUCKETS)
              .build();
    }
    CallTracer.Setup setup =
        new CallTracer.Setup(
            otel.getTracer(INSTRUMENTATION_SCOPE),
            otel.getPropagators().getTextMapPropagator(),
            duration,
            tokens,
            providerName,
            captureContent,
            maxContentLength,
            traceCacheHits);
    // Context.current() is read here, on the caller's thread, as the call starts.
    this.factory = call -> new CallTracer(setup, Context.current());
  }

  /**
   * Returns tracing with the defaults: no content, provider {@value #DEFAULT_PROVIDER_NAME},
   * metrics on.
   *
   * @param openTelemetry where spans and metrics go (the SDK, {@code GlobalOpenTelemetry.get()}, or
   *     a framework's instance)
   * @return the tracing
   * @throws NullPointerException if {@code openTelemetry} is null
   */
  public static InferenceTracing create(OpenTelemetry openTelemetry) {
    return builder(openTelemetry).build();
  }

  /**
   * Returns a builder.
   *
   * @param openTelemetry where spans and metrics go
   * @return a new builder with the defaults
   * @throws NullPointerException if {@code openTelemetry} is null
   */
  public static Builder builder(OpenTelemetry openTelemetry) {
    return new Builder(Objects.requireNonNull(openTelemetry, "openTelemetry"));
  }

  /**
   * Returns the factory to install with {@code InferenceClient.Builder.addListenerFactory}. It
   * makes one listener per call, which takes its parent from OpenTelemetry's {@code
   * Context.current()} on the caller's thread.
   *
   * @return the factory; the same instance on every call
   */
  public InferenceListener.Factory listenerFactory() {
    return factory;
  }

  /**
   * Returns whether prompts are recorded.
   *
   * @return true when {@code gen_ai.input.messages} and {@code gen_ai.output.messages} are written
   */
  public boolean captureContent() {
    return captureContent;
  }

  /**
   * Returns the length each captured text is cut to.
   *
   * @return characters
   */
  public int maxContentLength() {
    return maxContentLength;
  }

  /**
   * Returns the {@code gen_ai.provider.name} written on spans and metrics.
   *
   * @return the provider name
   */
  public String providerName() {
    return providerName;
  }

  /**
   * Returns whether the GenAI metrics are recorded.
   *
   * @return true when the histograms are recorded
   */
  public boolean metrics() {
    return metrics;
  }

  /**
   * Returns whether L1 hits get a call span.
   *
   * @return true if they do
   */
  public boolean traceCacheHits() {
    return traceCacheHits;
  }

  /**
   * Makes the trace of the OpenTelemetry span current on this thread the trace of VaultGemma's log
   * events, until the scope is closed. The client's log events carry its own trace id, taken from
   * the SLF4J MDC ({@code trace_id}, {@code span_id}) when a call starts; OpenTelemetry's MDC
   * instrumentation adds those keys to each log event as it is written, not to the thread's MDC, so
   * without this scope a call's log lines get a new trace id. Inside it they get the span's:
   *
   * <pre>{@code
   * try (TraceScope logs = InferenceTracing.logScope()) {
   *   client.chat(request);          // log events and spans share one trace id
   * }
   * }</pre>
   *
   * <p>Close it on the same thread, as try-with-resources does. With no valid span current it opens
   * a plain {@link TraceScope#open()} (a new trace, or a child of the one already current).
   *
   * @return the scope to close
   */
  public static TraceScope logScope() {
    String parent = currentTraceparent();
    return parent == null ? TraceScope.open() : TraceScope.fromTraceparent(parent);
  }

  /**
   * Returns a trace source for {@code InferenceClient.Builder.traceParent(...)}: the W3C {@code
   * traceparent} of the OpenTelemetry span current on the caller's thread, or null when there is
   * none. With it, every call made under a span logs that span's trace id without a {@link
   * #logScope()} around it:
   *
   * <pre>{@code
   * InferenceClient client = InferenceClient.builder()
   *     .addListenerFactory(tracing.listenerFactory())
   *     .traceParent(InferenceTracing.traceParent())
   *     .build();
   * }</pre>
   *
   * @return the source; stateless and thread-safe
   */
  public static Supplier<@Nullable String> traceParent() {
    return InferenceTracing::currentTraceparent;
  }

  private static @Nullable String currentTraceparent() {
    SpanContext span = Span.current().getSpanContext();
    if (!span.isValid()) {
      return null;
    }
    return "00-"
        + span.getTraceId()
        + "-"
        + span.getSpanId()
        + (span.getTraceFlags().isSampled() ? "-01" : "-00");
  }

  @Override
  public String toString() {
    return "InferenceTracing{captureContent="
        + captureContent
        + ", maxContentLength="
        + maxContentLength
        + ", providerName="
        + providerName
        + ", metrics="
        + metrics
        + ", traceCacheHits="
        + traceCacheHits
        + "}";
  }

  /** Builds an {@link InferenceTracing}. Not thread-safe; {@link #build()} copies its settings. */
  public static final class Builder {
    private final OpenTelemetry openTelemetry;
    private boolean captureContent = DEFAULT_CAPTURE_CONTENT;
    private int maxContentLength = DEFAULT_MAX_CONTENT_LENGTH;
    private String providerName = DEFAULT_PROVIDER_NAME;
    private boolean metrics = DEFAULT_METRICS;
    private boolean traceCacheHits = DEFAULT_TRACE_CACHE_HITS;

    private Builder(OpenTelemetry openTelemetry) {
      this.openTelemetry = openTelemetry;
    }

    /**
     * Sets whether the chat messages sent and the answer's choices are recorded on the call span as
     * {@code gen_ai.input.messages} and {@code gen_ai.output.messages} (JSON strings in the
     * conventions' shapes). They hold the user's data: turn this on only where traces may hold it.
     * Default {@value InferenceTracing#DEFAULT_CAPTURE_CONTENT}.
     *
     * @param captureContent true to record prompts and completions
     * @return this builder
     */
    public Builder captureContent(boolean captureContent) {
      this.captureContent = captureContent;
      return this;
    }

    /**
     * Sets the length each captured text (a message's content, a tool call's arguments, a tool's
     * response) is cut to, with a trailing {@code "…"}. At most the last 64 messages of a request
     * are recorded. Default {@value InferenceTracing#DEFAULT_MAX_CONTENT_LENGTH}.
     *
     * @param maxContentLength characters, at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code maxContentLength} is less than 1
     */
    public Builder maxContentLength(int maxContentLength) {
      if (maxContentLength < 1) {
        throw new IllegalArgumentException(
            "maxContentLength must be >= 1 but was " + maxContentLength);
      }
      this.maxContentLength = maxContentLength;
      return this;
    }

    /**
     * Sets the {@code gen_ai.provider.name} written on spans and metrics: a well-known value of the
     * conventions ({@code openai}, {@code groq}, {@code deepseek}, ...) or your own. Default
     * {@value InferenceTracing#DEFAULT_PROVIDER_NAME}.
     *
     * @param providerName the provider name, not blank
     * @return this builder
     * @throws NullPointerException if {@code providerName} is null
     * @throws IllegalArgumentException if {@code providerName} is blank
     */
    public Builder providerName(String providerName) {
      Objects.requireNonNull(providerName, "providerName");
      if (providerName.isBlank()) {
        throw new IllegalArgumentException(
            "providerName must not be blank but was \"" + providerName + "\"");
      }
      this.providerName = providerName;
      return this;
    }

    /**
     * Sets whether the GenAI metrics are recorded. Turn them off when another module (such as
     * {@code vaultgemma-micrometer} bridged to OpenTelemetry) already records them. Default {@value
     * InferenceTracing#DEFAULT_METRICS}.
     *
     * @param metrics true to record the histograms
     * @return this builder
     */
    public Builder metrics(boolean metrics) {
      this.metrics = metrics;
      return this;
    }

    /**
     * Sets whether answers from the client's memory (L1 hits) get a call span. Off by default (see
     * {@link InferenceTracing#DEFAULT_TRACE_CACHE_HITS}): the call span then starts only once the
     * call goes further than memory (with the call's start time), so a hit costs a clock read, not
     * a span. Turn it on to see every call in traces, at the SDK's price of a span per hit.
     *
     * @param traceCacheHits true for a span per L1 hit too
     * @return this builder
     */
    public Builder traceCacheHits(boolean traceCacheHits) {
      this.traceCacheHits = traceCacheHits;
      return this;
    }

    /**
     * Builds the tracing: gets the tracer and meter and creates the histograms now.
     *
     * @return the tracing
     */
    public InferenceTracing build() {
      return new InferenceTracing(this);
    }
  }
}
