package ai.vaultgemma.cache;

/**
 * Why an entry left a {@link ResponseCache}, as given to an {@link EvictionListener} and counted in
 * {@link CacheStats#removalCount(RemovalCause)}.
 */
public enum RemovalCause {
  /** The caller removed the entry with {@code invalidate} or {@code invalidateAll}. */
  EXPLICIT,
  /** The caller stored a different value under the same key; the old value was replaced. */
  REPLACED,
  /** The entry outlived its time to live. */
  EXPIRED,
  /** The entry was evicted to keep the cache within its entry or byte bound. */
  SIZE;

  /**
   * Tells whether the cache removed the entry on its own (expiry or bound) rather than because of a
   * caller's write.
   *
   * @return {@code true} for {@link #EXPIRED} and {@link #SIZE}
   */
  public boolean wasEvicted() {
    return this == EXPIRED || this == SIZE;
  }
}
