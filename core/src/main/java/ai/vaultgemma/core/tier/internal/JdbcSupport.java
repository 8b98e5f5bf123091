package ai.vaultgemma.core.tier.internal;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Statement;

/** Small JDBC helpers shared by the store, the log writer and the migrator. */
final class JdbcSupport {

  private JdbcSupport() {}

  /**
   * Bounds how long any read on {@code c}'s socket may wait. Without it a silent network (packets
   * dropped, no reset) hangs a statement forever: PostgreSQL's query timeout sends its cancel over
   * the same network and cannot help. The pool restores the connection's default when it is
   * returned; a connection that timed out is broken and the pool evicts it.
   *
   * @return whether the driver took it; where it did not (H2 runs in-process), pass false to {@link
   *     #boundQuery} so the query timeout bounds the statement instead
   */
  static boolean boundNetwork(Connection c, int millis) {
    try {
      c.setNetworkTimeout(Runnable::run, millis);
      return true;
    } catch (SQLException | UnsupportedOperationException e) {
      return false;
    }
  }

  /**
   * Gives {@code s} a query timeout of {@code seconds} where the network timeout could not be set.
   * Where it was set, it fires first anyway (see {@link #querySeconds}), and a query timeout would
   * only cost: pgjdbc arms each one as a task on its shared timer thread, which wakes for it, on
   * every statement.
   *
   * @param s the statement
   * @param networkBounded what {@link #boundNetwork} returned for its connection
   * @param seconds the query timeout, from {@link #querySeconds}
   */
  static void boundQuery(Statement s, boolean networkBounded, int seconds) throws SQLException {
    if (!networkBounded) {
      s.setQueryTimeout(seconds);
    }
  }

  /** Puts a pooled connection back in auto-commit mode; a broken one is left to the pool. */
  static void restoreAutoCommit(Connection c) {
    try {
      c.setAutoCommit(true);
    } catch (SQLException e) {
      // The connection is broken; the pool evicts it when it is closed.
    }
  }

  /** Rolls back, attaching a failure to do so to {@code cause}. */
  static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /**
   * Converts a timeout in milliseconds to whole seconds for {@code setQueryTimeout}: always longer
   * than {@code millis}, so the network timeout of {@link #boundNetwork} fires first.
   *
   * <p>Why strictly longer: when PostgreSQL's query timeout fires, pgjdbc sends a cancel request
   * over a new connection, and a statement that then fails waits for that cancel to finish, which
   * on a silent network takes the driver's {@code cancelSignalTimeout} (10 s by default). A read
   * timeout of 3 s became a 13 s stall that way. When the network timeout fires first, the
   * connection is aborted and the pending cancel is simply dropped. Where the network timeout is
   * not supported (H2 in-process), the query timeout is the bound, at most one second later.
   */
  static int querySeconds(long millis) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, millis / 1000 + 1));
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
