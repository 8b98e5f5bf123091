package ai.vaultgemma.pool.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/** Argument checks shared by the pool's configuration types, so their messages read alike. */
public final class Checks {

  /** The longest duration that fits in a {@code long} of nanoseconds (about 292 years). */
  public static final Duration MAX_NANOS = Duration.ofNanos(Long.MAX_VALUE);

  /**
   * The longest timeout OkHttp accepts: {@code Integer.MAX_VALUE} milliseconds (about 24.8 days).
   * Longer ones make OkHttp throw "timeout too large", which names neither the setting nor value.
   */
  public static final Duration MAX_TIMEOUT = Duration.ofMillis(Integer.MAX_VALUE);

  /**
   * The shortest timeout OkHttp keeps: 1 ms. OkHttp counts whole milliseconds, so a positive
   * timeout below 1 ms would become 0, which OkHttp reads as "no timeout".
   */
  public static final Duration MIN_TIMEOUT = Duration.ofMillis(1);

  private Checks() {}

  /**
   * Returns a duration that must be positive and fit in a {@code long} of nanoseconds.
   *
   * @param name the setting, named in the message
   * @param value the duration
   * @return {@code value}
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if {@code value} is zero, negative or longer than {@link
   *     #MAX_NANOS}
   */
  public static Duration positive(String name, Duration value) {
    requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive but was " + value);
    }
    return atMost(name, value, MAX_NANOS, "the longest duration counted in nanoseconds");
  }

  /**
   * Returns a duration that OkHttp can take as a timeout: from {@link #MIN_TIMEOUT} to {@link
   * #MAX_TIMEOUT}.
   *
   * @param name the setting, named in the message
   * @param value the duration
   * @return {@code value}
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if {@code value} is out of that range
   */
  public static Duration timeout(String name, Duration value) {
    positive(name, value);
    if (value.compareTo(MIN_TIMEOUT) < 0) {
      throw new IllegalArgumentException(
          name
              + " must be at least "
              + MIN_TIMEOUT
              + " (OkHttp counts whole milliseconds; less would mean no timeout) but was "
              + value);
    }
    return atMost(name, value, MAX_TIMEOUT, "Integer.MAX_VALUE ms, OkHttp's limit");
  }

  /**
   * Returns {@code value} if it is at most {@code max}.
   *
   * @param name the setting, named in the message
   * @param value the duration
   * @param max the largest value allowed
   * @param why what {@code max} is, for the message
   * @return {@code value}
   * @throws IllegalArgumentException if {@code value > max}
   */
  public static Duration atMost(String name, Duration value, Duration max, String why) {
    if (value.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          name + " must be at most " + max + " (" + why + ") but was " + value);
    }
    return value;
  }
}
