package ai.vaultgemma.core.tier;

import ai.vaultgemma.cache.SecondLevelStats;
import com.google.errorprone.annotations.Immutable;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable snapshot of the shared tier's health: the second level's and the inference log's
 * stats, and an overall {@link #status()}.
 *
 * @param secondLevel the second-level store's stats
 * @param inferenceLog the inference log's stats
 */
@Immutable
public record SharedTierHealth(SecondLevelStats secondLevel, InferenceLogStats inferenceLog) {

  /** {@link #status()} when both parts can reach the database. */
  public static final String OK = "ok";

  /** {@link #status()} when a part cannot reach the database. */
  public static final String DEGRADED = "degraded";

  /**
   * Checks the arguments.
   *
   * @throws NullPointerException if an argument is null
   */
  public SharedTierHealth {
    Objects.requireNonNull(secondLevel, "secondLevel");
    Objects.requireNonNull(inferenceLog, "inferenceLog");
  }

  /**
   * Returns {@value #OK} or {@value #DEGRADED}.
   *
   * @return the overall status
   */
  public String status() {
    return reason().isPresent() ? DEGRADED : OK;
  }

  /**
   * Returns why the tier is degraded: the second level's reason first, else the log's.
   *
   * @return the reason, or empty when the status is {@value #OK}
   */
  public Optional<String> reason() {
    String store = secondLevel.degradedReason();
    if (store != null) {
      return Optional.of("second level: " + store);
    }
    String log = inferenceLog.degradedReason();
    return log == null ? Optional.empty() : Optional.of("inference log: " + log);
  }
}
