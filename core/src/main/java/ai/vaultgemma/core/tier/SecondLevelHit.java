package ai.vaultgemma.core.tier;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A value found in the shared tier's second level, with the time it has left to live there.
 *
 * <p>The client fills its in-memory cache from a hit for no longer than {@link #timeToLive()}, so
 * an answer stored with a short TTL by one instance is not kept for the in-memory cache's default
 * TTL by another. Returned by {@link SharedTier#lookup(String)}.
 *
 * <p>Immutable from the tier's side: each lookup returns a new array that belongs to the caller.
 */
public final class SecondLevelHit {

  private final byte[] value;
  private final Duration timeToLive;

  SecondLevelHit(byte[] value, Duration timeToLive) {
    this.value = requireNonNull(value, "value");
    this.timeToLive = requireNonNull(timeToLive, "timeToLive");
  }

  /**
   * Returns the stored bytes: a fresh array for this lookup, not shared with the tier.
   *
   * @return the value
   */
  @SuppressWarnings("mutable") // the array is this lookup's own copy; see the class comment
  public byte[] value() {
    return value;
  }

  /**
   * Returns how long the entry has left before it expires, by this instance's clock; at least one
   * millisecond.
   *
   * @return the remaining time to live
   */
  public Duration timeToLive() {
    return timeToLive;
  }

  @Override
  public String toString() {
    return "SecondLevelHit{" + value.length + " bytes, timeToLive=" + timeToLive + "}";
  }
}
