package ai.vaultgemma.cache;

/**
 * Measures cached entries in bytes, for {@link CacheStats#totalSizeBytes()} and for a cache bounded
 * by {@link CacheConfig.Builder#maximumBytes(long) maximumBytes}.
 *
 * <p>A weigher must be pure, cheap and thread-safe: the cache calls it when an entry is written,
 * and again for every entry when a {@link ResponseCache#stats()} snapshot is taken. An entry's
 * weight must not change while it is cached.
 *
 * <p>{@link #standard()} is the default. Return {@link #UNKNOWN} for a value you cannot measure: a
 * cache without a byte bound counts it as zero bytes, and a cache with a byte bound refuses to
 * store it with an {@link IllegalArgumentException} that names its type.
 *
 * <pre>{@code
 * CacheConfig config = CacheConfig.builder()
 *     .maximumBytes(64L << 20)
 *     .weigher((key, value) -> ((ChatResponse) value).json().length())
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface Weigher {

  /** The weight that means "this weigher cannot measure this value". */
  long UNKNOWN = -1;

  /**
   * Returns the size of one entry.
   *
   * @param key the entry's key, never null
   * @param value the entry's value, never null
   * @return the size in bytes (zero or more), or {@link #UNKNOWN}
   */
  long sizeBytes(Object key, Object value);

  /**
   * Returns the default weigher, which measures the value (not the key): a {@code byte[]} by its
   * length, a {@link CharSequence} at two bytes per char (its UTF-16 size, an upper bound of what a
   * {@code String} holds on the heap), a {@link Sized} by {@link Sized#sizeBytes()}, and anything
   * else as {@link #UNKNOWN}.
   *
   * @return the standard weigher
   */
  static Weigher standard() {
    return StandardWeigher.STANDARD;
  }

  /**
   * Returns a weigher that measures nothing: every entry is {@link #UNKNOWN}, so byte accounting is
   * off and {@link CacheStats#totalSizeBytes()} stays zero. It cannot be combined with a byte
   * bound.
   *
   * @return the weigher that turns byte accounting off
   */
  static Weigher none() {
    return StandardWeigher.NONE;
  }
}

/** The two built-in weighers; an enum gives them stable names in {@code CacheConfig.toString()}. */
enum StandardWeigher implements Weigher {
  STANDARD {
    @Override
    public long sizeBytes(Object key, Object value) {
      if (value instanceof byte[] bytes) {
        return bytes.length;
      }
      if (value instanceof CharSequence chars) {
        return 2L * chars.length();
      }
      if (value instanceof Sized sized) {
        return sized.sizeBytes();
      }
      return UNKNOWN;
    }

    @Override
    public String toString() {
      return "Weigher.standard()";
    }
  },
  NONE {
    @Override
    public long sizeBytes(Object key, Object value) {
      return UNKNOWN;
    }

    @Override
    public String toString() {
      return "Weigher.none()";
    }
  }
}
