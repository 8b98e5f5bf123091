package ai.vaultgemma.benchmarks.tier;

import ai.vaultgemma.cache.SecondLevelStore;
import ai.vaultgemma.core.tier.SharedTier;
import ai.vaultgemma.core.tier.SharedTierConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Second-level get on PostgreSQL: a hit (small and large, compressed, value), a miss, next to the
 * floor under any of them, one {@code SELECT 1} round trip on the same pool.
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar SecondLevelGetBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SecondLevelGetBenchmark {

  private static final String PREFIX = "bench_l2_";

  /** Size of the cached answer in bytes; 8192 is above the compression threshold. */
  @Param({"512", "8192"})
  public int valueBytes;

  private HikariDataSource pool;
  private SharedTier tier;
  private SecondLevelStore store;

  private static SharedTierConfig config() {
    return SharedTierConfig.builder().tablePrefix(PREFIX).build();
  }

  /** Opens the tier and stores the answer that the hit benchmark reads. */
  @Setup(Level.Trial)
  public void setUp() {
    pool = BenchDatabase.pool("bench-l2");
    tier = SharedTier.open(pool, BenchDatabase.jdbcUrl(), config());
    store = tier.secondLevelStore();
    StringBuilder json = new StringBuilder("{\"choices\":[{\"message\":{\"content\":\"");
    while (json.length() < valueBytes - 8) {
      json.append("the quarterly figures rose in every region ");
    }
    byte[] value =
        json.substring(0, valueBytes - 8).concat("\"}}]}").getBytes(StandardCharsets.UTF_8);
    store.put("hit", value, Duration.ofHours(1));
    if (store.get("hit").isEmpty()) {
      throw new IllegalStateException("setup put was not stored: " + store.stats());
    }
  }

  /** Closes the tier and the pool, and leaves the table empty. */
  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    tier.close();
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DELETE FROM " + PREFIX + "l2_entry");
    }
    pool.close();
  }

  /** A second-level hit: one indexed select, decompression when compressed. */
  @Benchmark
  public Optional<byte[]> l2GetHit() {
    return store.get("hit");
  }

  /** A second-level miss: the same select, no row. */
  @Benchmark
  public Optional<byte[]> l2GetMiss() {
    return store.get("absent");
  }

  /** Baseline: one {@code SELECT 1} round trip through the same pool. */
  @Benchmark
  public int baselineSelectOne() throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT 1");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
