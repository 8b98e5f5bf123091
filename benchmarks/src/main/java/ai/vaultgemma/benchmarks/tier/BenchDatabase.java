package ai.vaultgemma.benchmarks.tier;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** Where the tier benchmarks find PostgreSQL, and the pool they use. */
final class BenchDatabase {

  /** The environment variable naming the database. */
  static final String JDBC_URL_ENV = "VAULTGEMMA_BENCH_JDBC_URL";

  private static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  private BenchDatabase() {}

  static String jdbcUrl() {
    String url = System.getenv(JDBC_URL_ENV);
    return url == null || url.isBlank() ? DEFAULT_URL : url;
  }

  static HikariDataSource pool(String name) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(jdbcUrl());
    c.setPoolName(name);
    c.setMaximumPoolSize(4);
    return new HikariDataSource(c);
  }
}
