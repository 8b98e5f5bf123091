package ai.vaultgemma.pool.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import okhttp3.Headers;

/**
 * Reads the wait a response asks for: {@code retry-after-ms} (milliseconds, as OpenAI and Azure
 * send it) wins over {@code Retry-After} (delta seconds or an HTTP date, RFC 9110 10.2.3).
 */
public final class RetryAfter {
  private RetryAfter() {}

  /**
   * Returns the requested wait in nanoseconds, or -1 if the headers ask for none or are malformed.
   * A date in the past means 0.
   *
   * @param headers the response headers
   * @param clock the wall clock, for HTTP dates
   * @return nanoseconds, or -1
   */
  public static long nanos(Headers headers, Clock clock) {
    String ms = headers.get("retry-after-ms");
    if (ms != null) {
      try {
        double millis = Double.parseDouble(ms.trim());
        if (millis >= 0 && !Double.isInfinite(millis)) {
          return (long) Math.min(millis * 1_000_000d, (double) Long.MAX_VALUE);
        }
      } catch (NumberFormatException e) {
        // fall through to Retry-After
      }
    }
    String value = headers.get("Retry-After");
    if (value == null) {
      return -1;
    }
    String trimmed = value.trim();
    if (!trimmed.isEmpty() && trimmed.chars().allMatch(c -> c >= '0' && c <= '9')) {
      try {
        long seconds = Long.parseLong(trimmed);
        return seconds > Long.MAX_VALUE / 1_000_000_000L
            ? Long.MAX_VALUE
            : seconds * 1_000_000_000L;
      } catch (NumberFormatException e) {
        return Long.MAX_VALUE; // more digits than a long: "very long"
      }
    }
    Instant date = headers.getInstant("Retry-After");
    if (date == null) {
      return -1;
    }
    Duration until = Duration.between(clock.instant(), date);
    return until.isNegative() ? 0 : until.toNanos();
  }
}
