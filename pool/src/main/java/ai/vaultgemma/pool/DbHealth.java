package ai.vaultgemma.pool;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.Immutable;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The immutable result of one {@link DbPool#health(Duration)} check: healthy or not, why not, and
 * how long the check took.
 *
 * <pre>{@code
 * DbHealth health = pool.health(Duration.ofSeconds(1));
 * if (!health.isHealthy()) {
 *   log.warn("database unhealthy: {}", health.reason());
 * }
 * }</pre>
 */
@Immutable
public final class DbHealth {

  private final boolean healthy;
  private final String reason;
  private final Duration latency;

  private DbHealth(boolean healthy, String reason, Duration latency) {
    this.healthy = healthy;
    this.reason = reason;
    this.latency = latency;
  }

  /**
   * Returns a healthy result.
   *
   * @param latency how long the check took
   * @return the result
   * @throws NullPointerException if {@code latency} is null
   */
  public static DbHealth healthy(Duration latency) {
    return new DbHealth(true, "", requireNonNull(latency, "latency"));
  }

  /**
   * Returns an unhealthy result.
   *
   * @param reason why, without secrets
   * @param latency how long the check took
   * @return the result
   * @throws NullPointerException if an argument is null
   */
  public static DbHealth unhealthy(String reason, Duration latency) {
    return new DbHealth(
        false, requireNonNull(reason, "reason"), requireNonNull(latency, "latency"));
  }

  /**
   * Returns whether the database answered within the timeout.
   *
   * @return true when healthy
   */
  public boolean isHealthy() {
    return healthy;
  }

  /**
   * Returns why the check failed.
   *
   * @return the reason, or an empty string when healthy
   */
  public String reason() {
    return reason;
  }

  /**
   * Returns how long the check took, connection acquisition included.
   *
   * @return the latency
   */
  public Duration latency() {
    return latency;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof DbHealth that)) {
      return false;
    }
    return healthy == that.healthy && reason.equals(that.reason) && latency.equals(that.latency);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(healthy, reason, latency);
  }

  @Override
  public String toString() {
    return healthy
        ? "DbHealth{healthy, latency=" + latency + "}"
        : "DbHealth{unhealthy, reason=" + reason + ", latency=" + latency + "}";
  }
}
