package ai.vaultgemma.pool;

import static java.util.Objects.requireNonNull;

import ai.vaultgemma.pool.internal.DbMetricsTracker;
import ai.vaultgemma.pool.internal.DbSecrets;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.pool.HikariPool;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool of JDBC connections on HikariCP, with helpers for the common cases, an immutable {@link
 * DbPoolStats} snapshot and a bounded {@link #health(Duration) health check}.
 *
 * <pre>{@code
 * try (DbPool pool = DbPool.start(DbPoolConfig.fromEnv())) {
 *   int rows = pool.update("INSERT INTO notes(tenant, body) VALUES (?, ?)", tenant, body);
 *   List<String> bodies =
 *       pool.query("SELECT body FROM notes WHERE tenant = ?", rs -> rs.getString(1), tenant);
 *   long id = pool.inTransaction(c -> { ... return id; });
 *   DbPoolStats stats = pool.stats();          // open, in use, idle, waiting, acquisitions
 *   DbHealth health = pool.health(Duration.ofSeconds(1));
 * }
 * }</pre>
 *
 * <p><b>Thread safety and ownership.</b> A pool is thread-safe and meant to be shared: start one
 * per database and process. Whoever starts it closes it. The helpers only ever bind parameters
 * ({@link PreparedStatement#setObject(int, Object)}); they never build SQL from values. Each helper
 * borrows one connection and returns it before it returns. For anything else (batches, streaming
 * large results, {@code COPY}) borrow a connection from {@link #dataSource()} and close it when
 * done.
 *
 * <p><b>Errors.</b> An {@link SQLException} from a helper becomes a {@link DbPoolException} with
 * the SQL text (never the parameters) in its message and the original as its cause. No message
 * contains the password.
 *
 * <p><b>Closing.</b> {@link #close()} is idempotent. It first stops the helpers from taking new
 * work, then waits up to {@link DbPoolConfig#closeTimeout()} for borrowed connections to come back,
 * then shuts HikariCP down, which aborts connections still borrowed.
 */
public final class DbPool implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DbPool.class);

  private final DbPoolConfig config;
  private final HikariDataSource dataSource;
  private final HikariPoolMXBean mxBean;
  private final DbMetricsTracker metrics;
  private final AtomicBoolean closed = new AtomicBoolean();

  private DbPool(
      DbPoolConfig config,
      HikariDataSource dataSource,
      HikariPoolMXBean mxBean,
      DbMetricsTracker metrics) {
    this.config = config;
    this.dataSource = dataSource;
    this.mxBean = mxBean;
    this.metrics = metrics;
  }

  /**
   * Starts a pool. With {@link DbPoolConfig#failFast()} (the default) it opens one connection first
   * and fails if the database cannot be reached; each PostgreSQL connection attempt is bounded by
   * {@link DbPoolConfig#acquireTimeout()} unless the URL sets {@code connectTimeout}.
   *
   * @param config the configuration
   * @return the running pool; close it when done
   * @throws NullPointerException if {@code config} is null
   * @throws DbPoolException if the database cannot be reached; the message names the host and port
   *     (or the masked URL for other databases) and the cause is the driver's exception
   */
  public static DbPool start(DbPoolConfig config) {
    requireNonNull(config, "config");
    DbMetricsTracker metrics = new DbMetricsTracker();
    HikariConfig hikari = toHikari(config, metrics);
    HikariDataSource dataSource;
    try {
      dataSource = new HikariDataSource(hikari);
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new DbPoolException(
          "Could not connect to the database at "
              + config.target()
              + " (pool "
              + config.poolName()
              + "): "
              + safeMessage(cause, config),
          cause);
    }
    HikariPoolMXBean mxBean = dataSource.getHikariPoolMXBean();
    if (mxBean == null) {
      dataSource.close();
      throw new DbPoolException("HikariCP did not start pool " + config.poolName());
    }
    log.debug("Started DB pool {}", config);
    return new DbPool(config, dataSource, mxBean, metrics);
  }

  private static HikariConfig toHikari(DbPoolConfig config, DbMetricsTracker metrics) {
    HikariConfig h = new HikariConfig();
    h.setPoolName(config.poolName());
    h.setJdbcUrl(config.jdbcUrl());
    if (config.username() != null) {
      h.setUsername(config.username());
    }
    if (config.password() != null) {
      h.setPassword(config.password());
    }
    h.setMaximumPoolSize(config.maxOpen());
    h.setMinimumIdle(config.maxIdle());
    h.setMaxLifetime(config.maxLifetime().toMillis());
    h.setIdleTimeout(config.maxIdleTime().toMillis());
    h.setConnectionTimeout(config.acquireTimeout().toMillis());
    h.setValidationTimeout(config.validationTimeout().toMillis());
    // 1 ms: try once and fail fast; -1: start without touching the database.
    h.setInitializationFailTimeout(config.failFast() ? 1 : -1);
    h.setMetricsTrackerFactory(metrics);
    boolean postgres = config.jdbcUrl().regionMatches(true, 0, "jdbc:postgresql:", 0, 16);
    if (postgres) {
      // Bound every connection attempt, so start-up against an unreachable host ends in bounded
      // time and pg_stat_activity shows which pool a connection belongs to.
      String seconds = Long.toString(Math.max(1, ceilSeconds(config.acquireTimeout())));
      putIfAbsent(h, config, "connectTimeout", seconds);
      putIfAbsent(h, config, "loginTimeout", seconds);
      putIfAbsent(h, config, "ApplicationName", config.poolName());
    }
    config.driverProperties().forEach(h::addDataSourceProperty);
    return h;
  }

  private static void putIfAbsent(HikariConfig h, DbPoolConfig config, String key, String value) {
    String lowerUrl = config.jdbcUrl().toLowerCase(Locale.ROOT);
    String lowerKey = key.toLowerCase(Locale.ROOT);
    boolean inUrl =
        lowerUrl.contains("?" + lowerKey + "=") || lowerUrl.contains("&" + lowerKey + "=");
    boolean inProperties =
        config.driverProperties().keySet().stream().anyMatch(k -> k.equalsIgnoreCase(key));
    if (!inUrl && !inProperties) {
      h.addDataSourceProperty(key, value);
    }
  }

  private static long ceilSeconds(Duration d) {
    return (d.toMillis() + 999) / 1000;
  }

  /**
   * Returns the pooled data source, for work the helpers do not cover. Close every connection you
   * borrow; closing returns it to the pool. Do not close the data source itself: close this pool.
   *
   * @return the HikariCP data source behind this pool
   */
  public DataSource dataSource() {
    return dataSource;
  }

  /**
   * Returns the configuration this pool was started with.
   *
   * @return the configuration
   */
  public DbPoolConfig config() {
    return config;
  }

  /**
   * Runs a query and maps every row.
   *
   * @param sql the SQL, with {@code ?} placeholders
   * @param mapper maps one row; called once per row in order
   * @param params the parameter values, bound in order with {@code setObject}
   * @param <T> the row type
   * @return the mapped rows, in result order (a new mutable list)
   * @throws NullPointerException if {@code sql}, {@code mapper} or {@code params} is null
   * @throws DbPoolException if the pool is closed, no connection is available in time, or the query
   *     or the mapper fails
   */
  public <T extends @Nullable Object> List<T> query(
      String sql, RowMapper<T> mapper, @Nullable Object... params) {
    requireNonNull(sql, "sql");
    requireNonNull(mapper, "mapper");
    requireNonNull(params, "params");
    ensureOpen();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        List<T> rows = new ArrayList<>();
        while (rs.next()) {
          rows.add(mapper.map(rs));
        }
        return rows;
      }
    } catch (SQLException e) {
      throw failed("query", sql, e);
    }
  }

  /**
   * Runs an {@code INSERT}, {@code UPDATE}, {@code DELETE} or DDL statement.
   *
   * @param sql the SQL, with {@code ?} placeholders
   * @param params the parameter values, bound in order with {@code setObject}
   * @return the number of rows affected (0 for DDL)
   * @throws NullPointerException if {@code sql} or {@code params} is null
   * @throws DbPoolException if the pool is closed, no connection is available in time, or the
   *     statement fails
   */
  public int update(String sql, @Nullable Object... params) {
    requireNonNull(sql, "sql");
    requireNonNull(params, "params");
    ensureOpen();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, params);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw failed("update", sql, e);
    }
  }

  /**
   * Runs work in one transaction: commits when it returns, rolls back when it throws.
   *
   * <p>The connection is in manual-commit mode and goes back to the pool afterwards; the work must
   * not close it, nor keep it. A {@link RuntimeException} or {@link Error} from the work is
   * rethrown as it is after the rollback; a failed rollback is added to it as suppressed.
   *
   * @param work the work, given the transaction's connection
   * @param <T> the result type
   * @return what the work returned
   * @throws NullPointerException if {@code work} is null
   * @throws DbPoolException if the pool is closed, no connection is available in time, or the work
   *     or the commit throws {@link SQLException}
   */
  public <T extends @Nullable Object> T inTransaction(SqlFunction<Connection, T> work) {
    requireNonNull(work, "work");
    ensureOpen();
    try (Connection c = dataSource.getConnection()) {
      // No need to restore auto-commit afterwards: HikariCP resets it when the connection is
      // returned, and a restore in a finally block could hide the work's own failure.
      c.setAutoCommit(false);
      try {
        T result = work.apply(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        rollbackQuietly(c, e);
        throw e;
      }
    } catch (SQLException e) {
      throw failed("transaction", null, e);
    }
  }

  private static void rollbackQuietly(Connection c, Throwable failure) {
    try {
      c.rollback();
    } catch (SQLException | RuntimeException rollbackFailure) {
      failure.addSuppressed(rollbackFailure);
    }
  }

  private static void bind(PreparedStatement ps, @Nullable Object[] params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      ps.setObject(i + 1, params[i]);
    }
  }

  /**
   * Returns a snapshot of the pool's connections and counters, read together so that {@code inUse +
   * idle == openConnections}. A closed pool reports {@link DbPoolStats#empty()} gauges with its
   * final counters.
   *
   * @return the snapshot
   */
  public DbPoolStats stats() {
    int inUse = 0;
    int idle = 0;
    int waiting = 0;
    if (!dataSource.isClosed()) {
      // HikariCP counts active and idle connections in two separate walks of its bag, so a
      // connection returned between them is counted twice (seen: open=6 of 5). The bag's size is
      // one read and never exceeds the pool size: take it as the truth, and idle as the rest.
      int total = Math.max(0, mxBean.getTotalConnections());
      inUse = Math.min(total, Math.max(0, mxBean.getActiveConnections()));
      idle = total - inUse;
      waiting = Math.max(0, mxBean.getThreadsAwaitingConnection());
    }
    return DbPoolStats.of(
        inUse,
        idle,
        waiting,
        config.maxOpen(),
        metrics.acquisitions(),
        metrics.acquisitionNanos(),
        metrics.timeouts());
  }

  /**
   * Checks that the database answers: borrows a connection and runs {@code SELECT 1}, all within
   * {@code timeout}. Never throws for a database problem; the result says what went wrong.
   *
   * @param timeout how long the whole check may take, at least 1 ms
   * @return healthy, or unhealthy with the reason (the pool is closed, no connection within the
   *     timeout and why, or the query failed)
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if {@code timeout} is shorter than 1 ms
   */
  public DbHealth health(Duration timeout) {
    requireNonNull(timeout, "timeout");
    if (timeout.toMillis() < 1) {
      throw new IllegalArgumentException("timeout must be >= 1ms but was " + timeout);
    }
    long start = System.nanoTime();
    if (closed.get() || dataSource.isClosed()) {
      return DbHealth.unhealthy("pool " + config.poolName() + " is closed", since(start));
    }
    long budgetMillis = timeout.toMillis();
    try (Connection c = borrow(budgetMillis)) {
      long left = budgetMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      int leftMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, left));
      try {
        c.setNetworkTimeout(Runnable::run, leftMillis);
      } catch (SQLFeatureNotSupportedException e) {
        // Some drivers cannot bound a socket read; the query timeout below still applies.
      }
      try (Statement s = c.createStatement()) {
        s.setQueryTimeout((int) Math.max(1, ceilSeconds(Duration.ofMillis(leftMillis))));
        try (ResultSet rs = s.executeQuery("SELECT 1")) {
          if (!rs.next()) {
            return DbHealth.unhealthy("SELECT 1 returned no row", since(start));
          }
        }
      }
      return DbHealth.healthy(since(start));
    } catch (SQLException | RuntimeException e) {
      return DbHealth.unhealthy(
          "database at " + config.target() + " did not answer: " + safeMessage(e, config),
          since(start));
    }
  }

  private Connection borrow(long timeoutMillis) throws SQLException {
    // HikariDataSource only waits for its configured acquireTimeout; HikariPool takes a timeout
    // per call, which keeps the health check inside its own budget.
    if (mxBean instanceof HikariPool pool) {
      return pool.getConnection(timeoutMillis);
    }
    return dataSource.getConnection();
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /**
   * Closes the pool: the helpers refuse new work at once, borrowed connections get up to {@link
   * DbPoolConfig#closeTimeout()} to come back, then every connection is closed (those still
   * borrowed are aborted). Calling it again does nothing. If the calling thread is interrupted
   * while waiting, it stops waiting, closes at once and keeps its interrupt status.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + config.closeTimeout().toNanos();
    while (mxBean.getActiveConnections() > 0 && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      if (Thread.currentThread().isInterrupted()) {
        break;
      }
    }
    int stillBorrowed = mxBean.getActiveConnections();
    if (stillBorrowed > 0) {
      log.warn(
          "DB pool {}: {} connection(s) still borrowed after {}; closing them",
          config.poolName(),
          stillBorrowed,
          config.closeTimeout());
    }
    dataSource.close();
  }

  /**
   * Returns whether {@link #close()} has been called.
   *
   * @return true once closing has begun
   */
  public boolean isClosed() {
    return closed.get();
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new DbPoolException("DB pool " + config.poolName() + " is closed");
    }
  }

  private DbPoolException failed(String what, @Nullable String sql, SQLException e) {
    StringBuilder message = new StringBuilder("DB pool ").append(config.poolName()).append(": ");
    message.append(what).append(" failed");
    if (sql != null) {
      message.append(" [").append(abbreviate(sql)).append(']');
    }
    if (e.getSQLState() != null) {
      message.append(" (SQLSTATE ").append(e.getSQLState()).append(')');
    }
    message.append(": ").append(safeMessage(e, config));
    return new DbPoolException(message.toString(), e);
  }

  private static String abbreviate(String sql) {
    String oneLine = sql.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
  }

  /** The throwable's message with URLs masked and the configured password, if any, removed. */
  static String safeMessage(Throwable t, DbPoolConfig config) {
    String message = t.getMessage();
    if (message == null) {
      message = t.getClass().getSimpleName();
    }
    Throwable cause = t.getCause();
    if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
      message = message + " (" + cause.getMessage() + ")";
    }
    message = DbSecrets.maskUrl(message);
    String password = config.password();
    if (password != null && !password.isEmpty()) {
      message = message.replace(password, DbSecrets.MASK);
    }
    return message;
  }

  @Override
  public String toString() {
    return "DbPool{"
        + config.poolName()
        + ", "
        + config.target()
        + (closed.get() ? ", closed" : "")
        + "}";
  }
}
