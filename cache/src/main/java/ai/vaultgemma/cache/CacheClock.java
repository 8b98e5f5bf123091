package ai.vaultgemma.cache;

/**
 * A source of monotonic nanoseconds that drives expiry, so tests can move time by hand instead of
 * sleeping.
 *
 * <p>Implementations must be thread-safe and cheap: the cache reads the clock on every write and on
 * reads of entries that could have expired. Values only need to be meaningful as differences, as
 * with {@link System#nanoTime()}.
 *
 * <pre>{@code
 * AtomicLong now = new AtomicLong();
 * CacheConfig config = CacheConfig.builder().clock(now::get).build();
 * now.addAndGet(Duration.ofHours(2).toNanos()); // every 1 h entry has now expired
 * }</pre>
 */
@FunctionalInterface
public interface CacheClock {

  /**
   * Returns the current time of this clock.
   *
   * @return nanoseconds since an arbitrary fixed origin
   */
  long nanoTime();

  /**
   * Returns the clock backed by {@link System#nanoTime()}, the default.
   *
   * @return the system clock
   */
  static CacheClock system() {
    return SystemClock.INSTANCE;
  }
}

/** The default clock; an enum so it is a serializable-free singleton with a readable name. */
enum SystemClock implements CacheClock {
  INSTANCE;

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public String toString() {
    return "CacheClock.system()";
  }
}
