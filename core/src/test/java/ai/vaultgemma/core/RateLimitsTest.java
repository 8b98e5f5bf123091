package ai.vaultgemma.core;

import static ai.vaultgemma.core.InferenceClientPayloads.chatOk;
import static ai.vaultgemma.core.InferenceClientPayloads.dispatcher;
import static ai.vaultgemma.core.InferenceClientPayloads.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.vaultgemma.pool.HttpPoolConfig;
import ai.vaultgemma.pool.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** Client-side rate limits in memory, driven by an injected ticker where time matters. */
class RateLimitsTest {

  private static final CallOptions NO_CACHE =
      CallOptions.builder().skipCacheRead(true).skipCacheWrite(true).build();

  @StartStop final MockWebServer server = new MockWebServer();

  private InferenceClient.Builder client() {
    server.setDispatcher(dispatcher(r -> chatOk("ok")));
    return InferenceClient.builder()
        .baseUrl(server.url("/v1").toString())
        .httpPool(HttpPoolConfig.builder().retryPolicy(RetryPolicy.none()).build())
        .shutdownTimeout(Duration.ofSeconds(10));
  }

  @Test
  void aRequestLimitHoldsWithinAFewPercentInEveryTenSecondWindow() {
    AtomicLong now = new AtomicLong(1_000_000_000L);
    RateLimit limit =
        RateLimit.builder()
            .requestsPerMinute(600)
            .whenExceeded(RateLimit.Action.REJECT)
            .ticker(now::get)
            .build();
    List<Integer> windows = new ArrayList<>();
    try (InferenceClient client = client().rateLimitPerScope(limit).build()) {
      // Offered load: one call every 5 ms of ticker time (12,000 per minute), for 60 s.
      for (int w = 0; w < 6; w++) {
        int passed = 0;
        for (int i = 0; i < 2000; i++) {
          try {
            client.chat(request("w" + w + "-" + i), NO_CACHE);
            passed++;
          } catch (RateLimitExceededException e) {
            // over the limit: not sent
          }
          now.addAndGet(5_000_000L);
        }
        windows.add(passed);
      }
    }
    // 600 per minute is 100 per 10 s; the first window also has the burst of 10.
    assertThat(windows.get(0)).isBetween(100, 111);
    for (int w = 1; w < 6; w++) {
      assertThat(windows.get(w)).as("window %s", w).isBetween(98, 102);
    }
    assertThat(server.getRequestCount()).isEqualTo(windows.stream().mapToInt(i -> i).sum());
  }

  @Test
  void aRejectionNamesTheLimitAndWhenToRetry() {
    AtomicLong now = new AtomicLong(0);
    RateLimit limit =
        RateLimit.builder()
            .requestsPerMinute(60)
            .whenExceeded(RateLimit.Action.REJECT)
            .ticker(now::get)
            .build();
    try (InferenceClient client = client().rateLimitPerScope(limit).build()) {
      CallOptions tenant = NO_CACHE.toBuilder().scope("tenant-a").build();
      client.chat(request("a"), tenant);
      assertThatThrownBy(() -> client.chat(request("b"), tenant))
          .isInstanceOf(RateLimitExceededException.class)
          .hasMessage(
              "rate limit scope \"tenant-a\" requests per minute (60) exceeded; retry after"
                  + " 1000ms")
          .satisfies(
              e -> {
                RateLimitExceededException r = (RateLimitExceededException) e;
                assertThat(r.limit()).isEqualTo("scope \"tenant-a\" requests per minute (60)");
                assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(1));
              });
      // Another scope has its own budget; a cache hit costs nothing.
      client.chat(request("c"), NO_CACHE.toBuilder().scope("tenant-b").build());
      now.addAndGet(1_000_000_000L);
      client.chat(request("d"), tenant);
    }
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void tokensAreEstimatedFromTheRequestAndCorrectedFromUsage() {
    AtomicLong now = new AtomicLong(0);
    // 600 tokens per minute: 10 per second, a burst of 10. Each answer reports 4 tokens used
    // while the one-character prompt is estimated at 1.
    RateLimit limit =
        RateLimit.builder()
            .tokensPerMinute(600)
            .whenExceeded(RateLimit.Action.REJECT)
            .ticker(now::get)
            .build();
    try (InferenceClient client = client().rateLimitPerEndpoint(limit).build()) {
      int passed = 0;
      for (int i = 0; i < 20; i++) {
        try {
          client.chat(request(String.valueOf((char) ('a' + i))), NO_CACHE);
          passed++;
        } catch (RateLimitExceededException e) {
          assertThat(e.limit()).endsWith("tokens per minute (600)").startsWith("endpoint http://");
          break;
        }
      }
      // Charged 4 each after correction: 3 fit in the burst (a 4th would owe 0.3 s); without the
      // correction 10 would have.
      assertThat(passed).isEqualTo(3);
    }
  }

  @Test
  void aWaitingCallGoesWhenTheLimitAllowsAndNeverPastItsDeadline() throws Exception {
    RateLimit limit = RateLimit.builder().requestsPerMinute(60).build(); // WAIT by default
    try (InferenceClient client = client().rateLimitPerEndpoint(limit).build()) {
      client.chat(request("a"), NO_CACHE);
      long start = System.nanoTime();
      assertThat(client.chatAsync(request("b"), NO_CACHE).get(10, TimeUnit.SECONDS).text())
          .isEqualTo("ok");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(900));

      CallOptions hurried = NO_CACHE.toBuilder().timeout(Duration.ofMillis(200)).build();
      assertThatThrownBy(() -> client.chatAsync(request("c"), hurried).get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(RateLimitExceededException.class)
          .hasMessageContaining("past the call's deadline");
    }
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void limitsAreValidated() {
    assertThatThrownBy(() -> RateLimit.builder().requestsPerMinute(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("requestsPerMinute must be between 1 and 100000000 but was 0");
    assertThatThrownBy(() -> RateLimit.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a RateLimit needs requestsPerMinute or tokensPerMinute (or both)");
  }
}
