package ai.vaultgemma.core.tier.internal;

import static java.util.Objects.requireNonNull;

import ai.vaultgemma.core.tier.InferenceLog;
import ai.vaultgemma.core.tier.InferenceLogRecord;
import ai.vaultgemma.core.tier.InferenceLogStats;
import ai.vaultgemma.core.tier.SharedTierConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inference log: records go into a bounded lock-free queue and one daemon thread writes them in
 * batch inserts, one transaction per batch ({@link BatchWriter}).
 *
 * <p>{@link #record} is an O(1) offer: no lock, no allocation beyond the caller's record, never
 * blocks, never touches the database; a full queue drops the record and counts it. While the tier's
 * circuit breaker is open the thread waits, and records accepted during the outage are written when
 * the database returns (the queue absorbs the outage up to its capacity; beyond, records are
 * dropped and counted). A batch the database rejects for another reason is counted as failed and
 * discarded. Delivery is at least once.
 *
 * <p>Prompt and response text are written only when the config has a redactor, after it.
 * Thread-safe. Closing stops accepting, writes what is queued within the close timeout, counts the
 * rest as dropped and stops the thread; it does not close the data source.
 */
public final class InferenceLogWriter implements InferenceLog, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(InferenceLogWriter.class);

  private final DataSource dataSource;
  private final Dialect dialect;
  private final CircuitBreaker breaker;
  private final @Nullable UnaryOperator<String> redactor;
  private final int batchTimeoutMillis;
  private final BatchWriter<InferenceLogRecord> writer;

  /**
   * Creates the writer and starts its daemon thread.
   *
   * @param dataSource pooled connections; not closed by this writer
   * @param dialect the database's SQL
   * @param config queue capacity, batch size, flush interval, redactor
   * @param breaker the tier's breaker
   * @param threadName the writer thread's name
   */
  public InferenceLogWriter(
      DataSource dataSource,
      Dialect dialect,
      SharedTierConfig config,
      CircuitBreaker breaker,
      String threadName) {
    this.dataSource = requireNonNull(dataSource, "dataSource");
    this.dialect = requireNonNull(dialect, "dialect");
    requireNonNull(config, "config");
    this.breaker = requireNonNull(breaker, "breaker");
    this.redactor = config.redactor();
    this.batchTimeoutMillis =
        (int)
            Math.min(
                Integer.MAX_VALUE,
                config.readTimeout().toMillis() * JdbcSecondLevelStore.BATCH_TIMEOUT_FACTOR);
    this.writer =
        new BatchWriter<>(
            threadName,
            "inference log write",
            config.logQueueCapacity(),
            Long.MAX_VALUE,
            r -> 0,
            config.logBatchSize(),
            config.logFlushInterval(),
            breaker,
            this::write);
    writer.start();
  }

  @Override
  public boolean record(InferenceLogRecord record) {
    requireNonNull(record, "record");
    return writer.offer(record);
  }

  @Override
  public InferenceLogStats stats() {
    BatchWriter.Counts c = writer.counts();
    return new InferenceLogStats(
        c.accepted(), c.written(), c.dropped(), c.failed(), c.queued(), breaker.reason());
  }

  /**
   * Waits until queued records are written or given up, or the deadline passes.
   *
   * @param deadlineNanos the {@link System#nanoTime()} to stop at
   * @return whether the queue drained
   * @throws InterruptedException if interrupted
   */
  public boolean awaitWritten(long deadlineNanos) throws InterruptedException {
    return writer.awaitDrained(deadlineNanos);
  }

  /** Signals the writer to flush until {@code deadlineNanos}, then drop and count the rest. */
  public void beginClose(long deadlineNanos) {
    writer.beginClose(deadlineNanos);
  }

  /** Waits for the writer to finish, as {@link BatchWriter#awaitClose()}. */
  public void awaitClose() {
    writer.awaitClose();
  }

  @Override
  public void close() {
    beginClose(System.nanoTime() + SharedTierConfig.DEFAULT_CLOSE_TIMEOUT.toNanos());
    awaitClose();
  }

  @Override
  public String toString() {
    return "InferenceLogWriter{" + dialect.logTable + ", " + stats() + "}";
  }

  private void write(List<InferenceLogRecord> batch) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      boolean bounded = JdbcSupport.boundNetwork(c, batchTimeoutMillis);
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(dialect.insertLog())) {
        JdbcSupport.boundQuery(ps, bounded, JdbcSupport.querySeconds(batchTimeoutMillis));
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
}
