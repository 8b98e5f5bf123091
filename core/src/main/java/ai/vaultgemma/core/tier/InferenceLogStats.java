package ai.vaultgemma.core.tier;

import com.google.errorprone.annotations.Immutable;
import org.jspecify.annotations.Nullable;

/**
 * An immutable snapshot of an {@link InferenceLog}'s counters.
 *
 * <ul>
 *   <li>{@code acceptedCount}: records {@link InferenceLog#record} accepted into the queue;
 *   <li>{@code writtenCount}: accepted records written to the database;
 *   <li>{@code droppedCount}: records refused because the queue was full or the log closed;
 *   <li>{@code failedCount}: accepted records given up on: the database rejected them (not a
 *       connection problem), or they were still unwritten when the log closed;
 *   <li>{@code queuedCount}: accepted records not yet written or given up on (in the queue or in
 *       the batch being written; while the database is down they wait here and are retried).
 * </ul>
 *
 * <p>Nothing is lost silently: once the log has drained, {@code acceptedCount == writtenCount +
 * failedCount}. Counters are read one by one and may be slightly out of step under concurrency.
 *
 * @param acceptedCount records accepted
 * @param writtenCount records written
 * @param droppedCount records refused
 * @param failedCount accepted records given up on
 * @param queuedCount accepted records waiting to be written
 * @param degradedReason why the log cannot write, or null when it is healthy
 */
@Immutable
public record InferenceLogStats(
    long acceptedCount,
    long writtenCount,
    long droppedCount,
    long failedCount,
    long queuedCount,
    @Nullable String degradedReason) {

  private static final InferenceLogStats EMPTY = new InferenceLogStats(0, 0, 0, 0, 0, null);

  /**
   * Returns a snapshot with every counter at zero.
   *
   * @return the empty snapshot
   */
  public static InferenceLogStats empty() {
    return EMPTY;
  }

  /**
   * Returns whether the log could not write at its last attempt.
   *
   * @return true when {@link #degradedReason()} is non-null
   */
  public boolean degraded() {
    return degradedReason != null;
  }
}
