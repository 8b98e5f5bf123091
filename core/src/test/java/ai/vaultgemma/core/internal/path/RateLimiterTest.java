package ai.vaultgemma.core.internal.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.vaultgemma.core.RateLimit;
import ai.vaultgemma.core.RateLimitExceededException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The in-memory limiter's own rules: bounded scope cells, exact corrections and refunds. */
class RateLimiterTest {

  private static final long SECOND = 1_000_000_000L;
  private static final long FOREVER = Long.MAX_VALUE / 4;

  private final AtomicLong now = new AtomicLong(SECOND);

  private RateLimit limit(RateLimit.Builder b) {
    return b.whenExceeded(RateLimit.Action.REJECT).ticker(now::get).build();
  }

  private static RateLimiter.Ticket charge(RateLimiter limiter, String scope, long tokens) {
    return limiter.reserveLocally(limiter.request(scope, null, tokens, FOREVER));
  }

  @Test
  void scopesThatOweNothingAreSweptSoTheMapStaysBounded() {
    RateLimiter limiter = new RateLimiter(limit(RateLimit.builder().requestsPerMinute(60)), null);
    for (int i = 0; i < 20 * RateLimiter.SWEEP_FLOOR; i++) {
      charge(limiter, "tenant-" + i, 0);
      now.addAndGet(SECOND); // each scope owes one second, so it is idle by the next call
      assertThat(limiter.scopeCount()).isLessThanOrEqualTo(2 * RateLimiter.SWEEP_FLOOR);
    }
  }

  @Test
  void aScopeThatOwesTimeIsKeptThroughASweep() {
    RateLimiter limiter = new RateLimiter(limit(RateLimit.builder().requestsPerMinute(60)), null);
    charge(limiter, "busy", 0); // owes one second from now on
    for (int i = 0; i < 3 * RateLimiter.SWEEP_FLOOR; i++) {
      charge(limiter, "tenant-" + i, 0); // no time passes: none of them is idle either
    }
    assertThat(limiter.scopeCount()).isEqualTo(3 * RateLimiter.SWEEP_FLOOR + 1);
    assertThatThrownBy(() -> charge(limiter, "busy", 0))
        .isInstanceOf(RateLimitExceededException.class);
  }

  @Test
  void aCorrectionForASweptScopeLandsAsIfItHadStayed() {
    // 600 tokens per minute: 0.1 s per token, a burst of 0.9 s.
    RateLimiter limiter = new RateLimiter(limit(RateLimit.builder().tokensPerMinute(600)), null);
    RateLimiter.Ticket ticket = charge(limiter, "a", 1); // estimated 1 token: owes 0.1 s
    now.addAndGet(SECOND); // "a" is idle now
    for (int i = 0; i <= RateLimiter.SWEEP_FLOOR; i++) {
      charge(limiter, "filler-" + i, 0); // the last one finds the map full and sweeps "a"
    }
    limiter.correct(ticket, 101); // it used 100 tokens more: 10 s more than estimated

    // Without the sweep "a" would owe 0.1 + 10 s from its old start, less the second gone by and
    // the 0.9 s burst: 8.2 s.
    assertThatThrownBy(() -> charge(limiter, "a", 1))
        .isInstanceOfSatisfying(
            RateLimitExceededException.class,
            e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(8200)));
  }

  @Test
  void aRefundGivesTheWholeChargeBack() {
    RateLimiter limiter = new RateLimiter(limit(RateLimit.builder().requestsPerMinute(60)), null);
    charge(limiter, "a", 0);
    now.addAndGet(SECOND);
    RateLimiter.Ticket second = charge(limiter, "a", 0);
    assertThatThrownBy(() -> charge(limiter, "a", 0))
        .isInstanceOf(RateLimitExceededException.class);

    limiter.refund(second); // never sent

    charge(limiter, "a", 0); // its place is free again
  }
}
