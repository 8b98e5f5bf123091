package ai.vaultgemma.opentelemetry.internal;

import static ai.vaultgemma.opentelemetry.GenAiAttributes.ERROR_TYPE;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.EVENT_FIRST_CHUNK;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.EVENT_RATE_LIMIT;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.EVENT_RETRY;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_INPUT_MESSAGES;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_OPERATION_NAME;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_OUTPUT_MESSAGES;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_OUTPUT_TYPE;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_PROVIDER_NAME;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_REQUEST_CHOICE_COUNT;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_REQUEST_ENCODING_FORMATS;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_REQUEST_FREQUENCY_PENALTY;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_REQUEST_MAX_TOKENS;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_REQUEST_MODEL;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_REQUEST_PRESENCE_PENALTY;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_REQUEST_SEED;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_REQUEST_STOP_SEQUENCES;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_REQUEST_TEMPERATURE;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_REQUEST_TOP_P;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_RESPONSE_FINISH_REASONS;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_RESPONSE_ID;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_RESPONSE_MODEL;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_TOKEN_TYPE;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.HTTP_REQUEST_METHOD;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.HTTP_REQUEST_RESEND_COUNT;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.HTTP_RESPONSE_STATUS_CODE;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.SERVER_ADDRESS;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.SERVER_PORT;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.URL_FULL;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.URL_PATH;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.VAULTGEMMA_CACHE_LEVEL;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.VAULTGEMMA_CALL_MODE;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.VAULTGEMMA_RATE_LIMIT_WAIT;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.VAULTGEMMA_RETRY_DELAY;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.VAULTGEMMA_RETRY_REASON;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.VAULTGEMMA_STREAM_CHUNKS;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.VAULTGEMMA_STREAM_TIME_TO_FIRST_CHUNK;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.VAULTGEMMA_TRACE_ID;

import ai.vaultgemma.core.CallOutcome;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.EmbeddingRequest;
import ai.vaultgemma.core.HttpAttempt;
import ai.vaultgemma.core.InferenceCall;
import ai.vaultgemma.core.InferenceException;
import ai.vaultgemma.core.InferenceHttpException;
import ai.vaultgemma.core.InferenceListener;
import ai.vaultgemma.core.InferenceTimeoutException;
import ai.vaultgemma.core.Usage;
import ai.vaultgemma.core.tier.CacheLevel;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One call's spans and measurements: the call span opens at {@code callStart} (as a child of the
 * context that was current on the caller's thread when the factory ran), an attempt span opens at
 * each {@code attemptStart} (a child of the call span, injected into the attempt's headers) and
 * ends at its response headers or failure, and {@code callEnd} ends the call span and records the
 * metrics.
 *
 * <p>The client sends one call's events one at a time but maybe from different threads, so the
 * fields it hands from one event to the next are volatile.
 */
public final class CallTracer implements InferenceListener {

  /**
   * What every call's tracer shares: built once by {@code InferenceTracing}. Immutable.
   *
   * @param tracer the tracer spans come from
   * @param propagator writes the attempt span's context into the request headers
   * @param duration {@code gen_ai.client.operation.duration}, null when metrics are off
   * @param tokens {@code gen_ai.client.token.usage}, null when metrics are off
   * @param providerName the {@code gen_ai.provider.name} value
   * @param captureContent whether prompts are recorded
   * @param maxContentLength the length each captured text is cut to
   * @param traceCacheHits whether L1 hits get a span; when not, the span waits for the first sign
   *     that the call went further than memory
   */
  public record Setup(
      Tracer tracer,
      TextMapPropagator propagator,
      @Nullable DoubleHistogram duration,
      @Nullable LongHistogram tokens,
      String providerName,
      boolean captureContent,
      int maxContentLength,
      boolean traceCacheHits) {}

  private static final TextMapSetter<HttpAttempt> HEADERS =
      (attempt, name, value) -> {
        if (attempt != null) {
          attempt.header(name, value);
        }
      };

  /** Wall-clock time of a late span's {@code System.nanoTime()} readings, anchored once per JVM. */
  private static final long ANCHOR_NANO_TIME = System.nanoTime();

  private static final long ANCHOR_EPOCH_NANOS = anchorEpochNanos();

  /** Lower-case names, made once: the call path must not allocate them per call. */
  private static final Map<InferenceCall.Mode, String> MODE_NAMES =
      lowerCase(InferenceCall.Mode.class);

  private static final Map<CacheLevel, String> LEVEL_NAMES = lowerCase(CacheLevel.class);

  /** Span names per operation and model; bounded, since model names come from callers. */
  private static final int MAX_SPAN_NAMES = 256;

  private static final Map<InferenceCall.Operation, ConcurrentHashMap<String, String>> SPAN_NAMES =
      new EnumMap<>(InferenceCall.Operation.class);

  static {
    for (InferenceCall.Operation operation : InferenceCall.Operation.values()) {
      SPAN_NAMES.put(operation, new ConcurrentHashMap<>());
    }
  }

  private final Setup setup;
  private final Context parent;
  private volatile @Nullable Span span;
  private volatile @Nullable InferenceCall waiting; // a call whose span is not started yet
  private volatile long waitingSinceNanos; // System.nanoTime() at callStart
  private volatile boolean late; // the span was started late: its times are given, not read
  private volatile long firstChunkNanos; // a waiting call's first chunk, 0 before it
  private volatile @Nullable Duration firstChunkSinceStart;
  private volatile int chunks = -1; // a waiting stream's chunk count, -1 before its end
  private volatile @Nullable Context spanContext;
  private volatile @Nullable Span attemptSpan;
  private volatile @Nullable String serverAddress;
  private volatile int serverPort;

  /**
   * Creates the tracer of one call.
   *
   * @param setup what all calls share
   * @param parent the context current on the caller's thread as the call started
   */
  public CallTracer(Setup setup, Context parent) {
    this.setup = setup;
    this.parent = parent;
  }

  @Override
  public void callStart(InferenceCall call) {
    if (setup.traceCacheHits()) {
      start(call, 0, null);
    } else {
      waitingSinceNanos = System.nanoTime();
      waiting = call;
    }
  }

  /**
   * Returns the call span, first starting a waiting one (at the call's start time): the call has
   * gone further than memory.
   */
  private @Nullable Span span() {
    return span(null);
  }

  /** As {@link #span()}; a span started now gets the server of {@code attempt}, if given. */
  private @Nullable Span span(@Nullable HttpAttempt attempt) {
    Span s = span;
    InferenceCall w = waiting;
    if (s == null && w != null) {
      waiting = null;
      late = true;
      start(w, epochNanos(waitingSinceNanos), attempt);
      s = span;
    }
    return s;
  }

  /** Wall-clock time for a {@code System.nanoTime()} reading, anchored once per JVM. */
  private static long epochNanos(long nanoTime) {
    return ANCHOR_EPOCH_NANOS + (nanoTime - ANCHOR_NANO_TIME);
  }

  private static long anchorEpochNanos() {
    Instant now = Clock.systemUTC().instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private void start(InferenceCall call, long startEpochNanos, @Nullable HttpAttempt attempt) {
    String operation = call.operation().semanticName();
    SpanBuilder builder =
        setup
            .tracer()
            .spanBuilder(spanName(call.operation(), call.model()))
            .setParent(parent)
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute(GEN_AI_OPERATION_NAME, operation)
            .setAttribute(GEN_AI_PROVIDER_NAME, setup.providerName())
            .setAttribute(GEN_AI_REQUEST_MODEL, call.model())
            .setAttribute(VAULTGEMMA_CALL_MODE, MODE_NAMES.get(call.mode()));
    ChatRequest chat = call.chatRequest();
    if (chat != null) {
      chatAttributes(builder, chat);
    }
    EmbeddingRequest embedding = call.embeddingRequest();
    if (embedding != null) {
      embeddingAttributes(builder, embedding);
    }
    if (startEpochNanos > 0) {
      builder.setStartTimestamp(startEpochNanos, TimeUnit.NANOSECONDS);
    }
    if (attempt != null) {
      // A span that starts at its first attempt knows its server already: on the builder, the
      // attributes cost no lock on the live span.
      serverAddress = attempt.serverAddress();
      serverPort = attempt.serverPort();
      builder
          .setAttribute(SERVER_ADDRESS, attempt.serverAddress())
          .setAttribute(SERVER_PORT, (long) attempt.serverPort());
    }
    // The span takes its parent's trace, or a new random one: the client's own trace id (in its
    // logs and, without a tracer, in its traceparent) goes on the span where it differs, known
    // before the span starts, so it is set on the builder.
    SpanContext parentSpan = Span.fromContext(parent).getSpanContext();
    if (!parentSpan.isValid() || !parentSpan.getTraceId().equals(call.traceId())) {
      builder.setAttribute(VAULTGEMMA_TRACE_ID, call.traceId());
    }
    Span started = builder.startSpan();
    if (chat != null && setup.captureContent() && started.isRecording()) {
      started.setAttribute(
          GEN_AI_INPUT_MESSAGES, MessagesJson.input(chat.messages(), setup.maxContentLength()));
    }
    span = started;
    spanContext = parent.with(started);
  }

  private static <E extends Enum<E>> Map<E, String> lowerCase(Class<E> type) {
    Map<E, String> names = new EnumMap<>(type);
    for (E v : type.getEnumConstants()) {
      names.put(v, v.name().toLowerCase(Locale.ROOT));
    }
    return names;
  }

  /** {@code "chat gpt-4o"}: the semantic conventions' span name, made once per model. */
  private static String spanName(InferenceCall.Operation operation, String model) {
    ConcurrentHashMap<String, String> names = SPAN_NAMES.get(operation);
    String name = names.get(model);
    if (name != null) {
      return name;
    }
    name = operation.semanticName() + " " + model;
    if (names.size() < MAX_SPAN_NAMES) {
      names.putIfAbsent(model, name);
    }
    return name;
  }

  private static void chatAttributes(SpanBuilder b, ChatRequest r) {
    if (r.temperature() != null) {
      b.setAttribute(GEN_AI_REQUEST_TEMPERATURE, r.temperature());
    }
    if (r.topP() != null) {
      b.setAttribute(GEN_AI_REQUEST_TOP_P, r.topP());
    }
    Integer maxTokens = r.maxCompletionTokens() != null ? r.maxCompletionTokens() : r.maxTokens();
    if (maxTokens != null) {
      b.setAttribute(GEN_AI_REQUEST_MAX_TOKENS, maxTokens.longValue());
    }
    if (r.frequencyPenalty() != null) {
      b.setAttribute(GEN_AI_REQUEST_FREQUENCY_PENALTY, r.frequencyPenalty());
    }
    if (r.presencePenalty() != null) {
      b.setAttribute(GEN_AI_REQUEST_PRESENCE_PENALTY, r.presencePenalty());
    }
    if (r.seed() != null) {
      b.setAttribute(GEN_AI_REQUEST_SEED, r.seed());
    }
    if (r.n() != null && r.n() != 1) {
      b.setAttribute(GEN_AI_REQUEST_CHOICE_COUNT, r.n().longValue());
    }
    Object stop = r.stop();
    if (stop instanceof String s) {
      b.setAttribute(GEN_AI_REQUEST_STOP_SEQUENCES, List.of(s));
    } else if (stop instanceof List<?> list) {
      b.setAttribute(GEN_AI_REQUEST_STOP_SEQUENCES, list.stream().map(String::valueOf).toList());
    }
    Map<String, ?> format = r.responseFormat();
    if (format != null && format.get("type") instanceof String type) {
      if (type.startsWith("json")) {
        b.setAttribute(GEN_AI_OUTPUT_TYPE, "json");
      } else if (type.equals("text")) {
        b.setAttribute(GEN_AI_OUTPUT_TYPE, "text");
      }
    }
  }

  private static void embeddingAttributes(SpanBuilder b, EmbeddingRequest r) {
    if (r.encodingFormat() != null) {
      b.setAttribute(GEN_AI_REQUEST_ENCODING_FORMATS, List.of(r.encodingFormat()));
    }
  }

  @Override
  public void rateLimitWait(InferenceCall call, Duration wait) {
    Span s = span(); // held back on its way to a server: the call went further than memory
    if (s != null) {
      s.addEvent(EVENT_RATE_LIMIT, Attributes.of(VAULTGEMMA_RATE_LIMIT_WAIT, seconds(wait)));
    }
  }

  @Override
  public void attemptStart(InferenceCall call, HttpAttempt attempt) {
    Span callSpan = span(attempt);
    Context callContext = spanContext;
    if (callSpan == null || callContext == null) {
      return;
    }
    if (serverAddress == null) {
      serverAddress = attempt.serverAddress();
      serverPort = attempt.serverPort();
      callSpan.setAttribute(SERVER_ADDRESS, attempt.serverAddress());
      callSpan.setAttribute(SERVER_PORT, (long) attempt.serverPort());
    }
    SpanBuilder builder =
        setup
            .tracer()
            .spanBuilder(attempt.method())
            .setParent(callContext)
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute(HTTP_REQUEST_METHOD, attempt.method())
            .setAttribute(SERVER_ADDRESS, attempt.serverAddress())
            .setAttribute(SERVER_PORT, (long) attempt.serverPort())
            .setAttribute(URL_PATH, attempt.path())
            .setAttribute(URL_FULL, attempt.url());
    if (attempt.number() > 1) {
      builder.setAttribute(HTTP_REQUEST_RESEND_COUNT, (long) attempt.number() - 1);
    }
    Span started = builder.startSpan();
    attemptSpan = started;
    setup.propagator().inject(callContext.with(started), attempt, HEADERS);
  }

  @Override
  public void attemptEnd(InferenceCall call, HttpAttempt attempt, int status, Duration latency) {
    Span a = attemptSpan;
    if (a == null) {
      return;
    }
    attemptSpan = null;
    a.setAttribute(HTTP_RESPONSE_STATUS_CODE, (long) status);
    if (status >= 400) {
      a.setAttribute(ERROR_TYPE, Integer.toString(status));
      a.setStatus(StatusCode.ERROR);
    }
    a.end();
  }

  @Override
  public void attemptFailed(
      InferenceCall call, HttpAttempt attempt, IOException failure, Duration latency) {
    Span a = attemptSpan;
    if (a == null) {
      return;
    }
    attemptSpan = null;
    a.setAttribute(
        ERROR_TYPE,
        failure instanceof InterruptedIOException ? "timeout" : failure.getClass().getName());
    a.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
    a.end();
  }

  @Override
  public void retryScheduled(
      InferenceCall call, HttpAttempt attempt, String reason, Duration delay) {
    Span s = span();
    if (s != null) {
      s.addEvent(
          EVENT_RETRY,
          Attributes.of(
              VAULTGEMMA_RETRY_REASON,
              reason,
              VAULTGEMMA_RETRY_DELAY,
              seconds(delay),
              HTTP_REQUEST_RESEND_COUNT,
              (long) attempt.number()));
    }
  }

  @Override
  public void firstChunk(InferenceCall call, Duration sinceStart) {
    Span s = span;
    if (s == null && waiting != null) {
      // A replayed or joined stream: its span (if it gets one) starts at its end.
      firstChunkNanos = System.nanoTime();
      firstChunkSinceStart = sinceStart;
      return;
    }
    if (s != null) {
      s.addEvent(EVENT_FIRST_CHUNK);
      s.setAttribute(VAULTGEMMA_STREAM_TIME_TO_FIRST_CHUNK, seconds(sinceStart));
    }
  }

  @Override
  public void streamEnd(InferenceCall call, int chunks, Duration sinceStart) {
    Span s = span;
    if (s == null && waiting != null) {
      this.chunks = chunks;
      return;
    }
    if (s != null) {
      s.setAttribute(VAULTGEMMA_STREAM_CHUNKS, (long) chunks);
    }
  }

  @Override
  public void callEnd(InferenceCall call, CallOutcome outcome) {
    if (span == null
        && waiting != null
        && outcome.level() == CacheLevel.L1
        && outcome.error() == null) {
      waiting = null; // answered from memory: metrics only
      record(call, outcome, LEVEL_NAMES.get(CacheLevel.L1), null, isChat(call), null);
      return;
    }
    Span s = span();
    if (s == null) {
      return;
    }
    span = null;
    long firstChunk = firstChunkNanos;
    Duration sinceStart = firstChunkSinceStart;
    if (firstChunk != 0 && sinceStart != null) {
      s.addEvent(EVENT_FIRST_CHUNK, epochNanos(firstChunk), TimeUnit.NANOSECONDS);
      s.setAttribute(VAULTGEMMA_STREAM_TIME_TO_FIRST_CHUNK, seconds(sinceStart));
    }
    if (chunks >= 0) {
      s.setAttribute(VAULTGEMMA_STREAM_CHUNKS, (long) chunks);
    }
    Span orphan = attemptSpan; // an attempt whose end the client never reported: close it
    if (orphan != null) {
      attemptSpan = null;
      orphan.end();
    }
    String level = LEVEL_NAMES.get(outcome.level());
    s.setAttribute(VAULTGEMMA_CACHE_LEVEL, level);
    if (outcome.responseModel() != null) {
      s.setAttribute(GEN_AI_RESPONSE_MODEL, outcome.responseModel());
    }
    if (outcome.responseId() != null) {
      s.setAttribute(GEN_AI_RESPONSE_ID, outcome.responseId());
    }
    if (!outcome.finishReasons().isEmpty()) {
      s.setAttribute(GEN_AI_RESPONSE_FINISH_REASONS, outcome.finishReasons());
    }
    ChatResponse answer = outcome.chatResponse();
    if (answer != null && setup.captureContent() && s.isRecording()) {
      s.setAttribute(
          GEN_AI_OUTPUT_MESSAGES, MessagesJson.output(answer.choices(), setup.maxContentLength()));
    }
    // Tokens count only where the server spent them for this call: a cache hit or a joined call
    // reports the tokens of an answer paid for once, by another call.
    Usage usage = outcome.level() == CacheLevel.MISS ? outcome.usage() : null;
    boolean chat = isChat(call);
    if (usage != null) {
      s.setAttribute(GEN_AI_USAGE_INPUT_TOKENS, (long) usage.promptTokens());
      if (chat) {
        s.setAttribute(GEN_AI_USAGE_OUTPUT_TOKENS, (long) usage.completionTokens());
      }
    }
    InferenceException error = outcome.error();
    String errorType = null;
    if (error != null) {
      errorType = errorType(error);
      s.setAttribute(ERROR_TYPE, errorType);
      s.setStatus(StatusCode.ERROR, error.getClass().getSimpleName());
    }
    if (late) {
      s.end(epochNanos(System.nanoTime()), TimeUnit.NANOSECONDS);
    } else {
      s.end();
    }
    record(call, outcome, level, usage, chat, errorType);
  }

  private void record(
      InferenceCall call,
      CallOutcome outcome,
      String level,
      @Nullable Usage usage,
      boolean chat,
      @Nullable String errorType) {
    DoubleHistogram duration = setup.duration();
    LongHistogram tokens = setup.tokens();
    if (duration == null || tokens == null) {
      return;
    }
    AttributesBuilder common =
        Attributes.builder()
            .put(GEN_AI_OPERATION_NAME, call.operation().semanticName())
            .put(GEN_AI_PROVIDER_NAME, setup.providerName())
            .put(GEN_AI_REQUEST_MODEL, call.model())
            .put(VAULTGEMMA_CACHE_LEVEL, level);
    if (outcome.responseModel() != null) {
      common.put(GEN_AI_RESPONSE_MODEL, outcome.responseModel());
    }
    String address = serverAddress;
    if (address != null) {
      common.put(SERVER_ADDRESS, address).put(SERVER_PORT, (long) serverPort);
    }
    Attributes base = common.build();
    duration.record(
        seconds(outcome.duration()),
        errorType == null ? base : base.toBuilder().put(ERROR_TYPE, errorType).build());
    if (usage != null) {
      tokens.record(usage.promptTokens(), base.toBuilder().put(GEN_AI_TOKEN_TYPE, "input").build());
      if (chat) {
        tokens.record(
            usage.completionTokens(), base.toBuilder().put(GEN_AI_TOKEN_TYPE, "output").build());
      }
    }
  }

  private static boolean isChat(InferenceCall call) {
    return call.operation() == InferenceCall.Operation.CHAT;
  }

  /** The {@code error.type} of a failed call: status, {@code timeout}, or the class name. */
  static String errorType(InferenceException error) {
    if (error instanceof InferenceHttpException http) {
      return Integer.toString(http.status());
    }
    if (error instanceof InferenceTimeoutException) {
      return "timeout";
    }
    return error.getClass().getName();
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }
}
