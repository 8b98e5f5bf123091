package ai.vaultgemma.core.tier.internal;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and upgrades the tier's tables: a one-row version table records how many migrations of
 * {@link Dialect#migrations()} were applied, and each start applies the missing ones in one
 * transaction under the dialect's migration lock. Every statement is idempotent, so a start that
 * races another (or finds the tables made by hand) does no harm.
 *
 * <p>Thread-safe. {@link #ensure()} is cheap once the schema is known to be current; until then
 * (for example while the database is down at start-up) each call tries again.
 */
public final class SchemaMigrator {

  private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);

  /** Bounds a migration's socket reads, so a silent network cannot hang it. */
  static final int NETWORK_TIMEOUT_MILLIS = 30_000;

  private final DataSource dataSource;
  private final Dialect dialect;
  private final Clock clock;
  private volatile boolean current;

  /**
   * Creates a migrator; it does nothing until {@link #ensure()}.
   *
   * @param dataSource where the tables live
   * @param dialect the database's SQL
   * @param clock the clock for the version table's timestamp
   */
  public SchemaMigrator(DataSource dataSource, Dialect dialect, Clock clock) {
    this.dataSource = requireNonNull(dataSource, "dataSource");
    this.dialect = requireNonNull(dialect, "dialect");
    this.clock = requireNonNull(clock, "clock");
  }

  /** Returns the version this library's migrations reach. */
  public int targetVersion() {
    return dialect.migrations().size();
  }

  /** Returns whether the schema is known to be current; cheap. */
  public boolean isCurrent() {
    return current;
  }

  /**
   * Makes sure the schema is current, migrating it if needed.
   *
   * @throws SQLException if the database cannot be reached or a migration fails
   */
  public void ensure() throws SQLException {
    if (!current) {
      migrate();
    }
  }

  private synchronized void migrate() throws SQLException {
    if (current) {
      return;
    }
    if (dialect instanceof H2Dialect) {
      synchronized (H2Dialect.migrationMonitor()) {
        migrateLocked();
      }
    } else {
      migrateLocked();
    }
    current = true;
  }

  private void migrateLocked() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      JdbcSupport.boundNetwork(c, NETWORK_TIMEOUT_MILLIS);
      c.setAutoCommit(false);
      try {
        dialect.lockForMigration(c, dialect.prefix());
        try (Statement s = c.createStatement()) {
          s.execute(dialect.createVersionTable());
        }
        try (PreparedStatement ps = c.prepareStatement(dialect.insertInitialVersion())) {
          ps.setLong(1, clock.millis());
          ps.executeUpdate();
        }
        int version = readVersion(c);
        List<List<String>> migrations = dialect.migrations();
        for (int v = version; v < migrations.size(); v++) {
          try (Statement s = c.createStatement()) {
            for (String sql : migrations.get(v)) {
              s.execute(sql);
            }
          }
          try (PreparedStatement ps = c.prepareStatement(dialect.updateVersion())) {
            ps.setInt(1, v + 1);
            ps.setLong(2, clock.millis());
            ps.executeUpdate();
          }
          log.info(
              "Migrated {} tables {} to schema version {}",
              dialect.name(),
              dialect.tables(),
              v + 1);
        }
        if (version > migrations.size()) {
          log.warn(
              "Schema version {} of {} is newer than this library's {}; using it as is",
              version,
              dialect.tables(),
              migrations.size());
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        JdbcSupport.rollbackQuietly(c, e);
        throw e;
      } finally {
        JdbcSupport.restoreAutoCommit(c);
      }
    }
  }

  private int readVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(dialect.selectVersion())) {
      if (!rs.next()) {
        throw new SQLException("no row in " + dialect.versionTable);
      }
      return rs.getInt(1);
    }
  }
}
