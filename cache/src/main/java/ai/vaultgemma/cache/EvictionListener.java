package ai.vaultgemma.cache;

/**
 * Hears about every entry that leaves a {@link ResponseCache}: its key, its value and the {@link
 * RemovalCause}. Register one with {@link ResponseCache#addListener(EvictionListener)}.
 *
 * <p>Listeners are called after the removal, on the cache's {@link CacheConfig#executor() executor}
 * (the common fork-join pool by default), possibly from several threads at once, so they must be
 * thread-safe. Keep them fast and non-blocking and do not write to the same cache from one. A
 * listener that throws is caught and logged at WARN by the {@code ai.vaultgemma.cache} logger; it
 * never breaks the cache or stops other listeners.
 *
 * <p>Closing a cache ({@link ResponseCache#close()}) drops its listeners and does not notify them
 * of the entries it discards.
 *
 * <pre>{@code
 * cache.addListener((key, value, cause) -> {
 *   if (cause.wasEvicted()) {
 *     log.debug("cache evicted {} ({})", key, cause);
 *   }
 * });
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface EvictionListener<K, V> {

  /**
   * Called once for each entry that left the cache.
   *
   * @param key the key of the removed entry
   * @param value the value that was removed (for {@link RemovalCause#REPLACED}, the old value)
   * @param cause why it was removed
   */
  void onRemoval(K key, V value, RemovalCause cause);

  /**
   * Whether this listener wants to hear of a removal for {@code cause}: the cache asks every
   * listener on the thread that removed the entry (inside the cache's lock for an eviction), and
   * hands the removal to its executor only when one says yes, and calls only those. A listener that
   * ignores most removals (explicit ones, or all of them while its log level is off) saves a
   * hand-off to another thread per removal by saying so here. It must be fast, non-blocking and
   * must not touch the cache; one that throws is logged and hears the removal.
   *
   * @param cause why the entry is leaving
   * @return true (the default) to hear it
   */
  default boolean hears(RemovalCause cause) {
    return true;
  }
}
