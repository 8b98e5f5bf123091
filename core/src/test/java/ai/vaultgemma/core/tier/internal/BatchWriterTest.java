package ai.vaultgemma.core.tier.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A flush waits for what was accepted, and says "drained" only when all of it has ended. */
class BatchWriterTest {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  @Test
  void awaitDrainedNeverAnswersNotDrainedBeforeItsDeadlineWhileTheWriterWorks() throws Exception {
    CircuitBreaker breaker =
        new CircuitBreaker(
            "test tier",
            Duration.ofMillis(50),
            Duration.ofSeconds(1),
            timer,
            Runnable::run,
            () -> {});
    AtomicLong written = new AtomicLong();
    BatchWriter<Integer> writer =
        new BatchWriter<>(
            "test-writer",
            "test write",
            1000,
            Long.MAX_VALUE,
            item -> 4,
            10,
            Duration.ZERO, // write at once: the writer is often between queue and batch
            breaker,
            batch -> written.addAndGet(batch.size()));
    writer.start();
    try {
      for (int round = 0; round < 2000; round++) {
        assertThat(writer.offer(round)).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        assertThat(writer.awaitDrained(deadline)).as("round %d", round).isTrue();
        assertThat(written.get()).as("round %d", round).isEqualTo(round + 1L);
      }
      assertThat(writer.counts().written()).isEqualTo(2000);
    } finally {
      writer.beginClose(System.nanoTime());
      writer.awaitClose();
    }
  }
}
