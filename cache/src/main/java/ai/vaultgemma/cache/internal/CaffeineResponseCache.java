package ai.vaultgemma.cache.internal;

import static java.util.Objects.requireNonNull;

import ai.vaultgemma.cache.CacheClock;
import ai.vaultgemma.cache.CacheConfig;
import ai.vaultgemma.cache.CacheStats;
import ai.vaultgemma.cache.EvictionListener;
import ai.vaultgemma.cache.RemovalCause;
import ai.vaultgemma.cache.ResponseCache;
import ai.vaultgemma.cache.Weigher;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.Scheduler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ResponseCache} on a Caffeine bounded cache with variable (per-entry) expiration.
 *
 * <p>Where the work happens, and why:
 *
 * <ul>
 *   <li>Evictions (size, expiry) are seen by Caffeine's synchronous eviction listener, which counts
 *       them and hands listener calls to the executor. A removal listener would also work but makes
 *       Caffeine dispatch a task for every replacing put, even with no listener registered, which
 *       costs more than the whole put.
 *   <li>Explicit removals and replacements happen in this class, which sees the old value through
 *       the map view's return values, so it counts and dispatches them itself.
 *   <li>Hits, misses and load counts come from Caffeine's own stats counter; load time is measured
 *       here with the configured clock so a fake clock gives exact figures.
 *   <li>Caffeine's maintenance (applying buffered reads and writes to the policy, evicting,
 *       expiring) runs on the calling thread rather than the common fork-join pool. When the pool
 *       lags, Caffeine drops buffered reads, and the policy loses the frequency history it needs:
 *       replaying the web12 trace at 5000 entries, asynchronous maintenance fell below exact LRU
 *       while synchronous maintenance beat it (see cache/README.md). It also keeps the bound exact
 *       without depending on a shared pool. Only one thread drains at a time; the others carry on.
 *   <li>Listener calls, which are user code, go to the configured executor, never inline in
 *       Caffeine's locks (unless that executor is {@code Runnable::run}, as in tests).
 *   <li>Bytes are not tracked incrementally: {@link #stats()} weighs the live entries in one pass,
 *       which keeps writes cheap and makes {@code entries} and {@code totalSizeBytes} agree.
 * </ul>
 */
public final class CaffeineResponseCache<K, V> implements ResponseCache<K, V> {
  private static final Logger logger = LoggerFactory.getLogger("ai.vaultgemma.cache");

  private final CacheConfig config;
  private final String name;
  private final Weigher weigher;
  private final boolean byteBound;
  private final CacheClock clock;
  private final Executor executor;
  private final long defaultTtlNanos;
  private final Cache<K, V> cache;
  private final ConcurrentMap<K, V> map;
  private final Policy.VarExpiration<K, V> varExpiration;
  private final CopyOnWriteArrayList<EvictionListener<? super K, ? super V>> listeners =
      new CopyOnWriteArrayList<>();

  private final LongAdder explicitCount = new LongAdder();
  private final LongAdder replacedCount = new LongAdder();
  private final LongAdder expiredCount = new LongAdder();
  private final LongAdder sizeEvictionCount = new LongAdder();
  private final LongAdder loadTimeNanos = new LongAdder();

  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Creates the cache.
   *
   * @param config its configuration
   */
  public CaffeineResponseCache(CacheConfig config) {
    this.config = requireNonNull(config, "config");
    this.name = config.name();
    this.weigher = config.weigher();
    this.byteBound = config.maximumBytes().isPresent();
    this.clock = config.clock();
    this.executor = config.executor();
    this.defaultTtlNanos = config.defaultTtl().toNanos();

    Caffeine<K, V> builder =
        Caffeine.newBuilder()
            // Maintenance on the calling thread (amortised, under a try-lock): see the class doc.
            .executor(Runnable::run)
            .ticker(clock::nanoTime)
            .<K, V>evictionListener(this::onEviction)
            .expireAfter(new WriteExpiry<>(defaultTtlNanos));
    if (byteBound) {
      builder.maximumWeight(config.maximumBytes().getAsLong()).weigher(this::weight);
    } else {
      builder.maximumSize(config.maximumEntries().getAsLong());
    }
    if (config.promptExpiry()) {
      builder.scheduler(Scheduler.systemScheduler());
    }
    if (config.recordStats()) {
      builder.recordStats();
    }
    this.cache = builder.build();
    this.map = cache.asMap();
    this.varExpiration =
        cache
            .policy()
            .expireVariably()
            .orElseThrow(() -> new AssertionError("built with expireAfter"));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public CacheConfig config() {
    return config;
  }

  @Override
  public @Nullable V getIfPresent(K key) {
    requireNonNull(key, "key");
    checkOpen();
    return cache.getIfPresent(key);
  }

  @Override
  public @Nullable V peek(K key) {
    requireNonNull(key, "key");
    checkOpen();
    return cache.policy().getIfPresentQuietly(key);
  }

  @Override
  public V get(K key, Function<? super K, ? extends V> loader) {
    requireNonNull(key, "key");
    requireNonNull(loader, "loader");
    checkOpen();
    V value =
        cache.get(
            key,
            k -> {
              long start = clock.nanoTime();
              try {
                return loader.apply(k);
              } finally {
                loadTimeNanos.add(Math.max(0, clock.nanoTime() - start));
              }
            });
    if (value == null) {
      // Caffeine has already counted a failed load and stored nothing.
      throw new NullPointerException("loader returned null for a key of cache '" + name + "'");
    }
    return value;
  }

  @Override
  public void put(K key, V value) {
    requireNonNull(key, "key");
    requireNonNull(value, "value");
    checkOpen();
    afterWrite(key, value, map.put(key, value));
  }

  @Override
  public void put(K key, V value, Duration ttl) {
    requireNonNull(key, "key");
    requireNonNull(value, "value");
    Checks.checkTtl(ttl, "ttl");
    checkOpen();
    afterWrite(key, value, varExpiration.put(key, value, ttl));
  }

  private void afterWrite(K key, V value, @Nullable V old) {
    // Same instance stored again: nothing left the cache, as Caffeine also reasons.
    if (old != null && old != value) {
      replacedCount.increment();
      notifyListeners(key, old, RemovalCause.REPLACED);
    }
  }

  @Override
  public void invalidate(K key) {
    requireNonNull(key, "key");
    checkOpen();
    removeExplicitly(key);
  }

  @Override
  public void invalidateAll() {
    checkOpen();
    for (K key : map.keySet()) {
      removeExplicitly(key);
    }
  }

  private void removeExplicitly(K key) {
    V old = map.remove(key);
    if (old != null) {
      explicitCount.increment();
      notifyListeners(key, old, RemovalCause.EXPLICIT);
    }
  }

  @Override
  public long size() {
    return cache.estimatedSize();
  }

  @Override
  public void cleanUp() {
    checkOpen();
    cache.cleanUp();
  }

  @Override
  public CacheStats stats() {
    long entries = 0;
    long bytes = 0;
    if (!closed.get()) {
      for (Map.Entry<K, V> entry : map.entrySet()) {
        entries++;
        long size = weigher.sizeBytes(entry.getKey(), entry.getValue());
        if (size > 0) {
          bytes += size;
        }
      }
    }
    com.github.benmanes.caffeine.cache.stats.CacheStats counts = cache.stats();
    return CacheStats.builder(name)
        .hitCount(counts.hitCount())
        .missCount(counts.missCount())
        .loadSuccessCount(counts.loadSuccessCount())
        .loadFailureCount(counts.loadFailureCount())
        .totalLoadTimeNanos(config.recordStats() ? loadTimeNanos.sum() : 0)
        .removalCount(RemovalCause.EXPLICIT, explicitCount.sum())
        .removalCount(RemovalCause.REPLACED, replacedCount.sum())
        .removalCount(RemovalCause.EXPIRED, expiredCount.sum())
        .removalCount(RemovalCause.SIZE, sizeEvictionCount.sum())
        .entries(entries)
        .totalSizeBytes(bytes)
        .build();
  }

  @Override
  public void addListener(EvictionListener<? super K, ? super V> listener) {
    requireNonNull(listener, "listener");
    checkOpen();
    listeners.add(listener);
  }

  @Override
  public boolean removeListener(EvictionListener<? super K, ? super V> listener) {
    requireNonNull(listener, "listener");
    return listeners.remove(listener);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    listeners.clear();
    // Caffeine does not call the eviction listener for explicit removals, so this is silent.
    cache.invalidateAll();
    cache.cleanUp();
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("cache '" + name + "' is closed");
    }
  }

  /** Caffeine's weigher for a byte bound: our weigher, refusing what it cannot measure. */
  private int weight(K key, V value) {
    long size = weigher.sizeBytes(key, value);
    if (size < 0) {
      throw new IllegalArgumentException(
          "cache '"
              + name
              + "' has maximumBytes="
              + config.maximumBytes().getAsLong()
              + " but its weigher ("
              + weigher
              + ") cannot measure a value of type "
              + value.getClass().getName()
              + "; implement ai.vaultgemma.cache.Sized or configure a weigher");
    }
    return (int) Math.min(size, Integer.MAX_VALUE);
  }

  /** Caffeine's synchronous eviction listener: runs inside the map's lock, so only hand off. */
  private void onEviction(
      @Nullable K key, @Nullable V value, com.github.benmanes.caffeine.cache.RemovalCause cause) {
    // COLLECTED needs weak or soft references, which we never configure; explicit removals and
    // replacements are not evictions and never reach this listener.
    RemovalCause ours =
        switch (cause) {
          case EXPIRED -> RemovalCause.EXPIRED;
          case SIZE -> RemovalCause.SIZE;
          default -> null;
        };
    if (ours == null) {
      return;
    }
    (ours == RemovalCause.EXPIRED ? expiredCount : sizeEvictionCount).increment();
    if (key != null && value != null) {
      notifyListeners(key, value, ours);
    }
  }

  private void notifyListeners(K key, V value, RemovalCause cause) {
    if (!anyHears(cause)) {
      return; // no hand-off, no thread woken, for a removal no one listens to
    }
    try {
      executor.execute(() -> callListeners(key, value, cause));
    } catch (RejectedExecutionException e) {
      logger.warn("cache '{}' could not notify listeners of a {} removal", name, cause, e);
    }
  }

  private boolean anyHears(RemovalCause cause) {
    for (EvictionListener<? super K, ? super V> listener : listeners) {
      if (hears(listener, cause)) {
        return true;
      }
    }
    return false;
  }

  private boolean hears(EvictionListener<? super K, ? super V> listener, RemovalCause cause) {
    try {
      return listener.hears(cause);
    } catch (RuntimeException e) {
      logger.warn(
          "cache '{}' listener {} threw in hears({}); it hears it",
          name,
          listener.getClass().getName(),
          cause,
          e);
      return true;
    }
  }

  private void callListeners(K key, V value, RemovalCause cause) {
    for (EvictionListener<? super K, ? super V> listener : listeners) {
      if (!hears(listener, cause)) {
        continue;
      }
      try {
        listener.onRemoval(key, value, cause);
      } catch (RuntimeException | Error e) {
        if (e instanceof VirtualMachineError) {
          throw e;
        }
        logger.warn(
            "cache '{}' listener {} threw on a {} removal; ignored",
            name,
            listener.getClass().getName(),
            cause,
            e);
      }
    }
  }

  @Override
  public String toString() {
    return "ResponseCache{name="
        + name
        + ", size="
        + size()
        + (closed.get() ? ", closed" : "")
        + "}";
  }

  /** Expires an entry its TTL after each write; reads leave the deadline alone. */
  private static final class WriteExpiry<K, V> implements Expiry<K, V> {
    private final long ttlNanos;

    WriteExpiry(long ttlNanos) {
      this.ttlNanos = ttlNanos;
    }

    @Override
    public long expireAfterCreate(K key, V value, long currentTime) {
      return ttlNanos;
    }

    @Override
    public long expireAfterUpdate(K key, V value, long currentTime, long currentDuration) {
      return ttlNanos;
    }

    @Override
    public long expireAfterRead(K key, V value, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}
