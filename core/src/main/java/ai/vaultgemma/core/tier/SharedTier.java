package ai.vaultgemma.core.tier;

import static java.util.Objects.requireNonNull;

import ai.vaultgemma.cache.SecondLevelStore;
import ai.vaultgemma.core.tier.internal.Dialect;
import ai.vaultgemma.core.tier.internal.InferenceLogWriter;
import ai.vaultgemma.core.tier.internal.JdbcSecondLevelStore;
import ai.vaultgemma.core.tier.internal.SchemaMigrator;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/**
 * The shared persistent tier: a {@link SecondLevelStore} and an {@link InferenceLog} in the
 * database behind a connection pool, so that an answer computed by one instance is a hit for every
 * other instance and survives restarts, and every call is recorded for audit and cost reports.
 *
 * <p>PostgreSQL is the engine for several instances; H2 in file mode ({@code
 * jdbc:h2:file:./data/vaultgemma}) serves one process without a server when the application passes
 * such a URL (the library never picks a database by itself). {@link #open} creates or upgrades the
 * tables (versioned, safe when several instances start at once) and starts a purge task and a log
 * writer thread, both daemons.
 *
 * <p><b>The database being down never fails a call.</b> Second-level reads become misses within the
 * read timeout (then at once while degraded), writes and log rows that cannot be written are
 * counted, and {@link #health()} says {@value SharedTierHealth#DEGRADED} with the reason.
 * Everything resumes by itself when the database returns. {@code open} itself succeeds with the
 * database down and migrates once it is reachable.
 *
 * <pre>{@code
 * try (SharedTier tier = SharedTier.open(dbPool.dataSource(), jdbcUrl, SharedTierConfig.defaults())) {
 *   Optional<byte[]> answer = tier.secondLevelStore().get(key);
 *   tier.inferenceLog().record(InferenceLogRecord.builder().model("vaultgemma-1b").build());
 *   SharedTierHealth health = tier.health();
 * }
 * }</pre>
 *
 * <p>Thread-safe. The caller owns the tier and closes it; {@link #close()} is idempotent, writes
 * the queued log rows, and does not close the data source (the pool belongs to its own owner).
 */
public final class SharedTier implements AutoCloseable {

  private final SharedTierConfig config;
  private final JdbcSecondLevelStore store;
  private final InferenceLogWriter log;
  private final ScheduledExecutorService scheduler;
  private final AtomicBoolean closed = new AtomicBoolean();

  private SharedTier(
      SharedTierConfig config,
      JdbcSecondLevelStore store,
      InferenceLogWriter log,
      ScheduledExecutorService scheduler) {
    this.config = config;
    this.store = store;
    this.log = log;
    this.scheduler = scheduler;
  }

  /**
   * Opens the tier on {@code dataSource}: migrates the schema (or, if the database cannot be
   * reached, starts degraded and migrates later), schedules purging and starts the log writer.
   *
   * @param dataSource pooled connections to the database, e.g. {@code dbPool.dataSource()}; not
   *     closed by the tier
   * @param jdbcUrl the URL {@code dataSource} connects to; its prefix picks the SQL dialect ({@code
   *     jdbc:postgresql:} or {@code jdbc:h2:}). Never shown with its password.
   * @param config the settings
   * @return the open tier
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code jdbcUrl} names an unsupported database
   */
  public static SharedTier open(DataSource dataSource, String jdbcUrl, SharedTierConfig config) {
    return open(dataSource, jdbcUrl, config, Clock.systemUTC());
  }

  /** As {@link #open(DataSource, String, SharedTierConfig)}, with the clock expiry uses. */
  static SharedTier open(
      DataSource dataSource, String jdbcUrl, SharedTierConfig config, Clock clock) {
    requireNonNull(dataSource, "dataSource");
    requireNonNull(jdbcUrl, "jdbcUrl");
    requireNonNull(config, "config");
    requireNonNull(clock, "clock");
    Dialect dialect = Dialect.forJdbcUrl(jdbcUrl, config.tablePrefix());
    SchemaMigrator schema = new SchemaMigrator(dataSource, dialect, clock);
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "vaultgemma-tier-purge-" + config.tablePrefix());
              t.setDaemon(true);
              return t;
            });
    JdbcSecondLevelStore store =
        new JdbcSecondLevelStore(dataSource, dialect, schema, config, clock, scheduler);
    InferenceLogWriter log = new InferenceLogWriter(dataSource, dialect, schema, config);
    return new SharedTier(config, store, log, scheduler);
  }

  /**
   * Returns the second cache level, to be looked up after the in-memory cache.
   *
   * @return the store, owned by this tier
   */
  public SecondLevelStore secondLevelStore() {
    return store;
  }

  /**
   * Looks {@code key} up in the second level, as {@link SecondLevelStore#get} does, and also says
   * how long the entry has left to live, so a copy in the in-memory cache can be kept no longer.
   * Never throws for a failure of the database (it is a miss, counted).
   *
   * @param key the key, at most {@link SecondLevelStore#MAX_KEY_LENGTH} characters
   * @return the value and its remaining time to live, or empty when absent, expired or the database
   *     could not answer
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if {@code key} is too long
   */
  public Optional<SecondLevelHit> lookup(String key) {
    JdbcSecondLevelStore.Timed hit = store.getTimed(key);
    if (hit == null) {
      return Optional.empty();
    }
    long left = Math.max(1, hit.expiresAtMillis() - store.clock().millis());
    return Optional.of(new SecondLevelHit(hit.value(), Duration.ofMillis(left)));
  }

  /**
   * Returns the inference log.
   *
   * @return the log, owned by this tier
   */
  public InferenceLog inferenceLog() {
    return log;
  }

  /**
   * Returns the settings this tier was opened with.
   *
   * @return the config
   */
  public SharedTierConfig config() {
    return config;
  }

  /**
   * Returns a snapshot of both parts' stats and the overall status.
   *
   * @return the health snapshot
   */
  public SharedTierHealth health() {
    return new SharedTierHealth(store.stats(), log.stats());
  }

  /**
   * Deletes expired second-level entries now instead of waiting for the background purge.
   *
   * @return the number of entries deleted (0 while the database cannot be reached)
   */
  public long purgeExpired() {
    return store.purgeExpired();
  }

  /**
   * Stops purging, writes the queued log rows (one attempt; rows left are counted as failed) and
   * stops the writer thread. Does not close the data source. Idempotent.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      store.close();
      scheduler.shutdownNow();
      log.close();
    }
  }

  @Override
  public String toString() {
    return "SharedTier{" + config + ", " + health().status() + "}";
  }
}
