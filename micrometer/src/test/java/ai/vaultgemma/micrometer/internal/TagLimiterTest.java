package ai.vaultgemma.micrometer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TagLimiterTest {

  @Test
  void theFirstValuesPassAndLaterOnesReadOther() {
    TagLimiter limiter = new TagLimiter(2);
    assertThat(limiter.tagValue("a")).isEqualTo("a");
    assertThat(limiter.tagValue("b")).isEqualTo("b");
    assertThat(limiter.tagValue("c")).isEqualTo(TagLimiter.OTHER);
    assertThat(limiter.tagValue("a")).isEqualTo("a");
    assertThat(limiter.admittedCount()).isEqualTo(2);
  }

  @Test
  void aValueNamedOtherTakesNoSlot() {
    TagLimiter limiter = new TagLimiter(1);
    assertThat(limiter.tagValue("other")).isEqualTo("other");
    assertThat(limiter.tagValue("a")).isEqualTo("a");
  }

  @Test
  void theLimitIsExactUnderConcurrency() throws Exception {
    TagLimiter limiter = new TagLimiter(10);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    Set<String> passed = ConcurrentHashMap.newKeySet();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  go.await();
                  for (int i = 0; i < 200; i++) {
                    passed.add(limiter.tagValue("v" + ((i * 7 + thread) % 100)));
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    passed.remove(TagLimiter.OTHER);
    assertThat(passed).hasSize(10);
    assertThat(limiter.admittedCount()).isEqualTo(10);
  }
}
