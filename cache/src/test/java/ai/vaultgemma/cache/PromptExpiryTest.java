package ai.vaultgemma.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.vaultgemma.cache.RecordingListener.Removal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Prompt expiry with the real clock, the real JVM-wide scheduler and the default executor: an
 * expired entry leaves, and its listener hears it, without anyone touching the cache.
 */
class PromptExpiryTest {

  @Test
  void expiredEntry_leavesWithoutAccess() {
    RecordingListener<String, String> listener = new RecordingListener<>();
    try (ResponseCache<String, String> cache =
        ResponseCache.create(
            CacheConfig.builder().name("prompt").defaultTtl(Duration.ofMillis(100)).build())) {
      cache.addListener(listener);
      cache.put("a", "1");
      cache.put("b", "2", Duration.ofMillis(50));
      assertThat(cache.size()).isEqualTo(2);
      // Only size() (a plain counter read, no maintenance) is called while waiting.
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> listener.removals.size() == 2);
      assertThat(listener.removals)
          .containsExactlyInAnyOrder(
              new Removal<>("a", "1", RemovalCause.EXPIRED),
              new Removal<>("b", "2", RemovalCause.EXPIRED));
      assertThat(cache.size()).isZero();
      assertThat(cache.stats().removalCount(RemovalCause.EXPIRED)).isEqualTo(2);
    }
  }

  @Test
  void promptExpiryOff_leavesExpiredEntriesUntilCleanUp() {
    FakeClock clock = new FakeClock();
    try (ResponseCache<String, String> cache =
        ResponseCache.create(
            CacheConfig.builder()
                .promptExpiry(false)
                .clock(clock)
                .executor(Runnable::run)
                .defaultTtl(Duration.ofSeconds(1))
                .build())) {
      cache.put("a", "1");
      clock.advance(Duration.ofSeconds(2));
      assertThat(cache.size()).isEqualTo(1);
      assertThat(cache.stats().entries()).isZero(); // not live, though still held
      cache.cleanUp();
      assertThat(cache.size()).isZero();
    }
  }
}
