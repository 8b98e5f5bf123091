package ai.vaultgemma.cache;

/**
 * A value that knows its own size, so {@link Weigher#standard()} can account for it in bytes.
 *
 * <p>Implement it on response types you store in a {@link ResponseCache} bounded by {@link
 * CacheConfig.Builder#maximumBytes(long) maximumBytes}. The size must not change while the value is
 * cached, and the method must be cheap and thread-safe.
 *
 * <pre>{@code
 * record Answer(String text, byte[] audio) implements Sized {
 *   public long sizeBytes() {
 *     return 2L * text.length() + audio.length;
 *   }
 * }
 * }</pre>
 */
@FunctionalInterface
public interface Sized {

  /**
   * Returns the approximate size of this value's payload.
   *
   * @return the size in bytes, zero or more
   */
  long sizeBytes();
}
