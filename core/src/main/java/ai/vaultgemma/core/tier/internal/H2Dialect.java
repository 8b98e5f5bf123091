package ai.vaultgemma.core.tier.internal;

import java.sql.Connection;

/**
 * H2 (file mode, for one process without a server, when the application's URL names it). One
 * process owns an H2 file database, so migrations are serialised by a lock in this JVM; every
 * migration statement is idempotent ({@code IF NOT EXISTS}) as well, since H2 commits each DDL
 * statement on its own.
 */
final class H2Dialect extends Dialect {

  private static final Object MIGRATION_LOCK = new Object();

  H2Dialect(String prefix) {
    super(prefix);
  }

  @Override
  public String name() {
    return "h2";
  }

  @Override
  String bytesType() {
    return "VARBINARY";
  }

  @Override
  String textType() {
    return "CLOB";
  }

  @Override
  void lockForMigration(Connection c, String lockName) {
    // Held by SchemaMigrator around the whole migration; see migrationMonitor().
  }

  /** The JVM-wide monitor SchemaMigrator holds while it migrates an H2 database. */
  static Object migrationMonitor() {
    return MIGRATION_LOCK;
  }

  @Override
  String upsertEntry() {
    return "MERGE INTO "
        + entryTable
        + " (cache_key, value_bytes, compressed, raw_size, expires_at) KEY (cache_key)"
        + " VALUES (?, ?, ?, ?, ?)";
  }

  @Override
  String purgeExpired() {
    return "DELETE FROM "
        + entryTable
        + " WHERE cache_key IN (SELECT cache_key FROM "
        + entryTable
        + " WHERE expires_at <= ? FETCH FIRST ? ROWS ONLY)";
  }
}
