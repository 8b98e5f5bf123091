package ai.vaultgemma.core;

import ai.vaultgemma.cache.CacheConfig;
import ai.vaultgemma.cache.CacheStats;
import ai.vaultgemma.cache.ResponseCache;
import ai.vaultgemma.core.internal.CachedValue;
import ai.vaultgemma.core.internal.CallTracker;
import ai.vaultgemma.core.internal.CanonicalKeys;
import ai.vaultgemma.core.internal.Json;
import ai.vaultgemma.core.internal.OpenAiTransport;
import ai.vaultgemma.core.internal.Replay;
import ai.vaultgemma.core.internal.StreamCall;
import ai.vaultgemma.core.tier.CacheLevel;
import ai.vaultgemma.core.tier.InferenceLogRecord;
import ai.vaultgemma.core.tier.SecondLevelHit;
import ai.vaultgemma.core.tier.SharedTier;
import ai.vaultgemma.core.tier.SharedTierConfig;
import ai.vaultgemma.core.tier.SharedTierHealth;
import ai.vaultgemma.logging.InferenceEvent;
import ai.vaultgemma.logging.StructuredLogger;
import ai.vaultgemma.logging.TraceContext;
import ai.vaultgemma.logging.TraceScope;
import ai.vaultgemma.pool.DbHealth;
import ai.vaultgemma.pool.DbPool;
import ai.vaultgemma.pool.DbPoolConfig;
import ai.vaultgemma.pool.DbPoolStats;
import ai.vaultgemma.pool.HttpEventListener;
import ai.vaultgemma.pool.HttpPool;
import ai.vaultgemma.pool.HttpPoolConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The facade: calls an OpenAI-compatible inference server (VaultGemma LocalAI, LocalAI, vLLM,
 * Ollama, llama.cpp server, OpenAI, ...) through a response cache, a pooled HTTP client, an
 * optional PostgreSQL pool with a shared cache tier, and structured logging.
 *
 * <pre>{@code
 * try (InferenceClient client = InferenceClient.builder()
 *     .baseUrl("http://localhost:8080/v1")
 *     .apiKey(System.getenv("INFERENCE_API_KEY"))   // never logged, never in toString()
 *     .build()) {
 *   ChatResponse answer = client.chat(ChatRequest.builder()
 *       .model("vaultgemma-1b")
 *       .message(ChatMessage.user("Summarise our Q3 numbers"))
 *       .build());
 *   String text = answer.text();
 *   String healthJson = client.health().toJson();    // serve it from your /health endpoint
 * }
 * }</pre>
 *
 * <h2>Clients should be shared</h2>
 *
 * <p>A client is thread-safe and holds pools, caches and threads: build one per inference server
 * and share it. For a variant (another scope or base URL) use {@link #newBuilder()}, which shares
 * the HTTP pool, DB pool, shared tier and both caches with this client.
 *
 * <h2>What one call does</h2>
 *
 * <ol>
 *   <li>Validates the request ({@link IllegalArgumentException} naming the field and value).
 *   <li>Opens a trace span: a child of the caller's (MDC) span, or a new trace. The W3C {@code
 *       traceparent} header goes to the server.
 *   <li>Computes the cache key: SHA-256 over the canonical request, the base URL and the scope.
 *   <li>Looks in the in-memory cache (L1), then the shared tier (L2) when configured; an L2 hit
 *       fills L1. Identical calls already in flight are joined, not repeated.
 *   <li>On a miss, calls the server through the HTTP pool (retries with backoff, Retry-After).
 *   <li>Stores the answer (never an error) in L1 and L2, logs one {@code inference} event and, with
 *       a shared tier, one inference log row.
 * </ol>
 *
 * <h2>Closing</h2>
 *
 * <p>{@link #close()} stops new calls ({@link IllegalStateException}), waits up to the shutdown
 * timeout for calls in flight, then closes the parts this client created. A client made by {@link
 * #newBuilder()} does not own the parts it shares: closing it closes nothing shared, and its parent
 * should be closed last.
 */
@SuppressWarnings("try") // trace scopes are opened for their MDC side effect
public final class InferenceClient implements AutoCloseable {

  /** Environment variable for the server's base URL. */
  public static final String ENV_BASE_URL = "INFERENCE_BASE_URL";

  /** Environment variable for the API key (never echoed in any message). */
  public static final String ENV_API_KEY = "INFERENCE_API_KEY";

  /** Environment variable for the inference cache's capacity in entries. */
  public static final String ENV_CACHE_CAPACITY = "INFERENCE_CACHE_CAPACITY";

  /** Environment variable for the inference cache's TTL in whole hours. */
  public static final String ENV_CACHE_TTL_HOURS = "INFERENCE_CACHE_TTL_HOURS";

  /** Environment variable for the PostgreSQL DSN (libpq URL or JDBC URL). */
  public static final String ENV_POSTGRES_DSN = DbPoolConfig.ENV_DSN;

  /** Environment variable that turns the shared tier off although a DSN is set ({@code off}). */
  public static final String ENV_SHARED_TIER = "VAULTGEMMA_SHARED_TIER";

  /** The base URL {@link #fromEnv()} uses when {@value #ENV_BASE_URL} is unset: LocalAI's. */
  public static final String DEFAULT_BASE_URL = "http://localhost:8080/v1";

  /** The cache scope of a client that sets none. */
  public static final String DEFAULT_SCOPE = "default";

  /** How long {@link #close()} waits for calls in flight by default: 30 seconds. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  private static final String VERSION = readVersion();

  /**
   * Threads of a client's own executor (shared-tier lookups and writes of async calls, stream
   * replays, publisher delivery).
   */
  private static final int CLIENT_THREADS = 16;

  /** Tasks that may wait for one of those threads before callers run them themselves. */
  private static final int CLIENT_QUEUE = 10_000;

  private final Parts parts;
  private final OpenAiTransport transport;
  private final String baseUrl;
  private final @Nullable String apiKey;
  private final String scope;
  private final StructuredLogger logger;
  private final Duration shutdownTimeout;
  private final Clock clock;
  private final CallTracker tracker = new CallTracker("InferenceClient");
  private final ConcurrentHashMap<String, CompletableFuture<Answer>> inFlight =
      new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final LongAdder calls = new LongAdder();
  private final LongAdder l1Hits = new LongAdder();
  private final LongAdder l2Hits = new LongAdder();
  private final LongAdder coalesced = new LongAdder();
  private final LongAdder backendCalls = new LongAdder();
  private final LongAdder failures = new LongAdder();

  private InferenceClient(Builder b, Parts parts) {
    this.parts = parts;
    this.baseUrl = Objects.requireNonNull(b.baseUrl);
    this.apiKey = b.apiKey;
    this.scope = b.scope;
    this.logger = b.logger;
    this.shutdownTimeout = b.shutdownTimeout;
    this.clock = b.clock;
    this.transport =
        new OpenAiTransport(
            parts.http.okHttpClient(),
            parts.http.streamingClient(),
            baseUrl,
            apiKey,
            InferenceClient::currentTraceHeaders,
            clock);
  }

  // ---------------------------------------------------------------------------------------------
  // Construction

  /**
   * Returns a builder with the defaults: the inference and embeddings cache presets, the default
   * HTTP pool, no DB pool and no shared tier. A base URL is required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds a client from the process environment: {@value #ENV_BASE_URL} (default {@value
   * #DEFAULT_BASE_URL}), {@value #ENV_API_KEY}, {@value #ENV_CACHE_CAPACITY}, {@value
   * #ENV_CACHE_TTL_HOURS}, {@code HTTP_MAX_IDLE_CONNS}, {@code HTTP_TIMEOUT_SECONDS}, and with
   * {@code POSTGRES_DSN} a DB pool ({@code DB_MAX_OPEN_CONNS}, {@code DB_MAX_IDLE_CONNS}) and the
   * shared tier (unless {@value #ENV_SHARED_TIER} is {@code off}). {@code LOG_LEVEL}, {@code
   * LOG_FORMAT} and {@code LOG_TIME_FORMAT} are read by the logging module when logback is present.
   *
   * @return the client
   * @throws IllegalArgumentException if a variable is malformed; the message names the variable and
   *     the value it got (a secret's value is never shown)
   */
  public static InferenceClient fromEnv() {
    return fromEnv(System::getenv);
  }

  /**
   * Builds a client from the given environment; see {@link #fromEnv()}.
   *
   * @param env looks a variable up; returns null when it is unset
   * @return the client
   * @throws IllegalArgumentException if a variable is malformed
   * @throws NullPointerException if {@code env} is null
   */
  public static InferenceClient fromEnv(Function<String, @Nullable String> env) {
    return builderFromEnv(env).build();
  }

  /**
   * Returns a builder filled from the given environment, to adjust before building; see {@link
   * #fromEnv()}.
   *
   * @param env looks a variable up; returns null when it is unset
   * @return the builder
   * @throws IllegalArgumentException if a variable is malformed
   * @throws NullPointerException if {@code env} is null
   */
  public static Builder builderFromEnv(Function<String, @Nullable String> env) {
    Objects.requireNonNull(env, "env");
    Builder b = builder();
    String url = env.apply(ENV_BASE_URL);
    if (url == null || url.isBlank()) {
      b.baseUrl(DEFAULT_BASE_URL);
    } else {
      try {
        b.baseUrl(url);
      } catch (IllegalArgumentException e) {
        // The builder's message names the value, except when it would show credentials; keep
        // that choice instead of echoing the raw URL (which may carry a password) here.
        throw new IllegalArgumentException(ENV_BASE_URL + ": " + e.getMessage(), e);
      }
    }
    String key = env.apply(ENV_API_KEY);
    if (key != null) {
      if (key.isBlank()) {
        throw new IllegalArgumentException(ENV_API_KEY + " is set but blank (value hidden)");
      }
      try {
        b.apiKey(key);
      } catch (IllegalArgumentException e) {
        // the builder's message hides the value; it only lacks the variable's name
        throw new IllegalArgumentException(ENV_API_KEY + ": " + e.getMessage(), e);
      }
    }
    String capacity = env.apply(ENV_CACHE_CAPACITY);
    String ttlHours = env.apply(ENV_CACHE_TTL_HOURS);
    if (capacity != null || ttlHours != null) {
      CacheConfig.Builder cache = CacheConfig.inference().toBuilder();
      if (capacity != null) {
        cache.maximumEntries(positive(ENV_CACHE_CAPACITY, capacity, Integer.MAX_VALUE));
      }
      if (ttlHours != null) {
        cache.defaultTtl(Duration.ofHours(positive(ENV_CACHE_TTL_HOURS, ttlHours, 24L * 365)));
      }
      b.inferenceCache(cache.build());
    }
    b.httpPool(HttpPoolConfig.fromEnv(env));
    String dsn = env.apply(ENV_POSTGRES_DSN);
    if (dsn != null && !dsn.isBlank()) {
      b.dbPool(DbPoolConfig.fromEnv(env).toBuilder().failFast(false).build());
      String tier = env.apply(ENV_SHARED_TIER);
      if (tier == null || tier.isBlank() || tier.equalsIgnoreCase("on")) {
        b.sharedTier(SharedTierConfig.defaults());
      } else if (!tier.equalsIgnoreCase("off")) {
        throw new IllegalArgumentException(
            ENV_SHARED_TIER + " must be on or off but was \"" + tier + "\"");
      }
    }
    return b;
  }

  private static long positive(String name, String value, long max) {
    long parsed;
    try {
      parsed = Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          name + " must be a positive integer but was \"" + value + "\"", e);
    }
    if (parsed <= 0 || parsed > max) {
      throw new IllegalArgumentException(
          name + " must be a positive integer up to " + max + " but was \"" + value + "\"");
    }
    return parsed;
  }

  /**
   * Returns a builder for a client that shares this client's HTTP pool, DB pool, shared tier and
   * caches, and starts with its base URL, API key, scope, logger and timeouts. Setting a part's
   * configuration on the builder gives the new client a part of its own instead.
   *
   * @return a new builder
   */
  public Builder newBuilder() {
    Builder b = new Builder();
    b.baseUrl = baseUrl;
    b.apiKey = apiKey;
    b.scope = scope;
    b.logger = logger;
    b.shutdownTimeout = shutdownTimeout;
    b.clock = clock;
    b.shared = parts;
    return b;
  }

  // ---------------------------------------------------------------------------------------------
  // Chat

  /**
   * Sends a chat completion and waits for the answer, using the cache.
   *
   * @param request the request
   * @return the answer
   * @throws InferenceException if the server fails, times out, or answers with something that is
   *     not a chat completion (see its subtypes)
   * @throws IllegalStateException if the client is closed
   * @throws NullPointerException if {@code request} is null
   */
  public ChatResponse chat(ChatRequest request) {
    return chat(request, CallOptions.defaults());
  }

  /**
   * Sends a chat completion with per-call cache options and waits for the answer.
   *
   * @param request the request
   * @param options cache control for this call
   * @return the answer
   * @throws InferenceException if the call fails
   * @throws IllegalStateException if the client is closed
   * @throws NullPointerException if an argument is null
   */
  public ChatResponse chat(ChatRequest request, CallOptions options) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(options, "options");
    tracker.enter();
    try (TraceScope span = TraceScope.open()) {
      Call call = new Call(request, options, span.context(), false);
      ChatResponse hit = call.l1();
      if (hit != null) {
        return hit;
      }
      try {
        Answer answer = resolve(call, false).join();
        call.finish(answer, null);
        return answer.response;
      } catch (CompletionException | CancellationException e) {
        InferenceException failure = unwrap(e);
        call.finish(null, failure);
        throw failure;
      }
    } finally {
      tracker.exit();
    }
  }

  /**
   * Sends a chat completion without blocking. Cache hits complete at once; misses complete on an
   * HTTP thread. Cancelling the future does not abort a backend call that identical calls share.
   *
   * @param request the request
   * @return the future answer; completes exceptionally with an {@link InferenceException}
   * @throws IllegalStateException if the client is closed
   * @throws NullPointerException if {@code request} is null
   */
  public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
    return chatAsync(request, CallOptions.defaults());
  }

  /**
   * Sends a chat completion with per-call cache options without blocking.
   *
   * @param request the request
   * @param options cache control for this call
   * @return the future answer; completes exceptionally with an {@link InferenceException}
   * @throws IllegalStateException if the client is closed
   * @throws NullPointerException if an argument is null
   */
  public CompletableFuture<ChatResponse> chatAsync(ChatRequest request, CallOptions options) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(options, "options");
    tracker.enter();
    try (TraceScope span = TraceScope.open()) {
      Call call = new Call(request, options, span.context(), false);
      ChatResponse hit = call.l1();
      if (hit != null) {
        tracker.exit();
        return CompletableFuture.completedFuture(hit);
      }
      CompletableFuture<ChatResponse> result = new CompletableFuture<>();
      CompletableFuture<?> unused =
          resolve(call, true)
              .whenComplete(
                  (answer, error) -> {
                    try (TraceScope ignored = call.trace.makeCurrent()) {
                      if (error == null) {
                        call.finish(answer, null);
                        result.complete(answer.response);
                      } else if (cause(error) instanceof Error fatal) {
                        result.completeExceptionally(fatal); // not an inference failure
                      } else {
                        InferenceException failure = unwrap(error);
                        call.finish(null, failure);
                        result.completeExceptionally(failure);
                      }
                    } finally {
                      tracker.exit();
                    }
                  });
      return result;
    } catch (RuntimeException e) {
      tracker.exit();
      throw e;
    }
  }

  /**
   * Streams a chat completion over server-sent events. The listener gets every chunk in order, then
   * the whole answer or the failure, with the caller's trace ids in the MDC. A finished stream is
   * cached as a whole answer, and an identical streaming request later is replayed from the cache
   * as a stream; an error, a cancelled or a broken stream is never cached. The stream-idle timeout
   * of the HTTP pool bounds the silence between two chunks, not the whole stream.
   *
   * @param request the request (sent with {@code stream: true})
   * @param listener receives the stream; see {@link ChatStreamListener} for its rules
   * @return a handle to cancel the stream or wait for its end
   * @throws IllegalStateException if the client is closed
   * @throws NullPointerException if an argument is null
   */
  public ChatStream chatStream(ChatRequest request, ChatStreamListener listener) {
    return chatStream(request, listener, CallOptions.defaults());
  }

  /**
   * Streams a chat completion with per-call cache options; see {@link #chatStream(ChatRequest,
   * ChatStreamListener)}.
   *
   * @param request the request
   * @param listener receives the stream
   * @param options cache control for this call
   * @return a handle to cancel the stream or wait for its end
   * @throws IllegalStateException if the client is closed
   * @throws NullPointerException if an argument is null
   */
  public ChatStream chatStream(
      ChatRequest request, ChatStreamListener listener, CallOptions options) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(options, "options");
    tracker.enter();
    AtomicBoolean exited = new AtomicBoolean();
    Runnable exit =
        () -> {
          if (exited.compareAndSet(false, true)) {
            tracker.exit();
          }
        };
    try (TraceScope span = TraceScope.open()) {
      Call call = new Call(request, options, span.context(), true);
      Answer cached = call.cached();
      if (cached != null) {
        return replay(call, cached, listener, exit);
      }
      backendCalls.increment();
      StreamCall stream =
          transport.chatStream(
              request,
              new ChatStreamListener() {
                @Override
                public void onChunk(ChatChunk chunk) {
                  try (TraceScope ignored = call.trace.makeCurrent()) {
                    listener.onChunk(chunk);
                  }
                }

                @Override
                public void onComplete(ChatResponse response) {
                  try (TraceScope ignored = call.trace.makeCurrent()) {
                    Answer answer = new Answer(response, CacheLevel.MISS);
                    store(call, response);
                    call.finish(answer, null);
                    listener.onComplete(response);
                  }
                }

                @Override
                public void onError(InferenceException error) {
                  try (TraceScope ignored = call.trace.makeCurrent()) {
                    call.finish(null, error);
                    listener.onError(error);
                  }
                }
              },
              traceHeaders(call.trace));
      CompletableFuture<?> unused = stream.completion().whenComplete((r, e) -> exit.run());
      return new StreamHandle(stream);
    } catch (RuntimeException e) {
      exit.run();
      throw e;
    }
  }

  /**
   * Streams a chat completion as a {@link Flow.Publisher}: each subscription starts one stream. The
   * publisher buffers up to {@link Flow#defaultBufferSize()} chunks; a slower subscriber holds the
   * HTTP thread back (back-pressure on the socket). Cancelling the subscription cancels the stream;
   * a failed stream signals {@code onError} with an {@link InferenceException}.
   *
   * @param request the request
   * @param options cache control for the calls this publisher makes
   * @return a cold publisher of chunks
   * @throws NullPointerException if an argument is null
   */
  public Flow.Publisher<ChatChunk> chatStreamPublisher(ChatRequest request, CallOptions options) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(options, "options");
    return subscriber -> {
      Objects.requireNonNull(subscriber, "subscriber");
      // Deliver on the client's threads, each task in the trace that was current when it was
      // handed over, so subscribers see the caller's trace id in the MDC.
      SubmissionPublisher<ChatChunk> publisher =
          new SubmissionPublisher<>(
              TraceContext.wrap(parts.blockingExecutor), Flow.defaultBufferSize());
      AtomicReference<@Nullable ChatStream> handle = new AtomicReference<>();
      AtomicBoolean cancelled = new AtomicBoolean();
      // Cancelling the subscription cancels the stream at once, not when the next chunk arrives
      // (which may be never, for a server that has stalled).
      publisher.subscribe(
          new Flow.Subscriber<ChatChunk>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
              subscriber.onSubscribe(
                  new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                      subscription.request(n);
                    }

                    @Override
                    public void cancel() {
                      subscription.cancel();
                      cancelled.set(true);
                      ChatStream h = handle.get();
                      if (h != null) {
                        h.cancel();
                      }
                    }
                  });
            }

            @Override
            public void onNext(ChatChunk item) {
              subscriber.onNext(item);
            }

            @Override
            public void onError(Throwable throwable) {
              subscriber.onError(throwable);
            }

            @Override
            public void onComplete() {
              subscriber.onComplete();
            }
          });
      try {
        ChatStream stream =
            chatStream(
                request,
                new ChatStreamListener() {
                  @Override
                  public void onChunk(ChatChunk chunk) {
                    if (!cancelled.get()) {
                      publisher.submit(chunk);
                    }
                  }

                  @Override
                  public void onComplete(ChatResponse response) {
                    publisher.close();
                  }

                  @Override
                  public void onError(InferenceException error) {
                    publisher.closeExceptionally(error);
                  }
                },
                options);
        handle.set(stream);
        if (cancelled.get()) {
          stream.cancel(); // cancelled before the handle was set; cancel() is idempotent
        }
      } catch (RuntimeException e) {
        publisher.closeExceptionally(e);
      }
    };
  }

  /**
   * Streams a chat completion as a {@link Flow.Publisher} with the default cache options.
   *
   * @param request the request
   * @return a cold publisher of chunks
   * @throws NullPointerException if {@code request} is null
   */
  public Flow.Publisher<ChatChunk> chatStreamPublisher(ChatRequest request) {
    return chatStreamPublisher(request, CallOptions.defaults());
  }

  // ---------------------------------------------------------------------------------------------
  // Embeddings and models

  /**
   * Computes embeddings, one input or a batch, using the embedding cache per input: cached inputs
   * are answered from the cache and only the misses go to the server, in one request; the answer is
   * reassembled in input order. Vectors are returned as floats whatever {@code encoding_format} the
   * server used. Usage counts only what the server computed.
   *
   * @param request the request
   * @return the embeddings, in input order
   * @throws InferenceException if the call fails
   * @throws IllegalStateException if the client is closed
   * @throws NullPointerException if {@code request} is null
   */
  public EmbeddingResponse embed(EmbeddingRequest request) {
    return embed(request, CallOptions.defaults());
  }

  /**
   * Computes embeddings with per-call cache options; see {@link #embed(EmbeddingRequest)}.
   *
   * @param request the request
   * @param options cache control for this call
   * @return the embeddings, in input order
   * @throws InferenceException if the call fails
   * @throws IllegalStateException if the client is closed
   * @throws NullPointerException if an argument is null
   */
  public EmbeddingResponse embed(EmbeddingRequest request, CallOptions options) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(options, "options");
    tracker.enter();
    long start = System.nanoTime();
    String callScope = options.scope().orElse(scope);
    TraceContext trace = null;
    try (TraceScope span = TraceScope.open()) {
      trace = span.context();
      calls.increment();
      List<String> inputs = request.inputs();
      float[][] vectors = new float[inputs.size()][];
      String[] keys = new String[inputs.size()];
      Map<String, List<Integer>> misses = new LinkedHashMap<>();
      int fromL2 = 0;
      for (int i = 0; i < inputs.size(); i++) {
        keys[i] =
            CanonicalKeys.embeddingKey(request, inputs.get(i), transport.baseUrl(), callScope);
        VectorHit cached = options.skipCacheRead() ? null : embeddingFromCache(keys[i], options);
        if (cached != null) {
          vectors[i] = cached.vector;
          fromL2 += cached.level == CacheLevel.L2 ? 1 : 0;
        } else {
          misses.computeIfAbsent(inputs.get(i), k -> new ArrayList<>()).add(i);
        }
      }
      Usage usage = Usage.of(0, 0, 0);
      String model = request.model();
      if (!misses.isEmpty()) {
        backendCalls.increment();
        List<String> missInputs = new ArrayList<>(misses.keySet());
        EmbeddingResponse fresh =
            transport.embed(request.withInputs(missInputs), traceHeaders(span.context()));
        List<Embedding> got = fresh.vectors();
        if (got.size() != missInputs.size()) {
          throw new InvalidResponseException(
              "embeddings: the server returned "
                  + got.size()
                  + " vectors for "
                  + missInputs.size()
                  + " inputs",
              null);
        }
        for (int m = 0; m < missInputs.size(); m++) {
          float[] vector = got.get(m).vector();
          for (int position : misses.get(missInputs.get(m))) {
            vectors[position] = vector;
            if (!options.skipCacheWrite()) {
              storeEmbedding(keys[position], vector, options);
            }
          }
        }
        if (fresh.usage() != null) {
          usage = fresh.usage();
        }
        if (fresh.model() != null) {
          model = fresh.model();
        }
      }
      List<Embedding> data = new ArrayList<>(inputs.size());
      for (int i = 0; i < vectors.length; i++) {
        data.add(Embedding.of(i, vectors[i]));
      }
      long latencyNanos = System.nanoTime() - start;
      long latencyMs = latencyNanos / 1_000_000;
      // The level of a call is the lowest one any of its inputs needed.
      CacheLevel level =
          !misses.isEmpty() ? CacheLevel.MISS : fromL2 > 0 ? CacheLevel.L2 : CacheLevel.L1;
      logger.inference(
          InferenceEvent.builder(model)
              .domain("embeddings")
              .tokensUsed(usage.totalTokens())
              .promptTokens(usage.promptTokens())
              .latencyMs(latencyMs)
              .cacheHit(misses.isEmpty())
              .cacheScope(callScope)
              .build());
      if (level == CacheLevel.L1) {
        l1Hits.increment();
      } else if (level == CacheLevel.L2) {
        l2Hits.increment();
      }
      recordLogRow(
          span.context(),
          callScope,
          model,
          level,
          usage,
          latencyNanos,
          null,
          embedText(inputs),
          null);
      return new EmbeddingResponse("list", data, model, usage, Map.of());
    } catch (InferenceException e) {
      failures.increment();
      recordLogRow(
          trace,
          callScope,
          request.model(),
          CacheLevel.MISS,
          null,
          System.nanoTime() - start,
          e,
          embedText(request.inputs()),
          null);
      throw e;
    } finally {
      tracker.exit();
    }
  }

  /**
   * Lists the models the server offers. Not cached.
   *
   * @return the models
   * @throws InferenceException if the call fails
   * @throws IllegalStateException if the client is closed
   */
  public ModelList models() {
    tracker.enter();
    try (TraceScope ignored = TraceScope.open()) {
      backendCalls.increment();
      return transport.models();
    } finally {
      tracker.exit();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Parts, health, close

  /** Returns the chat answer cache (L1), shared with clients made by {@link #newBuilder()}. */
  public ResponseCache<String, CachedValue<ChatResponse>> inferenceCache() {
    return parts.chatCache;
  }

  /** Returns the embedding cache (L1), keyed per input. */
  public ResponseCache<String, CachedValue<float[]>> embeddingCache() {
    return parts.embeddingCache;
  }

  /** Returns the HTTP pool, for the service's own requests. */
  public HttpPool httpPool() {
    return parts.http;
  }

  /** Returns the DB pool, when one was configured, for the service's own queries. */
  public Optional<DbPool> dbPool() {
    return Optional.ofNullable(parts.db);
  }

  /** Returns the shared tier (L2 and inference log), when one was configured. */
  public Optional<SharedTier> sharedTier() {
    return Optional.ofNullable(parts.tier);
  }

  /** Returns the structured logger the client logs its events with. */
  public StructuredLogger logger() {
    return logger;
  }

  /** Returns the server's base URL, without a trailing slash. */
  public String baseUrl() {
    return transport.baseUrl();
  }

  /** Returns this client's cache scope. */
  public String scope() {
    return scope;
  }

  /** Returns the library version. */
  public static String version() {
    return VERSION;
  }

  /**
   * Takes a health snapshot: status, reasons, and the stats of every pool and cache. With a DB pool
   * this runs its health check, bounded by two seconds.
   *
   * @return the snapshot
   */
  public HealthSnapshot health() {
    List<String> reasons = new ArrayList<>();
    DbPoolStats dbStats = null;
    DbHealth dbHealth = null;
    if (parts.db != null) {
      dbStats = parts.db.stats();
      dbHealth = parts.db.health(Duration.ofSeconds(2));
      if (!dbHealth.isHealthy()) {
        reasons.add("database: " + dbHealth.reason());
      }
    }
    SharedTierHealth tierHealth = parts.tier == null ? null : parts.tier.health();
    if (tierHealth != null && !SharedTierHealth.OK.equals(tierHealth.status())) {
      reasons.add("shared tier: " + tierHealth.reason().orElse("degraded"));
    }
    HealthSnapshot.Status status;
    if (closed.get()) {
      status = HealthSnapshot.Status.DOWN;
      reasons.add(0, "client is closed");
    } else {
      status = reasons.isEmpty() ? HealthSnapshot.Status.OK : HealthSnapshot.Status.DEGRADED;
    }
    CacheStats chatStats = parts.chatCache.stats();
    CacheStats embeddingStats = parts.embeddingCache.stats();
    return new HealthSnapshot(
        status,
        VERSION,
        reasons,
        new HealthSnapshot.ClientStats(
            calls.sum(),
            l1Hits.sum(),
            l2Hits.sum(),
            coalesced.sum(),
            backendCalls.sum(),
            failures.sum()),
        parts.http.stats(),
        dbStats,
        dbHealth,
        chatStats,
        embeddingStats,
        tierHealth);
  }

  /**
   * Stops taking calls, waits up to the shutdown timeout for calls in flight, then closes the parts
   * this client created (the shared tier first, so its log is flushed, then the DB pool, the HTTP
   * pool and the caches). Parts a client borrowed through {@link #newBuilder()} are left open.
   * Idempotent.
   *
   * <p>Do not call it from a stream listener or a future callback of this client: the call that
   * runs the callback is itself in flight, so {@code close()} would wait out the whole timeout.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    int left = tracker.closeAndAwait(shutdownTimeout);
    if (left > 0) {
      logger.warn(
          "InferenceClient closed with "
              + left
              + " call(s) still in flight after "
              + shutdownTimeout.toMillis()
              + " ms");
    }
    if (parts.owner == this) {
      parts.close();
    }
  }

  /** Returns true once {@link #close()} has been called. */
  public boolean isClosed() {
    return closed.get();
  }

  @Override
  public String toString() {
    return "InferenceClient{baseUrl="
        + transport.baseUrl()
        + ", apiKey="
        + (apiKey == null ? "none" : "****")
        + ", scope="
        + scope
        + ", sharedTier="
        + (parts.tier != null)
        + ", closed="
        + closed.get()
        + "}";
  }

  // ---------------------------------------------------------------------------------------------
  // The request path

  /** One call in progress: its request, options, key, trace and start time. */
  private final class Call {
    final ChatRequest request;
    final CallOptions options;
    final String callScope;
    final String key;
    final TraceContext trace;
    final boolean stream;
    final long startNanos = System.nanoTime();

    Call(ChatRequest request, CallOptions options, TraceContext trace, boolean stream) {
      this.request = request;
      this.options = options;
      this.callScope = options.scope().orElse(scope);
      this.key = CanonicalKeys.chatKey(request, transport.baseUrl(), callScope);
      this.trace = trace;
      this.stream = stream;
      calls.increment();
    }

    /** The L1 hit path, kept short: it is the hot path. */
    @Nullable ChatResponse l1() {
      if (options.skipCacheRead()) {
        return null;
      }
      CachedValue<ChatResponse> hit = parts.chatCache.getIfPresent(key);
      if (hit == null) {
        return null;
      }
      l1Hits.increment();
      finish(new Answer(hit.value(), CacheLevel.L1), null);
      return hit.value();
    }

    /** L1 then L2, for streams (which do not coalesce). */
    @Nullable Answer cached() {
      if (options.skipCacheRead()) {
        return null;
      }
      CachedValue<ChatResponse> hit = parts.chatCache.getIfPresent(key);
      if (hit != null) {
        l1Hits.increment();
        return new Answer(hit.value(), CacheLevel.L1);
      }
      return l2Lookup(this);
    }

    void finish(@Nullable Answer answer, @Nullable InferenceException error) {
      long latencyNanos = System.nanoTime() - startNanos;
      long latencyMs = latencyNanos / 1_000_000;
      String model = request.model();
      Usage usage = answer == null ? null : answer.response.usage();
      if (error != null) {
        failures.increment();
      }
      // Failures log at WARN, the rest at INFO: build the event only when it will be written.
      if (error != null || logger.isInfoEnabled()) {
        InferenceEvent.Builder event =
            InferenceEvent.builder(model)
                .domain("chat")
                .latencyMs(latencyMs)
                .cacheHit(answer != null && answer.level != CacheLevel.MISS)
                .cacheScope(callScope)
                .stream(stream)
                .userId(request.user());
        if (usage != null) {
          event
              .tokensUsed(usage.totalTokens())
              .promptTokens(usage.promptTokens())
              .completionTokens(usage.completionTokens());
        }
        if (error != null) {
          event.error(error.getClass().getSimpleName());
        }
        logger.inference(event.build());
      }
      boolean text = storesText(); // only then is the text worth building (L1 hits pass here)
      recordLogRow(
          trace,
          callScope,
          model,
          answer == null ? CacheLevel.MISS : answer.level,
          usage,
          latencyNanos,
          error,
          text ? promptText(request) : null,
          text && answer != null ? answer.response.text() : null);
    }
  }

  /**
   * Queues one inference log row when the client has a shared tier. Text is passed only when the
   * tier stores it (after its redactor); never blocks, never throws for the database.
   */
  private void recordLogRow(
      @Nullable TraceContext trace,
      String callScope,
      String model,
      CacheLevel level,
      @Nullable Usage usage,
      long latencyNanos,
      @Nullable InferenceException error,
      @Nullable String prompt,
      @Nullable String response) {
    SharedTier tier = parts.tier;
    if (tier == null) {
      return;
    }
    InferenceLogRecord.Builder row =
        InferenceLogRecord.builder()
            .time(Instant.now(clock))
            .traceId(trace == null ? "" : trace.traceId())
            .scope(callScope)
            .model(model)
            .cacheLevel(level)
            .latency(Duration.ofNanos(Math.max(0, latencyNanos)))
            .status(statusOf(error))
            .errorType(error == null ? null : error.getClass().getSimpleName());
    if (usage != null) {
      row.promptTokens(usage.promptTokens()).completionTokens(usage.completionTokens());
    }
    if (tier.config().storePromptText()) {
      row.promptText(prompt).responseText(response);
    }
    tier.inferenceLog().record(row.build());
  }

  private boolean storesText() {
    SharedTier tier = parts.tier;
    return tier != null && tier.config().storePromptText();
  }

  private @Nullable String embedText(List<String> inputs) {
    return storesText() ? String.join("\n", inputs) : null;
  }

  /** A cached embedding and the level that held it. */
  private static final class VectorHit {
    final float[] vector;
    final CacheLevel level;

    VectorHit(float[] vector, CacheLevel level) {
      this.vector = vector;
      this.level = level;
    }
  }

  /** An answer and the level that gave it. */
  private record Answer(ChatResponse response, CacheLevel level) {}

  /**
   * Resolves a miss in L1: joins an identical call in flight, or looks in L2, then calls the
   * server; stores what the server answered. Blocking callers run it on their own thread ({@code
   * async} false); async callers get a future completed on an HTTP thread.
   */
  private CompletableFuture<Answer> resolve(Call call, boolean async) {
    if (call.options.skipCacheRead()) {
      return fetch(call, async);
    }
    if (call.options.skipCacheWrite()) {
      // A call that will not store its answer must not lead: the calls that join a leader rely on
      // finding the answer cached once its slot is freed. It may still join a leader that stores.
      CompletableFuture<Answer> existing = inFlight.get(call.key);
      if (existing != null) {
        coalesced.increment();
        return existing;
      }
      return fetch(call, async);
    }
    CompletableFuture<Answer> mine = new CompletableFuture<>();
    CompletableFuture<Answer> existing = inFlight.putIfAbsent(call.key, mine);
    if (existing != null) {
      coalesced.increment();
      return existing;
    }
    // Between our L1 miss and winning the slot, another call may have stored the answer and left.
    CompletableFuture<Answer> work;
    try {
      CachedValue<ChatResponse> late = parts.chatCache.peek(call.key);
      work =
          late != null
              ? CompletableFuture.completedFuture(new Answer(late.value(), CacheLevel.L1))
              : fetch(call, async);
    } catch (Throwable t) {
      // Never leave the slot behind: every later identical call would wait on it forever.
      inFlight.remove(call.key, mine);
      mine.completeExceptionally(t);
      return mine;
    }
    CompletableFuture<?> unused =
        work.whenComplete(
            (answer, error) -> {
              inFlight.remove(call.key, mine);
              if (error == null) {
                mine.complete(answer);
              } else {
                mine.completeExceptionally(error);
              }
            });
    return mine;
  }

  private CompletableFuture<Answer> fetch(Call call, boolean async) {
    if (!async) {
      try {
        Answer l2 = call.options.skipCacheRead() ? null : l2Lookup(call);
        if (l2 != null) {
          return CompletableFuture.completedFuture(l2);
        }
        backendCalls.increment();
        ChatResponse response = transport.chat(call.request, traceHeaders(call.trace));
        store(call, response);
        return CompletableFuture.completedFuture(new Answer(response, CacheLevel.MISS));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    CompletableFuture<@Nullable Answer> l2 =
        parts.tier == null || call.options.skipCacheRead()
            ? CompletableFuture.completedFuture(null)
            : CompletableFuture.supplyAsync(
                () -> {
                  try (TraceScope ignored = call.trace.makeCurrent()) {
                    return l2Lookup(call);
                  }
                },
                parts.blockingExecutor);
    return l2.thenCompose(
        hit -> {
          if (hit != null) {
            return CompletableFuture.completedFuture(hit);
          }
          backendCalls.increment();
          CompletableFuture<ChatResponse> response =
              transport.chatAsync(call.request, traceHeaders(call.trace));
          Function<ChatResponse, Answer> storeAnswer =
              r -> {
                try (TraceScope ignored = call.trace.makeCurrent()) {
                  store(call, r);
                }
                return new Answer(r, CacheLevel.MISS);
              };
          // The response completes on OkHttp's callback thread, which holds one of the per-host
          // request slots until it returns: a write to the shared tier (a database round trip, or
          // a wait as long as the DB pool's timeouts while the database is unwell) must not run
          // there, or a slow database would throttle every async call to the server.
          return parts.tier == null || call.options.skipCacheWrite()
              ? response.thenApply(storeAnswer)
              : response.thenApplyAsync(storeAnswer, parts.blockingExecutor);
        });
  }

  private @Nullable Answer l2Lookup(Call call) {
    SharedTier tier = parts.tier;
    if (tier == null) {
      return null;
    }
    Optional<SecondLevelHit> hit = tier.lookup(call.key);
    if (hit.isEmpty()) {
      return null;
    }
    byte[] bytes = hit.get().value();
    ChatResponse response;
    try {
      response = Json.MAPPER.readValue(bytes, ChatResponse.class);
    } catch (RuntimeException e) {
      logger.warn("shared tier: an unreadable cached answer was ignored");
      return null;
    }
    l2Hits.increment();
    parts.chatCache.put(
        call.key,
        new CachedValue<>(response, bytes.length),
        l1TtlForL2Hit(call.options, parts.chatCache.config().defaultTtl(), hit.get()));
    return new Answer(response, CacheLevel.L2);
  }

  /**
   * Stores a fresh answer. Caching is best effort: the caller already has a good answer, so a cache
   * that cannot take it (closed after the shutdown timeout, a store that fails) is logged and the
   * answer is still returned.
   */
  private void store(Call call, ChatResponse response) {
    if (call.options.skipCacheWrite()) {
      return;
    }
    try {
      byte[] json = Json.MAPPER.writeValueAsBytes(response);
      Duration ttl = ttlFor(call.options, parts.chatCache.config().defaultTtl());
      parts.chatCache.put(call.key, new CachedValue<>(response, json.length), ttl);
      SharedTier tier = parts.tier;
      if (tier != null) {
        tier.secondLevelStore().put(call.key, json, ttl);
      }
    } catch (RuntimeException e) {
      logger.warn("the answer was returned but not cached: " + e);
    }
  }

  private @Nullable VectorHit embeddingFromCache(String key, CallOptions options) {
    CachedValue<float[]> hit = parts.embeddingCache.getIfPresent(key);
    if (hit != null) {
      return new VectorHit(hit.value(), CacheLevel.L1);
    }
    SharedTier tier = parts.tier;
    if (tier == null) {
      return null;
    }
    Optional<SecondLevelHit> stored = tier.lookup(key);
    if (stored.isEmpty() || stored.get().value().length % 4 != 0) {
      return null;
    }
    byte[] bytes = stored.get().value();
    float[] vector = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
    parts.embeddingCache.put(
        key,
        new CachedValue<>(vector, bytes.length),
        l1TtlForL2Hit(options, parts.embeddingCache.config().defaultTtl(), stored.get()));
    return new VectorHit(vector, CacheLevel.L2);
  }

  private void storeEmbedding(String key, float[] vector, CallOptions options) {
    try {
      Duration ttl = ttlFor(options, parts.embeddingCache.config().defaultTtl());
      parts.embeddingCache.put(key, new CachedValue<>(vector, 4L * vector.length), ttl);
      SharedTier tier = parts.tier;
      if (tier != null) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * vector.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(vector);
        tier.secondLevelStore().put(key, bytes.array(), ttl);
      }
    } catch (RuntimeException e) {
      logger.warn("the embedding was returned but not cached: " + e);
    }
  }

  private ChatStream replay(Call call, Answer cached, ChatStreamListener listener, Runnable exit) {
    CompletableFuture<ChatResponse> completion = new CompletableFuture<>();
    AtomicBoolean cancelled = new AtomicBoolean();
    // Cancelling the future cancels the replay, as ChatStream promises.
    CompletableFuture<?> unused =
        completion.whenComplete(
            (r, e) -> {
              if (e instanceof CancellationException) {
                cancelled.set(true);
              }
            });
    // Same contract as a live stream: chunks, then exactly one of onComplete or onError. A
    // listener that throws from onChunk cancels the replay and gets onError; one that throws from
    // onComplete is logged, and the replay still completes (it has already succeeded).
    parts.blockingExecutor.execute(
        () -> {
          try (TraceScope ignored = call.trace.makeCurrent()) {
            for (ChatChunk chunk : Replay.chunks(cached.response)) {
              if (cancelled.get()) {
                return;
              }
              try {
                listener.onChunk(chunk);
              } catch (RuntimeException e) {
                InferenceException failure =
                    new InferenceException(
                        "chat stream listener threw; the stream was cancelled", e);
                call.finish(null, failure);
                try {
                  listener.onError(failure);
                } catch (RuntimeException suppressed) {
                  logger.warn("chat stream listener onError threw: " + suppressed);
                }
                completion.completeExceptionally(failure);
                return;
              }
            }
            if (cancelled.get()) {
              return;
            }
            call.finish(cached, null);
            try {
              listener.onComplete(cached.response);
            } catch (RuntimeException e) {
              logger.warn("chat stream listener onComplete threw: " + e);
            }
            completion.complete(cached.response);
          } finally {
            exit.run();
          }
        });
    return new ChatStream() {
      @Override
      public void cancel() {
        if (cancelled.compareAndSet(false, true)) {
          completion.completeExceptionally(new CancellationException("stream cancelled"));
        }
      }

      @Override
      public boolean isCancelled() {
        return cancelled.get();
      }

      @Override
      public CompletableFuture<ChatResponse> completion() {
        return completion;
      }
    };
  }

  private static Duration ttlFor(CallOptions options, Duration fallback) {
    return options.ttl().orElse(fallback);
  }

  /**
   * An L2 hit stays in L1 no longer than it has left in L2, which another instance may have set.
   */
  private static Duration l1TtlForL2Hit(
      CallOptions options, Duration fallback, SecondLevelHit hit) {
    Duration ttl = ttlFor(options, fallback);
    return hit.timeToLive().compareTo(ttl) < 0 ? hit.timeToLive() : ttl;
  }

  private static int statusOf(@Nullable InferenceException error) {
    if (error == null) {
      return 200;
    }
    return error instanceof InferenceHttpException http ? http.status() : 0;
  }

  private static @Nullable String promptText(ChatRequest request) {
    List<ChatMessage> messages = request.messages();
    return messages.isEmpty() ? null : messages.get(messages.size() - 1).text();
  }

  private static Map<String, String> currentTraceHeaders() {
    TraceContext current = TraceContext.current();
    return current == null ? Map.of() : traceHeaders(current);
  }

  private static Map<String, String> traceHeaders(TraceContext trace) {
    return Map.of("traceparent", trace.traceparent());
  }

  /** Strips the wrappers futures put around a failure. */
  private static Throwable cause(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException
            || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Turns the failure of a future into the exception the caller gets. An {@link Error} (out of
   * memory, a failed assertion) is rethrown as it is, never disguised as an inference failure.
   */
  private static InferenceException unwrap(Throwable error) {
    Throwable t = cause(error);
    if (t instanceof Error fatal) {
      throw fatal;
    }
    if (t instanceof InferenceException ie) {
      return ie;
    }
    if (t instanceof CancellationException) {
      return new InferenceException("call cancelled", t);
    }
    return new InferenceException("call failed: " + t, t);
  }

  private static String readVersion() {
    try (InputStream in =
        InferenceClient.class.getResourceAsStream("/ai/vaultgemma/core/version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** The handle of a stream that went to the server. */
  private static final class StreamHandle implements ChatStream {
    private final StreamCall call;

    StreamHandle(StreamCall call) {
      this.call = call;
      // ChatStream promises that cancelling the future cancels the stream (closes the socket).
      CompletableFuture<?> unused =
          call.completion()
              .whenComplete(
                  (r, e) -> {
                    if (e instanceof CancellationException && !call.isCancelled()) {
                      call.cancel();
                    }
                  });
    }

    @Override
    public void cancel() {
      call.cancel();
    }

    @Override
    public boolean isCancelled() {
      return call.isCancelled();
    }

    @Override
    public CompletableFuture<ChatResponse> completion() {
      return call.completion();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The parts

  /** The pools, caches and tier a client uses, and which client owns (closes) them. */
  private static final class Parts {
    final HttpPool http;
    final @Nullable DbPool db;
    final @Nullable SharedTier tier;
    final ResponseCache<String, CachedValue<ChatResponse>> chatCache;
    final ResponseCache<String, CachedValue<float[]>> embeddingCache;
    final ExecutorService blockingExecutor;

    /**
     * The parts this set created, in closing order (tier, DB pool, HTTP pool, caches). A derived
     * client that overrides one part creates a new set that also holds its parent's other parts;
     * closing it must close only what it created, never what it borrowed.
     */
    private final List<AutoCloseable> created;

    @Nullable InferenceClient owner;

    Parts(
        HttpPool http,
        @Nullable DbPool db,
        @Nullable SharedTier tier,
        ResponseCache<String, CachedValue<ChatResponse>> chatCache,
        ResponseCache<String, CachedValue<float[]>> embeddingCache,
        ExecutorService blockingExecutor,
        List<AutoCloseable> created) {
      this.http = http;
      this.db = db;
      this.tier = tier;
      this.chatCache = chatCache;
      this.embeddingCache = embeddingCache;
      this.blockingExecutor = blockingExecutor;
      this.created = List.copyOf(created);
    }

    void close() {
      blockingExecutor.shutdown();
      for (AutoCloseable part : created) {
        closeQuietly(part);
      }
    }

    private static void closeQuietly(@Nullable AutoCloseable part) {
      if (part == null) {
        return;
      }
      try {
        part.close();
      } catch (Exception e) {
        StructuredLogger.of(InferenceClient.class)
            .warn("closing " + part.getClass().getSimpleName() + " failed: " + e);
      }
    }
  }

  /**
   * Builds an {@link InferenceClient}. Not thread-safe. Only the base URL is required.
   *
   * <pre>{@code
   * InferenceClient client = InferenceClient.builder()
   *     .baseUrl("http://vllm:8000/v1")
   *     .inferenceCache(CacheConfig.inference().toBuilder().maximumEntries(10_000).build())
   *     .dbPool(DbPoolConfig.fromDsn("postgres://app@db:5432/app"))
   *     .sharedTier(SharedTierConfig.defaults())
   *     .build();
   * }</pre>
   */
  public static final class Builder {
    private @Nullable String baseUrl;
    private @Nullable String apiKey;
    private String scope = DEFAULT_SCOPE;
    private StructuredLogger logger = StructuredLogger.of(InferenceClient.class);
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private Clock clock = Clock.systemUTC();
    private @Nullable CacheConfig inferenceCache;
    private @Nullable CacheConfig embeddingCache;
    private @Nullable HttpPoolConfig httpPool;
    private @Nullable DbPoolConfig dbPool;
    private @Nullable SharedTierConfig sharedTier;
    private @Nullable Parts shared;

    private Builder() {}

    /**
     * Sets the server's base URL, the part before {@code /chat/completions}, such as {@code
     * http://localhost:8080/v1}. Required.
     *
     * @param baseUrl an absolute http or https URL without credentials, query or fragment
     * @return this builder
     * @throws IllegalArgumentException if the URL is malformed (the message names the value)
     * @throws NullPointerException if {@code baseUrl} is null
     */
    public Builder baseUrl(String baseUrl) {
      OpenAiTransport.parseBaseUrl(baseUrl);
      this.baseUrl = baseUrl.strip();
      return this;
    }

    /**
     * Sets the API key sent as {@code Authorization: Bearer}. Never logged, never in {@code
     * toString()} or exception messages.
     *
     * @param apiKey the key
     * @return this builder
     * @throws IllegalArgumentException if the key is blank or holds characters a header cannot
     *     carry (the value is not shown)
     * @throws NullPointerException if {@code apiKey} is null
     */
    public Builder apiKey(String apiKey) {
      Objects.requireNonNull(apiKey, "apiKey");
      if (apiKey.isBlank()) {
        throw new IllegalArgumentException("apiKey must not be blank (value hidden)");
      }
      for (int i = 0; i < apiKey.length(); i++) {
        char c = apiKey.charAt(i);
        if (c < 0x21 || c > 0x7e) {
          throw new IllegalArgumentException(
              "apiKey must be printable ASCII without spaces; character "
                  + i
                  + " is not (value hidden)");
        }
      }
      this.apiKey = apiKey;
      return this;
    }

    /**
     * Sets the client's cache scope (default {@value #DEFAULT_SCOPE}). Answers cached under one
     * scope are never served to another; {@link CallOptions#scope()} overrides it per call.
     *
     * @param scope the scope, such as a tenant id
     * @return this builder
     * @throws IllegalArgumentException if the scope is blank or too long
     * @throws NullPointerException if {@code scope} is null
     */
    public Builder cacheScope(String scope) {
      this.scope = CallOptions.checkScope("cacheScope", scope);
      return this;
    }

    /**
     * Sets the chat answer cache (default {@link CacheConfig#inference()}: 1000 entries, 1 h).
     *
     * @param config the cache's configuration
     * @return this builder
     * @throws NullPointerException if {@code config} is null
     */
    public Builder inferenceCache(CacheConfig config) {
      this.inferenceCache = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Sets the embedding cache (default {@link CacheConfig#embeddings()}: 500 entries, 24 h).
     *
     * @param config the cache's configuration
     * @return this builder
     * @throws NullPointerException if {@code config} is null
     */
    public Builder embeddingCache(CacheConfig config) {
      this.embeddingCache = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Sets the HTTP pool (default {@link HttpPoolConfig#defaults()}).
     *
     * @param config the pool's configuration
     * @return this builder
     * @throws NullPointerException if {@code config} is null
     */
    public Builder httpPool(HttpPoolConfig config) {
      this.httpPool = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Gives the client a DB pool (default none), for the shared tier and the service's own queries.
     *
     * @param config the pool's configuration
     * @return this builder
     * @throws NullPointerException if {@code config} is null
     */
    public Builder dbPool(DbPoolConfig config) {
      this.dbPool = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Turns on the shared tier (a second cache level and the inference log) in the DB pool's
     * database. Requires {@link #dbPool(DbPoolConfig)}.
     *
     * @param config the tier's configuration
     * @return this builder
     * @throws NullPointerException if {@code config} is null
     */
    public Builder sharedTier(SharedTierConfig config) {
      this.sharedTier = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Sets the logger for the client's events (default: logger {@code
     * ai.vaultgemma.core.InferenceClient} with the default redaction policy).
     *
     * @param logger the logger
     * @return this builder
     * @throws NullPointerException if {@code logger} is null
     */
    public Builder logger(StructuredLogger logger) {
      this.logger = Objects.requireNonNull(logger, "logger");
      return this;
    }

    /**
     * Sets how long {@link InferenceClient#close()} waits for calls in flight (default 30 s).
     *
     * @param timeout the longest wait
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws NullPointerException if {@code timeout} is null
     */
    public Builder shutdownTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("shutdownTimeout must be >= 0 but was " + timeout);
      }
      this.shutdownTimeout = timeout;
      return this;
    }

    /**
     * Sets the clock for log timestamps and {@code Retry-After} dates (default UTC system clock).
     *
     * @param clock the clock
     * @return this builder
     * @throws NullPointerException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the client, starting the pools it owns.
     *
     * @return the client
     * @throws IllegalStateException if no base URL was set, or a shared tier was asked for without
     *     a DB pool
     * @throws ai.vaultgemma.pool.DbPoolException if the DB pool cannot start (see {@link
     *     DbPoolConfig.Builder#failFast})
     */
    public InferenceClient build() {
      if (baseUrl == null) {
        throw new IllegalStateException("baseUrl is required");
      }
      Parts parts = shared;
      boolean ownParts =
          parts == null
              || inferenceCache != null
              || embeddingCache != null
              || httpPool != null
              || dbPool != null
              || sharedTier != null;
      if (!ownParts) {
        return new InferenceClient(this, Objects.requireNonNull(parts));
      }
      if (sharedTier != null && dbPool == null && (parts == null || parts.db == null)) {
        throw new IllegalStateException("sharedTier requires a dbPool");
      }
      List<AutoCloseable> started = new ArrayList<>();
      try {
        HttpPool http = parts != null && httpPool == null ? parts.http : httpPool(started);
        DbPool db = dbPool != null ? start(dbPool, started) : parts == null ? null : parts.db;
        SharedTier tier;
        if (sharedTier != null) {
          DbPool tierDb = Objects.requireNonNull(db);
          tier = SharedTier.open(tierDb.dataSource(), tierDb.config().jdbcUrl(), sharedTier);
          started.add(tier);
        } else {
          tier = parts == null || dbPool != null ? null : parts.tier;
        }
        ResponseCache<String, CachedValue<ChatResponse>> chat;
        if (inferenceCache != null || parts == null) {
          chat =
              ResponseCache.create(
                  inferenceCache == null ? CacheConfig.inference() : inferenceCache);
          started.add(chat);
        } else {
          chat = parts.chatCache;
        }
        ResponseCache<String, CachedValue<float[]>> vectors;
        if (embeddingCache != null || parts == null) {
          vectors =
              ResponseCache.create(
                  embeddingCache == null ? CacheConfig.embeddings() : embeddingCache);
          started.add(vectors);
        } else {
          vectors = parts.embeddingCache;
        }
        AtomicInteger threadIds = new AtomicInteger();
        // Bounded, so a stalled database under heavy async load cannot pile up threads: at most
        // CLIENT_THREADS threads (idle ones leave after 30 s), then a queue, then the caller runs
        // the task itself, which slows the caller down instead of growing without bound.
        ThreadPoolExecutor executor =
            new ThreadPoolExecutor(
                CLIENT_THREADS,
                CLIENT_THREADS,
                30,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(CLIENT_QUEUE),
                r -> {
                  Thread t = new Thread(r, "vaultgemma-client-" + threadIds.incrementAndGet());
                  t.setDaemon(true);
                  return t;
                },
                new ThreadPoolExecutor.CallerRunsPolicy());
        executor.allowCoreThreadTimeOut(true);
        // started holds the parts in start order; close in reverse: tier, DB, HTTP, caches
        List<AutoCloseable> created = new ArrayList<>(started);
        created.sort(java.util.Comparator.comparingInt(Builder::closeOrder));
        Parts mine = new Parts(http, db, tier, chat, vectors, executor, created);
        InferenceClient client = new InferenceClient(this, mine);
        mine.owner = client;
        return client;
      } catch (RuntimeException e) {
        for (int i = started.size() - 1; i >= 0; i--) {
          try {
            started.get(i).close();
          } catch (Exception suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        throw e;
      }
    }

    private HttpPool httpPool(List<AutoCloseable> started) {
      StructuredLogger log = logger;
      HttpPool pool =
          HttpPool.create(
              httpPool == null ? HttpPoolConfig.defaults() : httpPool,
              new HttpEventListener() {
                @Override
                public void callEnd(
                    String method, String redactedUrl, int status, long latencyNanos) {
                  if (log.isDebugEnabled()) {
                    log.atDebug()
                        .field("event", "http_request")
                        .field("method", method)
                        .field("path", redactedUrl)
                        .field("status", status)
                        .field("latency_ms", latencyNanos / 1_000_000)
                        .log("http_request");
                  }
                }
              });
      started.add(pool);
      return pool;
    }

    private static int closeOrder(AutoCloseable part) {
      if (part instanceof SharedTier) {
        return 0;
      }
      if (part instanceof DbPool) {
        return 1;
      }
      return part instanceof HttpPool ? 2 : 3;
    }

    private static DbPool start(DbPoolConfig config, List<AutoCloseable> started) {
      DbPool pool = DbPool.start(config);
      started.add(pool);
      return pool;
    }

    @Override
    public String toString() {
      return "InferenceClient.Builder{baseUrl="
          + baseUrl
          + ", apiKey="
          + (apiKey == null ? "none" : "****")
          + ", scope="
          + scope
          + "}";
    }
  }
}
