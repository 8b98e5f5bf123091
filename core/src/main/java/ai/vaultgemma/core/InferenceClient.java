package ai.vaultgemma.core;

import ai.vaultgemma.cache.ResponseCache;
import ai.vaultgemma.core.internal.ChunkPublisher;
import ai.vaultgemma.core.internal.ClientParts;
import ai.vaultgemma.core.internal.EnvSettings;
import ai.vaultgemma.core.internal.LibraryVersion;
import ai.vaultgemma.core.internal.path.CallGate;
import ai.vaultgemma.core.internal.path.RequestPath;
import ai.vaultgemma.core.tier.SharedTier;
import ai.vaultgemma.logging.StructuredLogger;
import ai.vaultgemma.pool.DbPool;
import ai.vaultgemma.pool.DbPoolConfig;
import ai.vaultgemma.pool.HttpPool;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
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
 * <p>Blocking, async and streamed chat, and embeddings, all run the same chain of stages (cache
 * levels, joining, routing, limits, the server); only the thread that waits differs. The stages are
 * listed, top to bottom, in one method of the internal {@code RequestPath}; README's "What one call
 * does" describes each. {@link InferenceListener}s hear what each call did.
 *
 * <h2>Closing</h2>
 *
 * <p>{@link #close()} stops new calls ({@link IllegalStateException}), waits up to the shutdown
 * timeout for calls in flight, then closes the parts this client created. A client made by {@link
 * #newBuilder()} does not own the parts it shares: closing it closes nothing shared, and its parent
 * should be closed last.
 */
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

  private final ClientParts parts;
  private final boolean ownsParts;
  private final CallGate calls;
  private final RequestPath path;
  private final Builder settings; // a copy, for newBuilder()
  private final Duration shutdownTimeout;

  private InferenceClient(Builder b, ClientParts parts, boolean ownsParts) {
    this.parts = parts;
    this.ownsParts = ownsParts;
    this.settings = new Builder();
    settings.copyFrom(b);
    this.shutdownTimeout = b.shutdownTimeout;
    this.path = new ClientAssembly(b).newPath(parts);
    this.calls = new CallGate(path, b.scope, b.traceParent, b.logger);
  }

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
    b.copyFrom(settings);
    b.shared = parts;
    return b;
  }

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
    return calls.chat(
        Objects.requireNonNull(request, "request"), Objects.requireNonNull(options, "options"));
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
    return calls.chatAsync(
        Objects.requireNonNull(request, "request"), Objects.requireNonNull(options, "options"));
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
    return calls.chatStream(
        Objects.requireNonNull(request, "request"),
        Objects.requireNonNull(listener, "listener"),
        Objects.requireNonNull(options, "options"));
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
    return calls.embed(
        Objects.requireNonNull(request, "request"), Objects.requireNonNull(options, "options"));
  }

  /**
   * Lists the models the server offers. Not cached.
   *
   * @return the models
   * @throws InferenceException if the call fails
   * @throws IllegalStateException if the client is closed
   */
  public ModelList models() {
    return calls.models();
  }

  /**
   * Returns the chat answer cache (L1), shared with clients made by {@link #newBuilder()}: for its
   * statistics, configuration and invalidation. Its values are the client's own.
   *
   * @return the cache
   */
  public ResponseCache<String, ?> inferenceCache() {
    return parts.chatCache();
  }

  /** {@return the embedding cache (L1), keyed per input; see {@link #inferenceCache()}} */
  public ResponseCache<String, ?> embeddingCache() {
    return parts.embeddingCache();
  }

  /** {@return the HTTP pool, for the service's own requests} */
  public HttpPool httpPool() {
    return parts.http();
  }

  /** {@return the DB pool for the service's own queries, or empty when none was configured} */
  public Optional<DbPool> dbPool() {
    return Optional.ofNullable(parts.db());
  }

  /** {@return the shared tier (L2 and inference log), or empty when none was configured} */
  public Optional<SharedTier> sharedTier() {
    return Optional.ofNullable(parts.tier());
  }

  /** {@return the structured logger the client logs its events with} */
  public StructuredLogger logger() {
    return settings.logger;
  }

  /** {@return the server's base URL, without a trailing slash} */
  public String baseUrl() {
    return path.transport().baseUrl();
  }

  /** {@return this client's cache scope} */
  public String scope() {
    return settings.scope;
  }

  /** {@return the library version, or {@code unknown}} */
  public static String version() {
    return LibraryVersion.VALUE;
  }

  /**
   * Takes a health snapshot: status, reasons, and the stats of every pool and cache. With a DB pool
   * this runs its health check, bounded by two seconds.
   *
   * @return the snapshot
   */
  public HealthSnapshot health() {
    return HealthSnapshot.of(isClosed(), LibraryVersion.VALUE, parts, path);
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
    if (calls.isClosed()) {
      return;
    }
    path.router().stopProbing();
    calls.closeAndAwait(shutdownTimeout); // says at WARN what is left in flight
    if (ownsParts) {
      parts.close();
    }
  }

  /** {@return true once {@link #close()} has been called} */
  public boolean isClosed() {
    return calls.isClosed();
  }

  @Override
  public String toString() {
    String tier = ", sharedTier=" + (parts.tier() != null);
    return "InferenceClient{"
        + settings.describe(baseUrl())
        + tier
        + ", closed="
        + isClosed()
        + "}";
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
  public static final class Builder extends ClientSettings {

    private Builder() {}

    /**
     * Builds the client, starting the pools it owns.
     *
     * @return the client
     * @throws IllegalStateException if no base URL was set, a shared tier was asked for without a
     *     DB pool, or a {@link RateLimit#shared() shared} rate limit has no shared tier on
     *     PostgreSQL
     * @throws ai.vaultgemma.pool.DbPoolException if the DB pool cannot start (see {@link
     *     DbPoolConfig.Builder#failFast})
     */
    public InferenceClient build() {
      ClientParts parts = new ClientAssembly(this).startParts();
      return new InferenceClient(this, parts, parts != shared);
    }

    @Override
    public String toString() {
      return "InferenceClient.Builder{" + describe(baseUrl) + "}";
    }
  }
}
