package ai.vaultgemma.core.internal;

import ai.vaultgemma.cache.CacheConfig;
import ai.vaultgemma.cache.EvictionListener;
import ai.vaultgemma.cache.RemovalCause;
import ai.vaultgemma.cache.ResponseCache;
import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.tier.SharedTier;
import ai.vaultgemma.core.tier.SharedTierConfig;
import ai.vaultgemma.logging.StructuredLogger;
import ai.vaultgemma.pool.DbPool;
import ai.vaultgemma.pool.DbPoolConfig;
import ai.vaultgemma.pool.HttpPool;
import ai.vaultgemma.pool.HttpPoolConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The pools, caches, tier and threads a client uses, and which of them it created (and so closes).
 * A client derived with {@code newBuilder()} shares its parent's parts, or creates a new set that
 * holds its parent's other parts; closing a set closes only what it created.
 */
public final class ClientParts {

  /** Threads of a client's own executor (replays, continuations after a shared-tier lookup). */
  static final int CLIENT_THREADS = 16;

  /** Tasks that may wait for one of those threads before callers run them themselves. */
  static final int CLIENT_QUEUE = 10_000;

  private final HttpPool http;
  private final @Nullable DbPool db;
  private final @Nullable SharedTier tier;
  private final ResponseCache<String, CachedValue<ChatResponse>> chatCache;
  private final ResponseCache<String, CachedValue<float[]>> embeddingCache;
  private final ExecutorService executor;
  private final ScheduledExecutorService timer;
  private final List<AutoCloseable> created;

  private ClientParts(
      HttpPool http,
      @Nullable DbPool db,
      @Nullable SharedTier tier,
      ResponseCache<String, CachedValue<ChatResponse>> chatCache,
      ResponseCache<String, CachedValue<float[]>> embeddingCache,
      ExecutorService executor,
      List<AutoCloseable> created) {
    this.http = http;
    this.db = db;
    this.tier = tier;
    this.chatCache = chatCache;
    this.embeddingCache = embeddingCache;
    this.executor = executor;
    this.timer = newTimer();
    this.created = List.copyOf(created);
  }

  /**
   * Starts the parts a client asked for, borrowing the rest from {@code shared}.
   *
   * @param shared the parent's parts, or null for a first client
   * @param inferenceCache the chat cache's config, or null to borrow (or take the preset)
   * @param embeddingCache the embedding cache's config, or null likewise
   * @param httpPool the HTTP pool's config, or null likewise
   * @param dbPool the DB pool's config, or null likewise (no DB pool for a first client)
   * @param sharedTier the tier's config, or null likewise (no tier for a first client)
   * @param tierDataSource the application's data source for the tier, or null to use the DB pool
   * @param tierJdbcUrl the URL {@code tierDataSource} connects to; set with it
   * @param logger the client's logger, for the pool's http events
   * @return the parts
   * @throws IllegalStateException if a tier is asked for without a DB pool
   */
  public static ClientParts start(
      @Nullable ClientParts shared,
      @Nullable CacheConfig inferenceCache,
      @Nullable CacheConfig embeddingCache,
      @Nullable HttpPoolConfig httpPool,
      @Nullable DbPoolConfig dbPool,
      @Nullable SharedTierConfig sharedTier,
      @Nullable DataSource tierDataSource,
      @Nullable String tierJdbcUrl,
      StructuredLogger logger) {
    if (sharedTier != null
        && tierDataSource == null
        && dbPool == null
        && (shared == null || shared.db == null)) {
      throw new IllegalStateException("sharedTier requires a dbPool");
    }
    List<AutoCloseable> started = new ArrayList<>();
    try {
      HttpPool http;
      if (shared != null && httpPool == null) {
        http = shared.http;
      } else {
        http = HttpPool.create(httpPool == null ? HttpPoolConfig.defaults() : httpPool);
        started.add(http);
      }
      DbPool db;
      if (dbPool != null) {
        db = DbPool.start(dbPool);
        started.add(db);
      } else {
        db = shared == null ? null : shared.db;
      }
      SharedTier tier;
      if (sharedTier != null && tierDataSource != null) {
        // The application's data source: the tier is ours to close, the data source is not.
        tier = SharedTier.open(tierDataSource, Objects.requireNonNull(tierJdbcUrl), sharedTier);
        started.add(tier);
      } else if (sharedTier != null) {
        DbPool tierDb = Objects.requireNonNull(db);
        tier = SharedTier.open(tierDb.dataSource(), tierDb.config().jdbcUrl(), sharedTier);
        started.add(tier);
      } else {
        tier = shared == null || dbPool != null ? null : shared.tier;
      }
      ResponseCache<String, CachedValue<ChatResponse>> chat;
      if (inferenceCache != null || shared == null) {
        chat =
            ResponseCache.create(inferenceCache == null ? CacheConfig.inference() : inferenceCache);
        logEvictions(chat, "inference", logger);
        started.add(chat);
      } else {
        chat = shared.chatCache;
      }
      ResponseCache<String, CachedValue<float[]>> vectors;
      if (embeddingCache != null || shared == null) {
        vectors =
            ResponseCache.create(
                embeddingCache == null ? CacheConfig.embeddings() : embeddingCache);
        logEvictions(vectors, "embeddings", logger);
        started.add(vectors);
      } else {
        vectors = shared.embeddingCache;
      }
      started.sort(Comparator.comparingInt(ClientParts::closeOrder));
      return new ClientParts(http, db, tier, chat, vectors, newExecutor(), started);
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

  /**
   * The client's own threads, named {@code vaultgemma-client-N}. Bounded, so a stalled part under
   * heavy async load cannot pile up threads: at most {@value #CLIENT_THREADS} threads (idle ones
   * leave after 30 s), then a queue of {@value #CLIENT_QUEUE}, then the submitting thread runs the
   * task itself, which slows it down instead of growing without bound.
   */
  private static ExecutorService newExecutor() {
    AtomicInteger ids = new AtomicInteger();
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            CLIENT_THREADS,
            CLIENT_THREADS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(CLIENT_QUEUE),
            r -> {
              Thread t = new Thread(r, "vaultgemma-client-" + ids.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.CallerRunsPolicy());
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  /**
   * One daemon thread, {@code vaultgemma-timer}, for deadlines and slot waits. Its tasks only
   * complete futures and cancel calls; a cancelled task is removed at once, so a call that ends
   * keeps nothing scheduled.
   */
  private static ScheduledExecutorService newTimer() {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "vaultgemma-timer");
              t.setDaemon(true);
              return t;
            });
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  /**
   * Writes a DEBUG {@code cache} event for each entry evicted (size, expiry, collection). It hears
   * nothing else, and nothing while DEBUG is off, so removals then cost no hand-off to the cache's
   * executor.
   */
  private static <V> void logEvictions(
      ResponseCache<String, V> cache, String name, StructuredLogger logger) {
    cache.addListener(
        new EvictionListener<String, V>() {
          @Override
          public boolean hears(RemovalCause cause) {
            return cause.wasEvicted() && logger.isDebugEnabled();
          }

          @Override
          public void onRemoval(String key, V value, RemovalCause cause) {
            logger.cacheEviction(
                name,
                CanonicalKeys.shortForm(key),
                cause.name().toLowerCase(Locale.ROOT),
                cache.size());
          }
        });
  }

  /** Closing order: tier (flushes its log), DB pool, HTTP pool, caches. */
  private static int closeOrder(AutoCloseable part) {
    if (part instanceof SharedTier) {
      return 0;
    }
    if (part instanceof DbPool) {
      return 1;
    }
    return part instanceof HttpPool ? 2 : 3;
  }

  public HttpPool http() {
    return http;
  }

  public @Nullable DbPool db() {
    return db;
  }

  public @Nullable SharedTier tier() {
    return tier;
  }

  public ResponseCache<String, CachedValue<ChatResponse>> chatCache() {
    return chatCache;
  }

  public ResponseCache<String, CachedValue<float[]>> embeddingCache() {
    return embeddingCache;
  }

  public ExecutorService executor() {
    return executor;
  }

  public ScheduledExecutorService timer() {
    return timer;
  }

  /** Closes what this set created, in order; a part that fails to close is logged. */
  public void close() {
    executor.shutdown();
    timer.shutdownNow();
    for (AutoCloseable part : created) {
      try {
        part.close();
      } catch (Exception e) {
        StructuredLogger.of(ClientParts.class)
            .warn("closing " + part.getClass().getSimpleName() + " failed: " + e);
      }
    }
  }
}
