package ai.vaultgemma.benchmarks.tier;

import ai.vaultgemma.core.tier.CacheLevel;
import ai.vaultgemma.core.tier.InferenceLog;
import ai.vaultgemma.core.tier.InferenceLogRecord;
import ai.vaultgemma.core.tier.SharedTier;
import ai.vaultgemma.core.tier.SharedTierConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Inference-log throughput in rows per second on PostgreSQL: the batching writer (submit {@value
 * #ROWS} records, wait until all are written) next to the baseline of one auto-committed {@code
 * INSERT} per row on the same pool.
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar InferenceLogWriteBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class InferenceLogWriteBenchmark {

  static final int ROWS = 500;
  private static final String PREFIX = "bench_log_";

  private HikariDataSource pool;
  private SharedTier tier;
  private InferenceLog log;
  private final InferenceLogRecord record =
      InferenceLogRecord.builder()
          .traceId("4bf92f3577b34da6a3ce929d0e0e4736")
          .scope("tenant-a")
          .model("vaultgemma-1b")
          .cacheLevel(CacheLevel.MISS)
          .promptTokens(412)
          .completionTokens(96)
          .latency(Duration.ofMillis(180))
          .status(200)
          .build();

  private static SharedTierConfig config() {
    return SharedTierConfig.builder()
        .tablePrefix(PREFIX)
        .logBatchSize(ROWS)
        .logQueueCapacity(4 * ROWS)
        .build();
  }

  /** Opens the tier (which creates the log table). */
  @Setup(Level.Trial)
  public void setUp() {
    pool = BenchDatabase.pool("bench-log");
    tier = SharedTier.open(pool, BenchDatabase.jdbcUrl(), config());
    log = tier.inferenceLog();
  }

  /** Closes the tier and the pool, and empties the log table. */
  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    tier.close();
    if (log.stats().failedCount() + log.stats().droppedCount() > 0) {
      throw new IllegalStateException("rows were lost: " + log.stats());
    }
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("TRUNCATE " + PREFIX + "inference_log");
    }
    pool.close();
  }

  /** The inference log: {@value #ROWS} records submitted, then waited for until written. */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public long batchedWriter() {
    long target = log.stats().writtenCount() + ROWS;
    for (int i = 0; i < ROWS; i++) {
      if (!log.record(record)) {
        throw new IllegalStateException("dropped: " + log.stats());
      }
    }
    long written;
    while ((written = log.stats().writtenCount()) < target) {
      LockSupport.parkNanos(20_000);
    }
    return written;
  }

  /** Baseline: {@value #ROWS} single-row inserts, each its own transaction. */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public int singleRowInserts() throws SQLException {
    int n = 0;
    try (Connection c = pool.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO "
                    + PREFIX
                    + "inference_log (logged_at, trace_id, scope, model, cache_level,"
                    + " prompt_tokens, completion_tokens, latency_micros, status)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (int i = 0; i < ROWS; i++) {
        ps.setTimestamp(1, Timestamp.from(Instant.now()));
        ps.setString(2, record.traceId());
        ps.setString(3, record.scope());
        ps.setString(4, record.model());
        ps.setString(5, record.cacheLevel().name());
        ps.setInt(6, record.promptTokens());
        ps.setInt(7, record.completionTokens());
        ps.setLong(8, record.latency().toNanos() / 1000);
        ps.setInt(9, record.status());
        n += ps.executeUpdate();
      }
    }
    return n;
  }
}
