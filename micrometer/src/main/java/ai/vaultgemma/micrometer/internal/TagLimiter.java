package ai.vaultgemma.micrometer.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the values one tag may take: the first {@code limit} distinct values pass as they are,
 * every later one reads as {@link #OTHER}. Thread-safe; the bound is exact under concurrency (a
 * slot is reserved by compare-and-set before a value is admitted), and a value once admitted stays
 * admitted. A value already seen costs one {@link ConcurrentHashMap#get}.
 */
public final class TagLimiter {

  /** The value that stands for every value past the limit. */
  public static final String OTHER = "other";

  private final int limit;
  private final ConcurrentHashMap<String, String> admitted = new ConcurrentHashMap<>();
  private final AtomicInteger slots = new AtomicInteger();

  /**
   * Creates a limiter.
   *
   * @param limit the number of distinct values that pass, at least 1
   */
  public TagLimiter(int limit) {
    this.limit = limit;
  }

  /**
   * Returns the tag value for a raw value: itself if admitted (now or before), else {@link #OTHER}.
   *
   * @param value the raw value
   * @return the value to tag with
   */
  public String tagValue(String value) {
    String known = admitted.get(value);
    if (known != null) {
      return known;
    }
    if (OTHER.equals(value)) {
      return OTHER; // a model really named "other" shares the overflow series: no slot needed
    }
    if (!reserve()) {
      return OTHER;
    }
    String previous = admitted.putIfAbsent(value, value);
    if (previous != null) {
      slots.decrementAndGet(); // another thread admitted it first: give the slot back
      return previous;
    }
    return value;
  }

  /**
   * Returns how many distinct values were admitted.
   *
   * @return from 0 to the limit
   */
  public int admittedCount() {
    return admitted.size();
  }

  private boolean reserve() {
    while (true) {
      int used = slots.get();
      if (used >= limit) {
        return false;
      }
      if (slots.compareAndSet(used, used + 1)) {
        return true;
      }
    }
  }
}
