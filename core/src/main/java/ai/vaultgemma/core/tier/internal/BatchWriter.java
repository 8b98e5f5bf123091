package ai.vaultgemma.core.tier.internal;

import static java.util.Objects.requireNonNull;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded queue drained by one named daemon thread that writes its items in batches, one
 * transaction per batch: the second level's writes and the inference log both go through one.
 *
 * <p>{@link #offer} is O(1) and lock-free (see {@link BoundedMpscQueue}); it never blocks and never
 * touches the database. A full queue (in items, or in bytes when a weigher is given) drops the item
 * and counts it.
 *
 * <p>The thread writes only while the {@link CircuitBreaker} is closed. A batch that fails because
 * the database cannot be reached opens the breaker and is kept, then retried once the breaker's
 * probe closes it; items accepted during an outage wait in the queue (up to its bound). A batch the
 * database rejects for another reason is counted as failed and discarded, so one bad row cannot
 * block the queue. Delivery is at least once: a batch whose commit was lost in transit may be
 * written twice.
 *
 * <p>{@link #beginClose} stops accepting, lets the thread write what is queued until the deadline
 * (not while the breaker is open), then counts the rest as dropped. Every accepted item ends in
 * exactly one of written, dropped or failed, or is still queued: {@code accepted == written +
 * dropped + failed + queued}.
 */
final class BatchWriter<T> {

  /** Writes one batch in one transaction. */
  @FunctionalInterface
  interface Sink<T> {
    void write(List<T> batch) throws SQLException;
  }

  /** The counters, read together. */
  record Counts(long accepted, long written, long dropped, long failed, long queued) {}

  private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

  /** How long an idle writer parks before it looks again (producers unpark it sooner). */
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final String operation;
  private final BoundedMpscQueue<T> queue;
  private final int batchSize;
  private final long flushNanos;
  private final long maxBytes;
  private final ToLongFunction<T> weigher;
  private final CircuitBreaker breaker;
  private final Sink<T> sink;
  private final Thread thread;
  private final Object drainLock = new Object();
  private final Object progress = new Object();

  private final LongAdder accepted = new LongAdder();
  private final LongAdder written = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final AtomicLong queuedBytes = new AtomicLong();

  private volatile boolean sleeping;
  private volatile boolean closing;
  private volatile boolean terminated;
  private volatile long closeDeadlineNanos;
  private volatile int inBatch;

  /**
   * Creates the writer; {@link #start()} starts its thread.
   *
   * @param threadName the thread's name
   * @param operation what a failure is reported as, e.g. {@code "L2 write"}
   * @param capacity the most items queued
   * @param maxBytes the most bytes queued, by {@code weigher}; {@code Long.MAX_VALUE} for no bound
   * @param weigher an item's size in bytes
   * @param batchSize the most items in one batch
   * @param flushInterval how long to wait for a batch to fill; zero writes at once
   * @param breaker the tier's breaker
   * @param sink writes a batch
   */
  BatchWriter(
      String threadName,
      String operation,
      int capacity,
      long maxBytes,
      ToLongFunction<T> weigher,
      int batchSize,
      Duration flushInterval,
      CircuitBreaker breaker,
      Sink<T> sink) {
    this.operation = requireNonNull(operation, "operation");
    this.queue = new BoundedMpscQueue<>(capacity);
    this.maxBytes = maxBytes;
    this.weigher = requireNonNull(weigher, "weigher");
    this.batchSize = batchSize;
    this.flushNanos = flushInterval.toNanos();
    this.breaker = requireNonNull(breaker, "breaker");
    this.sink = requireNonNull(sink, "sink");
    this.thread = new Thread(this::run, threadName);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /**
   * Queues {@code item}; returns at once.
   *
   * @return true if queued, false if dropped (queue full or closed), counted either way
   */
  boolean offer(T item) {
    accepted.increment();
    if (closing) {
      dropped.increment();
      return false;
    }
    long weight = 0;
    if (maxBytes != Long.MAX_VALUE) {
      weight = weigher.applyAsLong(item);
      if (queuedBytes.addAndGet(weight) > maxBytes) {
        queuedBytes.addAndGet(-weight);
        dropped.increment();
        return false;
      }
    }
    if (!queue.offer(item)) {
      queuedBytes.addAndGet(-weight);
      dropped.increment();
      return false;
    }
    if (terminated) {
      // Raced with close after the thread's last drain: account for it here, not never.
      dropRemaining();
      return false;
    }
    if (sleeping) {
      LockSupport.unpark(thread);
    }
    return true;
  }

  Counts counts() {
    // queued first: an item moves from queued to written/dropped/failed, never back.
    long q = (long) queue.size() + inBatch;
    return new Counts(accepted.sum(), written.sum(), dropped.sum(), failed.sum(), q);
  }

  /**
   * Returns whether every item accepted so far has ended: written, dropped or failed. Derived from
   * the counters, not from the queue and the batch: between taking an item from the queue and
   * counting it in the batch the thread holds it in neither, and a flush that looked then was told
   * "drained" and, a moment later, "not drained". The ended counts are read first, so an item
   * accepted but not yet ended always reads as not drained.
   */
  boolean isDrained() {
    long ended = written.sum() + dropped.sum() + failed.sum();
    return ended >= accepted.sum();
  }

  /**
   * Waits until everything queued now is written or given up, or until {@code deadlineNanos}.
   *
   * @return whether the writer drained
   */
  boolean awaitDrained(long deadlineNanos) throws InterruptedException {
    synchronized (progress) {
      while (!isDrained() && !terminated) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(progress, Math.min(left, IDLE_PARK_NANOS));
      }
    }
    return isDrained();
  }

  /**
   * Stops accepting and lets the thread write what is queued until {@code deadlineNanos}; it then
   * counts the rest as dropped and stops. Returns at once; see {@link #awaitClose()}.
   */
  void beginClose(long deadlineNanos) {
    closeDeadlineNanos = deadlineNanos;
    closing = true;
    LockSupport.unpark(thread);
  }

  /**
   * Waits for the thread up to the close deadline; a thread still in the database then is
   * interrupted (getting a pooled connection stops at once; a statement within its network
   * timeout), given one more second, and accounts for its batch when it returns.
   */
  void awaitClose() {
    try {
      long left = closeDeadlineNanos - System.nanoTime();
      if (left > 0) {
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(1000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.warn("{} thread {} is still in the database after close", operation, thread.getName());
    }
  }

  private void run() {
    List<T> batch = new ArrayList<>(batchSize);
    try {
      while (true) {
        if (batch.isEmpty()) {
          fill(batch);
        }
        if (closing && (batch.isEmpty() || System.nanoTime() - closeDeadlineNanos >= 0)) {
          break;
        }
        if (batch.isEmpty()) {
          continue;
        }
        if (!breaker.isClosed()) {
          if (closing) {
            break; // no database to flush to: the rest is dropped, counted
          }
          breaker.awaitClosed(IDLE_PARK_NANOS);
          continue;
        }
        writeOrKeep(batch);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      log.error("{} thread stopped unexpectedly", operation, e);
    } finally {
      terminated = true;
      synchronized (drainLock) {
        dropped.add(batch.size());
        release(batch);
        batch.clear();
        inBatch = 0;
      }
      dropRemaining();
    }
  }

  /** Waits for a first item, then up to the flush interval for the batch to fill. */
  private void fill(List<T> batch) {
    T first = queue.poll();
    if (first == null) {
      if (closing) {
        return;
      }
      sleeping = true;
      first = queue.poll(); // look again after saying so: a producer may have missed the flag
      if (first == null && !closing) {
        LockSupport.parkNanos(this, IDLE_PARK_NANOS);
        first = queue.poll();
      }
      sleeping = false;
      if (first == null) {
        return;
      }
    }
    batch.add(first);
    inBatch = batch.size();
    long deadline = System.nanoTime() + flushNanos;
    while (batch.size() < batchSize) {
      queue.drainTo(batch, batchSize - batch.size());
      inBatch = batch.size();
      long left = deadline - System.nanoTime();
      if (batch.size() >= batchSize || left <= 0 || closing) {
        return;
      }
      LockSupport.parkNanos(this, left);
    }
  }

  private void writeOrKeep(List<T> batch) {
    int n = batch.size();
    try {
      sink.write(batch);
      written.add(n);
      done(batch);
    } catch (SQLException e) {
      if (closing && Thread.currentThread().isInterrupted()) {
        return; // interrupted by close while waiting for the database: dropped, not failed
      }
      if (JdbcSupport.isConnectionProblem(e)) {
        breaker.onFailure(operation, e); // keep the batch; retried once the breaker closes
        return;
      }
      // The database answered; it refused these rows.
      failed.add(n);
      log.warn("{} dropped a batch of {} rows the database rejected", operation, n, e);
      done(batch);
    } catch (RuntimeException e) {
      failed.add(n);
      log.warn("{} dropped a batch of {} rows", operation, n, e);
      done(batch);
    }
  }

  private void done(List<T> batch) {
    release(batch);
    batch.clear();
    inBatch = 0;
    synchronized (progress) {
      progress.notifyAll();
    }
  }

  private void release(List<T> batch) {
    if (maxBytes != Long.MAX_VALUE) {
      long bytes = 0;
      for (T item : batch) {
        bytes += weigher.applyAsLong(item);
      }
      queuedBytes.addAndGet(-bytes);
    }
  }

  /** Counts whatever is still queued as dropped; only once the thread has stopped consuming. */
  private void dropRemaining() {
    synchronized (drainLock) {
      List<T> rest = new ArrayList<>();
      queue.drainTo(rest, Integer.MAX_VALUE);
      if (!rest.isEmpty()) {
        dropped.add(rest.size());
        release(rest);
        log.warn("{} closed with {} rows unwritten (counted as dropped)", operation, rest.size());
      }
    }
    synchronized (progress) {
      progress.notifyAll();
    }
  }
}
