package ai.vaultgemma.micrometer.internal;

import static ai.vaultgemma.micrometer.MeterNames.CACHED_TOKENS;
import static ai.vaultgemma.micrometer.MeterNames.CALLS_ACTIVE;
import static ai.vaultgemma.micrometer.MeterNames.HTTP_ATTEMPTS;
import static ai.vaultgemma.micrometer.MeterNames.HTTP_RETRIES;
import static ai.vaultgemma.micrometer.MeterNames.OPERATION_DURATION;
import static ai.vaultgemma.micrometer.MeterNames.RATE_LIMIT_WAITS;
import static ai.vaultgemma.micrometer.MeterNames.REASONING_TOKENS;
import static ai.vaultgemma.micrometer.MeterNames.SAVED_TOKENS;
import static ai.vaultgemma.micrometer.MeterNames.TAG_CACHE_LEVEL;
import static ai.vaultgemma.micrometer.MeterNames.TAG_ERROR_TYPE;
import static ai.vaultgemma.micrometer.MeterNames.TAG_OPERATION;
import static ai.vaultgemma.micrometer.MeterNames.TAG_OUTCOME;
import static ai.vaultgemma.micrometer.MeterNames.TAG_REASON;
import static ai.vaultgemma.micrometer.MeterNames.TAG_REQUEST_MODEL;
import static ai.vaultgemma.micrometer.MeterNames.TAG_RESPONSE_MODEL;
import static ai.vaultgemma.micrometer.MeterNames.TAG_SERVER_ADDRESS;
import static ai.vaultgemma.micrometer.MeterNames.TAG_STATUS;
import static ai.vaultgemma.micrometer.MeterNames.TAG_TOKEN_TYPE;
import static ai.vaultgemma.micrometer.MeterNames.TIME_TO_FIRST_CHUNK;
import static ai.vaultgemma.micrometer.MeterNames.TOKEN_USAGE;

import ai.vaultgemma.core.CallOutcome;
import ai.vaultgemma.core.HttpAttempt;
import ai.vaultgemma.core.InferenceCall;
import ai.vaultgemma.core.InferenceException;
import ai.vaultgemma.core.InferenceListener;
import ai.vaultgemma.core.Usage;
import ai.vaultgemma.core.tier.CacheLevel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener behind {@code InferenceMetrics.listener()}: one instance shared by every call,
 * thread-safe, and stateless per call except for a stream's time to first chunk, which waits in a
 * bounded map until the call's end says which level answered.
 *
 * <p>Meters are looked up, not built, per call: a call's request model leads through one {@link
 * ConcurrentHashMap#get} to its {@link ModelMeters}, whose arrays hold the timer for each operation
 * and cache level, created on first use. A cache hit therefore costs two adder updates, one map
 * lookup, one array read and the timer's own record. Failures, attempts and retries (all slower
 * paths that went to the network) use small keyed maps.
 *
 * <p>Everything this listener does is guarded: a meter that cannot be registered or recorded is
 * logged (the first time at WARN, then at DEBUG) and the call goes on.
 */
public final class CallMeters implements InferenceListener {
  private static final Logger log = LoggerFactory.getLogger(CallMeters.class);

  /** Bucket bounds of the duration timers: the GenAI convention's, plus four for cache hits. */
  static final Duration[] DURATION_BUCKETS =
      seconds(
          0.0001, 0.0005, 0.001, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12,
          10.24, 20.48, 40.96, 81.92);

  /** Bucket bounds of the token summary, as the GenAI convention gives them. */
  static final double[] TOKEN_BUCKETS = {
    1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864
  };

  /** Streams waiting for their end at most; past it a stream's time to first chunk is not kept. */
  static final int MAX_PENDING_STREAMS = 100_000;

  /** Distinct server addresses, retry reasons and error types each keep at most this many tags. */
  static final int SMALL_TAG_LIMIT = 32;

  private static final String NONE = "none";
  // Slots are indexed by switch, not ordinal: a new constant in core fails this build until it has
  // a slot (switch expressions over an enum must be exhaustive).
  private static final InferenceCall.Operation[] OPERATIONS = {
    InferenceCall.Operation.CHAT, InferenceCall.Operation.EMBEDDINGS
  };
  private static final String[] LEVEL_TAGS = {"l1", "l2", "joined", "miss"};
  private static final int LEVELS = LEVEL_TAGS.length;
  private static final int SLOTS = OPERATIONS.length * LEVELS;

  private final MeterRegistry registry;
  private final Tags common;
  private final TagLimiter models;
  private final TagLimiter servers = new TagLimiter(SMALL_TAG_LIMIT);
  private final TagLimiter reasons = new TagLimiter(SMALL_TAG_LIMIT);
  private final TagLimiter errorTypes = new TagLimiter(SMALL_TAG_LIMIT);
  private final ConcurrentHashMap<String, ModelMeters> byModel = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<InferenceCall, Long> firstChunkNanos = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<AttemptKey, Timer> attempts = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<RetryKey, Counter> retries = new ConcurrentHashMap<>();
  private final AtomicReferenceArray<Timer> rateLimitWaits =
      new AtomicReferenceArray<>(OPERATIONS.length);
  private final LongAdder active = new LongAdder();
  private final AtomicBoolean warned = new AtomicBoolean();

  /**
   * Creates the listener and registers its gauge of active calls.
   *
   * @param registry where meters go
   * @param common tags on every meter
   * @param modelTagLimit distinct model names kept as tags
   */
  public CallMeters(MeterRegistry registry, Tags common, int modelTagLimit) {
    this.registry = registry;
    this.common = common;
    this.models = new TagLimiter(modelTagLimit);
    Gauge.builder(CALLS_ACTIVE, active, LongAdder::sum)
        .description("Inference calls between their start and their end")
        .tags(common)
        .register(registry);
  }

  @Override
  public void callStart(InferenceCall call) {
    active.increment();
  }

  @Override
  public void rateLimitWait(InferenceCall call, Duration wait) {
    try {
      int op = index(call.operation());
      Timer timer = rateLimitWaits.get(op);
      if (timer == null) {
        // The registry returns the same timer to two threads that race here.
        timer =
            Timer.builder(RATE_LIMIT_WAITS)
                .description("Time calls waited for a client-side rate limit before going out")
                .tags(common)
                .tag(TAG_OPERATION, call.operation().semanticName())
                .register(registry);
        rateLimitWaits.set(op, timer);
      }
      timer.record(wait);
    } catch (RuntimeException e) {
      failed("rateLimitWait", e);
    }
  }

  @Override
  public void attemptEnd(InferenceCall call, HttpAttempt attempt, int status, Duration latency) {
    try {
      attemptTimer(call, attempt, status, NONE).record(latency);
    } catch (RuntimeException e) {
      failed("attemptEnd", e);
    }
  }

  @Override
  public void attemptFailed(
      InferenceCall call, HttpAttempt attempt, IOException failure, Duration latency) {
    try {
      String type = errorTypes.tagValue(failure.getClass().getSimpleName());
      attemptTimer(call, attempt, 0, type).record(latency);
    } catch (RuntimeException e) {
      failed("attemptFailed", e);
    }
  }

  @Override
  public void retryScheduled(
      InferenceCall call, HttpAttempt attempt, String reason, Duration delay) {
    try {
      RetryKey key =
          new RetryKey(
              call.operation(),
              servers.tagValue(attempt.serverAddress()),
              reasons.tagValue(reason));
      Counter counter = retries.get(key);
      if (counter == null) {
        counter =
            Counter.builder(HTTP_RETRIES)
                .description("Retries the retry policy scheduled, by reason")
                .tags(common)
                .tag(TAG_OPERATION, key.operation().semanticName())
                .tag(TAG_SERVER_ADDRESS, key.server())
                .tag(TAG_REASON, key.reason())
                .register(registry);
        retries.putIfAbsent(key, counter);
      }
      counter.increment();
    } catch (RuntimeException e) {
      failed("retryScheduled", e);
    }
  }

  @Override
  public void firstChunk(InferenceCall call, Duration sinceStart) {
    try {
      if (firstChunkNanos.size() < MAX_PENDING_STREAMS) {
        firstChunkNanos.put(call, sinceStart.toNanos());
      }
    } catch (RuntimeException e) {
      failed("firstChunk", e);
    }
  }

  @Override
  public void callEnd(InferenceCall call, CallOutcome outcome) {
    active.decrement();
    try {
      Long firstChunk =
          call.mode() == InferenceCall.Mode.STREAM ? firstChunkNanos.remove(call) : null;
      Pair pair = pair(call.model(), outcome.responseModel());
      int op = index(call.operation());
      int level = index(outcome.level());
      InferenceException error = outcome.error();
      if (error == null) {
        pair.duration(op, level).record(outcome.duration());
      } else {
        pair.failure(op, errorTypes.tagValue(error.getClass().getSimpleName()))
            .record(outcome.duration());
      }
      if (firstChunk != null) {
        pair.firstChunk(op, level).record(firstChunk, TimeUnit.NANOSECONDS);
      }
      Usage usage = outcome.usage();
      if (error == null && usage != null) {
        tokens(pair, call.operation(), outcome.level(), usage);
      }
    } catch (RuntimeException e) {
      failed("callEnd", e);
    }
  }

  /**
   * Returns the calls between their start and end right now.
   *
   * @return the count
   */
  public long activeCalls() {
    return active.sum();
  }

  private void tokens(Pair pair, InferenceCall.Operation operation, CacheLevel level, Usage usage) {
    boolean chat = operation == InferenceCall.Operation.CHAT;
    int op = index(operation);
    if (level != CacheLevel.MISS) {
      // Embeddings report only what the server computed for this call, so there is nothing saved
      // to count; a chat answer from a cache carries what it had cost.
      if (chat) {
        pair.saved(op, index(level), 0).increment(usage.promptTokens());
        pair.saved(op, index(level), 1).increment(usage.completionTokens());
      }
      return;
    }
    TokenMeters t = pair.tokens(op);
    t.input.record(usage.promptTokens());
    DistributionSummary output = t.output;
    if (output == null) {
      return;
    }
    output.record(usage.completionTokens());
    Usage.PromptTokensDetails prompt = usage.promptTokensDetails();
    Integer cached = prompt == null ? null : prompt.cachedTokens();
    if (cached != null && cached > 0) {
      t.cached().increment(cached);
    }
    Usage.CompletionTokensDetails completion = usage.completionTokensDetails();
    Integer reasoning = completion == null ? null : completion.reasoningTokens();
    if (reasoning != null && reasoning > 0) {
      t.reasoning().increment(reasoning);
    }
  }

  private Timer attemptTimer(InferenceCall call, HttpAttempt attempt, int status, String error) {
    AttemptKey key =
        new AttemptKey(call.operation(), servers.tagValue(attempt.serverAddress()), status, error);
    Timer timer = attempts.get(key);
    if (timer == null) {
      timer =
          Timer.builder(HTTP_ATTEMPTS)
              .description("HTTP attempts to the inference server, to response headers or failure")
              .tags(common)
              .tag(TAG_OPERATION, key.operation().semanticName())
              .tag(TAG_SERVER_ADDRESS, key.server())
              .tag(TAG_STATUS, status == 0 ? NONE : Integer.toString(status))
              .tag(TAG_OUTCOME, attemptOutcome(status))
              .tag(TAG_ERROR_TYPE, error)
              .register(registry);
      attempts.putIfAbsent(key, timer);
    }
    return timer;
  }

  static String attemptOutcome(int status) {
    if (status == 0) {
      return "io_error";
    }
    if (status < 200) {
      return "informational";
    }
    if (status < 300) {
      return "success";
    }
    if (status < 400) {
      return "redirection";
    }
    return status < 500 ? "client_error" : "server_error";
  }

  private Pair pair(String requestModel, @Nullable String responseModel) {
    ModelMeters m = byModel.get(requestModel);
    if (m == null) {
      m = modelMeters(requestModel);
    }
    if (responseModel == null || responseModel.equals(requestModel)) {
      return m.same;
    }
    return m.other(models.tagValue(responseModel));
  }

  private ModelMeters modelMeters(String requestModel) {
    String tag = models.tagValue(requestModel);
    if (TagLimiter.OTHER.equals(tag)) {
      // Not kept under the raw name, so a flood of names cannot grow the map past the limit.
      return byModel.computeIfAbsent(TagLimiter.OTHER, k -> new ModelMeters(k));
    }
    return byModel.computeIfAbsent(requestModel, k -> new ModelMeters(tag));
  }

  private void failed(String event, RuntimeException e) {
    if (warned.compareAndSet(false, true)) {
      log.warn(
          "InferenceMetrics could not record {}; the call goes on. Later failures log at DEBUG.",
          event,
          e);
    } else {
      log.debug("InferenceMetrics could not record {}", event, e);
    }
  }

  private static Duration[] seconds(double... bounds) {
    Duration[] d = new Duration[bounds.length];
    for (int i = 0; i < bounds.length; i++) {
      d[i] = Duration.ofNanos(Math.round(bounds[i] * 1e9));
    }
    return d;
  }

  private static int index(InferenceCall.Operation operation) {
    return switch (operation) {
      case CHAT -> 0;
      case EMBEDDINGS -> 1;
    };
  }

  private static int index(CacheLevel level) {
    return switch (level) {
      case L1 -> 0;
      case L2 -> 1;
      case JOINED -> 2;
      case MISS -> 3;
    };
  }

  private record AttemptKey(
      InferenceCall.Operation operation, String server, int status, String error) {}

  private record RetryKey(InferenceCall.Operation operation, String server, String reason) {}

  /** The meters of one request model: the pair for answers that name the same model, and others. */
  private final class ModelMeters {
    final String requestTag;
    final Pair same;
    final ConcurrentHashMap<String, Pair> byResponse = new ConcurrentHashMap<>();

    ModelMeters(String requestTag) {
      this.requestTag = requestTag;
      this.same = new Pair(requestTag, requestTag);
    }

    Pair other(String responseTag) {
      Pair p = byResponse.get(responseTag);
      return p != null ? p : byResponse.computeIfAbsent(responseTag, r -> new Pair(requestTag, r));
    }
  }

  /** The meters of one (request model, response model) pair, each made on first use. */
  private final class Pair {
    final String requestTag;
    final String responseTag;
    final AtomicReferenceArray<Timer> durations = new AtomicReferenceArray<>(SLOTS);
    final AtomicReferenceArray<Timer> firstChunks = new AtomicReferenceArray<>(SLOTS);
    final AtomicReferenceArray<Counter> saved = new AtomicReferenceArray<>(SLOTS * 2);
    final AtomicReferenceArray<TokenMeters> tokens = new AtomicReferenceArray<>(OPERATIONS.length);
    final List<ConcurrentHashMap<String, Timer>> failures =
        List.of(new ConcurrentHashMap<>(), new ConcurrentHashMap<>());

    Pair(String requestTag, String responseTag) {
      this.requestTag = requestTag;
      this.responseTag = responseTag;
    }

    Tags tags(int op) {
      return common.and(
          TAG_OPERATION,
          OPERATIONS[op].semanticName(),
          TAG_REQUEST_MODEL,
          requestTag,
          TAG_RESPONSE_MODEL,
          responseTag);
    }

    // The registry returns the same meter for the same name and tags, so two threads that race
    // to fill a slot store the same meter.
    Timer duration(int op, int level) {
      int i = op * LEVELS + level;
      Timer t = durations.get(i);
      if (t == null) {
        t = durationTimer(op, LEVEL_TAGS[level], "success", NONE);
        durations.set(i, t);
      }
      return t;
    }

    Timer failure(int op, String errorType) {
      ConcurrentHashMap<String, Timer> byType = failures.get(op);
      Timer t = byType.get(errorType);
      if (t == null) {
        t = durationTimer(op, LEVEL_TAGS[index(CacheLevel.MISS)], "error", errorType);
        byType.putIfAbsent(errorType, t);
      }
      return t;
    }

    private Timer durationTimer(int op, String level, String outcome, String errorType) {
      return Timer.builder(OPERATION_DURATION)
          .description("GenAI operation duration")
          .tags(tags(op))
          .tag(TAG_CACHE_LEVEL, level)
          .tag(TAG_OUTCOME, outcome)
          .tag(TAG_ERROR_TYPE, errorType)
          .serviceLevelObjectives(DURATION_BUCKETS)
          .register(registry);
    }

    Timer firstChunk(int op, int level) {
      int i = op * LEVELS + level;
      Timer t = firstChunks.get(i);
      if (t == null) {
        t =
            Timer.builder(TIME_TO_FIRST_CHUNK)
                .description("Time from a streamed call's start to its first chunk")
                .tags(tags(op))
                .tag(TAG_CACHE_LEVEL, LEVEL_TAGS[level])
                .serviceLevelObjectives(DURATION_BUCKETS)
                .register(registry);
        firstChunks.set(i, t);
      }
      return t;
    }

    Counter saved(int op, int level, int type) {
      int i = (op * LEVELS + level) * 2 + type;
      Counter c = saved.get(i);
      if (c == null) {
        c =
            Counter.builder(SAVED_TOKENS)
                .description("Tokens a cached or joined chat answer had cost the server")
                .baseUnit("tokens")
                .tags(tags(op))
                .tag(TAG_CACHE_LEVEL, LEVEL_TAGS[level])
                .tag(TAG_TOKEN_TYPE, type == 0 ? "input" : "output")
                .register(registry);
        saved.set(i, c);
      }
      return c;
    }

    TokenMeters tokens(int op) {
      TokenMeters t = tokens.get(op);
      if (t == null) {
        t = new TokenMeters(tags(op), OPERATIONS[op] == InferenceCall.Operation.CHAT);
        tokens.set(op, t);
      }
      return t;
    }
  }

  /** The token meters of one pair and operation; the detail counters are made on first use. */
  private final class TokenMeters {
    final Tags tags;
    final DistributionSummary input;
    final @Nullable DistributionSummary output; // null for embeddings, which have no output
    private volatile @Nullable Counter cached;
    private volatile @Nullable Counter reasoning;

    TokenMeters(Tags tags, boolean chat) {
      this.tags = tags;
      this.input = summary("input");
      this.output = chat ? summary("output") : null;
    }

    private DistributionSummary summary(String type) {
      return DistributionSummary.builder(TOKEN_USAGE)
          .description("Tokens the server spent on this client's calls")
          .baseUnit("tokens")
          .tags(tags)
          .tag(TAG_TOKEN_TYPE, type)
          .serviceLevelObjectives(TOKEN_BUCKETS)
          .register(registry);
    }

    Counter cached() {
      Counter c = cached;
      if (c == null) {
        c =
            Counter.builder(CACHED_TOKENS)
                .description("Prompt tokens the server served from its own prompt cache")
                .baseUnit("tokens")
                .tags(tags)
                .register(registry);
        cached = c;
      }
      return c;
    }

    Counter reasoning() {
      Counter c = reasoning;
      if (c == null) {
        c =
            Counter.builder(REASONING_TOKENS)
                .description("Completion tokens the server spent on hidden reasoning")
                .baseUnit("tokens")
                .tags(tags)
                .register(registry);
        reasoning = c;
      }
      return c;
    }
  }
}
