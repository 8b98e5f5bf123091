package ai.vaultgemma.micrometer.internal;

import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Remembers one snapshot for a while, so that the meters read from one snapshot (a cache's hits,
 * misses, evictions and size) agree with each other within a scrape and the snapshot, which may
 * walk a whole cache, is taken once per scrape rather than once per meter.
 *
 * <p>Thread-safe: the last snapshot sits in one volatile field; two threads that find it stale at
 * once may both take a new one, and either result is kept.
 *
 * <p>The memo holds the last snapshot, never the object it was taken from: that object is passed to
 * {@link #get} on every read, so a meter can hold it weakly.
 *
 * @param <O> the type of the object snapshots are taken from
 * @param <T> the snapshot type
 */
public final class Memo<O, T> {

  private record Taken<T>(T value, long atNanos) {}

  private final Function<O, T> source;
  private final long maxAgeNanos;
  private final LongSupplier nanoTime;
  private volatile @Nullable Taken<T> last;

  /**
   * Creates a memo.
   *
   * @param source takes a fresh snapshot of an object
   * @param maxAgeNanos how long a snapshot is reused; 0 takes a new one on every read
   * @param nanoTime the clock, {@code System::nanoTime} outside tests
   */
  public Memo(Function<O, T> source, long maxAgeNanos, LongSupplier nanoTime) {
    this.source = source;
    this.maxAgeNanos = maxAgeNanos;
    this.nanoTime = nanoTime;
  }

  /**
   * Returns the remembered snapshot, or a fresh one when it is older than the maximum age.
   *
   * @param from the object to take a fresh snapshot of
   * @return the snapshot
   */
  public T get(O from) {
    long now = nanoTime.getAsLong();
    Taken<T> t = last;
    if (t != null && now - t.atNanos() < maxAgeNanos) {
      return t.value();
    }
    T value = source.apply(from);
    last = new Taken<>(value, now);
    return value;
  }
}
