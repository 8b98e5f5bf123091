package ai.vaultgemma.core.tier.internal;

import static java.util.Objects.requireNonNull;

import ai.vaultgemma.core.tier.InferenceLog;
import ai.vaultgemma.core.tier.InferenceLogRecord;
import ai.vaultgemma.core.tier.InferenceLogStats;
import ai.vaultgemma.core.tier.SharedTierConfig;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Types;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inference log: records go into a bounded queue and one daemon thread writes them in batch
 * inserts, one transaction per batch.
 *
 * <p>{@link #record} never blocks: a full queue drops the record and counts it. When a batch fails
 * because the database cannot be reached (connection errors, timeouts), the thread keeps the batch
 * and retries it every retry interval, so records accepted during a short outage are written when
 * the database returns (the queue absorbs the outage up to its capacity; beyond, records are
 * dropped and counted). A batch the database rejects for another reason is counted as failed and
 * discarded, so one bad row cannot block the log. Delivery is at least once: a batch whose commit
 * was lost in transit may be written twice.
 *
 * <p>Prompt and response text are written only when the config has a redactor, after it.
 * Thread-safe. {@link #close()} stops accepting, writes what is queued (one attempt), counts the
 * rest as failed and stops the thread; it does not close the data source.
 */
public final class InferenceLogWriter implements InferenceLog, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(InferenceLogWriter.class);

  /** A batch insert may take this many read timeouts (network and query timeout). */
  static final int BATCH_TIMEOUT_FACTOR = 10;

  /** How long close() waits for the writer thread to finish. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(15);

  /** How often an idle writer looks up from the queue to notice close(). */
  private static final long IDLE_POLL_MILLIS = 100;

  private final DataSource dataSource;
  private final Dialect dialect;
  private final SchemaMigrator schema;
  private final BlockingQueue<InferenceLogRecord> queue;
  private final int batchSize;
  private final long flushNanos;
  private final Duration retryInterval;
  private final @Nullable UnaryOperator<String> redactor;
  private final Availability availability;
  private final int batchTimeoutMillis;
  private final Thread thread;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch closeSignal = new CountDownLatch(1);

  private final LongAdder accepted = new LongAdder();
  private final LongAdder written = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder failed = new LongAdder();

  /**
   * Creates the writer and starts its daemon thread.
   *
   * @param dataSource pooled connections; not closed by this writer
   * @param dialect the database's SQL
   * @param schema the migrator shared with the store
   * @param config queue capacity, batch size, flush and retry intervals, redactor
   */
  public InferenceLogWriter(
      DataSource dataSource, Dialect dialect, SchemaMigrator schema, SharedTierConfig config) {
    this.dataSource = requireNonNull(dataSource, "dataSource");
    this.dialect = requireNonNull(dialect, "dialect");
    this.schema = requireNonNull(schema, "schema");
    requireNonNull(config, "config");
    this.queue = new ArrayBlockingQueue<>(config.logQueueCapacity());
    this.batchSize = config.logBatchSize();
    this.flushNanos = config.logFlushInterval().toNanos();
    this.retryInterval = config.retryInterval();
    this.redactor = config.redactor();
    this.batchTimeoutMillis =
        (int) Math.min(Integer.MAX_VALUE, config.readTimeout().toMillis() * BATCH_TIMEOUT_FACTOR);
    this.availability =
        new Availability("inference log " + dialect.logTable, retryInterval, System::nanoTime);
    this.thread = new Thread(this::run, "vaultgemma-inference-log-" + dialect.logTable);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public boolean record(InferenceLogRecord record) {
    requireNonNull(record, "record");
    if (closed.get()) {
      dropped.increment();
      return false;
    }
    accepted.increment();
    if (queue.offer(record)) {
      return true;
    }
    accepted.decrement();
    dropped.increment();
    return false;
  }

  @Override
  public InferenceLogStats stats() {
    long w = written.sum();
    long f = failed.sum();
    long a = accepted.sum();
    return new InferenceLogStats(
        a, w, dropped.sum(), f, Math.max(0, a - w - f), availability.reason());
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closeSignal.countDown();
    try {
      thread.join(CLOSE_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.warn("Inference log writer for {} did not stop within {}", dialect.logTable, CLOSE_WAIT);
    }
  }

  @Override
  public String toString() {
    return "InferenceLogWriter{" + dialect.logTable + ", " + stats() + "}";
  }

  private void run() {
    List<InferenceLogRecord> batch = new ArrayList<>(batchSize);
    try {
      while (!closed.get()) {
        if (batch.isEmpty()) {
          fill(batch);
          if (batch.isEmpty()) {
            continue;
          }
        }
        if (writeOrKeep(batch)) {
          batch.clear();
        } else if (closeSignal.await(retryInterval.toMillis(), TimeUnit.MILLISECONDS)) {
          break; // closed while waiting to retry
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      log.error("Inference log writer for {} stopped unexpectedly", dialect.logTable, e);
    }
    drainOnClose(batch);
  }

  /** Waits for a first record, then up to the flush interval for the batch to fill. */
  private void fill(List<InferenceLogRecord> batch) throws InterruptedException {
    InferenceLogRecord first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
    if (first == null) {
      return;
    }
    batch.add(first);
    long deadline = System.nanoTime() + flushNanos;
    while (batch.size() < batchSize && !closed.get()) {
      queue.drainTo(batch, batchSize - batch.size());
      long remaining = deadline - System.nanoTime();
      if (batch.size() >= batchSize || remaining <= 0) {
        return;
      }
      InferenceLogRecord next = queue.poll(remaining, TimeUnit.NANOSECONDS);
      if (next == null) {
        return;
      }
      batch.add(next);
    }
  }

  /**
   * Writes the batch. Returns true when it is done with (written, or rejected and counted as
   * failed), false when the database could not be reached and the batch should be retried.
   */
  private boolean writeOrKeep(List<InferenceLogRecord> batch) {
    if (!availability.tryAcquire()) {
      return false;
    }
    try {
      write(batch);
      availability.succeeded();
      written.add(batch.size());
      return true;
    } catch (SQLException e) {
      if (isConnectionProblem(e)) {
        availability.failed("write", e);
        return false;
      }
      availability.succeeded(); // the database answered; it refused these rows
      failed.add(batch.size());
      log.warn("Inference log dropped a batch of {} rows the database rejected", batch.size(), e);
      return true;
    } catch (RuntimeException e) {
      failed.add(batch.size());
      log.warn("Inference log dropped a batch of {} rows", batch.size(), e);
      return true;
    }
  }

  private void drainOnClose(List<InferenceLogRecord> batch) {
    queue.drainTo(batch);
    if (batch.isEmpty()) {
      return;
    }
    int total = batch.size();
    int done = 0;
    try {
      for (int from = 0; from < total; from += batchSize) {
        List<InferenceLogRecord> part = batch.subList(from, Math.min(total, from + batchSize));
        write(part);
        written.add(part.size());
        done += part.size();
      }
    } catch (SQLException | RuntimeException e) {
      failed.add(total - done);
      log.warn("Inference log closed with {} rows unwritten: {}", total - done, e.toString());
    }
  }

  private void write(List<InferenceLogRecord> batch) throws SQLException {
    schema.ensure();
    try (Connection c = dataSource.getConnection()) {
      JdbcSupport.boundNetwork(c, batchTimeoutMillis);
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(dialect.insertLog())) {
        ps.setQueryTimeout(JdbcSupport.querySeconds(batchTimeoutMillis));
        for (InferenceLogRecord r : batch) {
          bind(ps, r);
          ps.addBatch();
        }
        ps.executeBatch();
        c.commit();
      } catch (SQLException | RuntimeException e) {
        JdbcSupport.rollbackQuietly(c, e);
        throw e;
      } finally {
        JdbcSupport.restoreAutoCommit(c);
      }
    }
  }

  private void bind(PreparedStatement ps, InferenceLogRecord r) throws SQLException {
    ps.setObject(1, OffsetDateTime.ofInstant(r.time(), ZoneOffset.UTC));
    ps.setString(2, truncate(r.traceId(), 128));
    ps.setString(3, truncate(r.scope(), 256));
    ps.setString(4, truncate(r.model(), 256));
    ps.setString(5, r.cacheLevel().name());
    ps.setInt(6, r.promptTokens());
    ps.setInt(7, r.completionTokens());
    ps.setLong(8, micros(r.latency()));
    ps.setInt(9, r.status());
    setNullableString(ps, 10, r.errorType() == null ? null : truncate(r.errorType(), 256));
    setNullableString(ps, 11, redact(r.promptText()));
    setNullableString(ps, 12, redact(r.responseText()));
  }

  private @Nullable String redact(@Nullable String text) {
    UnaryOperator<String> f = redactor;
    if (text == null || f == null) {
      return null;
    }
    try {
      return f.apply(text);
    } catch (RuntimeException e) {
      log.warn("Redactor failed; text not stored: {}", e.getClass().getName());
      return null;
    }
  }

  private static void setNullableString(PreparedStatement ps, int index, @Nullable String value)
      throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.VARCHAR);
    } else {
      ps.setString(index, value);
    }
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  private static long micros(Duration d) {
    try {
      return d.toNanos() / 1000;
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** True when the failure says the database could not be reached, not that it refused the rows. */
  static boolean isConnectionProblem(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientException
          || t instanceof SQLRecoverableException
          || t instanceof SQLNonTransientConnectionException
          || t instanceof IOException) {
        return true;
      }
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        if (state != null
            && (state.startsWith("08") // connection exception
                || state.startsWith("53") // insufficient resources
                || state.startsWith("57") // operator intervention, query canceled (timeout)
                || state.equals("HYT00"))) { // timeout
          return true;
        }
        SQLException next = sql.getNextException();
        if (next != null && next != t && isConnectionProblem(next)) {
          return true;
        }
      }
    }
    return false;
  }
}
