package ai.vaultgemma.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Behaviour under many threads, with the default (asynchronous) executor. */
class ConcurrencyTest {
  private static final int THREADS = 8;

  @Test
  void entryBound_holdsUnderConcurrentWriters() throws InterruptedException {
    try (ResponseCache<Integer, String> cache =
        ResponseCache.create(CacheConfig.builder().maximumEntries(500).build())) {
      runConcurrently(
          () -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < 20_000; i++) {
              int key = random.nextInt(5_000);
              if (random.nextInt(4) == 0) {
                cache.getIfPresent(key);
              } else {
                cache.put(key, "v" + key);
              }
            }
          });
      cache.cleanUp();
      assertThat(cache.size()).isLessThanOrEqualTo(500);
      assertThat(cache.stats().entries()).isLessThanOrEqualTo(500);
      assertThat(cache.stats().removalCount(RemovalCause.SIZE)).isPositive();
    }
  }

  @Test
  void byteBound_holdsUnderConcurrentWriters() throws InterruptedException {
    long bound = 64 * 1024;
    try (ResponseCache<Integer, byte[]> cache =
        ResponseCache.create(CacheConfig.builder().maximumBytes(bound).build())) {
      runConcurrently(
          () -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < 5_000; i++) {
              cache.put(random.nextInt(10_000), new byte[1 + random.nextInt(2048)]);
            }
          });
      cache.cleanUp();
      CacheStats stats = cache.stats();
      assertThat(stats.totalSizeBytes()).isLessThanOrEqualTo(bound).isPositive();
      assertThat(stats.removalCount(RemovalCause.SIZE)).isPositive();
    }
  }

  @Test
  void fiftyCallers_shareOneLoad() throws InterruptedException {
    try (ResponseCache<String, String> cache = ResponseCache.create(CacheConfig.inference())) {
      AtomicInteger loads = new AtomicInteger();
      CountDownLatch loaderStarted = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      ConcurrentLinkedQueue<String> results = new ConcurrentLinkedQueue<>();
      List<Thread> callers = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        callers.add(
            new Thread(
                () ->
                    results.add(
                        cache.get(
                            "key",
                            k -> {
                              loads.incrementAndGet();
                              loaderStarted.countDown();
                              awaitUninterruptibly(release);
                              return "answer";
                            }))));
      }
      callers.forEach(Thread::start);
      assertThat(loaderStarted.await(10, TimeUnit.SECONDS)).isTrue();
      // Every caller is either the loader (waiting on release) or blocked behind its load.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  callers.stream()
                      .allMatch(
                          t ->
                              t.getState() == Thread.State.BLOCKED
                                  || t.getState() == Thread.State.WAITING));
      release.countDown();
      for (Thread caller : callers) {
        caller.join(10_000);
      }
      assertThat(loads).hasValue(1);
      assertThat(results).hasSize(50).containsOnly("answer");
      CacheStats stats = cache.stats();
      assertThat(stats.loadSuccessCount()).isEqualTo(1);
      assertThat(stats.missCount()).isEqualTo(1);
      assertThat(stats.hitCount()).isEqualTo(49);
    }
  }

  @Test
  void throwingLoader_propagates_andNextCallLoadsAgain() {
    try (ResponseCache<String, String> cache = ResponseCache.create(CacheConfig.inference())) {
      IllegalStateException failure = new IllegalStateException("backend down");
      assertThatThrownBy(
              () ->
                  cache.get(
                      "key",
                      k -> {
                        throw failure;
                      }))
          .isSameAs(failure);
      assertThat(cache.getIfPresent("key")).isNull();
      AtomicInteger loads = new AtomicInteger();
      assertThat(
              cache.get(
                  "key",
                  k -> {
                    loads.incrementAndGet();
                    return "ok";
                  }))
          .isEqualTo("ok");
      assertThat(loads).hasValue(1);
      assertThat(cache.get("key", k -> "again")).isEqualTo("ok");
      CacheStats stats = cache.stats();
      assertThat(stats.loadFailureCount()).isEqualTo(1);
      assertThat(stats.loadSuccessCount()).isEqualTo(1);
    }
  }

  private static void runConcurrently(Runnable task) throws InterruptedException {
    CountDownLatch start = new CountDownLatch(1);
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      Thread thread =
          new Thread(
              () -> {
                awaitUninterruptibly(start);
                try {
                  task.run();
                } catch (RuntimeException | Error e) {
                  failures.add(e);
                }
              });
      thread.start();
      threads.add(thread);
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join(60_000);
    }
    assertThat(failures).isEmpty();
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
