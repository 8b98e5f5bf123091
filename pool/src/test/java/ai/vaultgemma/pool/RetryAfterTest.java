package ai.vaultgemma.pool;

import static org.assertj.core.api.Assertions.assertThat;

import ai.vaultgemma.pool.internal.RetryAfter;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryAfterTest {
  private final HttpTestTime time = new HttpTestTime();

  private long nanos(String... namesAndValues) {
    return RetryAfter.nanos(Headers.of(namesAndValues), time);
  }

  private static String httpDate(long secondsFromStart) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(
        HttpTestTime.START.plusSeconds(secondsFromStart).atOffset(ZoneOffset.UTC));
  }

  @Test
  void readsEveryForm() {
    assertThat(nanos()).isEqualTo(-1);
    assertThat(nanos("Retry-After", "3")).isEqualTo(TimeUnit.SECONDS.toNanos(3));
    assertThat(nanos("Retry-After", "0")).isZero();
    assertThat(nanos("Retry-After", " 7 ")).isEqualTo(TimeUnit.SECONDS.toNanos(7));
    assertThat(nanos("retry-after-ms", "250.5")).isEqualTo(250_500_000L);
    assertThat(nanos("retry-after-ms", "250")).isEqualTo(250_000_000L);
    assertThat(nanos("Retry-After", httpDate(42))).isEqualTo(TimeUnit.SECONDS.toNanos(42));
  }

  @Test
  void aFractionOfSecondsIsReadAsAsked() {
    assertThat(nanos("Retry-After", "1.5")).isEqualTo(1_500_000_000L);
    assertThat(nanos("Retry-After", "0.25")).isEqualTo(250_000_000L);
    assertThat(nanos("Retry-After", "0.0")).isZero();
  }

  @Test
  void theThreeDateFormsOfRfc9110AreRead() {
    // 2026-01-01T00:00:00Z is a Thursday; ten seconds later in each form.
    assertThat(nanos("Retry-After", "Thu, 01 Jan 2026 00:00:10 GMT"))
        .as("IMF-fixdate")
        .isEqualTo(TimeUnit.SECONDS.toNanos(10));
    assertThat(nanos("Retry-After", "Thursday, 01-Jan-26 00:00:10 GMT"))
        .as("RFC 850")
        .isEqualTo(TimeUnit.SECONDS.toNanos(10));
    assertThat(nanos("Retry-After", "Thu Jan  1 00:00:10 2026"))
        .as("asctime")
        .isEqualTo(TimeUnit.SECONDS.toNanos(10));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "soon",
        "-5",
        "+5",
        "1e3",
        "NaN",
        "Infinity",
        "0x10",
        "1.",
        ".5",
        "1,5",
        "5s",
        "1 2",
        ""
      })
  void malformedRetryAfterAsksForNoWait(String value) {
    assertThat(nanos("Retry-After", value)).isEqualTo(-1);
    assertThat(RetryAfter.duration(null, value, HttpTestTime.START)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "-1", "+1", "1e3", "NaN", "Infinity", ""})
  void malformedRetryAfterMsFallsBackToRetryAfter(String value) {
    assertThat(nanos("retry-after-ms", value, "Retry-After", "2"))
        .isEqualTo(TimeUnit.SECONDS.toNanos(2));
    assertThat(nanos("retry-after-ms", value)).isEqualTo(-1);
  }

  @Test
  void pastDatesMeanNowAndHugeValuesSaturate() {
    assertThat(nanos("Retry-After", httpDate(-60))).as("a date in the past").isZero();
    assertThat(nanos("Retry-After", "99999999999999999999999")).isEqualTo(Long.MAX_VALUE);
    assertThat(nanos("Retry-After", "9223372037"))
        .as("just over a long of nanos")
        .isEqualTo(Long.MAX_VALUE);
    assertThat(nanos("retry-after-ms", "1" + "0".repeat(40) + ".5")).isEqualTo(Long.MAX_VALUE);
    assertThat(RetryAfter.duration("1500", "9", HttpTestTime.START))
        .isEqualTo(Duration.ofMillis(1500));
  }
}
