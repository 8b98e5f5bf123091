package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.cache.ResponseCache;
import ai.vaultgemma.core.internal.CachedValue;
import ai.vaultgemma.core.tier.SecondLevelHit;
import ai.vaultgemma.core.tier.SharedTier;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The two cache levels for one kind of answer: the in-memory cache (L1) and, when configured, the
 * shared tier (L2), with the codec between value and bytes. Lookup, the L1 refill from L2 with the
 * time the entry has left there, and storing exist here once, for chat and embeddings alike.
 * Thread-safe.
 *
 * @param <V> the value type ({@code ChatResponse} or {@code float[]})
 */
public final class TieredCache<V> {
  private final ResponseCache<String, CachedValue<V>> l1;
  private final @Nullable SharedTier tier;
  private final AnswerCodec<V> codec;
  private final Class<V> type;

  /**
   * Creates the two levels.
   *
   * @param l1 the in-memory cache
   * @param tier the shared tier, or null
   * @param codec value to bytes and back
   * @param type the value type
   */
  public TieredCache(
      ResponseCache<String, CachedValue<V>> l1,
      @Nullable SharedTier tier,
      AnswerCodec<V> codec,
      Class<V> type) {
    this.l1 = l1;
    this.tier = tier;
    this.codec = codec;
    this.type = type;
  }

  /** The in-memory level. */
  public ResponseCache<String, CachedValue<V>> l1() {
    return l1;
  }

  /** True when a shared tier backs the memory level. */
  public boolean hasL2() {
    return tier != null;
  }

  /** The default TTL of the memory level. */
  public Duration defaultTtl() {
    return l1.config().defaultTtl();
  }

  /**
   * Reads L1, counting a hit or a miss.
   *
   * @param key the key
   * @return the value, or null
   */
  public @Nullable V get(String key) {
    CachedValue<V> hit = l1.getIfPresent(key);
    return hit == null ? null : hit.value();
  }

  /**
   * Reads L1 without touching its statistics (the second look of a call that won a join slot).
   *
   * @param key the key
   * @return the value, or null
   */
  public @Nullable V peek(String key) {
    CachedValue<V> hit = l1.peek(key);
    return hit == null ? null : hit.value();
  }

  /**
   * Looks in L2. The future always completes, within the tier's read budget, and never
   * exceptionally; its JDBC work runs on the tier's own threads.
   *
   * @param key the key
   * @return the hit, or empty
   */
  public CompletableFuture<Optional<SecondLevelHit>> lookup(String key) {
    SharedTier t = tier;
    return t == null ? CompletableFuture.completedFuture(Optional.empty()) : t.lookupAsync(key);
  }

  /**
   * Looks in L2 and waits for the answer on this thread, which keeps the read budget itself (the
   * JDBC work still runs on the tier's threads): the form for a blocking call.
   *
   * @param key the key
   * @return the hit, or empty
   */
  public Optional<SecondLevelHit> lookupNow(String key) {
    SharedTier t = tier;
    return t == null ? Optional.empty() : t.lookup(key);
  }

  /**
   * Decodes an L2 hit and puts it in L1 for no longer than it has left in L2.
   *
   * @param key the key
   * @param hit what L2 held
   * @param ttl the TTL this call would store with
   * @return the value, or null when the bytes were unreadable (ignored)
   */
  public @Nullable V refill(String key, SecondLevelHit hit, Duration ttl) {
    byte[] bytes = hit.value();
    V value = codec.decode(bytes);
    if (value == null) {
      return null;
    }
    Duration left = hit.timeToLive().compareTo(ttl) < 0 ? hit.timeToLive() : ttl;
    l1.put(key, new CachedValue<>(value, bytes.length), left);
    return value;
  }

  /**
   * Stores a fresh value in L1 and queues it for L2 (never blocks on the database).
   *
   * @param key the key
   * @param value the value, as an {@code Object} from a unit
   * @param wire the bytes the server sent for it, or null to encode it here
   * @param ttl how long to keep it
   */
  public void store(String key, Object value, byte @Nullable [] wire, Duration ttl) {
    V typed = type.cast(value);
    byte[] bytes = wire;
    if (bytes == null) {
      bytes = codec.encode(typed);
    }
    l1.put(key, new CachedValue<>(typed, bytes.length), ttl);
    SharedTier t = tier;
    if (t != null) {
      t.store(key, bytes, ttl);
    }
  }
}
