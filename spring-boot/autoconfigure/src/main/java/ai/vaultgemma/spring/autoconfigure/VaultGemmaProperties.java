package ai.vaultgemma.spring.autoconfigure;

import java.time.Duration;
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
 * <p>Values are checked when the client is built, at startup: a bad one stops the application with
 * a message that names the property, such as {@code vaultgemma.cache.inference.capacity must be > 0
 * but was -5}. The API key and the database password are never shown.
 *
 * <p>Immutable and thread-safe (a record bound by constructor).
 *
 * @param enabled whether to create the client at all; {@code false} starts nothing. Default true.
 * @param baseUrl the inference server's base URL, the part before {@code /chat/completions}, such
 *     as {@code http://localhost:8080/v1}. Falls back to {@code INFERENCE_BASE_URL}, then to {@code
 *     http://localhost:8080/v1}.
 * @param apiKey the API key sent as {@code Authorization: Bearer}; never logged. Falls back to
 *     {@code INFERENCE_API_KEY}; none when neither is set.
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
    @DefaultValue Cache cache,
    @DefaultValue Http http,
    @DefaultValue Db db,
    @DefaultValue SharedTier tier,
    @DefaultValue Health health,
    @DefaultValue Metrics metrics,
    @DefaultValue Tracing tracing) {

  /** The prefix of every property: {@value}. */
  public static final String PREFIX = "vaultgemma";

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
      @DefaultValue("false") boolean failFast) {}

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
   * @param captureContent whether to record the chat messages sent on the call span ({@code
   *     gen_ai.input.messages}). Default false: prompts may hold personal data.
   * @param maxContentLength how many characters of each captured message text are kept. Default
   *     4096.
   */
  public record Tracing(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("false") boolean captureContent,
      @Nullable Integer maxContentLength) {}
}
