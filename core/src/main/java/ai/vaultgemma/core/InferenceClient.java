package ai.vaultgemma.core;

import ai.vaultgemma.cache.CacheConfig;
import ai.vaultgemma.cache.ResponseCache;
import ai.vaultgemma.core.internal.BaseUrls;
import ai.vaultgemma.core.internal.CallTracker;
import ai.vaultgemma.core.internal.ChunkPublisher;
import ai.vaultgemma.core.internal.ClientParts;
import ai.vaultgemma.core.internal.EnvSettings;
import ai.vaultgemma.core.internal.OpenAiTransport;
import ai.vaultgemma.core.internal.path.AnswerCodec;
import ai.vaultgemma.core.internal.path.Caches;
import ai.vaultgemma.core.internal.path.CallCounters;
import ai.vaultgemma.core.internal.path.Limiter;
import ai.vaultgemma.core.internal.path.RateLimiter;
import ai.vaultgemma.core.internal.path.RequestPath;
import ai.vaultgemma.core.internal.path.Router;
import ai.vaultgemma.core.internal.path.TieredCache;
import ai.vaultgemma.core.tier.SharedTier;
import ai.vaultgemma.core.tier.SharedTierConfig;
import ai.vaultgemma.core.tier.SharedTierHealth;
import ai.vaultgemma.logging.StructuredLogger;
import ai.vaultgemma.logging.TraceScope;
import ai.vaultgemma.pool.DbHealth;
import ai.vaultgemma.pool.DbPool;
import ai.vaultgemma.pool.DbPoolConfig;
import ai.vaultgemma.pool.DbPoolStats;
import ai.vaultgemma.pool.HttpPool;
import ai.vaultgemma.pool.HttpPoolConfig;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;
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
 * <p>Blocking, async and streamed chat, and embeddings, all run the same chain of stages; only the
 * thread that waits differs:
 *
 * <ol>
 *   <li><b>observe</b>: the caller's trace (MDC) around every callback, the counters, one {@code
 *       inference} log event and, with a shared tier, one inference log row;
 *   <li><b>L1</b>: the in-memory cache answers (key: SHA-256 over the canonical request, the base
 *       URL and the scope);
 *   <li><b>join</b>: an identical call already in flight is joined, streams included (a late joiner
 *       gets the chunks so far, then the rest);
 *   <li><b>L2</b>: the shared tier, within its read budget, off the caller's thread for async and
 *       streamed calls; a hit refills L1 with the time it has left;
 *   <li><b>store</b>: on the way back, the server's answer (never an error or a cut stream) goes to
 *       L1 and, queued, to L2;
 *   <li><b>transport</b>: the server, through the HTTP pool, whose retry policy is the only source
 *       of re-sends.
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

  /**
   * The default number of calls that may be at one server at once: 256. Inference servers batch the
   * requests they hold (vLLM schedules up to 256 sequences at once by default; llama.cpp and
   * LocalAI queue what exceeds their slots), so the client should not queue what the server could
   * run: a limit near the server's own batch size lets it fill its batches. Lower it for a small
   * server; raise it for a large deployment behind one URL.
   */
  public static final int DEFAULT_MAX_CONCURRENT_CALLS_PER_ENDPOINT = 256;

  /** The default number of calls at all servers at once: 1024 (one endpoint uses 256 of them). */
  public static final int DEFAULT_MAX_CONCURRENT_CALLS = 1024;

  /**
   * The default number of calls that may wait for a slot: 10,000. One more fails at once with a
   * {@link ConcurrencyLimitException}; a waiting call gives up at its deadline.
   */
  public static final int DEFAULT_MAX_WAITING_CALLS = 10_000;

  /**
   * The default deadline of a stream: 10 minutes for the whole stream (the HTTP pool's stream-idle
   * timeout still bounds the silence between two chunks). Blocking and async calls and embeddings
   * default to the HTTP pool's call timeout (30 seconds unless configured).
   */
  public static final Duration DEFAULT_STREAM_TIMEOUT = Duration.ofMinutes(10);

  /** How long {@link #close()} waits for calls in flight by default: 30 seconds. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  private static final String VERSION = readVersion();

  private final ClientParts parts;
  private final boolean ownsParts;
  private final RequestPath path;
  private final @Nullable String baseUrl;
  private final @Nullable String apiKey;
  private final @Nullable Supplier<String> apiKeySupplier;
  private final List<Endpoint> endpoints;
  private final List<Endpoint> fallbacks;
  private final RoutingPolicy routing;
  private final @Nullable RateLimit rateLimitPerScope;
  private final @Nullable RateLimit rateLimitPerEndpoint;
  private final String scope;
  private final StructuredLogger logger;
  private final Duration shutdownTimeout;
  private final Clock clock;
  private final CallTracker tracker = new CallTracker("InferenceClient");
  private final @Nullable Duration callTimeout;
  private final Duration streamTimeout;
  private final int maxConcurrentCalls;
  private final int maxConcurrentCallsPerEndpoint;
  private final int maxWaitingCalls;
  private final List<InferenceListener.Factory> listeners;

  private InferenceClient(Builder b, ClientParts parts, boolean ownsParts) {
    this.parts = parts;
    this.ownsParts = ownsParts;
    this.baseUrl = b.baseUrl;
    this.apiKey = b.apiKey;
    this.apiKeySupplier = b.apiKeySupplier;
    this.endpoints = List.copyOf(b.endpoints);
    this.fallbacks = List.copyOf(b.fallbacks);
    this.routing = b.routing;
    this.rateLimitPerScope = b.rateLimitPerScope;
    this.rateLimitPerEndpoint = b.rateLimitPerEndpoint;
    this.scope = b.scope;
    this.logger = b.logger;
    this.shutdownTimeout = b.shutdownTimeout;
    this.clock = b.clock;
    this.listeners = List.copyOf(b.listeners);
    Caches caches =
        new Caches(
            new TieredCache<>(
                parts.chatCache(), parts.tier(), AnswerCodec.CHAT, ChatResponse.class),
            new TieredCache<>(
                parts.embeddingCache(), parts.tier(), AnswerCodec.VECTOR, float[].class));
    this.callTimeout = b.callTimeout;
    this.streamTimeout = b.streamTimeout;
    this.maxConcurrentCalls = b.maxConcurrentCalls;
    this.maxConcurrentCallsPerEndpoint = b.maxConcurrentCallsPerEndpoint;
    this.maxWaitingCalls = b.maxWaitingCalls;
    Limiter limiter =
        new Limiter(
            maxConcurrentCallsPerEndpoint, maxConcurrentCalls, maxWaitingCalls, parts.timer());
    Router router =
        new Router(
            endpoints.isEmpty() ? List.of(shorthandEndpoint(b)) : endpoints,
            fallbacks,
            routing,
            e ->
                new OpenAiTransport(
                    parts.http().okHttpClient(), parts.http().streamingClient(), e, clock),
            limiter,
            System::nanoTime);
    this.path =
        new RequestPath(
            router,
            caches,
            parts.tier(),
            logger,
            clock,
            parts.executor(),
            parts.timer(),
            limiter,
            callTimeout != null ? callTimeout : parts.http().config().callTimeout(),
            streamTimeout,
            InferenceListener.compose(listeners),
            rateLimitPerScope == null && rateLimitPerEndpoint == null
                ? null
                : new RateLimiter(rateLimitPerScope, rateLimitPerEndpoint));
    router.startProbing(parts.timer(), parts.executor());
  }

  /** The one endpoint {@code baseUrl(...)} and {@code apiKey(...)} describe. */
  private static Endpoint shorthandEndpoint(Builder b) {
    Endpoint.Builder e = Endpoint.builder(Objects.requireNonNull(b.baseUrl, "baseUrl"));
    if (b.apiKey != null) {
      e.apiKey(b.apiKey);
    } else if (b.apiKeySupplier != null) {
      e.apiKey(b.apiKeySupplier);
    }
    return e.build();
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
    return EnvSettings.builder(env);
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
    b.apiKeySupplier = apiKeySupplier;
    b.endpoints.addAll(endpoints);
    b.fallbacks.addAll(fallbacks);
    b.routing = routing;
    b.rateLimitPerScope = rateLimitPerScope;
    b.rateLimitPerEndpoint = rateLimitPerEndpoint;
    b.scope = scope;
    b.logger = logger;
    b.shutdownTimeout = shutdownTimeout;
    b.clock = clock;
    b.callTimeout = callTimeout;
    b.streamTimeout = streamTimeout;
    b.maxConcurrentCalls = maxConcurrentCalls;
    b.maxConcurrentCallsPerEndpoint = maxConcurrentCallsPerEndpoint;
    b.maxWaitingCalls = maxWaitingCalls;
    b.listeners.addAll(listeners);
    b.shared = parts;
    return b;
  }

  // ---------------------------------------------------------------------------------------------
  // Calls

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
   * Sends a chat completion with per-call options and waits for the answer.
   *
   * @param request the request
   * @param options per-call options
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
      return path.chat(request, options, callScope(options), span.context());
    } finally {
      tracker.exit();
    }
  }

  /**
   * Sends a chat completion without blocking. Cache hits complete at once; misses complete on an
   * HTTP or client thread. Cancelling the future does not abort a server call that identical calls
   * share.
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
   * Sends a chat completion with per-call options without blocking.
   *
   * @param request the request
   * @param options per-call options
   * @return the future answer; completes exceptionally with an {@link InferenceException}
   * @throws IllegalStateException if the client is closed
   * @throws NullPointerException if an argument is null
   */
  public CompletableFuture<ChatResponse> chatAsync(ChatRequest request, CallOptions options) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(options, "options");
    tracker.enter();
    try (TraceScope span = TraceScope.open()) {
      CompletableFuture<ChatResponse> future =
          path.chatAsync(request, options, callScope(options), span.context());
      CompletableFuture<?> unused = future.whenComplete((r, e) -> tracker.exit());
      return future;
    } catch (RuntimeException | Error e) {
      tracker.exit();
      throw e;
    }
  }

  /**
   * Streams a chat completion over server-sent events. The listener gets every chunk in order, then
   * the whole answer or the failure, with the caller's trace ids in the MDC. A finished stream is
   * cached as a whole answer, and an identical streaming request later is replayed from the cache
   * as a stream; an error, a cancelled or a broken stream is never cached. Identical streams in
   * flight share one server stream. The stream-idle timeout of the HTTP pool bounds the silence
   * between two chunks, not the whole stream.
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
   * Streams a chat completion with per-call options; see {@link #chatStream(ChatRequest,
   * ChatStreamListener)}.
   *
   * @param request the request
   * @param listener receives the stream
   * @param options per-call options
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
    try (TraceScope span = TraceScope.open()) {
      ChatStream stream =
          path.chatStream(request, listener, options, callScope(options), span.context());
      CompletableFuture<?> unused = stream.completion().whenComplete((r, e) -> tracker.exit());
      return stream;
    } catch (RuntimeException | Error e) {
      tracker.exit();
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
   * @param options per-call options for the calls this publisher makes
   * @return a cold publisher of chunks
   * @throws NullPointerException if an argument is null
   */
  public Flow.Publisher<ChatChunk> chatStreamPublisher(ChatRequest request, CallOptions options) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(options, "options");
    return new ChunkPublisher(listener -> chatStream(request, listener, options), parts.executor());
  }

  /**
   * Streams a chat completion as a {@link Flow.Publisher} with the default options.
   *
   * @param request the request
   * @return a cold publisher of chunks
   * @throws NullPointerException if {@code request} is null
   */
  public Flow.Publisher<ChatChunk> chatStreamPublisher(ChatRequest request) {
    return chatStreamPublisher(request, CallOptions.defaults());
  }

  /**
   * Computes embeddings, one input or a batch, using the embedding cache per input: cached inputs
   * are answered from the cache, inputs that an identical call is already fetching are joined, and
   * only the rest go to the server, in one request; the answer is reassembled in input order.
   * Vectors are returned as floats whatever {@code encoding_format} the server used. Usage counts
   * only what the server computed for this call.
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
   * Computes embeddings with per-call options; see {@link #embed(EmbeddingRequest)}.
   *
   * @param request the request
   * @param options per-call options
   * @return the embeddings, in input order
   * @throws InferenceException if the call fails
   * @throws IllegalStateException if the client is closed
   * @throws NullPointerException if an argument is null
   */
  public EmbeddingResponse embed(EmbeddingRequest request, CallOptions options) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(options, "options");
    tracker.enter();
    try (TraceScope span = TraceScope.open()) {
      return path.embed(request, options, callScope(options), span.context());
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
    try (TraceScope span = TraceScope.open()) {
      path.countServerCall();
      return path.transport().models(Map.of("traceparent", span.context().traceparent()));
    } finally {
      tracker.exit();
    }
  }

  private String callScope(CallOptions options) {
    return options.scope().orElse(scope);
  }

  // ---------------------------------------------------------------------------------------------
  // Parts, health, close

  /**
   * Returns the chat answer cache (L1), shared with clients made by {@link #newBuilder()}: for its
   * statistics, configuration and invalidation. Its values are the client's own.
   *
   * @return the cache
   */
  public ResponseCache<String, ?> inferenceCache() {
    return parts.chatCache();
  }

  /**
   * Returns the embedding cache (L1), keyed per input; see {@link #inferenceCache()}.
   *
   * @return the cache
   */
  public ResponseCache<String, ?> embeddingCache() {
    return parts.embeddingCache();
  }

  /**
   * Returns the HTTP pool, for the service's own requests.
   *
   * @return the pool
   */
  public HttpPool httpPool() {
    return parts.http();
  }

  /**
   * Returns the DB pool, when one was configured, for the service's own queries.
   *
   * @return the pool, or empty
   */
  public Optional<DbPool> dbPool() {
    return Optional.ofNullable(parts.db());
  }

  /**
   * Returns the shared tier (L2 and inference log), when one was configured.
   *
   * @return the tier, or empty
   */
  public Optional<SharedTier> sharedTier() {
    return Optional.ofNullable(parts.tier());
  }

  /**
   * Returns the structured logger the client logs its events with.
   *
   * @return the logger
   */
  public StructuredLogger logger() {
    return logger;
  }

  /**
   * Returns the server's base URL, without a trailing slash.
   *
   * @return the base URL
   */
  public String baseUrl() {
    return path.transport().baseUrl();
  }

  /**
   * Returns this client's cache scope.
   *
   * @return the scope
   */
  public String scope() {
    return scope;
  }

  /**
   * Returns the library version.
   *
   * @return the version, or {@code unknown}
   */
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
    DbPool db = parts.db();
    DbPoolStats dbStats = null;
    DbHealth dbHealth = null;
    if (db != null) {
      dbStats = db.stats();
      dbHealth = db.health(Duration.ofSeconds(2));
      if (!dbHealth.isHealthy()) {
        reasons.add("database: " + dbHealth.reason());
      }
    }
    List<EndpointHealth> endpointHealth = path.router().health();
    if (endpointHealth.size() > 1) {
      for (EndpointHealth e : endpointHealth) {
        if (e.state() != EndpointHealth.State.CLOSED) {
          reasons.add("endpoint " + e.name() + ": circuit " + e.state().jsonName());
        }
      }
    }
    SharedTier tier = parts.tier();
    SharedTierHealth tierHealth = tier == null ? null : tier.health();
    if (tierHealth != null && !SharedTierHealth.OK.equals(tierHealth.status())) {
      reasons.add("shared tier: " + tierHealth.reason().orElse("degraded"));
    }
    HealthSnapshot.Status status;
    if (isClosed()) {
      status = HealthSnapshot.Status.DOWN;
      reasons.add(0, "client is closed");
    } else {
      status = reasons.isEmpty() ? HealthSnapshot.Status.OK : HealthSnapshot.Status.DEGRADED;
    }
    CallCounters c = path.counters();
    return new HealthSnapshot(
        status,
        VERSION,
        reasons,
        new HealthSnapshot.ClientStats(
            c.calls(), c.l1Hits(), c.l2Hits(), c.joined(), c.serverCalls(), c.failures()),
        parts.http().stats(),
        dbStats,
        dbHealth,
        parts.chatCache().stats(),
        parts.embeddingCache().stats(),
        tierHealth,
        endpointHealth);
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
    if (tracker.isClosed()) {
      return;
    }
    path.router().stopProbing();
    int left = tracker.closeAndAwait(shutdownTimeout);
    if (left > 0) {
      logger.warn(
          "InferenceClient closed with "
              + left
              + " call(s) still in flight after "
              + shutdownTimeout.toMillis()
              + " ms");
    }
    if (ownsParts) {
      parts.close();
    }
  }

  /**
   * Returns true once {@link #close()} has been called.
   *
   * @return true if closed
   */
  public boolean isClosed() {
    return tracker.isClosed();
  }

  @Override
  public String toString() {
    return "InferenceClient{baseUrl="
        + baseUrl()
        + (endpoints.size() > 1 || !fallbacks.isEmpty()
            ? ", endpoints=" + endpoints.size() + ", fallbacks=" + fallbacks.size()
            : ", apiKey=" + (apiKey == null && apiKeySupplier == null ? "none" : "****"))
        + ", scope="
        + scope
        + ", sharedTier="
        + (parts.tier() != null)
        + ", closed="
        + isClosed()
        + "}";
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
    private @Nullable Supplier<String> apiKeySupplier;
    private final List<Endpoint> endpoints = new ArrayList<>();
    private final List<Endpoint> fallbacks = new ArrayList<>();
    private RoutingPolicy routing = RoutingPolicy.defaults();
    private @Nullable RateLimit rateLimitPerScope;
    private @Nullable RateLimit rateLimitPerEndpoint;
    private String scope = DEFAULT_SCOPE;
    private StructuredLogger logger = StructuredLogger.of(InferenceClient.class);
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private Clock clock = Clock.systemUTC();
    private @Nullable Duration callTimeout;
    private Duration streamTimeout = DEFAULT_STREAM_TIMEOUT;
    private int maxConcurrentCalls = DEFAULT_MAX_CONCURRENT_CALLS;
    private int maxConcurrentCallsPerEndpoint = DEFAULT_MAX_CONCURRENT_CALLS_PER_ENDPOINT;
    private int maxWaitingCalls = DEFAULT_MAX_WAITING_CALLS;
    private @Nullable CacheConfig inferenceCache;
    private @Nullable CacheConfig embeddingCache;
    private @Nullable HttpPoolConfig httpPool;
    private @Nullable DbPoolConfig dbPool;
    private @Nullable SharedTierConfig sharedTier;
    private @Nullable DataSource tierDataSource;
    private @Nullable String tierJdbcUrl;
    private @Nullable ClientParts shared;
    private final List<InferenceListener.Factory> listeners = new ArrayList<>();

    private Builder() {}

    /**
     * Adds a listener that hears every call of the client (see {@link InferenceListener} for its
     * events and rules). Listeners hear each event in the order they were added.
     *
     * @param listener the listener, shared by all calls; thread-safe
     * @return this builder
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder addListener(InferenceListener listener) {
      return addListenerFactory(InferenceListener.factory(listener));
    }

    /**
     * Adds a factory that makes a listener for each call, for listeners that keep state per call.
     *
     * @param factory called on the caller's thread as each call starts
     * @return this builder
     * @throws NullPointerException if {@code factory} is null
     */
    public Builder addListenerFactory(InferenceListener.Factory factory) {
      listeners.add(Objects.requireNonNull(factory, "factory"));
      return this;
    }

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
      BaseUrls.parse(baseUrl);
      this.baseUrl = baseUrl.strip();
      this.endpoints.clear(); // the shorthand for one endpoint replaces a list set before
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
      BaseUrls.checkApiKey(Objects.requireNonNull(apiKey, "apiKey"));
      this.apiKey = apiKey;
      this.apiKeySupplier = null;
      return this;
    }

    /**
     * Sets where the API key of the {@link #baseUrl(String)} endpoint comes from: called for every
     * request, so a rotated key is used by the next request. See {@link
     * Endpoint.Builder#apiKey(Supplier)} for its rules; replaces a key set before.
     *
     * @param apiKey returns the current key; fast and thread-safe
     * @return this builder
     * @throws NullPointerException if {@code apiKey} is null
     */
    public Builder apiKey(Supplier<String> apiKey) {
      this.apiKeySupplier = Objects.requireNonNull(apiKey, "apiKey");
      this.apiKey = null;
      return this;
    }

    /**
     * Sets the endpoints calls are spread over (replicas of one service), replacing any set before,
     * and a {@link #baseUrl(String)} with its {@code apiKey} (the shorthand for one endpoint).
     * Calls go to the less loaded of two endpoints drawn by weight (see {@link RoutingPolicy} for
     * health and fallback). Cache keys name the first endpoint's base URL, so which replica answers
     * never changes a key, and a client that grows from one endpoint to several keeps its cached
     * answers when the old endpoint stays first.
     *
     * @param endpoints one or more endpoints, in order; the first is the primary
     * @return this builder
     * @throws IllegalArgumentException if the list is empty, over 100 endpoints, or names one base
     *     URL twice
     * @throws NullPointerException if the list or an element is null
     */
    public Builder endpoints(List<Endpoint> endpoints) {
      Objects.requireNonNull(endpoints, "endpoints");
      if (endpoints.isEmpty()) {
        throw new IllegalArgumentException("endpoints must not be empty");
      }
      List<Endpoint> copy = new ArrayList<>();
      for (int i = 0; i < endpoints.size(); i++) {
        copy.add(Objects.requireNonNull(endpoints.get(i), "endpoints[" + i + "]"));
      }
      checkEndpoints(copy);
      this.endpoints.clear();
      this.endpoints.addAll(copy);
      this.baseUrl = null;
      this.apiKey = null;
      this.apiKeySupplier = null;
      return this;
    }

    /**
     * Adds one endpoint to those calls are spread over; see {@link #endpoints(List)}. After {@link
     * #baseUrl(String)}, that base URL (with its {@code apiKey}) stays the first endpoint.
     *
     * @param endpoint the endpoint
     * @return this builder
     * @throws IllegalArgumentException if its base URL is already an endpoint
     * @throws NullPointerException if {@code endpoint} is null
     */
    public Builder addEndpoint(Endpoint endpoint) {
      Objects.requireNonNull(endpoint, "endpoint");
      List<Endpoint> copy = new ArrayList<>();
      if (endpoints.isEmpty() && baseUrl != null) {
        copy.add(shorthandEndpoint(this));
      } else {
        copy.addAll(endpoints);
      }
      copy.add(endpoint);
      checkEndpoints(copy);
      endpoints.clear();
      endpoints.addAll(copy);
      baseUrl = null;
      apiKey = null;
      apiKeySupplier = null;
      return this;
    }

    /**
     * Sets the fallback endpoints, tried in this order when a call failed on the replicas (see
     * {@link RoutingPolicy}): another provider, or the same server with another model through
     * {@link Endpoint.Builder#model(String, String)}. They get no traffic while a replica can take
     * it. Answers from a fallback are cached under the requested model like any other.
     *
     * @param fallbacks the fallback endpoints, in order; may be empty
     * @return this builder
     * @throws IllegalArgumentException if over 100 endpoints
     * @throws NullPointerException if the list or an element is null
     */
    public Builder fallbacks(List<Endpoint> fallbacks) {
      Objects.requireNonNull(fallbacks, "fallbacks");
      List<Endpoint> copy = new ArrayList<>();
      for (int i = 0; i < fallbacks.size(); i++) {
        copy.add(Objects.requireNonNull(fallbacks.get(i), "fallbacks[" + i + "]"));
      }
      if (copy.size() > 100) {
        throw new IllegalArgumentException(
            "fallbacks must hold at most 100 endpoints but had " + copy.size());
      }
      this.fallbacks.clear();
      this.fallbacks.addAll(copy);
      return this;
    }

    /**
     * Sets how endpoints' health is tracked and when calls fall back (default {@link
     * RoutingPolicy#defaults()}).
     *
     * @param policy the policy
     * @return this builder
     * @throws NullPointerException if {@code policy} is null
     */
    public Builder routing(RoutingPolicy policy) {
      this.routing = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Limits each cache scope (tenant) to this rate of calls sent to servers, in this client's
     * memory (default none). Cache hits and joined calls do not count. See {@link RateLimit}.
     *
     * @param limit the limit of each scope
     * @return this builder
     * @throws NullPointerException if {@code limit} is null
     */
    public Builder rateLimitPerScope(RateLimit limit) {
      this.rateLimitPerScope = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /**
     * Limits each endpoint to this rate of calls, in this client's memory (default none); a
     * fallback counts on the endpoint it goes to. See {@link RateLimit}.
     *
     * @param limit the limit of each endpoint
     * @return this builder
     * @throws NullPointerException if {@code limit} is null
     */
    public Builder rateLimitPerEndpoint(RateLimit limit) {
      this.rateLimitPerEndpoint = Objects.requireNonNull(limit, "limit");
      return this;
    }

    private static void checkEndpoints(List<Endpoint> list) {
      if (list.size() > 100) {
        throw new IllegalArgumentException(
            "endpoints must hold at most 100 endpoints but had " + list.size());
      }
      Set<String> seen = new HashSet<>();
      for (Endpoint e : list) {
        String url = OpenAiTransport.parseBaseUrl(e.baseUrl()).toString();
        if (!seen.add(url)) {
          throw new IllegalArgumentException(
              "endpoints names base URL "
                  + e.baseUrl()
                  + " twice; give it a larger weight instead");
        }
      }
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
      this.tierDataSource = null;
      this.tierJdbcUrl = null;
      return this;
    }

    /**
     * Turns on the shared tier on a data source the application already has (a Spring Boot
     * application's {@code DataSource}, say) instead of a DB pool of the client's own. The client
     * opens and closes the tier, but never closes {@code dataSource}: its owner does, after closing
     * the client. No {@link #dbPool(DbPoolConfig)} is needed; if one is set as well, the tier still
     * uses {@code dataSource}.
     *
     * @param config the tier's configuration
     * @param dataSource pooled connections to the database; not closed by the client
     * @param jdbcUrl the URL {@code dataSource} connects to; its prefix picks the SQL dialect
     *     ({@code jdbc:postgresql:} or {@code jdbc:h2:}). Never shown with its password.
     * @return this builder
     * @throws IllegalArgumentException if {@code jdbcUrl} is not a {@code jdbc:postgresql:} or
     *     {@code jdbc:h2:} URL
     * @throws NullPointerException if an argument is null
     */
    public Builder sharedTier(SharedTierConfig config, DataSource dataSource, String jdbcUrl) {
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(dataSource, "dataSource");
      Objects.requireNonNull(jdbcUrl, "jdbcUrl");
      if (!jdbcUrl.startsWith("jdbc:postgresql:") && !jdbcUrl.startsWith("jdbc:h2:")) {
        int colon = jdbcUrl.indexOf(':', jdbcUrl.indexOf(':') + 1);
        throw new IllegalArgumentException(
            "jdbcUrl must start with jdbc:postgresql: or jdbc:h2: but was "
                + (colon < 0 ? "\"" + jdbcUrl + "\"" : jdbcUrl.substring(0, colon + 1) + "..."));
      }
      this.sharedTier = config;
      this.tierDataSource = dataSource;
      this.tierJdbcUrl = jdbcUrl;
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
     * Sets the default deadline of blocking and async chat calls and of embeddings (default: the
     * HTTP pool's call timeout, 30 seconds unless configured): the longest a whole call may take,
     * counting the wait for a slot, every retry and backoff, and the whole body. {@link
     * CallOptions.Builder#timeout} overrides it per call.
     *
     * @param timeout the deadline
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is zero, negative or over one day
     * @throws NullPointerException if {@code timeout} is null
     */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = CallOptions.checkTimeout("callTimeout", timeout);
      return this;
    }

    /**
     * Sets the default deadline of a whole stream (default {@link #DEFAULT_STREAM_TIMEOUT}, 10
     * minutes). {@link CallOptions.Builder#timeout} overrides it per call.
     *
     * @param timeout the deadline
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is zero, negative or over one day
     * @throws NullPointerException if {@code timeout} is null
     */
    public Builder streamTimeout(Duration timeout) {
      this.streamTimeout = CallOptions.checkTimeout("streamTimeout", timeout);
      return this;
    }

    /**
     * Sets how many calls may be at the server at once, every call mode counted (default {@link
     * #DEFAULT_MAX_CONCURRENT_CALLS_PER_ENDPOINT}, 256). A call beyond it waits for a slot until
     * its deadline, then fails with a {@link ConcurrencyLimitException}. Cache hits and calls that
     * join an identical call in flight take no slot.
     *
     * @param max the slots for the endpoint
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is below 1 or above 100,000
     */
    public Builder maxConcurrentCallsPerEndpoint(int max) {
      this.maxConcurrentCallsPerEndpoint = checkCount("maxConcurrentCallsPerEndpoint", max, 1);
      return this;
    }

    /**
     * Sets how many calls may be at all of the client's servers at once (default {@link
     * #DEFAULT_MAX_CONCURRENT_CALLS}, 1024).
     *
     * @param max the slots in total
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is below 1 or above 100,000
     */
    public Builder maxConcurrentCalls(int max) {
      this.maxConcurrentCalls = checkCount("maxConcurrentCalls", max, 1);
      return this;
    }

    /**
     * Sets how many calls may wait for a slot (default {@link #DEFAULT_MAX_WAITING_CALLS}); one
     * more fails at once with a {@link ConcurrencyLimitException}. Zero makes a call that finds no
     * slot fail at once.
     *
     * @param max the waiting calls
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is negative or above 100,000
     */
    public Builder maxWaitingCalls(int max) {
      this.maxWaitingCalls = checkCount("maxWaitingCalls", max, 0);
      return this;
    }

    private static int checkCount(String field, int value, int min) {
      if (value < min || value > 100_000) {
        throw new IllegalArgumentException(
            field + " must be between " + min + " and 100000 but was " + value);
      }
      return value;
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
      if (endpoints.isEmpty() && baseUrl == null) {
        throw new IllegalStateException("baseUrl is required");
      }
      if (!endpoints.isEmpty() && (apiKey != null || apiKeySupplier != null)) {
        throw new IllegalStateException(
            "apiKey belongs to the baseUrl endpoint; with endpoints, set each Endpoint's key"
                + " (value hidden)");
      }
      ClientParts parts = shared;
      boolean own =
          parts == null
              || inferenceCache != null
              || embeddingCache != null
              || httpPool != null
              || dbPool != null
              || sharedTier != null;
      if (own) {
        parts =
            ClientParts.start(
                shared,
                inferenceCache,
                embeddingCache,
                httpPool,
                dbPool,
                sharedTier,
                tierDataSource,
                tierJdbcUrl,
                logger);
      }
      return new InferenceClient(this, Objects.requireNonNull(parts), own);
    }

    @Override
    public String toString() {
      return "InferenceClient.Builder{baseUrl="
          + baseUrl
          + ", endpoints="
          + endpoints.size()
          + ", apiKey="
          + (apiKey == null && apiKeySupplier == null ? "none" : "****")
          + ", scope="
          + scope
          + "}";
    }
  }
}
