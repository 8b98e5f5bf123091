package ai.vaultgemma.micrometer.internal;

import static ai.vaultgemma.micrometer.MeterNames.CACHE_EVICTIONS;
import static ai.vaultgemma.micrometer.MeterNames.CACHE_GETS;
import static ai.vaultgemma.micrometer.MeterNames.CACHE_SIZE;
import static ai.vaultgemma.micrometer.MeterNames.CACHE_SIZE_BYTES;
import static ai.vaultgemma.micrometer.MeterNames.DB_POOL_ACQUIRE;
import static ai.vaultgemma.micrometer.MeterNames.DB_POOL_CONNECTIONS;
import static ai.vaultgemma.micrometer.MeterNames.DB_POOL_MAX;
import static ai.vaultgemma.micrometer.MeterNames.DB_POOL_PENDING;
import static ai.vaultgemma.micrometer.MeterNames.DB_POOL_TIMEOUTS;
import static ai.vaultgemma.micrometer.MeterNames.HTTP_POOL_CALLS;
import static ai.vaultgemma.micrometer.MeterNames.HTTP_POOL_CONNECTIONS;
import static ai.vaultgemma.micrometer.MeterNames.SHARED_TIER_DEGRADED;
import static ai.vaultgemma.micrometer.MeterNames.SHARED_TIER_LOG_ROWS;
import static ai.vaultgemma.micrometer.MeterNames.SHARED_TIER_LOG_ROWS_QUEUED;
import static ai.vaultgemma.micrometer.MeterNames.SHARED_TIER_LOOKUPS;
import static ai.vaultgemma.micrometer.MeterNames.SHARED_TIER_RATE_LIMIT_DECISIONS;
import static ai.vaultgemma.micrometer.MeterNames.SHARED_TIER_WRITES;
import static ai.vaultgemma.micrometer.MeterNames.SHARED_TIER_WRITES_QUEUED;
import static ai.vaultgemma.micrometer.MeterNames.TAG_CACHE;
import static ai.vaultgemma.micrometer.MeterNames.TAG_POOL;
import static ai.vaultgemma.micrometer.MeterNames.TAG_RESULT;
import static ai.vaultgemma.micrometer.MeterNames.TAG_STATE;

import ai.vaultgemma.cache.CacheStats;
import ai.vaultgemma.cache.ResponseCache;
import ai.vaultgemma.core.tier.SharedRateLimitStats;
import ai.vaultgemma.core.tier.SharedRateLimits;
import ai.vaultgemma.core.tier.SharedTier;
import ai.vaultgemma.core.tier.SharedTierHealth;
import ai.vaultgemma.pool.DbPool;
import ai.vaultgemma.pool.DbPoolStats;
import ai.vaultgemma.pool.HttpPool;
import ai.vaultgemma.pool.HttpPoolStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import okhttp3.Dispatcher;

/**
 * Registers the meters of a client's parts: its two caches, its HTTP pool, its DB pool and its
 * shared tier. Each meter reads a {@link Memo} of the part's stats snapshot, so the meters of one
 * part agree within a scrape and a cache is walked once per scrape, not once per meter.
 *
 * <p>Meters hold the part itself weakly (Micrometer's rule for gauges and function counters): once
 * the client and its parts are unreachable the meters read {@code NaN}, and nothing here keeps the
 * client alive. The memo, held by the meter's function, keeps the last snapshot, not the part.
 */
public final class PartMeters {
  // One description per meter name: a Prometheus scrape shows one HELP line for all its series.
  private static final String CACHE_GETS_HELP =
      "Cache lookups by result: hit found a live entry, miss found none";
  private static final String HTTP_CONNECTIONS_HELP =
      "HTTP connections by state: in_use carrying a request, idle in the pool";
  private static final String HTTP_CALLS_HELP =
      "Dispatcher calls by state: queued waiting for its limits (asynchronous calls), running"
          + " (blocking and asynchronous)";
  private static final String DB_CONNECTIONS_HELP =
      "DB connections by state: in_use borrowed right now, idle in the pool";
  private static final String LOOKUPS =
      "Shared tier (L2) lookups by how they ended; every result but hit is a miss for the caller";
  private static final String WRITES =
      "Shared tier (L2) writes by how they ended; oversized ones were never queued";
  private static final String LOG_ROWS = "Inference log rows by how they ended";
  private static final String DECISIONS =
      "Shared rate-limit decisions by result; fallback: the database could not decide, this"
          + " instance decided alone";

  private final MeterRegistry registry;
  private final Tags common;
  private final long maxAgeNanos;
  private final List<Meter> registered = new ArrayList<>();

  /**
   * Creates a binder.
   *
   * @param registry where meters go
   * @param common tags on every meter
   * @param maxAgeNanos how long a stats snapshot is reused
   */
  public PartMeters(MeterRegistry registry, Tags common, long maxAgeNanos) {
    this.registry = registry;
    this.common = common;
    this.maxAgeNanos = maxAgeNanos;
  }

  /**
   * Returns the meters registered so far.
   *
   * @return an unmodifiable copy
   */
  public List<Meter> registered() {
    return List.copyOf(registered);
  }

  private <O, T> Memo<O, T> memo(Function<O, T> source) {
    return new Memo<>(source, maxAgeNanos, System::nanoTime);
  }

  /**
   * Binds one cache: lookups by result, evictions, entries and bytes.
   *
   * @param name the {@code cache} tag
   * @param cache the cache
   */
  public void cache(String name, ResponseCache<?, ?> cache) {
    Memo<ResponseCache<?, ?>, CacheStats> stats = memo(ResponseCache::stats);
    Tags tags = common.and(TAG_CACHE, name);
    counter(
        CACHE_GETS,
        CACHE_GETS_HELP,
        cache,
        tags.and(TAG_RESULT, "hit"),
        c -> stats.get(c).hitCount());
    counter(
        CACHE_GETS,
        CACHE_GETS_HELP,
        cache,
        tags.and(TAG_RESULT, "miss"),
        c -> stats.get(c).missCount());
    counter(
        CACHE_EVICTIONS,
        "Entries the cache removed on its own: expired or evicted for size",
        cache,
        tags,
        c -> stats.get(c).evictionCount());
    gauge(CACHE_SIZE, "Live entries in the cache", null, cache, tags, c -> stats.get(c).entries());
    gauge(
        CACHE_SIZE_BYTES,
        "Size of the live entries, as the cache's weigher measures it",
        "bytes",
        cache,
        tags,
        c -> stats.get(c).totalSizeBytes());
  }

  /**
   * Binds the HTTP pool: connections in use and idle, and the dispatcher's queued and running
   * calls.
   *
   * @param pool the pool
   */
  public void httpPool(HttpPool pool) {
    Memo<HttpPool, HttpPoolStats> stats = memo(HttpPool::stats);
    gauge(
        HTTP_POOL_CONNECTIONS,
        HTTP_CONNECTIONS_HELP,
        null,
        pool,
        common.and(TAG_STATE, "in_use"),
        p -> inUse(stats.get(p)));
    gauge(
        HTTP_POOL_CONNECTIONS,
        HTTP_CONNECTIONS_HELP,
        null,
        pool,
        common.and(TAG_STATE, "idle"),
        p -> stats.get(p).idleConnections());
    Dispatcher dispatcher = pool.okHttpClient().dispatcher();
    gauge(
        HTTP_POOL_CALLS,
        HTTP_CALLS_HELP,
        null,
        dispatcher,
        common.and(TAG_STATE, "queued"),
        Dispatcher::queuedCallsCount);
    gauge(
        HTTP_POOL_CALLS,
        HTTP_CALLS_HELP,
        null,
        dispatcher,
        common.and(TAG_STATE, "running"),
        Dispatcher::runningCallsCount);
  }

  private static double inUse(HttpPoolStats s) {
    return Math.max(0, s.openConnections() - s.idleConnections());
  }

  /**
   * Binds the DB pool: connections in use and idle, waiting threads, the maximum, acquisitions with
   * their time, and timeouts.
   *
   * @param pool the pool
   */
  public void dbPool(DbPool pool) {
    Memo<DbPool, DbPoolStats> stats = memo(DbPool::stats);
    Tags tags = common.and(TAG_POOL, pool.config().poolName());
    gauge(
        DB_POOL_CONNECTIONS,
        DB_CONNECTIONS_HELP,
        null,
        pool,
        tags.and(TAG_STATE, "in_use"),
        p -> stats.get(p).inUse());
    gauge(
        DB_POOL_CONNECTIONS,
        DB_CONNECTIONS_HELP,
        null,
        pool,
        tags.and(TAG_STATE, "idle"),
        p -> stats.get(p).idle());
    gauge(
        DB_POOL_PENDING,
        "Threads waiting for a DB connection",
        null,
        pool,
        tags,
        p -> stats.get(p).threadsAwaiting());
    gauge(
        DB_POOL_MAX,
        "The DB pool's maximum of open connections",
        null,
        pool,
        tags,
        p -> stats.get(p).maxOpen());
    registered.add(
        FunctionTimer.builder(
                DB_POOL_ACQUIRE,
                pool,
                p -> stats.get(p).totalAcquisitions(),
                p -> stats.get(p).totalAcquisitionNanos(),
                TimeUnit.NANOSECONDS)
            .description("DB connections handed out, and the time spent acquiring them")
            .tags(tags)
            .register(registry));
    counter(
        DB_POOL_TIMEOUTS,
        "DB connection requests that timed out",
        pool,
        tags,
        p -> stats.get(p).timeoutCount());
  }

  /**
   * Binds the shared tier: L2 lookups, L2 writes and inference log rows by result, the writes and
   * rows queued, whether the tier is degraded, and, where the tier takes shared rate-limit
   * decisions (PostgreSQL), those decisions by result.
   *
   * <p>All tier meters but the decisions read one {@link SharedTierHealth} memo; the decisions read
   * their own {@link SharedRateLimitStats} memo.
   *
   * @param tier the tier
   */
  public void sharedTier(SharedTier tier) {
    Memo<SharedTier, SharedTierHealth> health = memo(SharedTier::health);
    counters(
        SHARED_TIER_LOOKUPS,
        LOOKUPS,
        tier,
        health,
        List.of(
            by("hit", h -> h.reads().hitCount()),
            by("miss", h -> h.reads().missCount()),
            by("timeout", h -> h.reads().timeoutCount()),
            by("failure", h -> h.reads().failureCount()),
            by("circuit_open", h -> h.reads().circuitOpenCount()),
            by("queue_full", h -> h.reads().queueFullCount())));
    counters(
        SHARED_TIER_WRITES,
        WRITES,
        tier,
        health,
        List.of(
            by("written", h -> h.writes().writtenCount()),
            by("dropped", h -> h.writes().droppedCount()),
            by("failed", h -> h.writes().failedCount()),
            by("oversized", h -> h.secondLevel().oversizedCount())));
    gauge(
        SHARED_TIER_WRITES_QUEUED,
        "Shared tier writes accepted and not yet written, dropped or failed",
        null,
        tier,
        common,
        t -> health.get(t).writes().queuedCount());
    counters(
        SHARED_TIER_LOG_ROWS,
        LOG_ROWS,
        tier,
        health,
        List.of(
            by("written", h -> h.inferenceLog().writtenCount()),
            by("dropped", h -> h.inferenceLog().droppedCount()),
            by("failed", h -> h.inferenceLog().failedCount())));
    gauge(
        SHARED_TIER_LOG_ROWS_QUEUED,
        "Inference log rows accepted and not yet written, dropped or failed",
        null,
        tier,
        common,
        t -> health.get(t).inferenceLog().queuedCount());
    gauge(
        SHARED_TIER_DEGRADED,
        "1 while the shared tier cannot reach its database, else 0",
        null,
        tier,
        common,
        t -> SharedTierHealth.DEGRADED.equals(health.get(t).status()) ? 1 : 0);
    tier.rateLimits().ifPresent(this::sharedRateLimits);
  }

  private void sharedRateLimits(SharedRateLimits limits) {
    counters(
        SHARED_TIER_RATE_LIMIT_DECISIONS,
        DECISIONS,
        limits,
        memo(SharedRateLimits::stats),
        List.of(
            by("admitted", SharedRateLimitStats::admittedCount),
            by("refused", SharedRateLimitStats::refusedCount),
            by("fallback", SharedRateLimitStats::fallbackCount)));
  }

  /** One series of a counter by result: the {@code result} tag and how a snapshot counts it. */
  private record ByResult<S>(String result, ToDoubleFunction<S> read) {}

  private static <S> ByResult<S> by(String result, ToDoubleFunction<S> read) {
    return new ByResult<>(result, read);
  }

  /** One function counter per result, all reading one memo (so a scrape sees one snapshot). */
  private <T, S> void counters(
      String name, String description, T obj, Memo<T, S> memo, List<ByResult<S>> results) {
    for (ByResult<S> r : results) {
      ToDoubleFunction<S> read = r.read();
      counter(
          name,
          description,
          obj,
          common.and(TAG_RESULT, r.result()),
          o -> read.applyAsDouble(memo.get(o)));
    }
  }

  private <T> void counter(
      String name, String description, T obj, Tags tags, ToDoubleFunction<T> f) {
    registered.add(
        FunctionCounter.builder(name, obj, f)
            .description(description)
            .tags(tags)
            .register(registry));
  }

  private <T> void gauge(
      String name,
      String description,
      @org.jspecify.annotations.Nullable String baseUnit,
      T obj,
      Tags tags,
      ToDoubleFunction<T> f) {
    Gauge.Builder<T> b = Gauge.builder(name, obj, f).description(description).tags(tags);
    if (baseUnit != null) {
      b.baseUnit(baseUnit);
    }
    registered.add(b.register(registry));
  }
}
