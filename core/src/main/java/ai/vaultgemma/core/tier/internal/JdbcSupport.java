package ai.vaultgemma.core.tier.internal;

import java.sql.Connection;
import java.sql.SQLException;

/** Small JDBC helpers shared by the store, the log writer and the migrator. */
final class JdbcSupport {

  private JdbcSupport() {}

  /**
   * Bounds how long any read on {@code c}'s socket may wait. Without it a silent network (packets
   * dropped, no reset) hangs a statement forever: PostgreSQL's query timeout sends its cancel over
   * the same network and cannot help. The pool restores the connection's default when it is
   * returned; a connection that timed out is broken and the pool evicts it.
   */
  static void boundNetwork(Connection c, int millis) {
    try {
      c.setNetworkTimeout(Runnable::run, millis);
    } catch (SQLException | UnsupportedOperationException e) {
      // Not every driver supports it (H2 runs in-process); the query timeout still applies.
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
   * Converts a timeout in milliseconds to whole seconds for {@code setQueryTimeout}, at least 1.
   */
  static int querySeconds(long millis) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (millis + 999) / 1000));
  }
}
