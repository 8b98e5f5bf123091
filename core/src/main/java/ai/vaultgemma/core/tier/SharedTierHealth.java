package ai.vaultgemma.core.tier;

import ai.vaultgemma.cache.SecondLevelStats;
import com.google.errorprone.annotations.Immutable;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable snapshot of the shared tier's health: the second level's and the inference log's
 * stats, how lookups ended and what became of writes, and an overall {@link #status()}.
 *
 * <p>The tier has one circuit breaker for its database: while it is open the status is {@value
 * #DEGRADED} and {@link #reason()} says which operation failed and how; a background probe closes
 * it when the database answers again, and the status goes back to {@value #OK} by itself.
 *
 * @param secondLevel the second-level store's stats (as {@code secondLevelStore().stats()})
 * @param inferenceLog the inference log's stats
 * @param reads how second-level lookups ended
 * @param writes what became of second-level writes
 */
@Immutable
public record SharedTierHealth(
    SecondLevelStats secondLevel,
    InferenceLogStats inferenceLog,
    SecondLevelReadStats reads,
    SecondLevelWriteStats writes) {

  /** {@link #status()} when the tier can reach the database. */
  public static final String OK = "ok";

  /** {@link #status()} when the tier cannot reach the database. */
  public static final String DEGRADED = "degraded";

  /**
   * Checks the arguments.
   *
   * @throws NullPointerException if an argument is null
   */
  public SharedTierHealth {
    Objects.requireNonNull(secondLevel, "secondLevel");
    Objects.requireNonNull(inferenceLog, "inferenceLog");
    Objects.requireNonNull(reads, "reads");
    Objects.requireNonNull(writes, "writes");
  }

  /**
   * A snapshot with empty read and write counters, for callers that have only the two parts' stats.
   *
   * @param secondLevel the second-level store's stats
   * @param inferenceLog the inference log's stats
   * @throws NullPointerException if an argument is null
   */
  public SharedTierHealth(SecondLevelStats secondLevel, InferenceLogStats inferenceLog) {
    this(secondLevel, inferenceLog, SecondLevelReadStats.empty(), SecondLevelWriteStats.empty());
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
   * Returns why the tier is degraded: the operation that failed and the cause, e.g. {@code "L2 get
   * timed out after 500 ms"}.
   *
   * @return the reason, or empty when the status is {@value #OK}
   */
  public Optional<String> reason() {
    String store = secondLevel.degradedReason();
    if (store != null) {
      return Optional.of(store);
    }
    return Optional.ofNullable(inferenceLog.degradedReason());
  }
}
