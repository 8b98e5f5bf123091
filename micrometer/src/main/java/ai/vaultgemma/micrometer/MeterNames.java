package ai.vaultgemma.micrometer;

/**
 * The names and tag keys of the meters {@link InferenceMetrics} registers, for dashboards, alerts
 * and tests. The GenAI names are OpenTelemetry's semantic conventions; cache names are Micrometer's
 * own cache conventions; the rest carry a {@code vaultgemma.} prefix (the shared tier's: {@code
 * vaultgemma.shared_tier.}). A Prometheus registry turns dots into underscores and adds the base
 * unit and {@code _total} as usual: {@link #OPERATION_DURATION} is scraped as {@code
 * gen_ai_client_operation_duration_seconds_bucket}.
 *
 * <p>Constants only; see the module's README for each meter's tags and units.
 */
public final class MeterNames {
  private MeterNames() {}

  // ---- Calls (from the listener) ---------------------------------------------------------------

  /** Timer, seconds: one sample per call, from its start to its end, whatever answered it. */
  public static final String OPERATION_DURATION = "gen_ai.client.operation.duration";

  /**
   * Distribution summary, tokens: the prompt ({@code input}) and completion ({@code output}) tokens
   * the server spent on calls it answered itself (cache level {@code miss}).
   */
  public static final String TOKEN_USAGE = "gen_ai.client.token.usage";

  /** Timer, seconds: from a streamed call's start to its first chunk, live or replayed. */
  public static final String TIME_TO_FIRST_CHUNK = "gen_ai.client.operation.time_to_first_chunk";

  /** Counter, tokens: prompt tokens the server reported as served from its own prompt cache. */
  public static final String CACHED_TOKENS = "vaultgemma.client.cached.tokens";

  /** Counter, tokens: completion tokens the server reported as spent on hidden reasoning. */
  public static final String REASONING_TOKENS = "vaultgemma.client.reasoning.tokens";

  /**
   * Counter, tokens: the tokens a chat answer served from a cache (or a joined call) had cost when
   * the server computed it: what the caches saved.
   */
  public static final String SAVED_TOKENS = "vaultgemma.client.saved.tokens";

  /** Gauge: calls between their start and end right now, cache hits included. */
  public static final String CALLS_ACTIVE = "vaultgemma.client.calls.active";

  /** Timer, seconds: one sample per HTTP attempt, to its response headers or its failure. */
  public static final String HTTP_ATTEMPTS = "vaultgemma.http.attempts";

  /** Counter: retries the retry policy scheduled, by reason. */
  public static final String HTTP_RETRIES = "vaultgemma.http.retries";

  /**
   * Timer, seconds: one sample per time a client-side rate limit held a call back before it went to
   * the server (a limit whose action is {@code WAIT}), the time it waited.
   */
  public static final String RATE_LIMIT_WAITS = "vaultgemma.rate_limit.waits";

  // ---- Caches (from bind)
  // ------------------------------------------------------------------------

  /** Function counter: cache lookups, tag {@code result} = {@code hit} or {@code miss}. */
  public static final String CACHE_GETS = "cache.gets";

  /** Function counter: entries the cache removed on its own (expired or evicted for size). */
  public static final String CACHE_EVICTIONS = "cache.evictions";

  /** Gauge: live entries. */
  public static final String CACHE_SIZE = "cache.size";

  /** Gauge, bytes: the live entries' size as the cache's weigher measures it. */
  public static final String CACHE_SIZE_BYTES = "vaultgemma.cache.size.bytes";

  // ---- Pools (from bind)
  // -------------------------------------------------------------------------

  /** Gauge: HTTP connections in the pool, tag {@code state} = {@code in_use} or {@code idle}. */
  public static final String HTTP_POOL_CONNECTIONS = "vaultgemma.http.pool.connections";

  /** Gauge: calls in OkHttp's dispatcher, tag {@code state} = {@code queued} or {@code running}. */
  public static final String HTTP_POOL_CALLS = "vaultgemma.http.pool.calls";

  /** Gauge: DB connections, tag {@code state} = {@code in_use} or {@code idle}. */
  public static final String DB_POOL_CONNECTIONS = "vaultgemma.db.pool.connections";

  /** Gauge: threads waiting for a DB connection. */
  public static final String DB_POOL_PENDING = "vaultgemma.db.pool.pending";

  /** Gauge: the DB pool's configured maximum of open connections. */
  public static final String DB_POOL_MAX = "vaultgemma.db.pool.max";

  /** Function timer, seconds: DB connections handed out, and the time callers waited for them. */
  public static final String DB_POOL_ACQUIRE = "vaultgemma.db.pool.acquire";

  /** Function counter: DB connection requests that timed out. */
  public static final String DB_POOL_TIMEOUTS = "vaultgemma.db.pool.timeouts";

  // ---- Shared tier (from bind, only with a shared tier)
  // --------------------------------------------------------

  /**
   * Function counter: second-level (L2) lookups in the shared tier, tag {@code result} = {@code
   * hit}, {@code miss} (the database answered "absent"), {@code timeout} (no answer within the read
   * budget), {@code failure}, {@code circuit_open} (the database was not asked) or {@code
   * queue_full} (no read thread free, or the tier closed). Every result but {@code hit} is a miss
   * for the caller.
   */
  public static final String SHARED_TIER_LOOKUPS = "vaultgemma.shared_tier.lookups";

  /**
   * Function counter: second-level writes that have ended, tag {@code result} = {@code written}
   * (committed), {@code dropped} (queue full, tier closed, or still queued at close), {@code
   * failed} (the database rejected it) or {@code oversized} (above the size limit, never queued).
   * Writes accepted = written + dropped + failed + {@link #SHARED_TIER_WRITES_QUEUED}.
   */
  public static final String SHARED_TIER_WRITES = "vaultgemma.shared_tier.writes";

  /** Gauge: second-level writes accepted and not yet ended, in the queue or the batch underway. */
  public static final String SHARED_TIER_WRITES_QUEUED = "vaultgemma.shared_tier.writes.queued";

  /**
   * Function counter: inference log rows that have ended, tag {@code result} = {@code written},
   * {@code dropped} (queue full, log closed, or still queued at close) or {@code failed} (the
   * database rejected it). Rows accepted = written + dropped + failed + {@link
   * #SHARED_TIER_LOG_ROWS_QUEUED}.
   */
  public static final String SHARED_TIER_LOG_ROWS = "vaultgemma.shared_tier.log.rows";

  /** Gauge: inference log rows accepted and not yet ended, in the queue or the batch underway. */
  public static final String SHARED_TIER_LOG_ROWS_QUEUED = "vaultgemma.shared_tier.log.rows.queued";

  /**
   * Gauge: 1 while the shared tier cannot reach its database (its health status is {@code
   * degraded}), else 0.
   */
  public static final String SHARED_TIER_DEGRADED = "vaultgemma.shared_tier.degraded";

  /**
   * Function counter: shared rate-limit decisions, tag {@code result} = {@code admitted}, {@code
   * refused} (by the database) or {@code fallback} (the database could not decide in time, failed,
   * its breaker was open or no read thread was free, so this instance decided alone). Only on
   * PostgreSQL, where the tier can take shared decisions; it stays at zero unless a rate limit is
   * {@code shared}.
   */
  public static final String SHARED_TIER_RATE_LIMIT_DECISIONS =
      "vaultgemma.shared_tier.rate_limit.decisions";

  // ---- Tag keys
  // ----------------------------------------------------------------------------------

  /** {@code chat} or {@code embeddings}. */
  public static final String TAG_OPERATION = "gen_ai.operation.name";

  /** The model the request named, bounded by {@link InferenceMetrics.Builder#modelTagLimit}. */
  public static final String TAG_REQUEST_MODEL = "gen_ai.request.model";

  /** The model the answer named; the request's model when the answer names none or failed. */
  public static final String TAG_RESPONSE_MODEL = "gen_ai.response.model";

  /** {@code input} or {@code output}. */
  public static final String TAG_TOKEN_TYPE = "gen_ai.token.type";

  /** {@code none}, or the simple class name of the call's or attempt's exception. */
  public static final String TAG_ERROR_TYPE = "error.type";

  /** The server's host name, as the attempt addressed it. */
  public static final String TAG_SERVER_ADDRESS = "server.address";

  /** {@code l1}, {@code l2}, {@code joined} or {@code miss}: which level answered. */
  public static final String TAG_CACHE_LEVEL = "vaultgemma.cache.level";

  /**
   * Calls: {@code success} or {@code error}. Attempts: {@code informational}, {@code success},
   * {@code redirection}, {@code client_error}, {@code server_error} or {@code io_error}.
   */
  public static final String TAG_OUTCOME = "outcome";

  /** An attempt's HTTP status code, {@code none} when it got no response. */
  public static final String TAG_STATUS = "http.response.status_code";

  /** Why a retry was scheduled: the status ({@code 503}) or the failure's class name. */
  public static final String TAG_REASON = "reason";

  /** Which cache: {@code inference} or {@code embeddings}. */
  public static final String TAG_CACHE = "cache";

  /**
   * How a lookup, write or decision ended: {@code hit} or {@code miss} on {@link #CACHE_GETS}; the
   * values each shared-tier counter lists ({@link #SHARED_TIER_LOOKUPS}, {@link
   * #SHARED_TIER_WRITES}, {@link #SHARED_TIER_LOG_ROWS}, {@link
   * #SHARED_TIER_RATE_LIMIT_DECISIONS}).
   */
  public static final String TAG_RESULT = "result";

  /** A pool meter's state: {@code in_use}, {@code idle}, {@code queued}, {@code running}. */
  public static final String TAG_STATE = "state";

  /** The DB pool's name, from its configuration. */
  public static final String TAG_POOL = "pool";
}
