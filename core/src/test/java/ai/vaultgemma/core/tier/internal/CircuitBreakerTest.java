package ai.vaultgemma.core.tier.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ConnectException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

  private static final Duration RETRY = Duration.ofMillis(50);
  private static final Duration PROBE_TIMEOUT = Duration.ofMillis(200);

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService probes = Executors.newFixedThreadPool(2);
  private final AtomicInteger probeCalls = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger maxRunning = new AtomicInteger();

  @AfterEach
  void stop() throws InterruptedException {
    timer.shutdownNow();
    probes.shutdownNow();
    assertThat(probes.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  private CircuitBreaker breaker(CircuitBreaker.Probe check) {
    return new CircuitBreaker(
        "test tier",
        RETRY,
        PROBE_TIMEOUT,
        timer,
        probes,
        () -> {
          probeCalls.incrementAndGet();
          maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
          try {
            check.check();
          } finally {
            running.decrementAndGet();
          }
        });
  }

  @Test
  void opensOnTheFirstFailureAndAProbeClosesItWhenTheDatabaseAnswers() {
    AtomicInteger failuresLeft = new AtomicInteger(3);
    CircuitBreaker b =
        breaker(
            () -> {
              if (failuresLeft.getAndDecrement() > 0) {
                throw new SQLTransientConnectionException("Connection refused");
              }
            });
    assertThat(b.isClosed()).isTrue();

    b.onFailure("L2 get", new SQLTransientConnectionException("Connection refused"));

    assertThat(b.isClosed()).isFalse();
    assertThat(b.reason())
        .isEqualTo("L2 get failed: SQLTransientConnectionException: Connection refused");
    await().atMost(Duration.ofSeconds(5)).until(b::isClosed);
    assertThat(b.reason()).isNull();
    assertThat(probeCalls.get()).isEqualTo(4);
    assertThat(maxRunning.get()).isEqualTo(1);
  }

  @Test
  void aTimeoutOpensItWithTheBoundInTheReason() {
    CircuitBreaker b = breaker(() -> {});
    b.onTimeout("L2 get", Duration.ofMillis(500));
    assertThat(b.reason()).isEqualTo("L2 get timed out after 500 ms");
    await().atMost(Duration.ofSeconds(5)).until(b::isClosed);
  }

  @Test
  void aStuckProbeIsGivenUpAndNoSecondProbeRunsUntilItReturns() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CircuitBreaker b = breaker(() -> assertThat(release.await(30, TimeUnit.SECONDS)).isTrue());

    b.onFailure("L2 write", new ConnectException("Connection refused"));

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> String.valueOf(b.reason()).equals("probe got no answer within 200 ms"));
    // Several retry intervals pass while the probe is stuck; none starts a second probe.
    CountDownLatch intervals = new CountDownLatch(1);
    var unused = timer.schedule(intervals::countDown, RETRY.toMillis() * 6, TimeUnit.MILLISECONDS);
    assertThat(intervals.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(probeCalls.get()).isEqualTo(1);
    assertThat(b.isClosed()).isFalse();

    release.countDown();

    await().atMost(Duration.ofSeconds(5)).until(b::isClosed);
    assertThat(maxRunning.get()).isEqualTo(1);
  }

  @Test
  void awaitClosedWakesWhenTheProbeSucceeds() throws Exception {
    CircuitBreaker b = breaker(() -> {});
    b.onFailure("inference log write", new SQLTransientConnectionException("timeout"));
    assertThat(b.awaitClosed(TimeUnit.SECONDS.toNanos(5))).isTrue();
  }
}
