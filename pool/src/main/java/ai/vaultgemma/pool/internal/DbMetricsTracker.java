package ai.vaultgemma.pool.internal;

import com.zaxxer.hikari.metrics.IMetricsTracker;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.metrics.PoolStats;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.NullMarked;

/**
 * Counts what HikariCP reports through its metrics hook: acquisitions and the time they took, and
 * acquisition timeouts. Thread-safe; {@link LongAdder}s keep the hot path (one add per borrowed
 * connection) free of contention.
 */
@NullMarked
public final class DbMetricsTracker implements IMetricsTracker, MetricsTrackerFactory {

  private final LongAdder acquisitions = new LongAdder();
  private final LongAdder acquisitionNanos = new LongAdder();
  private final LongAdder timeouts = new LongAdder();

  /** Creates a tracker with all counts at zero. */
  public DbMetricsTracker() {}

  @Override
  public IMetricsTracker create(String poolName, PoolStats poolStats) {
    return this;
  }

  @Override
  public void recordConnectionAcquiredNanos(long elapsedAcquiredNanos) {
    acquisitions.increment();
    acquisitionNanos.add(elapsedAcquiredNanos);
  }

  @Override
  public void recordConnectionTimeout() {
    timeouts.increment();
  }

  /** Returns the number of connections handed out so far. */
  public long acquisitions() {
    return acquisitions.sum();
  }

  /** Returns the total time callers spent acquiring connections, in nanoseconds. */
  public long acquisitionNanos() {
    return acquisitionNanos.sum();
  }

  /** Returns the number of acquisitions that timed out. */
  public long timeouts() {
    return timeouts.sum();
  }
}
