package ai.vaultgemma.pool.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/** Argument checks shared by the pool's configuration types, so their messages read alike. */
public final class Checks {
  private Checks() {}

  /**
   * Returns a duration that must be positive.
   *
   * @param name the setting, named in the message
   * @param value the duration
   * @return {@code value}
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if {@code value} is zero or negative
   */
  public static Duration positive(String name, Duration value) {
    requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive but was " + value);
    }
    return value;
  }
}
