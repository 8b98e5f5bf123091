package ai.vaultgemma.core.tier;

import com.google.errorprone.annotations.Immutable;

/**
 * An immutable snapshot of the counters of the shared tier's second-level writes: {@link
 * SharedTier#store}, {@code secondLevelStore().put} and {@code invalidate}, which go through a
 * bounded queue to a tier thread.
 *
 * <ul>
 *   <li>{@code acceptedCount}: writes handed to the tier (after the argument checks, and not
 *       refused as oversized), whether queued or dropped at once;
 *   <li>{@code writtenCount}: accepted writes the database committed;
 *   <li>{@code droppedCount}: accepted writes given up without trying, because the queue was full
 *       (in entries or bytes), the tier was closed, or they were still queued when {@link
 *       SharedTier#close()} ran out of time;
 *   <li>{@code failedCount}: accepted writes the database rejected (not a connection problem: those
 *       are kept and retried when the database is back);
 *   <li>{@code queuedCount}: accepted writes waiting in the queue or in the batch being written.
 * </ul>
 *
 * <p>Nothing is lost silently: {@code acceptedCount == writtenCount + droppedCount + failedCount +
 * queuedCount}. The counters are read one by one, so the sum may be off by the writes in flight
 * while the snapshot is taken; it is exact when the tier is quiet.
 *
 * @param acceptedCount writes accepted
 * @param writtenCount writes committed
 * @param droppedCount writes dropped without trying
 * @param failedCount writes the database rejected
 * @param queuedCount writes waiting
 */
@Immutable
public record SecondLevelWriteStats(
    long acceptedCount, long writtenCount, long droppedCount, long failedCount, long queuedCount) {

  private static final SecondLevelWriteStats EMPTY = new SecondLevelWriteStats(0, 0, 0, 0, 0);

  /**
   * Returns a snapshot with every counter at zero.
   *
   * @return the empty snapshot
   */
  public static SecondLevelWriteStats empty() {
    return EMPTY;
  }
}
