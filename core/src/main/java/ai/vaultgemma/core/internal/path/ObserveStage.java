package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.CallOutcome;
import ai.vaultgemma.core.ChatChoice;
import ai.vaultgemma.core.ChatChunk;
import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.InferenceCall;
import ai.vaultgemma.core.InferenceException;
import ai.vaultgemma.core.InferenceHttpException;
import ai.vaultgemma.core.InferenceListener;
import ai.vaultgemma.core.Usage;
import ai.vaultgemma.core.internal.Listeners;
import ai.vaultgemma.core.tier.CacheLevel;
import ai.vaultgemma.core.tier.InferenceLogRecord;
import ai.vaultgemma.core.tier.SharedTier;
import ai.vaultgemma.logging.InferenceEvent;
import ai.vaultgemma.logging.StructuredLogger;
import ai.vaultgemma.logging.TraceScope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The first stage: everything a call reports about itself when it ends, in one place. It puts the
 * call's trace back in place (MDC) around every callback, whatever thread runs it; counts the call
 * by outcome; tells the call's {@link InferenceListener} of its start, first chunk and end; writes
 * one {@code inference} log event; and queues one inference log row when the client has a shared
 * tier. It makes sure the caller hears exactly one outcome.
 */
@SuppressWarnings("try") // trace scopes are opened for their MDC side effect
public final class ObserveStage implements Stage {
  private final CallCounters counters;
  private final StructuredLogger logger;
  private final @Nullable SharedTier tier;
  private final Clock clock;
  private final InferenceListener.Factory listeners;

  /**
   * Creates the stage.
   *
   * @param counters the client's counters
   * @param logger where the inference events go
   * @param tier the shared tier for log rows, or null
   * @param clock the clock for log row times
   * @param listeners makes each call's listener
   */
  public ObserveStage(
      CallCounters counters,
      StructuredLogger logger,
      @Nullable SharedTier tier,
      Clock clock,
      InferenceListener.Factory listeners) {
    this.counters = counters;
    this.logger = logger;
    this.tier = tier;
    this.clock = clock;
    this.listeners = listeners;
  }

  @Override
  public void run(Exchange exchange, Receiver receiver, Chain next) {
    counters.calls.increment();
    InferenceListener listener = Listeners.create(listeners, exchange);
    exchange.listener(listener);
    listener.callStart(exchange);
    Observed observed = new Observed(exchange, receiver);
    exchange.aborter(observed::abort);
    next.proceed(exchange, observed);
  }

  /** The receiver that reports the call's end before the caller hears of it. */
  private final class Observed implements Receiver {
    private final Exchange exchange;
    private final Receiver downstream;
    private final AtomicBoolean ended = new AtomicBoolean();
    private int chunks; // chunks reach one receiver one at a time, in order

    Observed(Exchange exchange, Receiver downstream) {
      this.exchange = exchange;
      this.downstream = downstream;
    }

    @Override
    public void onChunk(ChatChunk chunk) {
      if (ended.get() || exchange.isCancelled()) {
        return;
      }
      try (TraceScope ignored = exchange.trace().makeCurrent()) {
        if (chunks++ == 0) {
          exchange.listener().firstChunk(exchange, sinceStart(exchange));
        }
        downstream.onChunk(chunk);
      }
    }

    @Override
    public void onDone(Exchange done) {
      if (exchange.isCancelled() || !ended.compareAndSet(false, true)) {
        return;
      }
      try (TraceScope ignored = exchange.trace().makeCurrent()) {
        report(done, null, chunks);
        downstream.onDone(done);
      }
    }

    @Override
    public void onFailure(InferenceException error) {
      if (!exchange.isCancelled()) {
        abort(error);
      }
    }

    /** Reports the failure and hands it on, even after a cancel (the abort of a listener). */
    void abort(InferenceException error) {
      if (!ended.compareAndSet(false, true)) {
        return;
      }
      try (TraceScope ignored = exchange.trace().makeCurrent()) {
        report(exchange, error, chunks);
        downstream.onFailure(error);
      }
    }
  }

  /** The level of a call is the furthest any of its units had to go. */
  static CacheLevel levelOf(Exchange exchange) {
    CacheLevel level = CacheLevel.L1;
    for (Unit unit : exchange.units()) {
      if (rank(unit.level()) > rank(level)) {
        level = unit.level();
      }
    }
    return level;
  }

  private static int rank(CacheLevel level) {
    return switch (level) {
      case L1 -> 0;
      case L2 -> 1;
      case JOINED -> 2;
      case MISS -> 3;
    };
  }

  private static Duration sinceStart(Exchange exchange) {
    return Duration.ofNanos(System.nanoTime() - exchange.startNanos());
  }

  private void report(Exchange exchange, @Nullable InferenceException error, int chunks) {
    long latencyNanos = System.nanoTime() - exchange.startNanos();
    CacheLevel level = error == null ? levelOf(exchange) : CacheLevel.MISS;
    if (error != null) {
      counters.failures.increment();
    } else if (level == CacheLevel.L1) {
      counters.l1Hits.increment();
    } else if (level == CacheLevel.L2) {
      counters.l2Hits.increment();
    }
    Usage usage = usageOf(exchange, error);
    boolean chat = exchange.operation() == InferenceCall.Operation.CHAT;
    String model = exchange.model();
    // Failures log at WARN, the rest at INFO: build the event only when it will be written.
    if (error != null || logger.isInfoEnabled()) {
      InferenceEvent.Builder event =
          InferenceEvent.builder(model)
              .domain(chat ? "chat" : "embeddings")
              .latencyMs(latencyNanos / 1_000_000)
              .cacheHit(level == CacheLevel.L1 || level == CacheLevel.L2)
              .cacheScope(exchange.scope());
      if (chat) {
        event.stream(exchange.mode() == InferenceCall.Mode.STREAM)
            .userId(exchange.requireChat().user());
      }
      if (usage != null) {
        event.tokensUsed(usage.totalTokens()).promptTokens(usage.promptTokens());
        if (chat) {
          event.completionTokens(usage.completionTokens());
        }
      }
      if (error != null) {
        event.error(error.getClass().getSimpleName());
      }
      if (logger.policy().logText()) {
        // Off by default; the logger's policy redacts and cuts what it writes.
        event.prompt(promptText(exchange)).response(responseText(exchange, error));
      }
      logger.inference(event.build());
    }
    SharedTier t = tier;
    if (t != null) {
      logRow(t, exchange, level, usage, latencyNanos, error);
    }
    InferenceListener listener = exchange.listener();
    if (listener != InferenceListener.NONE) {
      Duration duration = Duration.ofNanos(latencyNanos);
      if (exchange.mode() == InferenceCall.Mode.STREAM) {
        listener.streamEnd(exchange, chunks, duration);
      }
      listener.callEnd(exchange, outcome(exchange, level, duration, usage, error));
    }
  }

  private static CallOutcome outcome(
      Exchange exchange,
      CacheLevel level,
      Duration duration,
      @Nullable Usage usage,
      @Nullable InferenceException error) {
    if (error != null) {
      return new CallOutcome(level, duration, null, null, null, List.of(), error, null);
    }
    if (exchange.operation() == InferenceCall.Operation.EMBEDDINGS) {
      return new CallOutcome(
          level, duration, usage, exchange.responseModel(), null, List.of(), null, null);
    }
    Object value = exchange.units().get(0).value();
    if (!(value instanceof ChatResponse response)) {
      return new CallOutcome(level, duration, usage, null, null, List.of(), null, null);
    }
    return new CallOutcome(
        level,
        duration,
        usage,
        response.model(),
        response.id(),
        finishReasons(response.choices()),
        null,
        response);
  }

  /** Each choice's finish reason, in order; one choice (the usual answer) without a list copy. */
  private static List<String> finishReasons(List<ChatChoice> choices) {
    if (choices.size() == 1) {
      String reason = choices.get(0).finishReason();
      return reason == null ? List.of() : List.of(reason);
    }
    List<String> reasons = new ArrayList<>(choices.size());
    for (ChatChoice choice : choices) {
      String reason = choice.finishReason();
      if (reason != null) {
        reasons.add(reason);
      }
    }
    return reasons;
  }

  private static @Nullable Usage usageOf(Exchange exchange, @Nullable InferenceException error) {
    if (error != null) {
      return null;
    }
    if (exchange.operation() == InferenceCall.Operation.CHAT) {
      Object value = exchange.units().get(0).value();
      return value instanceof ChatResponse response ? response.usage() : null;
    }
    // Embeddings: only what the server computed for this call.
    Usage usage = exchange.usage();
    return usage == null ? Usage.of(0, 0, 0) : usage;
  }

  private void logRow(
      SharedTier t,
      Exchange exchange,
      CacheLevel level,
      @Nullable Usage usage,
      long latencyNanos,
      @Nullable InferenceException error) {
    InferenceLogRecord.Builder row =
        InferenceLogRecord.builder()
            .time(Instant.now(clock))
            .traceId(exchange.trace().traceId())
            .scope(exchange.scope())
            .model(exchange.model())
            .cacheLevel(level)
            .latency(Duration.ofNanos(Math.max(0, latencyNanos)))
            .status(statusOf(error))
            .errorType(error == null ? null : error.getClass().getSimpleName());
    if (usage != null) {
      row.promptTokens(usage.promptTokens()).completionTokens(usage.completionTokens());
    }
    if (t.config().storePromptText()) {
      // Built only when the tier stores text (after its redactor): L1 hits pass here too.
      row.promptText(promptText(exchange)).responseText(responseText(exchange, error));
    }
    t.inferenceLog().record(row.build());
  }

  private static @Nullable String promptText(Exchange exchange) {
    if (exchange.operation() == InferenceCall.Operation.EMBEDDINGS) {
      return String.join("\n", exchange.requireEmbeddings().inputs());
    }
    List<ChatMessage> messages = exchange.requireChat().messages();
    return messages.isEmpty() ? null : messages.get(messages.size() - 1).text();
  }

  private static @Nullable String responseText(
      Exchange exchange, @Nullable InferenceException error) {
    if (error != null || exchange.operation() != InferenceCall.Operation.CHAT) {
      return null;
    }
    Object value = exchange.units().get(0).value();
    return value instanceof ChatResponse response ? response.text() : null;
  }

  private static int statusOf(@Nullable InferenceException error) {
    if (error == null) {
      return 200;
    }
    return error instanceof InferenceHttpException http ? http.status() : 0;
  }
}
