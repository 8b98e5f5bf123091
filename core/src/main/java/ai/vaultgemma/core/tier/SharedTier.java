package ai.vaultgemma.core.tier;

import static java.util.Objects.requireNonNull;

import ai.vaultgemma.cache.SecondLevelStore;
import ai.vaultgemma.core.tier.internal.CircuitBreaker;
import ai.vaultgemma.core.tier.internal.Dialect;
import ai.vaultgemma.core.tier.internal.InferenceLogWriter;
import ai.vaultgemma.core.tier.internal.JdbcRateLimitStore;
import ai.vaultgemma.core.tier.internal.JdbcSecondLevelStore;
import ai.vaultgemma.core.tier.internal.SchemaMigrator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared persistent tier: a second cache level and an {@link InferenceLog} in the database
 * behind a connection pool, so that an answer computed by one instance is a hit for every other
 * instance and survives restarts, and every call is recorded for audit and cost reports.
 *
 * <p>PostgreSQL is the engine for several instances; H2 in file mode ({@code
 * jdbc:h2:file:./data/vaultgemma}) serves one process without a server when the application passes
 * such a URL (the library never picks a database by itself). {@link #open} creates or upgrades the
 * tables (versioned, safe when several instances start at once).
 *
 * <p><b>The database never holds a caller.</b> No method here except {@link #purgeExpired()} runs
 * JDBC on the calling thread:
 *
 * <ul>
 *   <li>{@link #lookupAsync} runs the read on the tier's bounded read pool and completes within the
 *       read budget ({@link SharedTierConfig#readTimeout()}, 500 ms by default), counting the wait
 *       for a thread and for a connection; on timeout, failure, open breaker or full queue it
 *       completes with a miss, never exceptionally, and counts why ({@link SecondLevelReadStats});
 *   <li>{@link #store} and {@link InferenceLog#record} put the work in bounded queues, drained by
 *       the tier's writer threads in batches; a full queue drops and counts ({@link
 *       SecondLevelWriteStats}, {@link InferenceLogStats});
 *   <li>{@link #rateLimits()} (PostgreSQL only) takes shared rate-limit decisions on the read pool
 *       within the same budget, and completes empty when the database cannot decide ({@link
 *       SharedRateLimitStats}).
 * </ul>
 *
 * <p>One circuit breaker guards the database: the first failure (connection refused, timeout, no
 * connection in time) opens it, and while open nothing touches the database: lookups are misses at
 * once, writes and log rows wait in their queues (dropped and counted when full). A background
 * probe, one at a time on a tier thread, closes it when the database answers again; {@link
 * #health()} says {@value SharedTierHealth#DEGRADED} with the reason meanwhile and {@value
 * SharedTierHealth#OK} after, by itself. {@code open} succeeds with the database down and migrates
 * once it is reachable.
 *
 * <p>Threads, all daemons named {@code vaultgemma-tier-<prefix>-...}: {@link
 * SharedTierConfig#readThreads()} readers (idle ones stop after 30 s) with a queue of {@link
 * SharedTierConfig#readQueueCapacity()}; one writer for the second level and one for the log; one
 * timer (timers only, never JDBC); one maintenance thread (probe, migration, purge). A reader or
 * writer can stay in the pool's {@code getConnection} up to the pool's own connection timeout, or
 * in a statement up to its network timeout, after the caller has had its answer; the breaker stops
 * new work meanwhile, so a silent database pins at most these threads, never more.
 *
 * <pre>{@code
 * try (SharedTier tier = SharedTier.open(dbPool.dataSource(), jdbcUrl, SharedTierConfig.defaults())) {
 *   tier.lookupAsync(key).thenAcceptAsync(hit -> ..., myExecutor);
 *   tier.store(key, answerBytes, Duration.ofHours(1));
 *   tier.inferenceLog().record(InferenceLogRecord.builder().model("vaultgemma-1b").build());
 *   SharedTierHealth health = tier.health();
 * }
 * }</pre>
 *
 * <p>Thread-safe. The caller owns the tier and closes it; {@link #close()} is idempotent, writes
 * what is queued within {@link SharedTierConfig#closeTimeout()}, counts the rest as dropped, and
 * does not close the data source (the pool belongs to its own owner).
 */
public final class SharedTier implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SharedTier.class);

  /** Every thread of the tier has a name starting with this. */
  public static final String THREAD_NAME_PREFIX = "vaultgemma-tier-";

  /** How long idle read threads are kept. */
  private static final long READER_KEEP_ALIVE_SECONDS = 30;

  /** The most maintenance tasks (probe, purge) waiting; more are skipped, they recur anyway. */
  private static final int MAINTENANCE_QUEUE_CAPACITY = 4;

  private final SharedTierConfig config;
  private final JdbcSecondLevelStore store;
  private final InferenceLogWriter log_;
  private final @Nullable JdbcRateLimitStore rates;
  private final @Nullable SharedRateLimits rateLimits;
  private final Clock clock;
  private final CircuitBreaker breaker;
  private final ThreadPoolExecutor readers;
  private final ThreadPoolExecutor maintenance;
  private final ScheduledThreadPoolExecutor timer;
  private final AtomicBoolean closed = new AtomicBoolean();

  private SharedTier(
      SharedTierConfig config,
      JdbcSecondLevelStore store,
      InferenceLogWriter log,
      @Nullable JdbcRateLimitStore rates,
      Clock clock,
      CircuitBreaker breaker,
      ThreadPoolExecutor readers,
      ThreadPoolExecutor maintenance,
      ScheduledThreadPoolExecutor timer) {
    this.config = config;
    this.store = store;
    this.log_ = log;
    this.rates = rates;
    this.rateLimits = rates == null ? null : new SharedRateLimits(rates);
    this.clock = clock;
    this.breaker = breaker;
    this.readers = readers;
    this.maintenance = maintenance;
    this.timer = timer;
  }

  /**
   * Opens the tier on {@code dataSource}: starts its threads, migrates the schema on the
   * maintenance thread (waiting for it at most ten read budgets; if the database cannot be reached,
   * the tier starts degraded and migrates when it can) and schedules purging.
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
    // e.g. vaultgemma-tier-vg_-read-1: the prefix tells two tiers in one process apart.
    String name = THREAD_NAME_PREFIX + config.tablePrefix();

    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, named(name + "-timer"));
    timer.setRemoveOnCancelPolicy(true); // a lookup answered in time leaves no timer behind
    ThreadPoolExecutor maintenance =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAINTENANCE_QUEUE_CAPACITY),
            named(name + "-maintenance"));
    ThreadPoolExecutor readers =
        new ThreadPoolExecutor(
            config.readThreads(),
            config.readThreads(),
            READER_KEEP_ALIVE_SECONDS,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(config.readQueueCapacity()),
            named(name + "-read"));
    readers.allowCoreThreadTimeOut(true);

    // The store is created after the breaker, whose probe needs it: the holder breaks the cycle.
    JdbcSecondLevelStore[] holder = new JdbcSecondLevelStore[1];
    CircuitBreaker breaker =
        new CircuitBreaker(
            "Shared tier " + dialect,
            config.retryInterval(),
            config.readTimeout(),
            timer,
            maintenance,
            () -> {
              schema.ensure();
              holder[0].probe();
            });
    JdbcSecondLevelStore store =
        new JdbcSecondLevelStore(
            dataSource, dialect, config, clock, breaker, readers, timer, name + "-write");
    holder[0] = store;
    InferenceLogWriter inferenceLog =
        new InferenceLogWriter(dataSource, dialect, config, breaker, name + "-log");
    JdbcRateLimitStore rates =
        dialect.supportsRateDecisions()
            ? new JdbcRateLimitStore(
                dataSource, dialect, breaker, readers, timer, config.readTimeout())
            : null;
    SharedTier tier =
        new SharedTier(
            config, store, inferenceLog, rates, clock, breaker, readers, maintenance, timer);
    tier.migrate(schema);
    long every = config.purgeInterval().toNanos();
    // Cancelled by close() through timer.shutdownNow(); schedulePurge catches what it expects.
    @SuppressWarnings({"FutureReturnValueIgnored", "unused"})
    Future<?> purging =
        timer.scheduleWithFixedDelay(tier::schedulePurge, every, every, TimeUnit.NANOSECONDS);
    return tier;
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger ids = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + ids.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Migrates on the maintenance thread; a failure or no answer in time opens the breaker. */
  private void migrate(SchemaMigrator schema) {
    Duration wait = config.readTimeout().multipliedBy(10);
    Future<?> done;
    try {
      done =
          maintenance.submit(
              () -> {
                schema.ensure();
                return null;
              });
    } catch (RejectedExecutionException e) {
      breaker.onFailure("schema migration", e);
      return;
    }
    try {
      done.get(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      breaker.onFailure("schema migration", e.getCause() == null ? e : e.getCause());
    } catch (TimeoutException e) {
      breaker.onTimeout("schema migration", wait); // it goes on; the probe waits for it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      breaker.onFailure("schema migration", e);
    }
  }

  /** On the timer: hands a purge to the maintenance thread, skipped while degraded or busy. */
  private void schedulePurge() {
    if (!breaker.isClosed()) {
      return;
    }
    try {
      maintenance.execute(this::purgeQuietly);
    } catch (RejectedExecutionException e) {
      // Busy (a probe or an earlier purge) or closing: the next run comes soon enough.
    }
  }

  private void purgeQuietly() {
    try {
      store.purgeExpired();
      if (rates != null) {
        Instant now = clock.instant();
        rates.purgeIdle(
            now.getEpochSecond() * 1_000_000_000L + now.getNano(), config.purgeBatchSize());
      }
    } catch (RuntimeException e) {
      log.warn("Unexpected failure purging expired L2 entries or idle rate-limit cells", e);
    }
  }

  /**
   * Looks {@code key} up in the second level on a tier thread, and also says how long the entry has
   * left to live, so a copy in the in-memory cache can be kept no longer.
   *
   * <p>The returned future always completes within the read budget ({@link
   * SharedTierConfig#readTimeout()}), counted from this call and including the wait for a thread
   * and for a connection; never exceptionally. It completes with {@link Optional#empty()} when the
   * key is absent or expired, when the database has not answered in time or failed, when the
   * circuit breaker is open or the read queue is full (both at once), or when the tier is closed;
   * each is counted in {@link SharedTierHealth#reads()}. JDBC never runs on the calling thread.
   *
   * <p>The future completes on a tier thread (a reader or the timer) or, when the answer is known
   * at once, before this method returns. Dependent actions that block or take long must be attached
   * with an {@code ...Async} method and an executor of the caller's, so they never hold a tier
   * thread.
   *
   * @param key the key, at most {@link SecondLevelStore#MAX_KEY_LENGTH} characters
   * @return a future of the value and its remaining time to live, or empty
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if {@code key} is too long
   */
  public CompletableFuture<Optional<SecondLevelHit>> lookupAsync(String key) {
    return store.getAsync(key).thenApply(this::toHit);
  }

  /**
   * Looks {@code key} up as {@link #lookupAsync} does and waits for the answer: at most about the
   * read budget. The read itself runs on a tier thread.
   *
   * @param key the key, at most {@link SecondLevelStore#MAX_KEY_LENGTH} characters
   * @return the value and its remaining time to live, or empty when absent, expired or the database
   *     could not answer in time
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if {@code key} is too long
   */
  public Optional<SecondLevelHit> lookup(String key) {
    return toHit(store.getTimed(key));
  }

  private Optional<SecondLevelHit> toHit(
      JdbcSecondLevelStore.@org.jspecify.annotations.Nullable Timed hit) {
    if (hit == null) {
      return Optional.empty();
    }
    long left = Math.max(1, hit.expiresAtMillis() - store.clock().millis());
    return Optional.of(new SecondLevelHit(hit.value(), Duration.ofMillis(left)));
  }

  /**
   * Queues {@code value} to be stored under {@code key} for {@code ttl}; returns at once, never
   * runs JDBC on the calling thread. The value is copied; its expiry is fixed now, so a write
   * delayed by an outage does not live longer. A value above {@link
   * SharedTierConfig#maxValueBytes()} is not stored (counted as oversized in {@link
   * SharedTierHealth#secondLevel()}); a full queue or a closed tier drops the write, counted in
   * {@link SharedTierHealth#writes()}.
   *
   * @param key the key, at most {@link SecondLevelStore#MAX_KEY_LENGTH} characters
   * @param value the bytes to store
   * @param ttl how long the entry lives, positive
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code key} is too long or {@code ttl} is not positive
   */
  public void store(String key, byte[] value, Duration ttl) {
    store.put(key, value, ttl);
  }

  /**
   * Returns the second cache level as a {@link SecondLevelStore}: {@code get} is {@link #lookup},
   * {@code put} is {@link #store}, {@code invalidate} is queued like a store.
   *
   * @return the store, owned by this tier
   */
  public SecondLevelStore secondLevelStore() {
    return store;
  }

  /**
   * Returns the inference log; its {@link InferenceLog#record} is a lock-free O(1) offer.
   *
   * @return the log, owned by this tier
   */
  public InferenceLog inferenceLog() {
    return log_;
  }

  /**
   * Returns the rate-limit cells several instances share in this tier's database, for client-side
   * rate limits marked {@code shared}; see {@link SharedRateLimits}. Decisions run on the tier's
   * read threads within its read budget, like lookups.
   *
   * @return the shared limits, or empty on H2 (one process: an in-memory limit is the same)
   */
  public Optional<SharedRateLimits> rateLimits() {
    return Optional.ofNullable(rateLimits);
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
   * Returns a snapshot of the tier's stats and the overall status.
   *
   * @return the health snapshot
   */
  public SharedTierHealth health() {
    return new SharedTierHealth(store.stats(), log_.stats(), store.readStats(), store.writeStats());
  }

  /**
   * Waits until the second-level writes and log rows queued now are written (or given up), or until
   * {@code timeout} passes. Nothing waits while the breaker is open, so during an outage this
   * returns false at the timeout.
   *
   * @param timeout the longest wait
   * @return whether both queues drained
   * @throws NullPointerException if {@code timeout} is null
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean flush(Duration timeout) throws InterruptedException {
    requireNonNull(timeout, "timeout");
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean writes = store.awaitWritten(deadline);
    boolean rows = log_.awaitWritten(deadline);
    return writes && rows;
  }

  /**
   * Deletes expired second-level entries now, on the calling thread, instead of waiting for the
   * background purge. Unlike the other methods this runs JDBC on the caller's thread: it is for
   * maintenance and tests, not the request path.
   *
   * @return the number of entries deleted (0 while the database cannot be reached)
   */
  public long purgeExpired() {
    return store.purgeExpired();
  }

  /**
   * Stops taking lookups (pending ones answer a miss), writes the queued second-level writes and
   * log rows within {@link SharedTierConfig#closeTimeout()} (not while the database is down),
   * counts the rest as dropped, and stops every tier thread. Does not close the data source.
   * Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + config.closeTimeout().toNanos();
    store.stopReads();
    if (rates != null) {
      rates.close();
    }
    for (Runnable r : readers.shutdownNow()) {
      store.refuse(r);
      if (rates != null) {
        rates.refuse(r);
      }
    }
    store.beginClose(deadline);
    log_.beginClose(deadline);
    store.awaitClose();
    log_.awaitClose();
    breaker.shutdown();
    timer.shutdownNow();
    maintenance.shutdownNow();
  }

  @Override
  public String toString() {
    return "SharedTier{" + config + ", " + health().status() + "}";
  }
}
