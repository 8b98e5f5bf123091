package ai.vaultgemma.core.tier.internal;

import static java.util.Objects.requireNonNull;

import ai.vaultgemma.cache.SecondLevelStats;
import ai.vaultgemma.cache.SecondLevelStore;
import ai.vaultgemma.core.tier.SharedTierConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.DataFormatException;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SecondLevelStore} in one table of a JDBC database (PostgreSQL or H2).
 *
 * <p>Each entry is a row {@code (cache_key, value_bytes, compressed, raw_size, expires_at)}; expiry
 * is epoch milliseconds of the injected clock, so the clocks of the instances sharing a table
 * should agree to within the precision expiry needs. A read ignores expired rows; a background task
 * deletes them in bounded batches.
 *
 * <p>Every statement runs under the read timeout (network timeout in milliseconds, query timeout
 * the next whole second above it, see {@link JdbcSupport#querySeconds}); getting a connection is
 * bounded by the pool. Any failure is counted and turns the store degraded (see {@link
 * Availability}): while degraded, operations skip the database and one call per retry interval
 * probes it, so the store recovers on its own. Purge statements get ten read timeouts. If the
 * tables could not be created at start, operations fail fast (counted, degraded) while the
 * scheduler retries the migration; callers never wait for DDL. Thread-safe; does not own the data
 * source or the scheduler.
 */
public final class JdbcSecondLevelStore implements SecondLevelStore {

  private static final Logger log = LoggerFactory.getLogger(JdbcSecondLevelStore.class);

  /** Upper bound of statements one purge runs, so a huge backlog cannot hog a connection. */
  static final int MAX_PURGE_BATCHES_PER_RUN = 100;

  /** TTLs are capped here so {@code now + ttl} cannot overflow. */
  private static final long MAX_TTL_MILLIS = Duration.ofDays(365L * 100).toMillis();

  private final DataSource dataSource;
  private final Dialect dialect;
  private final SchemaMigrator schema;
  private final Clock clock;
  private final ValueCodec codec;
  private final int maxValueBytes;
  private final int purgeBatchSize;
  private final int networkTimeoutMillis;
  private final int queryTimeoutSeconds;
  private final int purgeTimeoutMillis;
  private final long retryIntervalMillis;
  private final @Nullable ScheduledExecutorService scheduler;
  private final Availability availability;
  private final @Nullable ScheduledFuture<?> purgeTask;
  private final AtomicBoolean closed = new AtomicBoolean();

  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder writes = new LongAdder();
  private final LongAdder writeFailures = new LongAdder();
  private final LongAdder oversized = new LongAdder();
  private final LongAdder purged = new LongAdder();

  /**
   * Creates the store, tries the schema once (a failure leaves it degraded, not broken) and, when
   * {@code scheduler} is given, schedules purging every {@link SharedTierConfig#purgeInterval()}.
   *
   * @param dataSource pooled connections; not closed by this store
   * @param dialect the database's SQL
   * @param schema the migrator shared with the log writer
   * @param config the settings
   * @param clock the clock expiry is computed with
   * @param scheduler runs the purge; null to purge only through {@link #purgeExpired()}
   */
  public JdbcSecondLevelStore(
      DataSource dataSource,
      Dialect dialect,
      SchemaMigrator schema,
      SharedTierConfig config,
      Clock clock,
      @Nullable ScheduledExecutorService scheduler) {
    this.dataSource = requireNonNull(dataSource, "dataSource");
    this.dialect = requireNonNull(dialect, "dialect");
    this.schema = requireNonNull(schema, "schema");
    this.clock = requireNonNull(clock, "clock");
    requireNonNull(config, "config");
    this.codec = new ValueCodec(config.compressionThresholdBytes());
    this.maxValueBytes = config.maxValueBytes();
    this.purgeBatchSize = config.purgeBatchSize();
    long timeoutMillis = Math.min(Integer.MAX_VALUE, Math.max(1, config.readTimeout().toMillis()));
    this.networkTimeoutMillis = (int) timeoutMillis;
    this.queryTimeoutSeconds = JdbcSupport.querySeconds(timeoutMillis);
    this.purgeTimeoutMillis =
        (int) Math.min(Integer.MAX_VALUE, timeoutMillis * InferenceLogWriter.BATCH_TIMEOUT_FACTOR);
    this.scheduler = scheduler;
    this.retryIntervalMillis = config.retryInterval().toMillis();
    this.availability =
        new Availability(
            "L2 store " + dialect.entryTable, config.retryInterval(), System::nanoTime);
    try {
      schema.ensure();
    } catch (SQLException | RuntimeException e) {
      availability.failed("schema migration", e);
      scheduleMigrationRetry();
    }
    if (scheduler == null) {
      this.purgeTask = null;
    } else {
      long every = config.purgeInterval().toMillis();
      this.purgeTask =
          scheduler.scheduleWithFixedDelay(this::purgeQuietly, every, every, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public Optional<byte[]> get(String key) {
    Timed hit = getTimed(key);
    return hit == null ? Optional.empty() : Optional.of(hit.value());
  }

  /**
   * A value and when it expires, in epoch milliseconds of this store's clock.
   *
   * @param value the value, a fresh array
   * @param expiresAtMillis when the entry expires
   */
  @SuppressWarnings("ArrayRecordComponent") // internal carrier; the array is the caller's own
  public record Timed(byte[] value, long expiresAtMillis) {}

  /**
   * As {@link #get}, also returning when the entry expires, so a caller can keep a copy for no
   * longer than the entry lives. Counted as {@link #get} is.
   *
   * @param key the key
   * @return the value and its expiry, or null when absent, expired or the store could not answer
   */
  public @Nullable Timed getTimed(String key) {
    checkKey(key);
    if (closed.get() || !availability.tryAcquire()) {
      errors.increment();
      return null;
    }
    byte[] stored;
    boolean compressed;
    int rawSize;
    long expiresAt;
    try {
      requireSchema();
      try (Connection c = dataSource.getConnection()) {
        JdbcSupport.boundNetwork(c, networkTimeoutMillis);
        try (PreparedStatement ps = c.prepareStatement(dialect.selectEntry())) {
          ps.setQueryTimeout(queryTimeoutSeconds);
          ps.setString(1, key);
          ps.setLong(2, clock.millis());
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              availability.succeeded();
              misses.increment();
              return null;
            }
            stored = rs.getBytes(1);
            compressed = rs.getBoolean(2);
            rawSize = rs.getInt(3);
            expiresAt = rs.getLong(4);
          }
        }
      }
      availability.succeeded();
    } catch (SQLException | RuntimeException e) {
      availability.failed("get", e);
      errors.increment();
      return null;
    }
    try {
      byte[] value = ValueCodec.decode(stored, compressed, rawSize);
      hits.increment();
      return new Timed(value, expiresAt);
    } catch (DataFormatException e) {
      // A corrupt row is this key's problem, not the database's: a miss, not degraded.
      log.warn("Ignoring corrupt L2 entry in {}: {}", dialect.entryTable, e.getMessage());
      errors.increment();
      return null;
    }
  }

  @Override
  public void put(String key, byte[] value, Duration ttl) {
    checkKey(key);
    requireNonNull(value, "value");
    requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive but was " + ttl);
    }
    if (value.length > maxValueBytes) {
      oversized.increment();
      return;
    }
    if (closed.get() || !availability.tryAcquire()) {
      writeFailures.increment();
      return;
    }
    ValueCodec.Encoded encoded = codec.encode(value);
    long ttlMillis =
        ttl.compareTo(Duration.ofMillis(MAX_TTL_MILLIS)) > 0 ? MAX_TTL_MILLIS : ttl.toMillis();
    try {
      requireSchema();
      try (Connection c = dataSource.getConnection()) {
        JdbcSupport.boundNetwork(c, networkTimeoutMillis);
        try (PreparedStatement ps = c.prepareStatement(dialect.upsertEntry())) {
          ps.setQueryTimeout(queryTimeoutSeconds);
          ps.setString(1, key);
          ps.setBytes(2, encoded.bytes());
          ps.setBoolean(3, encoded.compressed());
          ps.setInt(4, value.length);
          ps.setLong(5, clock.millis() + Math.max(1, ttlMillis));
          ps.executeUpdate();
        }
      }
      availability.succeeded();
      writes.increment();
    } catch (SQLException | RuntimeException e) {
      availability.failed("put", e);
      writeFailures.increment();
    }
  }

  @Override
  public void invalidate(String key) {
    checkKey(key);
    if (closed.get() || !availability.tryAcquire()) {
      writeFailures.increment();
      return;
    }
    try {
      requireSchema();
      try (Connection c = dataSource.getConnection()) {
        JdbcSupport.boundNetwork(c, networkTimeoutMillis);
        try (PreparedStatement ps = c.prepareStatement(dialect.deleteEntry())) {
          ps.setQueryTimeout(queryTimeoutSeconds);
          ps.setString(1, key);
          ps.executeUpdate();
        }
      }
      availability.succeeded();
    } catch (SQLException | RuntimeException e) {
      availability.failed("invalidate", e);
      writeFailures.increment();
    }
  }

  /**
   * Deletes expired entries now, in statements of at most {@code purgeBatchSize} rows each, until
   * none is left or {@value #MAX_PURGE_BATCHES_PER_RUN} statements ran. Skipped while degraded and
   * not yet due for a retry.
   *
   * @return the number of rows deleted
   */
  public long purgeExpired() {
    if (closed.get() || !availability.tryAcquire()) {
      return 0;
    }
    long total = 0;
    try {
      requireSchema();
      try (Connection c = dataSource.getConnection()) {
        JdbcSupport.boundNetwork(c, purgeTimeoutMillis);
        try (PreparedStatement ps = c.prepareStatement(dialect.purgeExpired())) {
          ps.setQueryTimeout(JdbcSupport.querySeconds(purgeTimeoutMillis));
          for (int i = 0; i < MAX_PURGE_BATCHES_PER_RUN; i++) {
            ps.setLong(1, clock.millis());
            ps.setInt(2, purgeBatchSize);
            int deleted = ps.executeUpdate();
            total += deleted;
            purged.add(deleted);
            if (deleted < purgeBatchSize) {
              break;
            }
          }
        }
      }
      availability.succeeded();
    } catch (SQLException | RuntimeException e) {
      availability.failed("purge", e);
    }
    return total;
  }

  /**
   * Callers never wait for a migration (it may take long on a database that just came back): until
   * the schema is current their operations fail fast, and the scheduler retries the migration.
   */
  private void requireSchema() throws SQLException {
    if (!schema.isCurrent()) {
      if (scheduler != null) {
        throw new SQLException(
            "tables not created yet: the migration is retried in the background");
      }
      schema.ensure();
    }
  }

  // retryMigration catches every failure itself, so the future has nothing to report.
  @SuppressWarnings("FutureReturnValueIgnored")
  private void scheduleMigrationRetry() {
    ScheduledExecutorService s = scheduler;
    if (s == null || closed.get()) {
      return;
    }
    try {
      s.schedule(this::retryMigration, retryIntervalMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // Shutting down.
    }
  }

  private void retryMigration() {
    if (closed.get()) {
      return;
    }
    try {
      schema.ensure();
      availability.succeeded();
    } catch (SQLException | RuntimeException e) {
      availability.failed("schema migration", e);
      scheduleMigrationRetry();
    }
  }

  private void purgeQuietly() {
    try {
      purgeExpired();
    } catch (RuntimeException | Error e) {
      // A scheduled task that throws is never run again; purgeExpired catches what it expects.
      log.warn("Unexpected failure purging {}", dialect.entryTable, e);
    }
  }

  /** Returns the clock expiry is computed with. */
  public Clock clock() {
    return clock;
  }

  @Override
  public SecondLevelStats stats() {
    return new SecondLevelStats(
        hits.sum(),
        misses.sum(),
        errors.sum(),
        writes.sum(),
        writeFailures.sum(),
        oversized.sum(),
        purged.sum(),
        availability.reason());
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && purgeTask != null) {
      purgeTask.cancel(false);
    }
  }

  @Override
  public String toString() {
    return "JdbcSecondLevelStore{" + dialect + ", " + stats() + "}";
  }

  private static void checkKey(String key) {
    requireNonNull(key, "key");
    if (key.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "key length must be <= " + MAX_KEY_LENGTH + " but was " + key.length());
    }
  }
}
