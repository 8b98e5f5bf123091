package ai.vaultgemma.cache;

import java.time.Duration;
import java.util.Optional;

/**
 * A second cache level behind the in-memory one: a store of byte values with a time to live per
 * entry, usually shared by several processes and surviving restarts (for example a table in
 * PostgreSQL).
 *
 * <p>The in-memory cache is looked up first; on a miss the second level is asked, and a hit there
 * fills the first level. Values are opaque bytes (typically the response JSON), keys are short
 * strings (typically a SHA-256 hex digest of the canonical request).
 *
 * <p><b>Failures never reach the caller.</b> A second level is an optimisation: when its backing
 * service is slow or down, {@link #get} answers a miss within a bounded time, {@link #put} and
 * {@link #invalidate} return normally, and the failure is counted in {@link #stats()}, whose {@link
 * SecondLevelStats#degradedReason()} says what is wrong. An implementation recovers by itself when
 * the service returns. Only caller mistakes (a {@code null} argument, a key that is too long, a
 * non-positive TTL) throw.
 *
 * <p>Implementations are thread-safe. The code that creates a store owns it and closes it; {@link
 * #close()} is idempotent, and after it every operation is a no-op (gets are misses).
 *
 * <pre>{@code
 * Optional<byte[]> cached = secondLevel.get(key);
 * if (cached.isEmpty()) {
 *   byte[] answer = callBackend();
 *   secondLevel.put(key, answer, Duration.ofHours(1));
 * }
 * }</pre>
 */
public interface SecondLevelStore extends AutoCloseable {

  /** The longest key, in characters, every implementation accepts: {@value}. */
  int MAX_KEY_LENGTH = 512;

  /**
   * Returns the value stored under {@code key} if it is present and has not expired.
   *
   * <p>A failure of the backing service is reported as a miss ({@link Optional#empty()}) and
   * counted in {@link SecondLevelStats#errorCount()}; it never throws.
   *
   * @param key the key, at most {@link #MAX_KEY_LENGTH} characters
   * @return the value, or empty when absent, expired, or the store could not answer
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if {@code key} is longer than {@link #MAX_KEY_LENGTH}
   */
  Optional<byte[]> get(String key);

  /**
   * Stores {@code value} under {@code key} for {@code ttl}, replacing any previous value.
   *
   * <p>The write may be skipped without an exception: a value above the store's size limit is
   * counted in {@link SecondLevelStats#oversizedCount()}, and a failure of the backing service in
   * {@link SecondLevelStats#writeFailureCount()}. The caller keeps ownership of {@code value}; the
   * store does not keep a reference to the array.
   *
   * @param key the key, at most {@link #MAX_KEY_LENGTH} characters
   * @param value the bytes to store
   * @param ttl how long the entry lives, positive
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code key} is too long or {@code ttl} is not positive
   */
  void put(String key, byte[] value, Duration ttl);

  /**
   * Removes the value stored under {@code key}, if any. A failure of the backing service is counted
   * in {@link SecondLevelStats#writeFailureCount()}; it never throws.
   *
   * @param key the key, at most {@link #MAX_KEY_LENGTH} characters
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if {@code key} is longer than {@link #MAX_KEY_LENGTH}
   */
  void invalidate(String key);

  /**
   * Returns a point-in-time snapshot of this store's counters and its degraded state.
   *
   * @return the snapshot, never null
   */
  SecondLevelStats stats();

  /**
   * Stops background work and releases what this store owns. It does not close a connection pool it
   * was given. Idempotent.
   */
  @Override
  void close();
}
