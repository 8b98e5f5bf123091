package ai.vaultgemma.pool;

import static org.assertj.core.api.Assertions.assertThat;

import ai.vaultgemma.pool.internal.RetryAfter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;

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
    assertThat(nanos("retry-after-ms", "250.5")).isEqualTo(250_500_000L);
    assertThat(nanos("Retry-After", httpDate(42))).isEqualTo(TimeUnit.SECONDS.toNanos(42));
  }

  @Test
  void malformedOrPastValuesAreSafe() {
    assertThat(nanos("Retry-After", "soon")).isEqualTo(-1);
    assertThat(nanos("Retry-After", "-5")).isEqualTo(-1);
    assertThat(nanos("Retry-After", httpDate(-60))).as("a date in the past").isZero();
    assertThat(nanos("retry-after-ms", "abc", "Retry-After", "2"))
        .as("a malformed retry-after-ms falls back to Retry-After")
        .isEqualTo(TimeUnit.SECONDS.toNanos(2));
    assertThat(nanos("retry-after-ms", "-1")).isEqualTo(-1);
    assertThat(nanos("Retry-After", "99999999999999999999999")).isEqualTo(Long.MAX_VALUE);
  }
}
