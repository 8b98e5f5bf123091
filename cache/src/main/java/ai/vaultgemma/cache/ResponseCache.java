package ai.vaultgemma.cache;

import ai.vaultgemma.cache.internal.CaffeineResponseCache;
import java.time.Duration;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A bounded, in-memory cache of computed responses with a time to live per entry, prompt background
 * expiry, statistics, removal listeners and byte accounting, built on Caffeine.
 *
 * <p>A cache is thread-safe: share one per kind of response (chat answers, embeddings) across the
 * application. Whoever creates it closes it; {@link #close()} is idempotent. Keys and values are
 * never null, and keys need proper {@code equals} and {@code hashCode}.
 *
 * <pre>{@code
 * try (ResponseCache<String, ChatResponse> cache = ResponseCache.create(CacheConfig.inference())) {
 *   ChatResponse answer = cache.get(key, k -> backend.chat(request)); // one call per key at a time
 *   cache.put(otherKey, otherAnswer, Duration.ofMinutes(5));          // its own TTL
 *   CacheStats stats = cache.stats();                                 // hitRate(), totalSizeMb()
 * }
 * }</pre>
 *
 * <p>When full, the cache evicts the entries least likely to be used again, judged by recency and
 * frequency together (Caffeine's W-TinyLFU), which keeps more hits than plain LRU on real traffic.
 * Entries expire their TTL after they were written; reads do not extend it.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface ResponseCache<K, V> extends AutoCloseable {

  /**
   * Creates a cache.
   *
   * @param config its configuration
   * @param <K> the key type
   * @param <V> the value type
   * @return a new, empty cache, to be closed by the caller
   * @throws NullPointerException if {@code config} is null
   */
  static <K, V> ResponseCache<K, V> create(CacheConfig config) {
    return new CaffeineResponseCache<>(config);
  }

  /**
   * Returns the cache's name, from its configuration.
   *
   * @return the name
   */
  String name();

  /**
   * Returns the configuration the cache was created with.
   *
   * @return the configuration
   */
  CacheConfig config();

  /**
   * Returns the live value for a key, counting a hit or a miss.
   *
   * @param key the key
   * @return the value, or {@code null} if absent or expired
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalStateException if the cache is closed
   */
  @Nullable V getIfPresent(K key);

  /**
   * Returns the live value for a key without counting a hit or a miss and without touching the
   * eviction policy: for a second look on a path that has already counted its lookup.
   *
   * @param key the key
   * @return the value, or {@code null} if absent or expired
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalStateException if the cache is closed
   */
  @Nullable V peek(K key);

  /**
   * Returns the live value for a key, loading and storing it (with the default TTL) when absent.
   * Concurrent callers for the same key wait for one load and share its result. A loader that
   * throws, or returns null, caches nothing: its exception reaches this caller (and those waiting
   * on the same load), and the next call loads again.
   *
   * <p>The loader runs while the key's slot is locked, so it must not touch this cache's other
   * keys. Keep it to the work of computing the value.
   *
   * @param key the key
   * @param loader computes the value of an absent key
   * @return the cached or loaded value
   * @throws NullPointerException if {@code key} or {@code loader} is null, or the loader returned
   *     null
   * @throws IllegalArgumentException if the cache has a byte bound and its weigher cannot measure
   *     the loaded value
   * @throws IllegalStateException if the cache is closed
   * @throws RuntimeException whatever the loader threw, unchanged
   */
  V get(K key, Function<? super K, ? extends V> loader);

  /**
   * Stores a value with the default TTL, replacing any value under the key (listeners hear {@link
   * RemovalCause#REPLACED}).
   *
   * @param key the key
   * @param value the value
   * @throws NullPointerException if {@code key} or {@code value} is null
   * @throws IllegalArgumentException if the cache has a byte bound and its weigher cannot measure
   *     {@code value}
   * @throws IllegalStateException if the cache is closed
   */
  void put(K key, V value);

  /**
   * Stores a value with its own time to live, replacing any value under the key. A later {@link
   * #put(Object, Object)} of the key gives it the default TTL again.
   *
   * @param key the key
   * @param value the value
   * @param ttl how long the entry lives, positive and at most {@link CacheConfig#MAXIMUM_TTL}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code ttl} is out of range, or the cache has a byte bound
   *     and its weigher cannot measure {@code value}
   * @throws IllegalStateException if the cache is closed
   */
  void put(K key, V value, Duration ttl);

  /**
   * Removes a key's entry, if any (listeners hear {@link RemovalCause#EXPLICIT}).
   *
   * @param key the key
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalStateException if the cache is closed
   */
  void invalidate(K key);

  /**
   * Removes every entry (listeners hear {@link RemovalCause#EXPLICIT} for each).
   *
   * @throws IllegalStateException if the cache is closed
   */
  void invalidateAll();

  /**
   * Returns the approximate number of entries: it may count entries that have expired but are not
   * yet removed, and is exact only after {@link #cleanUp()} with no writes in flight. Use {@link
   * CacheStats#entries()} for the live count.
   *
   * @return the estimated number of entries; zero once closed
   */
  long size();

  /**
   * Runs pending maintenance now, on the calling thread: removes expired entries, applies the bound
   * and notifies listeners. The cache does this by itself; tests and shutdown hooks call it to
   * reach a settled state.
   *
   * @throws IllegalStateException if the cache is closed
   */
  void cleanUp();

  /**
   * Returns a snapshot of the cache's statistics. It walks the live entries to count them and their
   * bytes, so it costs time linear in the size; call it for reports, not per request.
   *
   * @return a new immutable snapshot; after {@link #close()}, the counts at closing time with no
   *     entries
   */
  CacheStats stats();

  /**
   * Registers a listener for entries that leave the cache from now on. Registering the same
   * listener twice makes it hear each removal twice.
   *
   * @param listener the listener
   * @throws NullPointerException if {@code listener} is null
   * @throws IllegalStateException if the cache is closed
   */
  void addListener(EvictionListener<? super K, ? super V> listener);

  /**
   * Unregisters one registration of a listener.
   *
   * @param listener the listener
   * @return {@code true} if it was registered
   * @throws NullPointerException if {@code listener} is null
   */
  boolean removeListener(EvictionListener<? super K, ? super V> listener);

  /**
   * Discards every entry (without notifying listeners), drops the listeners and refuses further
   * use. Idempotent; {@link #size()}, {@link #stats()} and {@link #removeListener} still answer.
   */
  @Override
  void close();
}
