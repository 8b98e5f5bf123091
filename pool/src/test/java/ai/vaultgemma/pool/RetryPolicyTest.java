package ai.vaultgemma.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  @Test
  void defaultsMatchTheDocumentedConstants() {
    RetryPolicy policy = RetryPolicy.defaults();
    assertThat(policy.maxRetries()).isEqualTo(3);
    assertThat(policy.retryableStatuses())
        .containsExactlyInAnyOrder(408, 409, 429, 500, 502, 503, 504);
    assertThat(policy.maxServerWait()).isEqualTo(Duration.ofSeconds(60));
    assertThat(policy.retryBudget()).isEqualTo(Duration.ofMinutes(2));
    assertThat(policy.fullJitter()).isEqualTo(RetryPolicy.DEFAULT_FULL_JITTER).isTrue();
    assertThat(policy.retryOnIoFailure())
        .isEqualTo(RetryPolicy.DEFAULT_RETRY_ON_IO_FAILURE)
        .isFalse();
    assertThat(RetryPolicy.none().maxRetries()).isZero();
  }

  @Test
  void exponentialBackoffGrowsAndIsCapped() {
    RetryPolicy policy =
        RetryPolicy.builder()
            .fullJitter(false)
            .backoff(Duration.ofMillis(100), 2.0, Duration.ofMillis(500))
            .build();
    assertThat(policy.backoffDelay(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.backoffDelay(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(policy.backoffDelay(3)).isEqualTo(Duration.ofMillis(400));
    assertThat(policy.backoffDelay(4)).isEqualTo(Duration.ofMillis(500));
    assertThat(policy.backoffDelay(60)).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void fullJitterScalesTheDelayByTheInjectedRandom() {
    RetryPolicy.Builder builder =
        RetryPolicy.builder().backoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(10));
    assertThat(builder.random(() -> 0.25).build().backoffDelay(3))
        .isEqualTo(Duration.ofMillis(100));
    assertThat(builder.random(() -> 0.0).build().backoffDelay(3)).isEqualTo(Duration.ZERO);
    assertThat(builder.random(() -> 7.0).build().backoffDelay(3))
        .as("a source outside [0,1) never stretches the wait")
        .isEqualTo(Duration.ZERO);
  }

  @Test
  void customBackoffFunctionIsUsed() {
    RetryPolicy policy =
        RetryPolicy.builder().fullJitter(false).backoff(retry -> Duration.ofSeconds(retry)).build();
    assertThat(policy.backoffDelay(3)).isEqualTo(Duration.ofSeconds(3));
    assertThat(RetryPolicy.Backoff.fixed(Duration.ofMillis(7)).delay(9))
        .isEqualTo(Duration.ofMillis(7));
  }

  @Test
  void retryableOutcomes() {
    RetryPolicy policy = RetryPolicy.defaults();
    assertThat(policy.isRetryable(503)).isTrue();
    assertThat(policy.isRetryable(429)).isTrue();
    assertThat(policy.isRetryable(400)).isFalse();
    assertThat(policy.isRetryable(401)).isFalse();
    assertThat(policy.isRetryable(404)).isFalse();
    assertThat(policy.isRetryable(new ConnectException("refused"))).isTrue();
    assertThat(policy.isRetryable(new SocketTimeoutException("read"))).isFalse();
    assertThat(policy.isRetryable(new InterruptedIOException("canceled"))).isFalse();
    assertThat(policy.isRetryable(new IOException("unexpected end of stream"))).isFalse();
    assertThat(
            policy.toBuilder()
                .retryOnIoFailure(true)
                .build()
                .isRetryable(new IOException("unexpected end of stream")))
        .isTrue();
  }

  @Test
  void toBuilderKeepsValuesAndDoesNotLeakLaterChanges() {
    RetryPolicy.Builder builder = RetryPolicy.builder().maxRetries(5).retryableStatuses(503);
    RetryPolicy first = builder.build();
    builder.maxRetries(1);
    assertThat(first.maxRetries()).isEqualTo(5);
    RetryPolicy copy = first.toBuilder().build();
    assertThat(copy.maxRetries()).isEqualTo(5);
    assertThat(copy.retryOnStaleConnection()).as("default").isTrue();
    RetryPolicy strict = first.toBuilder().retryOnStaleConnection(false).build();
    assertThat(strict.retryOnStaleConnection()).isFalse();
    assertThat(strict.toBuilder().build().retryOnStaleConnection()).isFalse();
    assertThat(strict.toString()).contains("retryOnStaleConnection=false");
    assertThat(copy.retryableStatuses()).containsExactly(503);
    assertThat(copy.toString()).contains("maxRetries=5", "[503]");
  }

  @Test
  void durationsTooLongToCountInNanosAreRejectedByName() {
    Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
    assertThatThrownBy(() -> RetryPolicy.builder().retryBudget(forever))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("retryBudget must be at most PT2562047H47M16.854775807S")
        .hasMessageEndingWith("but was " + forever);
    assertThatThrownBy(() -> RetryPolicy.builder().maxServerWait(Duration.ofDays(200_000)))
        .hasMessageStartingWith("maxServerWait must be at most");
    assertThatThrownBy(() -> RetryPolicy.Backoff.fixed(forever))
        .hasMessageStartingWith("delay must be at most");
    assertThatThrownBy(() -> RetryPolicy.Backoff.exponential(Duration.ofMillis(1), 2.0, forever))
        .hasMessageStartingWith("maxBackoff must be at most")
        .hasMessageNotContaining("initialBackoff must");
  }

  @Test
  void badValuesNameTheFieldAndTheValue() {
    assertThatThrownBy(() -> RetryPolicy.builder().maxRetries(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxRetries must be >= 0 but was -1");
    assertThatThrownBy(() -> RetryPolicy.builder().maxServerWait(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxServerWait must be positive but was PT0S");
    assertThatThrownBy(() -> RetryPolicy.builder().retryBudget(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retryBudget must be positive but was PT-1S");
    assertThatThrownBy(
            () -> RetryPolicy.builder().backoff(Duration.ofMillis(100), 0.5, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("backoffMultiplier must be >= 1.0 but was 0.5");
    assertThatThrownBy(
            () -> RetryPolicy.builder().backoff(Duration.ofSeconds(2), 2.0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBackoff must be >= initialBackoff (PT2S) but was PT1S");
    assertThatThrownBy(() -> RetryPolicy.builder().retryableStatuses(503, 99))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retryableStatuses must be within 100..599 but was [503, 99]");
    assertThatThrownBy(() -> RetryPolicy.defaults().backoffDelay(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retry must be >= 1 but was 0");
    assertThatThrownBy(() -> RetryPolicy.builder().sleeper(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("sleeper");
  }
}
