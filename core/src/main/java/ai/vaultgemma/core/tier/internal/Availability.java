package ai.vaultgemma.core.tier.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether one part of the tier can reach the database, as a small circuit breaker.
 *
 * <p>Healthy: every call may try. After a failure the part is degraded with a reason, and only one
 * call per retry interval may try (the probe); the others are refused at once, so a dead database
 * costs callers nothing. The first success clears the reason. Transitions are logged once each.
 * Thread-safe.
 */
final class Availability {

  private static final Logger log = LoggerFactory.getLogger(Availability.class);
  private static final int MAX_REASON_LENGTH = 300;

  private final String part;
  private final long retryNanos;
  private final LongSupplier nanoTime;
  private final AtomicLong nextAttemptNanos = new AtomicLong();
  private volatile @Nullable String reason;

  Availability(String part, Duration retryInterval, LongSupplier nanoTime) {
    this.part = requireNonNull(part, "part");
    this.retryNanos = retryInterval.toNanos();
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
  }

  /**
   * Returns whether the caller may use the database now; while degraded, true once per interval.
   */
  boolean tryAcquire() {
    if (reason == null) {
      return true;
    }
    long now = nanoTime.getAsLong();
    long next = nextAttemptNanos.get();
    return now - next >= 0 && nextAttemptNanos.compareAndSet(next, now + retryNanos);
  }

  /** Records that the database answered. */
  void succeeded() {
    String was = reason;
    if (was != null) {
      reason = null;
      log.info("{} reaches the database again (was degraded: {})", part, was);
    }
  }

  /** Records that {@code operation} failed with {@code e}; degraded until a later success. */
  void failed(String operation, Exception e) {
    String was = reason;
    nextAttemptNanos.set(nanoTime.getAsLong() + retryNanos);
    String now = operation + " failed: " + describe(e);
    reason = now;
    if (was == null) {
      log.warn("{} is degraded: {}; retrying every {} ms", part, now, retryNanos / 1_000_000, e);
    }
  }

  /** Returns why this part is degraded, or null. */
  @Nullable String reason() {
    return reason;
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    String text = e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    text = text.replace('\n', ' ');
    return text.length() <= MAX_REASON_LENGTH ? text : text.substring(0, MAX_REASON_LENGTH) + "...";
  }
}
