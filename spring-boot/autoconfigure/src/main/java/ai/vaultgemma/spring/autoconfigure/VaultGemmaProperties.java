package ai.vaultgemma.spring.autoconfigure;

import ai.vaultgemma.core.RateLimit;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code vaultgemma.*} properties the auto-configuration builds its {@code InferenceClient}
 * from. Every property is optional: one that is not set falls back to the seed's environment
 * variable named in its description (such as {@code INFERENCE_BASE_URL}) and then to the library's
 * default, so an application that already runs on those variables keeps its behaviour. Relaxed
 * binding gives every property an environment variable of its own as well ({@code
 * VAULTGEMMA_CACHE_INFERENCE_CAPACITY} for {@code vaultgemma.cache.inference.capacity}).
 *
 * <pre>{@code
 * vaultgemma:
 *   base-url: http://localhost:8080/v1
 *   api-key: ${INFERENCE_API_KEY}
 *   cache:
 *     inference:
 *       capacity: 10000
 *       ttl: 2h
 * }</pre>
 *
 * <p>Several inference servers take {@code endpoints} instead of {@code base-url}:
 *
 * <pre>{@code
 * vaultgemma:
 *   endpoints:
 *     - base-url: http://vllm-1:8000/v1
 *     - base-url: http://vllm-2:8000/v1
 *       weight: 2
 *   fallbacks:
 *     - base-url: https://api.example.com/v1
 *       api-key: ${EXAMPLE_API_KEY}
 *       models:
 *         gemma-3-4b: google/gemma-3-4b-it
 *   rate-limit.per-scope:
 *     requests-per-minute: 600
 * }</pre>
 *
 * <p>Values are checked when the client is built, at startup: a bad one stops the application with
 * a message that names the property, such as {@code vaultgemma.cache.inference.capacity must be > 0
 * but was -5} or {@code vaultgemma.endpoints[1].weight must be between 1 and 1000 but was 0}. API
 * keys and the database password are never shown, in messages or in {@link #toString()}.
 *
 * <p>Immutable and thread-safe (a record bound by constructor).
 *
 * @param enabled whether to create the client at all; {@code false} starts nothing. Default true.
 * @param baseUrl the inference server's base URL, the part before {@code /chat/completions}, such
 *     as {@code http://localhost:8080/v1}. Falls back to {@code INFERENCE_BASE_URL}, then to {@code
 *     http://localhost:8080/v1}. Not together with {@code endpoints}.
 * @param apiKey the API key sent as {@code Authorization: Bearer} to {@code base-url}; never
 *     logged. Falls back to {@code INFERENCE_API_KEY}; none when neither is set. Not together with
 *     {@code endpoints}, which take an {@code api-key} each.
 * @param endpoints several inference servers (replicas of one service) to spread calls over,
 *     instead of {@code base-url}; each takes {@code base-url} (required), {@code api-key}, {@code
 *     weight} (1 to 1000, default 1) and {@code models.<requested>=<name there>}. The first names
 *     the cache key. When set, {@code INFERENCE_BASE_URL} and {@code INFERENCE_API_KEY} are not
 *     read. Default: none, one server at {@code base-url}.
 * @param fallbacks servers tried in this order when a call failed on the endpoints (another
 *     provider, or another model through {@code models}); same keys as {@code endpoints}. Default
 *     none.
 * @param routing endpoint health (circuit breakers, probes) and how far a call falls back
 * @param rateLimit client-side rate limits per cache scope and per endpoint
 * @param logging the client's log events: logger name, redaction and prompt text
 * @param cacheScope the client's cache scope, such as a tenant id: answers cached under one scope
 *     are never served to another. Default {@code default}.
 * @param callTimeout the deadline of a whole blocking or async call or embedding, counting the wait
 *     for a slot, every retry and the body. Default: the HTTP pool's call timeout (30 s).
 * @param streamTimeout the deadline of a whole stream. Default 10 minutes.
 * @param shutdownTimeout how long closing the client waits for calls in flight when the application
 *     shuts down. Default 30 s.
 * @param maxConcurrentCalls how many calls may be at all servers at once. Default 1024.
 * @param maxConcurrentCallsPerEndpoint how many calls may be at the server at once. Default 256.
 * @param maxWaitingCalls how many calls may wait for a slot; one more fails at once. Default 10000.
 * @param cache the chat and embedding caches
 * @param http the HTTP pool: timeouts, connections and retries
 * @param db a DB pool of the client's own, for the shared tier
 * @param tier the shared tier: a second cache level and the inference log in PostgreSQL. Named
 *     {@code tier}, not {@code shared-tier}: under relaxed binding the seed's {@code
 *     VAULTGEMMA_SHARED_TIER=on|off} variable would be read as the whole group and fail to bind.
 * @param health the Actuator health indicator
 * @param metrics the Micrometer meters, when {@code vaultgemma-micrometer} and a {@code
 *     MeterRegistry} are there
 * @param tracing the OpenTelemetry spans, when {@code vaultgemma-opentelemetry} and an {@code
 *     OpenTelemetry} bean are there
 */
@ConfigurationProperties(VaultGemmaProperties.PREFIX)
public record VaultGemmaProperties(
    @DefaultValue("true") boolean enabled,
    @Nullable String baseUrl,
    @Nullable String apiKey,
    @Nullable String cacheScope,
    @Nullable Duration callTimeout,
    @Nullable Duration streamTimeout,
    @Nullable Duration shutdownTimeout,
    @Nullable Integer maxConcurrentCalls,
    @Nullable Integer maxConcurrentCallsPerEndpoint,
    @Nullable Integer maxWaitingCalls,
    @DefaultValue List<EndpointSpec> endpoints,
    @DefaultValue List<EndpointSpec> fallbacks,
    @DefaultValue Routing routing,
    @DefaultValue RateLimits rateLimit,
    @DefaultValue Logging logging,
    @DefaultValue Cache cache,
    @DefaultValue Http http,
    @DefaultValue Db db,
    @DefaultValue SharedTier tier,
    @DefaultValue Health health,
    @DefaultValue Metrics metrics,
    @DefaultValue Tracing tracing) {

  /** The prefix of every property: {@value}. */
  public static final String PREFIX = "vaultgemma";

  /** Shows every value but the API key, whose presence only is shown. */
  @Override
  public String toString() {
    return "VaultGemmaProperties{enabled="
        + enabled
        + ", baseUrl="
        + baseUrl
        + ", apiKey="
        + (apiKey == null ? "none" : "****")
        + ", cacheScope="
        + cacheScope
        + ", callTimeout="
        + callTimeout
        + ", streamTimeout="
        + streamTimeout
        + ", shutdownTimeout="
        + shutdownTimeout
        + ", maxConcurrentCalls="
        + maxConcurrentCalls
        + ", maxConcurrentCallsPerEndpoint="
        + maxConcurrentCallsPerEndpoint
        + ", maxWaitingCalls="
        + maxWaitingCalls
        + ", endpoints="
        + endpoints
        + ", fallbacks="
        + fallbacks
        + ", routing="
        + routing
        + ", rateLimit="
        + rateLimit
        + ", logging="
        + logging
        + ", cache="
        + cache
        + ", http="
        + http
        + ", db="
        + db
        + ", tier="
        + tier
        + ", health="
        + health
        + ", metrics="
        + metrics
        + ", tracing="
        + tracing
        + "}";
  }

  /**
   * One inference server of {@code vaultgemma.endpoints} or {@code vaultgemma.fallbacks}: its base
   * URL, credentials, weight and model-name mapping (see {@code ai.vaultgemma.core.Endpoint}).
   *
   * <pre>{@code
   * vaultgemma.endpoints[0].base-url=http://vllm-1:8000/v1
   * vaultgemma.endpoints[0].weight=2
   * vaultgemma.endpoints[0].models.gemma-3-4b=google/gemma-3-4b-it
   * vaultgemma.endpoints[0].models.[gemma.3]=gemma-3     # brackets keep dots, slashes, capitals
   * }</pre>
   *
   * @param baseUrl the server's base URL, the part before {@code /chat/completions}. Required.
   * @param apiKey the API key sent to this server as {@code Authorization: Bearer}; never logged or
   *     shown. Default none.
   * @param weight with equal load, an endpoint of weight 2 gets about twice the calls of one of
   *     weight 1. From 1 to 1000; default 1.
   * @param models model names this server knows by another name: the requested name (the key) is
   *     sent to it as the value. A key holding dots, slashes or capitals needs brackets ({@code
   *     models.[Gemma/3]}), or Spring drops those characters. Default none: names go as requested.
   */
  public record EndpointSpec(
      @Nullable String baseUrl,
      @Nullable String apiKey,
      @Nullable Integer weight,
      @DefaultValue Map<String, String> models) {

    /** Shows every value but the API key, whose presence only is shown. */
    @Override
    public String toString() {
      return "EndpointSpec{baseUrl="
          + baseUrl
          + ", apiKey="
          + (apiKey == null ? "none" : "****")
          + ", weight="
          + weight
          + ", models="
          + models
          + "}";
    }
  }

  /**
   * How endpoints' health is tracked and how far a call falls back (see {@code
   * ai.vaultgemma.core.RoutingPolicy}). Applies with one endpoint as well.
   *
   * @param failureThreshold how many failures in a row (connection errors, timeouts, 5xx, 429) open
   *     an endpoint's circuit breaker. From 1 to 1000; default 5.
   * @param openDuration how long a breaker stays open before one call or probe tries the endpoint
   *     again. Positive, at most one day; default 30 s.
   * @param probeInterval how often each endpoint is probed with {@code GET models}, on the client's
   *     own threads; {@code 0s} turns probing off. At most one day; default 10 s.
   * @param probeTimeout how long one probe may take. Positive, at most one day; default 5 s.
   * @param maxEndpointsPerCall how many endpoints one call may try, the first included; 1 turns
   *     fallback off. From 1 to 100; default 3.
   */
  public record Routing(
      @Nullable Integer failureThreshold,
      @Nullable Duration openDuration,
      @Nullable Duration probeInterval,
      @Nullable Duration probeTimeout,
      @Nullable Integer maxEndpointsPerCall) {}

  /**
   * Client-side rate limits, in this client's memory (see {@code ai.vaultgemma.core.RateLimit}).
   * Only calls that reach a server count; cache hits do not.
   *
   * @param perScope the limit of each cache scope (tenant)
   * @param perEndpoint the limit of each endpoint; a fallback counts on the endpoint it goes to
   */
  public record RateLimits(@DefaultValue Limit perScope, @DefaultValue Limit perEndpoint) {}

  /**
   * One rate limit: off unless {@code requests-per-minute} or {@code tokens-per-minute} is set.
   *
   * @param requestsPerMinute the calls allowed per minute, as a smooth rate with a burst of one
   *     second's worth. From 1 to 100000000; default none.
   * @param tokensPerMinute the tokens (prompt and completion, estimated from the request and
   *     corrected from the server's usage) allowed per minute. From 1 to 100000000; default none.
   * @param whenExceeded what a call over the limit does: {@code wait} (within its deadline) or
   *     {@code reject} (fail at once with {@code RateLimitExceededException}). Default {@code
   *     wait}.
   */
  public record Limit(
      @Nullable Long requestsPerMinute,
      @Nullable Long tokensPerMinute,
      RateLimit.@Nullable Action whenExceeded) {}

  /**
   * The client's structured log events ({@code inference}, {@code http_request}, {@code cache},
   * {@code db}); see {@code ai.vaultgemma.logging.LogPolicy}. With none of these set the client
   * logs as without Spring. Levels and appenders stay with the application's logging ({@code
   * logging.level.<logger-name>}).
   *
   * @param loggerName the SLF4J logger the events go to. Default {@code
   *     ai.vaultgemma.core.InferenceClient}.
   * @param redactedNames field names written as {@code [REDACTED]}, added to the defaults ({@code
   *     api_key}, {@code apikey}, {@code authorization}, {@code password}, {@code secret}, {@code
   *     token}), which always stay. Matched case-insensitively as whole words. Default none added.
   * @param logText whether prompt and response text may be written, cut to {@code max-text-length}.
   *     Default false: user text often carries personal data.
   * @param maxTextLength how many characters of a prompt or response are kept when {@code log-text}
   *     is on. At least 1; default 200.
   */
  public record Logging(
      @Nullable String loggerName,
      @DefaultValue List<String> redactedNames,
      @DefaultValue("false") boolean logText,
      @Nullable Integer maxTextLength) {}

  /**
   * The two response caches.
   *
   * @param inference the chat answer cache
   * @param embeddings the embedding cache
   */
  public record Cache(@DefaultValue CacheSpec inference, @DefaultValue CacheSpec embeddings) {}

  /**
   * One in-memory cache.
   *
   * @param capacity the most entries it holds. Default 1000 for chat answers (falls back to {@code
   *     INFERENCE_CACHE_CAPACITY}), 500 for embeddings.
   * @param ttl how long an entry lives. Default 1 h for chat answers (falls back to {@code
   *     INFERENCE_CACHE_TTL_HOURS}), 24 h for embeddings.
   */
  public record CacheSpec(@Nullable Long capacity, @Nullable Duration ttl) {}

  /**
   * The HTTP pool.
   *
   * @param connectTimeout the TCP and TLS connect timeout. Default 10 s.
   * @param readTimeout the longest silence while reading a response. Default 30 s.
   * @param writeTimeout the longest stall while writing a request. Default 30 s.
   * @param callTimeout the default deadline of one HTTP call. Default 30 s; falls back to {@code
   *     HTTP_TIMEOUT_SECONDS}.
   * @param streamIdleTimeout the longest silence between two chunks of a stream. Default 60 s.
   * @param maxIdleConnections the most idle connections kept. Default 100; falls back to {@code
   *     HTTP_MAX_IDLE_CONNS}.
   * @param keepAlive how long an idle connection is kept. Default 5 minutes.
   * @param maxRequests the most requests in flight in the pool. Default 1024.
   * @param maxRequestsPerHost the most requests in flight to one host. Default 1024.
   * @param http2 whether to offer HTTP/2 over TLS. Default true.
   * @param retry how failed requests are sent again
   */
  public record Http(
      @Nullable Duration connectTimeout,
      @Nullable Duration readTimeout,
      @Nullable Duration writeTimeout,
      @Nullable Duration callTimeout,
      @Nullable Duration streamIdleTimeout,
      @Nullable Integer maxIdleConnections,
      @Nullable Duration keepAlive,
      @Nullable Integer maxRequests,
      @Nullable Integer maxRequestsPerHost,
      @Nullable Boolean http2,
      @DefaultValue Retry retry) {}

  /**
   * The retry policy of the HTTP pool, the only source of re-sends.
   *
   * @param maxRetries how many times a request is sent again after the first try; 0 turns retries
   *     off. Default 3.
   * @param initialBackoff the wait before the first retry. Default 100 ms.
   * @param backoffMultiplier how much each wait grows over the one before. Default 2.0.
   * @param maxBackoff the longest wait between two tries. Default 10 s.
   * @param retryOnIoFailure whether a request that failed with an I/O error (after it may have
   *     reached the server) is sent again. Default false.
   */
  public record Retry(
      @Nullable Integer maxRetries,
      @Nullable Duration initialBackoff,
      @Nullable Double backoffMultiplier,
      @Nullable Duration maxBackoff,
      @Nullable Boolean retryOnIoFailure) {}

  /**
   * A DB pool (HikariCP) of the client's own. Not needed when the shared tier uses the
   * application's {@code DataSource}.
   *
   * @param dsn the database, as a {@code postgres://} or {@code jdbc:} URL. Falls back to {@code
   *     POSTGRES_DSN}; no DB pool when neither is set.
   * @param username the user, if the DSN has none
   * @param password the password, if the DSN has none; never shown
   * @param maxOpen the most open connections. Default 25; falls back to {@code DB_MAX_OPEN_CONNS}.
   * @param maxIdle the most idle connections kept. Default 5; falls back to {@code
   *     DB_MAX_IDLE_CONNS}.
   * @param acquireTimeout the longest wait for a connection. Default 30 s.
   * @param failFast whether the application fails to start when the database cannot be reached.
   *     Default false: the shared tier starts degraded and recovers by itself.
   */
  public record Db(
      @Nullable String dsn,
      @Nullable String username,
      @Nullable String password,
      @Nullable Integer maxOpen,
      @Nullable Integer maxIdle,
      @Nullable Duration acquireTimeout,
      @DefaultValue("false") boolean failFast) {

    /** Shows every value but the password, whose presence only is shown; the DSN not at all. */
    @Override
    public String toString() {
      return "Db{dsn="
          + (dsn == null ? "none" : "****")
          + ", username="
          + username
          + ", password="
          + (password == null ? "none" : "****")
          + ", maxOpen="
          + maxOpen
          + ", maxIdle="
          + maxIdle
          + ", acquireTimeout="
          + acquireTimeout
          + ", failFast="
          + failFast
          + "}";
    }
  }

  /**
   * The shared tier.
   *
   * @param enabled whether to run the shared tier. Default: on when there is a database for it (a
   *     DB pool, or the application's {@code DataSource} with {@code use-application-data-source});
   *     falls back to {@code VAULTGEMMA_SHARED_TIER} ({@code on} or {@code off}).
   * @param useApplicationDataSource whether the tier uses the application's own {@code DataSource}
   *     bean instead of a DB pool of the client's own. Default false.
   * @param jdbcUrl the JDBC URL of the application's {@code DataSource}, which picks the SQL
   *     dialect. Default: {@code spring.datasource.url}, else asked of a connection at startup.
   * @param tablePrefix the prefix of the tier's tables. Default {@code vg_}.
   * @param readTimeout the budget of one lookup in the second level. Default 500 ms.
   */
  public record SharedTier(
      @Nullable Boolean enabled,
      @DefaultValue("false") boolean useApplicationDataSource,
      @Nullable String jdbcUrl,
      @Nullable String tablePrefix,
      @Nullable Duration readTimeout) {}

  /**
   * The Actuator health indicator, {@code vaultgemma} (turn it off with {@code
   * management.health.vaultgemma.enabled=false}).
   *
   * @param degradedStatus the Actuator status reported while the client is degraded (calls succeed
   *     but the database behind the shared tier fails). Default {@code UP}, so that a database
   *     outage does not take the application out of its load balancer; set {@code DOWN} or a custom
   *     status such as {@code DEGRADED} to change that.
   */
  public record Health(@DefaultValue("UP") String degradedStatus) {}

  /**
   * Micrometer metrics (the {@code vaultgemma-micrometer} module): call latency, tokens, HTTP
   * attempts and retries, both caches and both pools, in the application's {@code MeterRegistry}.
   * Configured only when that module is on the class path and there is a {@code MeterRegistry}
   * bean, as with Actuator.
   *
   * @param enabled whether to record the meters. Default true.
   * @param modelTagLimit how many distinct model names become tag values; later ones read {@code
   *     other}. Default 50.
   */
  public record Metrics(@DefaultValue("true") boolean enabled, @Nullable Integer modelTagLimit) {}

  /**
   * OpenTelemetry tracing (the {@code vaultgemma-opentelemetry} module): a span per call and per
   * HTTP attempt, with the GenAI attributes, and the trace context sent to the server. Configured
   * only when that module is on the class path and there is an {@code OpenTelemetry} bean.
   *
   * @param enabled whether to trace calls. Default true.
   * @param captureContent whether to record the chat messages sent and the answer on the call span
   *     ({@code gen_ai.input.messages}, {@code gen_ai.output.messages}). Default false: both may
   *     hold personal data.
   * @param maxContentLength how many characters of each captured message text are kept. Default
   *     4096.
   * @param traceCacheHits whether answers from the client's memory (L1 hits) get a call span too.
   *     Default false: no provider is called, and a span would cost several times the lookup; the
   *     GenAI metrics still count them.
   */
  public record Tracing(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("false") boolean captureContent,
      @Nullable Integer maxContentLength,
      @DefaultValue("false") boolean traceCacheHits) {}
}
