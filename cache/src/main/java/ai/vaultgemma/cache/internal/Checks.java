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

  /**
   * Adds two counts, stopping at {@link Long#MAX_VALUE} instead of wrapping around: statistics that
   * run long enough saturate rather than turn negative.
   *
   * @param a a count
   * @param b another count
   * @return their sum, or {@code Long.MAX_VALUE} on overflow
   */
  public static long saturatedAdd(long a, long b) {
    long sum = a + b;
    // Overflow happened only if both operands have the same sign and the sum's sign differs.
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
