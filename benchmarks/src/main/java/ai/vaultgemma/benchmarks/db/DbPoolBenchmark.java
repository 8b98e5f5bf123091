package ai.vaultgemma.benchmarks.db;

import ai.vaultgemma.pool.DbPool;
import ai.vaultgemma.pool.DbPoolConfig;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code SELECT 1} and a primary-key lookup in a 10,000-row table, three ways in one run: through
 * our {@link DbPool} helpers, through raw HikariCP with hand-written JDBC (the baseline our layer
 * must stay within 5 % of), and with a fresh {@link DriverManager} connection per query (what
 * pooling saves). Needs a real PostgreSQL: {@value #URL_ENV}, default {@value #DEFAULT_URL}.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar DbPoolBenchmark -f 1 -wi 2 -w 1s -i 3 -r 1s
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DbPoolBenchmark {

  /** The environment variable naming the PostgreSQL server to measure against. */
  public static final String URL_ENV = "VAULTGEMMA_BENCH_JDBC_URL";

  /** The server used when {@value #URL_ENV} is not set. */
  public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  private static final int ROWS = 10_000;
  private static final String LOOKUP = "SELECT v FROM vg_bench_kv WHERE id = ?";

  private String url = DEFAULT_URL;
  private DbPool ours;
  private HikariDataSource hikari;

  /** Starts both pools with the same size and fills the lookup table once. */
  @Setup
  public void setUp() throws SQLException {
    String fromEnv = System.getenv(URL_ENV);
    url = fromEnv == null || fromEnv.isBlank() ? DEFAULT_URL : fromEnv;
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS vg_bench_kv (id int PRIMARY KEY, v text NOT NULL)");
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM vg_bench_kv")) {
        rs.next();
        if (rs.getInt(1) != ROWS) {
          s.execute("TRUNCATE vg_bench_kv");
          s.execute(
              "INSERT INTO vg_bench_kv SELECT i, md5(i::text) FROM generate_series(1, "
                  + ROWS
                  + ") AS i");
          s.execute("ANALYZE vg_bench_kv");
        }
      }
    }
    ours =
        DbPool.start(
            DbPoolConfig.builder().dsn(url).maxOpen(4).maxIdle(4).poolName("bench-ours").build());
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(4);
    config.setMinimumIdle(4);
    config.setPoolName("bench-hikari");
    hikari = new HikariDataSource(config);
  }

  /** Closes both pools. */
  @TearDown
  public void tearDown() {
    ours.close();
    hikari.close();
  }

  private static int key() {
    return ThreadLocalRandom.current().nextInt(1, ROWS + 1);
  }

  /** Ours: {@code SELECT 1} through {@link DbPool#query}. */
  @Benchmark
  public List<Integer> select1_ours() {
    return ours.query("SELECT 1", rs -> rs.getInt(1));
  }

  /** Baseline: {@code SELECT 1} on raw HikariCP. */
  @Benchmark
  public int select1_hikari() throws SQLException {
    try (Connection c = hikari.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT 1");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** Unpooled: {@code SELECT 1} on a fresh connection. */
  @Benchmark
  public int select1_driverManager() throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement ps = c.prepareStatement("SELECT 1");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** Ours: a primary-key lookup through {@link DbPool#query}. */
  @Benchmark
  public List<String> lookup_ours() {
    return ours.query(LOOKUP, rs -> rs.getString(1), key());
  }

  /** Baseline: the same lookup on raw HikariCP. */
  @Benchmark
  public String lookup_hikari() throws SQLException {
    try (Connection c = hikari.getConnection();
        PreparedStatement ps = c.prepareStatement(LOOKUP)) {
      ps.setObject(1, key());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  /** Unpooled: the same lookup on a fresh connection. */
  @Benchmark
  public String lookup_driverManager() throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement ps = c.prepareStatement(LOOKUP)) {
      ps.setObject(1, key());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }
}
