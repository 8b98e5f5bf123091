package ai.vaultgemma.core.tier.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BoundedMpscQueueTest {

  @Test
  void holdsExactlyItsCapacityInOrder() {
    for (int capacity : new int[] {1, 2, 3, 5, 1000}) {
      BoundedMpscQueue<Integer> q = new BoundedMpscQueue<>(capacity);
      for (int i = 0; i < capacity; i++) {
        assertThat(q.offer(i)).isTrue();
      }
      assertThat(q.offer(-1)).as("full at %s", capacity).isFalse();
      assertThat(q.size()).isEqualTo(capacity);
      java.util.ArrayDeque<Integer> model = new java.util.ArrayDeque<>();
      for (int i = 0; i < capacity; i++) {
        model.add(i);
      }
      for (int round = 0; round < 3 * capacity + 3; round++) { // wraps around the ring
        assertThat(q.poll()).isEqualTo(model.poll());
        assertThat(q.offer(capacity + round)).isTrue();
        model.add(capacity + round);
      }
      List<Integer> rest = new ArrayList<>();
      assertThat(q.drainTo(rest, Integer.MAX_VALUE)).isEqualTo(capacity);
      assertThat(rest).isSorted();
      assertThat(q.poll()).isNull();
      assertThat(q.isEmpty()).isTrue();
    }
  }

  @Test
  void manyProducersOneConsumerDeliverEachAcceptedElementExactlyOnce() throws Exception {
    int producers = 4;
    int perProducer = 50_000;
    BoundedMpscQueue<Integer> q = new BoundedMpscQueue<>(64);
    ExecutorService threads = Executors.newFixedThreadPool(producers);
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger accepted = new AtomicInteger();
    List<Future<?>> done = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int base = p * perProducer;
      done.add(
          threads.submit(
              () -> {
                go.await();
                for (int i = 0; i < perProducer; i++) {
                  if (q.offer(base + i)) {
                    accepted.incrementAndGet();
                  }
                }
                return null;
              }));
    }
    BitSet seen = new BitSet(producers * perProducer);
    int received = 0;
    go.countDown();
    try {
      while (!allDone(done) || !q.isEmpty()) {
        Integer e = q.poll();
        if (e != null) {
          assertThat(seen.get(e)).as("delivered twice: %s", e).isFalse();
          seen.set(e);
          received++;
        }
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(received).isEqualTo(accepted.get()).isPositive();
  }

  private static boolean allDone(List<Future<?>> futures) {
    return futures.stream().allMatch(Future::isDone);
  }
}
