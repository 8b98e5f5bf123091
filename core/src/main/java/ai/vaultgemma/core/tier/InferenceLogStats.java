package ai.vaultgemma.core.tier;

import com.google.errorprone.annotations.Immutable;
import org.jspecify.annotations.Nullable;

/**
 * An immutable snapshot of an {@link InferenceLog}'s counters.
 *
 * <ul>
 *   <li>{@code acceptedCount}: records handed to {@link InferenceLog#record}, whether queued or
 *       dropped at once;
 *   <li>{@code writtenCount}: records the database committed;
 *   <li>{@code droppedCount}: records given up without being written: the queue was full or the log
 *       closed ({@code record} returned false), or they were still queued when the log's close ran
 *       out of time;
 *   <li>{@code failedCount}: records the database rejected (not a connection problem: while the
 *       database cannot be reached, records wait in the queue and are retried);
 *   <li>{@code queuedCount}: records in the queue or in the batch being written.
 * </ul>
 *
 * <p>Nothing is lost silently: {@code acceptedCount == writtenCount + droppedCount + failedCount +
 * queuedCount}. Counters are read one by one, so the sum may be off by the records in flight while
 * the snapshot is taken; it is exact when the log is quiet.
 *
 * @param acceptedCount records handed to the log
 * @param writtenCount records written
 * @param droppedCount records given up without being written
 * @param failedCount records the database rejected
 * @param queuedCount records waiting to be written
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
