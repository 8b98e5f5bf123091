package ai.vaultgemma.core;

import ai.vaultgemma.core.tier.CacheLevel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a call ended, as {@link InferenceListener#callEnd} reports it. Immutable.
 *
 * @param level which level answered: {@link CacheLevel#L1}, {@link CacheLevel#L2}, {@link
 *     CacheLevel#JOINED} (an identical call in flight) or {@link CacheLevel#MISS} (the server, or a
 *     failure)
 * @param duration from the call's start to its end
 * @param usage the tokens the answer reports (cached and reasoning tokens in its details when the
 *     server sends them); for embeddings only what the server computed for this call; null on
 *     failure or when the server sent none
 * @param responseModel the model the answer names, or null
 * @param responseId the answer's id, or null
 * @param finishReasons the finish reason of each choice, in order (empty for embeddings)
 * @param error the failure, or null when the call succeeded
 * @param chatResponse the chat answer the caller got (a stream's, assembled from its chunks), or
 *     null for embeddings and failures; it holds the user's data, so a listener that records it
 *     should do so only where the user opted in
 */
public record CallOutcome(
    CacheLevel level,
    Duration duration,
    @Nullable Usage usage,
    @Nullable String responseModel,
    @Nullable String responseId,
    List<String> finishReasons,
    @Nullable InferenceException error,
    @Nullable ChatResponse chatResponse) {

  /** Checks the arguments and copies the list. */
  public CallOutcome {
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(duration, "duration");
    finishReasons = List.copyOf(finishReasons);
  }

  /**
   * Returns whether the call succeeded.
   *
   * @return true when {@link #error()} is null
   */
  public boolean succeeded() {
    return error == null;
  }
}
