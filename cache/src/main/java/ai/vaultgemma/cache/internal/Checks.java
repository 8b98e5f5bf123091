package ai.vaultgemma.cache.internal;

import static java.util.Objects.requireNonNull;

import ai.vaultgemma.cache.CacheConfig;
import java.time.Duration;

/** Argument checks shared by the public configuration and the cache implementation. */
public final class Checks {
  private Checks() {}

  /**
   * Checks a time to live: positive and at most {@link CacheConfig#MAXIMUM_TTL}.
   *
   * @param ttl the value to check
   * @param field the name to report in the exception
   * @return {@code ttl}
   * @throws NullPointerException if {@code ttl} is null
   * @throws IllegalArgumentException if {@code ttl} is zero, negative or longer than the maximum
   */
  public static Duration checkTtl(Duration ttl, String field) {
    requireNonNull(ttl, field);
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException(field + " must be > 0 but was " + ttl);
    }
    if (ttl.compareTo(CacheConfig.MAXIMUM_TTL) > 0) {
      throw new IllegalArgumentException(
          field + " must be <= " + CacheConfig.MAXIMUM_TTL + " (365 days) but was " + ttl);
    }
    return ttl;
  }
}
