package ai.vaultgemma.pool;

import com.google.errorprone.annotations.Immutable;
import org.jspecify.annotations.Nullable;

/**
 * An immutable snapshot of a {@link DbPool}'s connections and counters, from {@link
 * DbPool#stats()}.
 *
 * <p>Gauges (point in time): {@link #openConnections()}, {@link #inUse()}, {@link #idle()} and
 * {@link #threadsAwaiting()}. Within one snapshot {@code inUse() + idle() == openConnections()}
 * always holds: HikariCP counts busy and idle connections in two separate scans, so the snapshot
 * takes {@code openConnections} as their sum rather than reading a third, unrelated count.
 * Connections being retired at that instant are counted in neither. Like HikariCP's MXBean values,
 * the gauges are approximate while connections change state.
 *
 * <p>Counters (since the pool started, monotonic): {@link #totalAcquisitions()} counts every
 * connection handed out (by the helpers and by {@link DbPool#dataSource()} alike); {@link
 * #totalAcquisitionNanos()} is the time those callers spent waiting for them; {@link
 * #timeoutCount()} counts acquisitions that gave up after {@code acquireTimeout}.
 *
 * <p>Go's {@code database/sql} also reports a cumulative {@code WaitCount}; HikariCP does not track
 * which acquisitions had to wait, so there is no such counter here. {@link #threadsAwaiting()} is
 * the number waiting right now.
 */
@Immutable
public final class DbPoolStats {

  private static final DbPoolStats EMPTY = new DbPoolStats(0, 0, 0, 0, 0, 0, 0);

  private final int inUse;
  private final int idle;
  private final int threadsAwaiting;
  private final int maxOpen;
  private final long totalAcquisitions;
  private final long totalAcquisitionNanos;
  private final long timeoutCount;

  private DbPoolStats(
      int inUse,
      int idle,
      int threadsAwaiting,
      int maxOpen,
      long totalAcquisitions,
      long totalAcquisitionNanos,
      long timeoutCount) {
    this.inUse = inUse;
    this.idle = idle;
    this.threadsAwaiting = threadsAwaiting;
    this.maxOpen = maxOpen;
    this.totalAcquisitions = totalAcquisitions;
    this.totalAcquisitionNanos = totalAcquisitionNanos;
    this.timeoutCount = timeoutCount;
  }

  /**
   * Returns a snapshot with the given values; open connections are {@code inUse + idle}.
   *
   * @param inUse connections borrowed right now
   * @param idle connections in the pool, ready to be borrowed
   * @param threadsAwaiting threads waiting for a connection right now
   * @param maxOpen the configured maximum
   * @param totalAcquisitions connections handed out so far
   * @param totalAcquisitionNanos time spent acquiring them, in nanoseconds
   * @param timeoutCount acquisitions that timed out
   * @return the snapshot
   * @throws IllegalArgumentException if any value is negative
   */
  public static DbPoolStats of(
      int inUse,
      int idle,
      int threadsAwaiting,
      int maxOpen,
      long totalAcquisitions,
      long totalAcquisitionNanos,
      long timeoutCount) {
    requireNonNegative("inUse", inUse);
    requireNonNegative("idle", idle);
    requireNonNegative("threadsAwaiting", threadsAwaiting);
    requireNonNegative("maxOpen", maxOpen);
    requireNonNegative("totalAcquisitions", totalAcquisitions);
    requireNonNegative("totalAcquisitionNanos", totalAcquisitionNanos);
    requireNonNegative("timeoutCount", timeoutCount);
    return new DbPoolStats(
        inUse,
        idle,
        threadsAwaiting,
        maxOpen,
        totalAcquisitions,
        totalAcquisitionNanos,
        timeoutCount);
  }

  /**
   * Returns a snapshot with every value zero, as a closed or never-started pool reports.
   *
   * @return the empty snapshot
   */
  public static DbPoolStats empty() {
    return EMPTY;
  }

  private static void requireNonNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0 but was " + value);
    }
  }

  /**
   * Returns the connections open right now, {@code inUse() + idle()}.
   *
   * @return open connections
   */
  public int openConnections() {
    return inUse + idle;
  }

  /**
   * Returns the connections borrowed right now.
   *
   * @return connections in use
   */
  public int inUse() {
    return inUse;
  }

  /**
   * Returns the connections in the pool, ready to be borrowed.
   *
   * @return idle connections
   */
  public int idle() {
    return idle;
  }

  /**
   * Returns the threads waiting for a connection right now.
   *
   * @return waiting threads
   */
  public int threadsAwaiting() {
    return threadsAwaiting;
  }

  /**
   * Returns the configured maximum of open connections.
   *
   * @return max open
   */
  public int maxOpen() {
    return maxOpen;
  }

  /**
   * Returns the number of connections handed out since the pool started.
   *
   * @return total acquisitions
   */
  public long totalAcquisitions() {
    return totalAcquisitions;
  }

  /**
   * Returns the time callers spent acquiring connections since the pool started.
   *
   * @return total acquisition time in nanoseconds
   */
  public long totalAcquisitionNanos() {
    return totalAcquisitionNanos;
  }

  /**
   * Returns the mean time to acquire a connection.
   *
   * @return {@code totalAcquisitionNanos / totalAcquisitions}, or 0 before the first acquisition
   */
  public double averageAcquisitionNanos() {
    return totalAcquisitions == 0 ? 0.0 : (double) totalAcquisitionNanos / totalAcquisitions;
  }

  /**
   * Returns the number of acquisitions that timed out since the pool started.
   *
   * @return timeouts
   */
  public long timeoutCount() {
    return timeoutCount;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof DbPoolStats that)) {
      return false;
    }
    return inUse == that.inUse
        && idle == that.idle
        && threadsAwaiting == that.threadsAwaiting
        && maxOpen == that.maxOpen
        && totalAcquisitions == that.totalAcquisitions
        && totalAcquisitionNanos == that.totalAcquisitionNanos
        && timeoutCount == that.timeoutCount;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(
        inUse,
        idle,
        threadsAwaiting,
        maxOpen,
        totalAcquisitions,
        totalAcquisitionNanos,
        timeoutCount);
  }

  @Override
  public String toString() {
    return "DbPoolStats{open="
        + openConnections()
        + ", inUse="
        + inUse
        + ", idle="
        + idle
        + ", threadsAwaiting="
        + threadsAwaiting
        + ", maxOpen="
        + maxOpen
        + ", totalAcquisitions="
        + totalAcquisitions
        + ", totalAcquisitionNanos="
        + totalAcquisitionNanos
        + ", timeoutCount="
        + timeoutCount
        + "}";
  }
}
