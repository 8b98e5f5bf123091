package ai.vaultgemma.core.tier.internal;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.zip.CRC32;

/** PostgreSQL: the engine for several instances. Migrations hold a transaction advisory lock. */
final class PostgresDialect extends Dialect {

  PostgresDialect(String prefix) {
    super(prefix);
  }

  @Override
  public String name() {
    return "postgresql";
  }

  @Override
  String bytesType() {
    return "BYTEA";
  }

  @Override
  String textType() {
    return "TEXT";
  }

  @Override
  void lockForMigration(Connection c, String lockName) throws SQLException {
    // Advisory locks are per database; the key is derived from the prefix, so two prefixes migrate
    // independently. Released by the commit or rollback that ends the migration.
    CRC32 crc = new CRC32();
    crc.update(("vaultgemma.tier:" + lockName).getBytes(StandardCharsets.UTF_8));
    long key = 0x5647_0000_0000_0000L | crc.getValue();
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      ps.setLong(1, key);
      ps.execute();
    }
  }

  @Override
  String upsertEntry() {
    return "INSERT INTO "
        + entryTable
        + " (cache_key, value_bytes, compressed, raw_size, expires_at) VALUES (?, ?, ?, ?, ?)"
        + " ON CONFLICT (cache_key) DO UPDATE SET value_bytes = EXCLUDED.value_bytes,"
        + " compressed = EXCLUDED.compressed, raw_size = EXCLUDED.raw_size,"
        + " expires_at = EXCLUDED.expires_at";
  }

  @Override
  String purgeExpired() {
    // SKIP LOCKED: two instances purging at once take different rows instead of waiting.
    return "DELETE FROM "
        + entryTable
        + " WHERE cache_key IN (SELECT cache_key FROM "
        + entryTable
        + " WHERE expires_at <= ? LIMIT ? FOR UPDATE SKIP LOCKED)";
  }

  @Override
  public boolean supportsRateDecisions() {
    return true;
  }

  /**
   * GCRA in one statement: the upsert creates the cell (admitted) or moves its time on by the cost
   * when it is no more than the burst plus the allowed wait ahead of now; the row lock of the
   * conflict serialises instances. When the update is refused, the outer query reads the time the
   * cell has, for the retry-after (from the statement's snapshot: a hint, maybe a little stale).
   */
  @Override
  String rateDecision() {
    return "WITH d AS (INSERT INTO "
        + rateTable
        + " AS r (limit_key, tat) VALUES (?, ? + ?)"
        + " ON CONFLICT (limit_key) DO UPDATE SET tat = GREATEST(r.tat, ?) + ?"
        + " WHERE r.tat - ? - ? <= ?"
        + " RETURNING tat)"
        + " SELECT TRUE, tat FROM d"
        + " UNION ALL SELECT FALSE, tat FROM "
        + rateTable
        + " WHERE limit_key = ? AND NOT EXISTS (SELECT 1 FROM d)";
  }
}
