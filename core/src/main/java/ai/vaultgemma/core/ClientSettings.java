package ai.vaultgemma.core;

import ai.vaultgemma.cache.CacheConfig;
import ai.vaultgemma.core.internal.BaseUrls;
import ai.vaultgemma.core.internal.ClientParts;
import ai.vaultgemma.core.internal.OpenAiTransport;
import ai.vaultgemma.core.tier.SharedTierConfig;
import ai.vaultgemma.logging.StructuredLogger;
import ai.vaultgemma.pool.DbPoolConfig;
import ai.vaultgemma.pool.HttpPoolConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * What {@link InferenceClient.Builder} sets: every setting, its default and its checks. The setters
 * live here, in the builder's only superclass, so that {@code InferenceClient.java} reads as the
 * client's API, the way the JDK's {@code StringBuilder} keeps its methods in {@code
 * AbstractStringBuilder}. Not used on its own; not thread-safe.
 */
abstract sealed class ClientSettings permits InferenceClient.Builder {
  @Nullable String baseUrl;
  @Nullable String apiKey;
  @Nullable Supplier<String> apiKeySupplier;
  final List<Endpoint> endpoints = new ArrayList<>();
  final List<Endpoint> fallbacks = new ArrayList<>();
  RoutingPolicy routing = RoutingPolicy.defaults();
  @Nullable RateLimit rateLimitPerScope;
  @Nullable RateLimit rateLimitPerEndpoint;
  String scope = InferenceClient.DEFAULT_SCOPE;
  StructuredLogger logger = StructuredLogger.of(InferenceClient.class);
  Duration shutdownTimeout = InferenceClient.DEFAULT_SHUTDOWN_TIMEOUT;
  Clock clock = Clock.systemUTC();
  @Nullable Duration callTimeout;
  Duration streamTimeout = InferenceClient.DEFAULT_STREAM_TIMEOUT;
  int maxConcurrentCalls = InferenceClient.DEFAULT_MAX_CONCURRENT_CALLS;
  int maxConcurrentCallsPerEndpoint = InferenceClient.DEFAULT_MAX_CONCURRENT_CALLS_PER_ENDPOINT;
  int maxWaitingCalls = InferenceClient.DEFAULT_MAX_WAITING_CALLS;
  @Nullable CacheConfig inferenceCache;
  @Nullable CacheConfig embeddingCache;
  @Nullable HttpPoolConfig httpPool;
  @Nullable DbPoolConfig dbPool;
  @Nullable SharedTierConfig sharedTier;
  @Nullable DataSource tierDataSource;
  @Nullable String tierJdbcUrl;
  @Nullable ClientParts shared;
  final List<InferenceListener.Factory> listeners = new ArrayList<>();
  @Nullable Supplier<@Nullable String> traceParent;

  /**
   * Adds a listener that hears every call of the client (see {@link InferenceListener} for its
   * events and rules). Listeners hear each event in the order they were added.
   *
   * @param listener the listener, shared by all calls; thread-safe
   * @return this builder
   * @throws NullPointerException if {@code listener} is null
   */
  public InferenceClient.Builder addListener(InferenceListener listener) {
    return addListenerFactory(InferenceListener.factory(listener));
  }

  /**
   * Adds a factory that makes a listener for each call, for listeners that keep state per call.
   *
   * @param factory called on the caller's thread as each call starts
   * @return this builder
   * @throws NullPointerException if {@code factory} is null
   */
  public InferenceClient.Builder addListenerFactory(InferenceListener.Factory factory) {
    listeners.add(Objects.requireNonNull(factory, "factory"));
    return self();
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
  public InferenceClient.Builder baseUrl(String baseUrl) {
    BaseUrls.parse(baseUrl);
    this.baseUrl = baseUrl.strip();
    this.endpoints.clear(); // the shorthand for one endpoint replaces a list set before
    return self();
  }

  /**
   * Sets the API key sent as {@code Authorization: Bearer}. Never logged, never in {@code
   * toString()} or exception messages.
   *
   * @param apiKey the key
   * @return this builder
   * @throws IllegalArgumentException if the key is blank or holds characters a header cannot carry
   *     (the value is not shown)
   * @throws NullPointerException if {@code apiKey} is null
   */
  public InferenceClient.Builder apiKey(String apiKey) {
    BaseUrls.checkApiKey(Objects.requireNonNull(apiKey, "apiKey"));
    this.apiKey = apiKey;
    this.apiKeySupplier = null;
    return self();
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
  public InferenceClient.Builder apiKey(Supplier<String> apiKey) {
    this.apiKeySupplier = Objects.requireNonNull(apiKey, "apiKey");
    this.apiKey = null;
    return self();
  }

  /**
   * Sets the endpoints calls are spread over (replicas of one service), replacing any set before,
   * and a {@link #baseUrl(String)} with its {@code apiKey} (the shorthand for one endpoint). Calls
   * go to the less loaded of two endpoints drawn by weight (see {@link RoutingPolicy} for health
   * and fallback). Cache keys name the first endpoint's base URL, so which replica answers never
   * changes a key, and a client that grows from one endpoint to several keeps its cached answers
   * when the old endpoint stays first.
   *
   * @param endpoints one or more endpoints, in order; the first is the primary
   * @return this builder
   * @throws IllegalArgumentException if the list is empty, over 100 endpoints, or names one base
   *     URL twice
   * @throws NullPointerException if the list or an element is null
   */
  public InferenceClient.Builder endpoints(List<Endpoint> endpoints) {
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
    return self();
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
  public InferenceClient.Builder addEndpoint(Endpoint endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    List<Endpoint> copy = new ArrayList<>();
    if (endpoints.isEmpty() && baseUrl != null) {
      copy.add(shorthandEndpoint());
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
    return self();
  }

  /**
   * Sets the fallback endpoints, tried in this order when a call failed on the replicas (see {@link
   * RoutingPolicy}): another provider, or the same server with another model through {@link
   * Endpoint.Builder#model(String, String)}. They get no traffic while a replica can take it.
   * Answers from a fallback are cached under the requested model like any other.
   *
   * @param fallbacks the fallback endpoints, in order; may be empty
   * @return this builder
   * @throws IllegalArgumentException if over 100 endpoints
   * @throws NullPointerException if the list or an element is null
   */
  public InferenceClient.Builder fallbacks(List<Endpoint> fallbacks) {
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
    return self();
  }

  /**
   * Sets how endpoints' health is tracked and when calls fall back (default {@link
   * RoutingPolicy#defaults()}).
   *
   * @param policy the policy
   * @return this builder
   * @throws NullPointerException if {@code policy} is null
   */
  public InferenceClient.Builder routing(RoutingPolicy policy) {
    this.routing = Objects.requireNonNull(policy, "policy");
    return self();
  }

  /**
   * Limits each cache scope (tenant) to this rate of calls sent to servers (default none), in this
   * client's memory, or in the shared tier for every instance when the limit is {@link
   * RateLimit.Builder#shared(boolean) shared}. Cache hits and joined calls do not count. See {@link
   * RateLimit}.
   *
   * @param limit the limit of each scope
   * @return this builder
   * @throws NullPointerException if {@code limit} is null
   */
  public InferenceClient.Builder rateLimitPerScope(RateLimit limit) {
    this.rateLimitPerScope = Objects.requireNonNull(limit, "limit");
    return self();
  }

  /**
   * Limits each endpoint to this rate of calls (default none), in this client's memory, or in the
   * shared tier for every instance (by endpoint name) when the limit is {@link
   * RateLimit.Builder#shared(boolean) shared}; a fallback counts on the endpoint it goes to. See
   * {@link RateLimit}.
   *
   * @param limit the limit of each endpoint
   * @return this builder
   * @throws NullPointerException if {@code limit} is null
   */
  public InferenceClient.Builder rateLimitPerEndpoint(RateLimit limit) {
    this.rateLimitPerEndpoint = Objects.requireNonNull(limit, "limit");
    return self();
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
            "endpoints names base URL " + e.baseUrl() + " twice; give it a larger weight instead");
      }
    }
  }

  /**
   * Sets the client's cache scope (default {@value InferenceClient#DEFAULT_SCOPE}). Answers cached
   * under one scope are never served to another; {@link CallOptions#scope()} overrides it per call.
   *
   * @param scope the scope, such as a tenant id
   * @return this builder
   * @throws IllegalArgumentException if the scope is blank or too long
   * @throws NullPointerException if {@code scope} is null
   */
  public InferenceClient.Builder cacheScope(String scope) {
    this.scope = CallOptions.checkScope("cacheScope", scope);
    return self();
  }

  /**
   * Sets the chat answer cache (default {@link CacheConfig#inference()}: 1000 entries, 1 h).
   *
   * @param config the cache's configuration
   * @return this builder
   * @throws NullPointerException if {@code config} is null
   */
  public InferenceClient.Builder inferenceCache(CacheConfig config) {
    this.inferenceCache = Objects.requireNonNull(config, "config");
    return self();
  }

  /**
   * Sets the embedding cache (default {@link CacheConfig#embeddings()}: 500 entries, 24 h).
   *
   * @param config the cache's configuration
   * @return this builder
   * @throws NullPointerException if {@code config} is null
   */
  public InferenceClient.Builder embeddingCache(CacheConfig config) {
    this.embeddingCache = Objects.requireNonNull(config, "config");
    return self();
  }

  /**
   * Sets the HTTP pool (default {@link HttpPoolConfig#defaults()}).
   *
   * @param config the pool's configuration
   * @return this builder
   * @throws NullPointerException if {@code config} is null
   */
  public InferenceClient.Builder httpPool(HttpPoolConfig config) {
    this.httpPool = Objects.requireNonNull(config, "config");
    return self();
  }

  /**
   * Gives the client a DB pool (default none), for the shared tier and the service's own queries.
   *
   * @param config the pool's configuration
   * @return this builder
   * @throws NullPointerException if {@code config} is null
   */
  public InferenceClient.Builder dbPool(DbPoolConfig config) {
    this.dbPool = Objects.requireNonNull(config, "config");
    return self();
  }

  /**
   * Turns on the shared tier (a second cache level and the inference log) in the DB pool's
   * database. Requires {@link #dbPool(DbPoolConfig)}.
   *
   * @param config the tier's configuration
   * @return this builder
   * @throws NullPointerException if {@code config} is null
   */
  public InferenceClient.Builder sharedTier(SharedTierConfig config) {
    this.sharedTier = Objects.requireNonNull(config, "config");
    this.tierDataSource = null;
    this.tierJdbcUrl = null;
    return self();
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
   * @param jdbcUrl the URL {@code dataSource} connects to; its prefix picks the SQL dialect ({@code
   *     jdbc:postgresql:} or {@code jdbc:h2:}). Never shown with its password.
   * @return this builder
   * @throws IllegalArgumentException if {@code jdbcUrl} is not a {@code jdbc:postgresql:} or {@code
   *     jdbc:h2:} URL
   * @throws NullPointerException if an argument is null
   */
  public InferenceClient.Builder sharedTier(
      SharedTierConfig config, DataSource dataSource, String jdbcUrl) {
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
    return self();
  }

  /**
   * Sets the logger for the client's events (default: logger {@code
   * ai.vaultgemma.core.InferenceClient} with the default redaction policy).
   *
   * @param logger the logger
   * @return this builder
   * @throws NullPointerException if {@code logger} is null
   */
  public InferenceClient.Builder logger(StructuredLogger logger) {
    this.logger = Objects.requireNonNull(logger, "logger");
    return self();
  }

  /**
   * Sets how long {@link InferenceClient#close()} waits for calls in flight (default 30 s).
   *
   * @param timeout the longest wait
   * @return this builder
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws NullPointerException if {@code timeout} is null
   */
  public InferenceClient.Builder shutdownTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("shutdownTimeout must be >= 0 but was " + timeout);
    }
    this.shutdownTimeout = timeout;
    return self();
  }

  /**
   * Sets the clock for log timestamps and {@code Retry-After} dates (default UTC system clock).
   *
   * @param clock the clock
   * @return this builder
   * @throws NullPointerException if {@code clock} is null
   */
  public InferenceClient.Builder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return self();
  }

  /**
   * Sets the default deadline of blocking and async chat calls and of embeddings (default: the HTTP
   * pool's call timeout, 30 seconds unless configured): the longest a whole call may take, counting
   * the wait for a slot, every retry and backoff, and the whole body. {@link
   * CallOptions.Builder#timeout} overrides it per call.
   *
   * @param timeout the deadline
   * @return this builder
   * @throws IllegalArgumentException if {@code timeout} is zero, negative or over one day
   * @throws NullPointerException if {@code timeout} is null
   */
  public InferenceClient.Builder callTimeout(Duration timeout) {
    this.callTimeout = CallOptions.checkTimeout("callTimeout", timeout);
    return self();
  }

  /**
   * Sets the default deadline of a whole stream (default {@link
   * InferenceClient#DEFAULT_STREAM_TIMEOUT}, 10 minutes). {@link CallOptions.Builder#timeout}
   * overrides it per call.
   *
   * @param timeout the deadline
   * @return this builder
   * @throws IllegalArgumentException if {@code timeout} is zero, negative or over one day
   * @throws NullPointerException if {@code timeout} is null
   */
  public InferenceClient.Builder streamTimeout(Duration timeout) {
    this.streamTimeout = CallOptions.checkTimeout("streamTimeout", timeout);
    return self();
  }

  /**
   * Sets how many calls may be at the server at once, every call mode counted (default {@link
   * InferenceClient#DEFAULT_MAX_CONCURRENT_CALLS_PER_ENDPOINT}, 256). A call beyond it waits for a
   * slot until its deadline, then fails with a {@link ConcurrencyLimitException}. Cache hits and
   * calls that join an identical call in flight take no slot.
   *
   * @param max the slots for the endpoint
   * @return this builder
   * @throws IllegalArgumentException if {@code max} is below 1 or above 100,000
   */
  public InferenceClient.Builder maxConcurrentCallsPerEndpoint(int max) {
    this.maxConcurrentCallsPerEndpoint = checkCount("maxConcurrentCallsPerEndpoint", max, 1);
    return self();
  }

  /**
   * Sets how many calls may be at all of the client's servers at once (default {@link
   * InferenceClient#DEFAULT_MAX_CONCURRENT_CALLS}, 1024).
   *
   * @param max the slots in total
   * @return this builder
   * @throws IllegalArgumentException if {@code max} is below 1 or above 100,000
   */
  public InferenceClient.Builder maxConcurrentCalls(int max) {
    this.maxConcurrentCalls = checkCount("maxConcurrentCalls", max, 1);
    return self();
  }

  /**
   * Sets how many calls may wait for a slot (default {@link
   * InferenceClient#DEFAULT_MAX_WAITING_CALLS}); one more fails at once with a {@link
   * ConcurrencyLimitException}. Zero makes a call that finds no slot fail at once.
   *
   * @param max the waiting calls
   * @return this builder
   * @throws IllegalArgumentException if {@code max} is negative or above 100,000
   */
  public InferenceClient.Builder maxWaitingCalls(int max) {
    this.maxWaitingCalls = checkCount("maxWaitingCalls", max, 0);
    return self();
  }

  private static int checkCount(String field, int value, int min) {
    if (value < min || value > 100_000) {
      throw new IllegalArgumentException(
          field + " must be between " + min + " and 100000 but was " + value);
    }
    return value;
  }

  ClientSettings() {}

  /**
   * Sets where a call's trace comes from when the caller has none of its own in the SLF4J MDC: a
   * W3C {@code traceparent} such as a tracer's current span's ({@code InferenceTracing
   * .traceParent()} in vaultgemma-opentelemetry). The call's log events, its inference-log row and
   * the {@code traceparent} it sends then continue that trace, so logs and spans share one trace
   * id. Called on the caller's thread as each call starts; it must be fast. Null or a malformed
   * value starts a new trace; a source that throws is logged at WARN and a new trace starts.
   *
   * @param source returns the current {@code traceparent}, or null when there is none
   * @return this builder
   * @throws NullPointerException if {@code source} is null
   */
  public InferenceClient.Builder traceParent(Supplier<@Nullable String> source) {
    this.traceParent = Objects.requireNonNull(source, "source");
    return self();
  }

  /**
   * Describes the settings for {@code toString()}: never a key, only whether there is one.
   *
   * @param url the base URL to show
   * @return for example {@code baseUrl=http://..., apiKey=****, scope=default}
   */
  String describe(@Nullable String url) {
    boolean several = endpoints.size() > 1 || !fallbacks.isEmpty();
    return "baseUrl="
        + url
        + (several
            ? ", endpoints=" + endpoints.size() + ", fallbacks=" + fallbacks.size()
            : ", apiKey=" + (apiKey == null && apiKeySupplier == null ? "none" : "****"))
        + ", scope="
        + scope;
  }

  /** The one endpoint {@code baseUrl(...)} and {@code apiKey(...)} describe. */
  Endpoint shorthandEndpoint() {
    Endpoint.Builder e = Endpoint.builder(Objects.requireNonNull(baseUrl, "baseUrl"));
    if (apiKey != null) {
      e.apiKey(apiKey);
    } else if (apiKeySupplier != null) {
      e.apiKey(apiKeySupplier);
    }
    return e.build();
  }

  /** This builder, typed for chaining. */
  private InferenceClient.Builder self() {
    return (InferenceClient.Builder) this; // sealed: the only subclass
  }

  /**
   * Copies every setting of {@code other} into this one, for {@link InferenceClient#newBuilder()}.
   *
   * @param other the settings to copy
   */
  void copyFrom(ClientSettings other) {
    baseUrl = other.baseUrl;
    apiKey = other.apiKey;
    apiKeySupplier = other.apiKeySupplier;
    endpoints.clear();
    endpoints.addAll(other.endpoints);
    fallbacks.clear();
    fallbacks.addAll(other.fallbacks);
    routing = other.routing;
    rateLimitPerScope = other.rateLimitPerScope;
    rateLimitPerEndpoint = other.rateLimitPerEndpoint;
    scope = other.scope;
    logger = other.logger;
    shutdownTimeout = other.shutdownTimeout;
    clock = other.clock;
    callTimeout = other.callTimeout;
    streamTimeout = other.streamTimeout;
    maxConcurrentCalls = other.maxConcurrentCalls;
    maxConcurrentCallsPerEndpoint = other.maxConcurrentCallsPerEndpoint;
    maxWaitingCalls = other.maxWaitingCalls;
    listeners.clear();
    listeners.addAll(other.listeners);
    traceParent = other.traceParent;
  }
}
