package ai.vaultgemma.pool.internal;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;
import okhttp3.Headers;
import org.jspecify.annotations.Nullable;

/**
 * The one reader of the wait a server asks for, used by the pool's retry stage and by {@code
 * core}'s error parser, so a header means the same everywhere.
 *
 * <p>The rule:
 *
 * <ol>
 *   <li>{@code retry-after-ms} (milliseconds, as OpenAI and Azure send it) wins when it is a
 *       non-negative decimal number ({@code 250} or {@code 250.5}); otherwise it is ignored.
 *   <li>{@code Retry-After} is delay-seconds or an HTTP-date (RFC 9110 section 10.2.3). Seconds are
 *       digits, optionally with a fraction ({@code 1.5}); an HTTP-date is read in the three forms
 *       RFC 9110 asks recipients to accept (IMF-fixdate, RFC 850, asctime) and a date in the past
 *       means 0.
 *   <li>Anything else (a sign, an exponent, {@code NaN}, words, an empty value) means "no wait
 *       asked", never an error.
 * </ol>
 *
 * <p>Why a fraction is accepted though RFC 9110 says delay-seconds is an integer: servers and
 * gateways do send {@code Retry-After: 1.5}, and OpenAI's own clients read it as 1.5 s. Ignoring it
 * would make us retry on our own backoff, usually sooner than the server asked; reading it waits as
 * asked. A value too long for a {@code long} of nanoseconds saturates; callers cap it.
 *
 * <p>Stateless and thread-safe.
 */
public final class RetryAfter {
  private static final Pattern DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]+)?");
  private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);
  private static final BigDecimal NANOS_PER_MILLI = BigDecimal.valueOf(1_000_000L);
  private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);

  /** More integer digits than this are longer than any {@code long} of nanoseconds anyway. */
  private static final int MAX_INTEGER_DIGITS = 20;

  private RetryAfter() {}

  /**
   * Returns the wait {@code headers} ask for, in nanoseconds, or -1 if they ask for none.
   *
   * @param headers the response headers
   * @param clock the wall clock, for HTTP dates
   * @return nanoseconds (0 or more, saturating at {@link Long#MAX_VALUE}), or -1
   */
  public static long nanos(Headers headers, Clock clock) {
    return nanos(headers.get("retry-after-ms"), headers.get("Retry-After"), clock.instant());
  }

  /**
   * Returns the wait the two headers ask for, in nanoseconds, or -1 if they ask for none.
   *
   * @param retryAfterMs the {@code retry-after-ms} header, or null when absent
   * @param retryAfter the {@code Retry-After} header, or null when absent
   * @param now the current time, for an HTTP-date
   * @return nanoseconds (0 or more, saturating at {@link Long#MAX_VALUE}), or -1
   */
  public static long nanos(
      @Nullable String retryAfterMs, @Nullable String retryAfter, Instant now) {
    if (retryAfterMs != null) {
      long nanos = decimal(retryAfterMs.trim(), NANOS_PER_MILLI);
      if (nanos >= 0) {
        return nanos;
      }
    }
    if (retryAfter == null) {
      return -1;
    }
    String value = retryAfter.trim();
    long nanos = decimal(value, NANOS_PER_SECOND);
    if (nanos >= 0) {
      return nanos;
    }
    Instant date = httpDate(value);
    if (date == null) {
      return -1;
    }
    if (!date.isAfter(now)) {
      return 0;
    }
    Duration until = Duration.between(now, date);
    return until.compareTo(Checks.MAX_NANOS) >= 0 ? Long.MAX_VALUE : until.toNanos();
  }

  /**
   * Returns the wait as a {@link Duration}, or null if the headers ask for none.
   *
   * @param retryAfterMs the {@code retry-after-ms} header, or null when absent
   * @param retryAfter the {@code Retry-After} header, or null when absent
   * @param now the current time, for an HTTP-date
   * @return the wait, never negative, or null
   */
  public static @Nullable Duration duration(
      @Nullable String retryAfterMs, @Nullable String retryAfter, Instant now) {
    long nanos = nanos(retryAfterMs, retryAfter, now);
    return nanos < 0 ? null : Duration.ofNanos(nanos);
  }

  private static long decimal(String value, BigDecimal nanosPerUnit) {
    if (!DECIMAL.matcher(value).matches()) {
      return -1;
    }
    int dot = value.indexOf('.');
    if ((dot < 0 ? value.length() : dot) > MAX_INTEGER_DIGITS) {
      return Long.MAX_VALUE;
    }
    BigDecimal nanos = new BigDecimal(value).multiply(nanosPerUnit);
    return nanos.compareTo(MAX_NANOS) >= 0 ? Long.MAX_VALUE : nanos.longValue();
  }

  private static @Nullable Instant httpDate(String value) {
    if (value.isEmpty()) {
      return null;
    }
    try {
      // OkHttp's date reader takes the three forms RFC 9110 names, and more.
      return Headers.of("Retry-After", value).getInstant("Retry-After");
    } catch (IllegalArgumentException e) {
      return null; // characters a header cannot hold
    }
  }
}
