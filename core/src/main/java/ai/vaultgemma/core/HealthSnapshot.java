package ai.vaultgemma.core;

import ai.vaultgemma.cache.CacheStats;
import ai.vaultgemma.core.internal.ClientParts;
import ai.vaultgemma.core.internal.Json;
import ai.vaultgemma.core.internal.path.CallCounters;
import ai.vaultgemma.core.internal.path.RequestPath;
import ai.vaultgemma.core.tier.SharedRateLimitStats;
import ai.vaultgemma.core.tier.SharedRateLimits;
import ai.vaultgemma.core.tier.SharedTier;
import ai.vaultgemma.core.tier.SharedTierHealth;
import ai.vaultgemma.pool.DbHealth;
import ai.vaultgemma.pool.DbPool;
import ai.vaultgemma.pool.DbPoolStats;
import ai.vaultgemma.pool.HttpPoolStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * A point-in-time view of a client's health: one status, the reasons for it, and the stats of every
 * pool and cache, each read in one go.
 *
 * <p>Immutable and thread-safe. {@link #toJson()} keeps the shape of the seed service's health
 * endpoint, with more fields allowed:
 *
 * <pre>{@code
 * {"status":"ok","version":"0.1.0",
 *  "pools":{"db_pool":{"open_connections":12,"in_use":3,"idle":9,"wait_count":0},
 *           "http_pool":{"success_rate":0.996,"avg_latency_ms":180.0},
 *           "inference_cache":{"hit_rate":0.887,"entries":876,"total_size_mb":12.5},
 *           "embedding_cache":{"hit_rate":0.93,"entries":410,"total_size_mb":1.2}}}
 * }</pre>
 *
 * <p>Status: {@link Status#DOWN} once the client is closed; {@link Status#DEGRADED} when the
 * database does not answer its health check, the shared tier cannot read or write, or (with several
 * endpoints) an endpoint's circuit breaker is not closed (calls still succeed from the in-memory
 * cache and the other endpoints); otherwise {@link Status#OK}.
 */
public final class HealthSnapshot {

  /** The overall status. */
  public enum Status {
    /** Everything answers. */
    OK,
    /** Calls succeed, but a part is failing (for example the database is down). */
    DEGRADED,
    /** The client is closed and takes no calls. */
    DOWN;

    /**
     * Returns the lower-case name used in the JSON ({@code ok}, {@code degraded}, {@code down}).
     */
    public String jsonName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Takes a client's snapshot: runs the DB pool's health check (bounded by two seconds) and reads
   * every part's stats.
   *
   * @param closed whether the client is closed
   * @param version the library's version
   * @param parts the client's parts
   * @param path the client's request path (counters, endpoints)
   * @return the snapshot
   */
  static HealthSnapshot of(boolean closed, String version, ClientParts parts, RequestPath path) {
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
    if (closed) {
      status = HealthSnapshot.Status.DOWN;
      reasons.add(0, "client is closed");
    } else {
      status = reasons.isEmpty() ? HealthSnapshot.Status.OK : HealthSnapshot.Status.DEGRADED;
    }
    CallCounters c = path.counters();
    return new HealthSnapshot(
        status,
        version,
        reasons,
        new HealthSnapshot.ClientStats(
            c.calls(),
            c.l1Hits(),
            c.l2Hits(),
            c.joined(),
            c.serverCalls(),
            c.failures(),
            path.limiter().active(),
            path.limiter().waiting()),
        parts.http().stats(),
        dbStats,
        dbHealth,
        parts.chatCache().stats(),
        parts.embeddingCache().stats(),
        tierHealth,
        tier == null ? null : tier.rateLimits().map(SharedRateLimits::stats).orElse(null),
        endpointHealth);
  }

  /**
   * What the client itself counted since it was built.
   *
   * @param calls calls made (chat, streamed chat and embeddings; an embedding batch is one call)
   * @param l1Hits calls answered from the in-memory cache
   * @param l2Hits calls answered from the shared tier
   * @param coalesced calls that waited for an identical call already in flight instead of calling
   *     the backend themselves
   * @param backendCalls requests sent to the inference server
   * @param failures calls that ended in an exception
   * @param active calls holding a concurrency slot at the moment of the snapshot (at a server)
   * @param waiting calls waiting for a slot at the moment of the snapshot
   */
  public record ClientStats(
      long calls,
      long l1Hits,
      long l2Hits,
      long coalesced,
      long backendCalls,
      long failures,
      int active,
      int waiting) {}

  private final Status status;
  private final String version;
  private final List<String> reasons;
  private final ClientStats client;
  private final HttpPoolStats httpPool;
  private final @Nullable DbPoolStats dbPool;
  private final @Nullable DbHealth dbHealth;
  private final CacheStats inferenceCache;
  private final CacheStats embeddingCache;
  private final @Nullable SharedTierHealth sharedTier;
  private final @Nullable SharedRateLimitStats sharedRateLimits;
  private final List<EndpointHealth> endpoints;

  HealthSnapshot(
      Status status,
      String version,
      List<String> reasons,
      ClientStats client,
      HttpPoolStats httpPool,
      @Nullable DbPoolStats dbPool,
      @Nullable DbHealth dbHealth,
      CacheStats inferenceCache,
      CacheStats embeddingCache,
      @Nullable SharedTierHealth sharedTier,
      @Nullable SharedRateLimitStats sharedRateLimits,
      List<EndpointHealth> endpoints) {
    this.status = Objects.requireNonNull(status, "status");
    this.version = Objects.requireNonNull(version, "version");
    this.reasons = List.copyOf(reasons);
    this.client = Objects.requireNonNull(client, "client");
    this.httpPool = Objects.requireNonNull(httpPool, "httpPool");
    this.dbPool = dbPool;
    this.dbHealth = dbHealth;
    this.inferenceCache = Objects.requireNonNull(inferenceCache, "inferenceCache");
    this.embeddingCache = Objects.requireNonNull(embeddingCache, "embeddingCache");
    this.sharedTier = sharedTier;
    this.sharedRateLimits = sharedRateLimits;
    this.endpoints = List.copyOf(endpoints);
  }

  /** Returns the overall status. */
  public Status status() {
    return status;
  }

  /** Returns the library version, such as {@code 0.1.0}. */
  public String version() {
    return version;
  }

  /** Returns why the status is not {@code ok}; empty when it is. */
  public List<String> reasons() {
    return reasons;
  }

  /** Returns what the client counted. */
  public ClientStats client() {
    return client;
  }

  /** Returns the HTTP pool's stats. */
  public HttpPoolStats httpPool() {
    return httpPool;
  }

  /** Returns the DB pool's stats, when the client has a DB pool. */
  public Optional<DbPoolStats> dbPool() {
    return Optional.ofNullable(dbPool);
  }

  /** Returns the DB pool's last health check, when the client has a DB pool. */
  public Optional<DbHealth> dbHealth() {
    return Optional.ofNullable(dbHealth);
  }

  /** Returns the chat answer cache's stats. */
  public CacheStats inferenceCache() {
    return inferenceCache;
  }

  /** Returns the embedding cache's stats. */
  public CacheStats embeddingCache() {
    return embeddingCache;
  }

  /** Returns the shared tier's health, when the client has one. */
  public Optional<SharedTierHealth> sharedTier() {
    return Optional.ofNullable(sharedTier);
  }

  /**
   * Returns what the shared tier's rate limits decided, when the client has a shared tier on
   * PostgreSQL: how many decisions the database took, and how many it could not take so that this
   * instance decided alone ({@link SharedRateLimitStats#fallbackCount()}).
   *
   * @return the counts, or empty
   */
  public Optional<SharedRateLimitStats> sharedRateLimits() {
    return Optional.ofNullable(sharedRateLimits);
  }

  /**
   * Returns each endpoint's health: the replicas in order, then the fallbacks. One entry for a
   * client with one base URL.
   *
   * @return the endpoints
   */
  public List<EndpointHealth> endpoints() {
    return endpoints;
  }

  /**
   * Renders the snapshot as one line of JSON in the seed's shape: {@code status}, {@code version},
   * and under {@code pools} the objects {@code db_pool}, {@code http_pool}, {@code inference_cache}
   * and {@code embedding_cache}; plus {@code reasons}, {@code client} (its counters, and the
   * concurrency slots {@code active} and {@code waiting} now) and, with a shared tier, {@code
   * shared_tier} (hits and misses, why lookups got no answer: {@code read_timeouts}, {@code
   * read_failures}, {@code read_circuit_open}, {@code read_queue_full}; the queued writes: {@code
   * writes_accepted}, {@code writes_written}, {@code writes_dropped}, {@code writes_failed}, {@code
   * writes_queued}; the inference log's rows; on PostgreSQL the shared rate limits' {@code
   * rate_limit_admitted}, {@code rate_limit_refused} and {@code rate_limit_fallbacks}, decisions
   * each instance took alone because the database could not); and {@code endpoints}, an array with
   * each endpoint's {@code name}, {@code base_url}, breaker {@code state} ({@code closed}, {@code
   * open}, {@code half_open}), {@code weight}, {@code in_flight}, {@code calls}, {@code failures},
   * {@code consecutive_failures} and {@code probes}. Without a DB pool, {@code db_pool} has {@code
   * "configured":false} and zero counts.
   *
   * @return the JSON text
   */
  public String toJson() {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("status", status.jsonName());
    root.put("version", version);
    tools.jackson.databind.node.ArrayNode reasonArray = root.putArray("reasons");
    reasons.forEach(reasonArray::add);
    ObjectNode pools = root.putObject("pools");

    ObjectNode db = pools.putObject("db_pool");
    db.put("configured", dbPool != null);
    db.put("open_connections", dbPool == null ? 0 : dbPool.openConnections());
    db.put("in_use", dbPool == null ? 0 : dbPool.inUse());
    db.put("idle", dbPool == null ? 0 : dbPool.idle());
    db.put("wait_count", dbPool == null ? 0 : dbPool.threadsAwaiting());
    db.put("max_open", dbPool == null ? 0 : dbPool.maxOpen());
    db.put("healthy", dbHealth == null || dbHealth.isHealthy());

    ObjectNode http = pools.putObject("http_pool");
    http.put("success_rate", round(httpPool.successRate(), 4));
    http.put("avg_latency_ms", round(httpPool.averageLatencyMillis(), 3));
    http.put("p99_latency_ms", round(httpPool.p99LatencyMillis(), 3));
    http.put("requests", httpPool.requestCount());
    http.put("failures", httpPool.failureCount());
    http.put("retries", httpPool.retryCount());
    http.put("reuse_ratio", round(httpPool.reuseRatio(), 4));
    http.put("in_flight", httpPool.inFlight());
    http.put("open_connections", httpPool.openConnections());

    cache(pools.putObject("inference_cache"), inferenceCache);
    cache(pools.putObject("embedding_cache"), embeddingCache);

    if (sharedTier != null) {
      ObjectNode tier = pools.putObject("shared_tier");
      tier.put("status", sharedTier.status());
      sharedTier.reason().ifPresent(r -> tier.put("reason", r));
      tier.put("hit_rate", round(sharedTier.secondLevel().hitRate(), 4));
      tier.put("hits", sharedTier.secondLevel().hitCount());
      tier.put("misses", sharedTier.secondLevel().missCount());
      tier.put("write_failures", sharedTier.secondLevel().writeFailureCount());
      tier.put("oversized", sharedTier.secondLevel().oversizedCount());
      tier.put("log_written", sharedTier.inferenceLog().writtenCount());
      tier.put("log_dropped", sharedTier.inferenceLog().droppedCount());
      tier.put("log_failed", sharedTier.inferenceLog().failedCount());
      tier.put("log_queued", sharedTier.inferenceLog().queuedCount());
      // Why lookups missed without an answer, and where the queued writes stand.
      tier.put("read_timeouts", sharedTier.reads().timeoutCount());
      tier.put("read_failures", sharedTier.reads().failureCount());
      tier.put("read_circuit_open", sharedTier.reads().circuitOpenCount());
      tier.put("read_queue_full", sharedTier.reads().queueFullCount());
      tier.put("writes_accepted", sharedTier.writes().acceptedCount());
      tier.put("writes_written", sharedTier.writes().writtenCount());
      tier.put("writes_dropped", sharedTier.writes().droppedCount());
      tier.put("writes_failed", sharedTier.writes().failedCount());
      tier.put("writes_queued", sharedTier.writes().queuedCount());
      SharedRateLimitStats limits = sharedRateLimits;
      if (limits != null) {
        tier.put("rate_limit_admitted", limits.admittedCount());
        tier.put("rate_limit_refused", limits.refusedCount());
        tier.put("rate_limit_fallbacks", limits.fallbackCount());
      }
    }

    tools.jackson.databind.node.ArrayNode endpointArray = root.putArray("endpoints");
    for (EndpointHealth e : endpoints) {
      ObjectNode node = endpointArray.addObject();
      node.put("name", e.name());
      node.put("base_url", e.baseUrl());
      node.put("state", e.state().jsonName());
      node.put("weight", e.weight());
      node.put("in_flight", e.inFlight());
      node.put("calls", e.calls());
      node.put("failures", e.failures());
      node.put("consecutive_failures", e.consecutiveFailures());
      node.put("probes", e.probes());
    }

    ObjectNode c = root.putObject("client");
    c.put("calls", client.calls());
    c.put("l1_hits", client.l1Hits());
    c.put("l2_hits", client.l2Hits());
    c.put("coalesced", client.coalesced());
    c.put("backend_calls", client.backendCalls());
    c.put("failures", client.failures());
    c.put("active", client.active());
    c.put("waiting", client.waiting());
    return Json.MAPPER.writeValueAsString(root);
  }

  private static void cache(ObjectNode node, CacheStats stats) {
    node.put("hit_rate", round(stats.hitRate(), 4));
    node.put("entries", stats.entries());
    node.put("total_size_mb", round(stats.totalSizeMb(), 3));
    node.put("hits", stats.hitCount());
    node.put("misses", stats.missCount());
    node.put("evictions", stats.evictionCount());
  }

  private static double round(double value, int digits) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return 0;
    }
    double scale = Math.pow(10, digits);
    return Math.round(value * scale) / scale;
  }

  @Override
  public String toString() {
    return "HealthSnapshot" + toJson();
  }
}
