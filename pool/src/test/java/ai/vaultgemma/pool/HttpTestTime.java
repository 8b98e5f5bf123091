package ai.vaultgemma.pool;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A scripted clock and a sleeper that records each wait and moves the clock instead. */
final class HttpTestTime extends Clock implements RetryPolicy.Sleeper {
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private volatile Instant now = START;
  final List<Duration> waits = new CopyOnWriteArrayList<>();

  @Override
  public void sleep(Duration duration) {
    waits.add(duration);
    now = now.plus(duration);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }

  /** A policy with this clock and sleeper and jitter fixed at half the backoff. */
  RetryPolicy.Builder policy() {
    return RetryPolicy.builder().clock(this).sleeper(this).random(() -> 0.5);
  }
}
