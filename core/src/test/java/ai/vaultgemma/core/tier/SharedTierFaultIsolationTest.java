package ai.vaultgemma.core.tier;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.vaultgemma.pool.DbPool;
import ai.vaultgemma.pool.DbPoolConfig;
import ai.vaultgemma.testing.PostgresExtension;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13 point 4: with default settings (the DB pool's 30 s acquire timeout, the tier's 500 ms
 * read budget), no lookup, store or log record waits on the database for more than a bound near the
 * budget, at the start of an outage, during it and at recovery, for a refused and for a silent
 * database; health says degraded and recovers by itself; counters account for every row; and no
 * JDBC runs on the caller's thread.
 *
 * <p>{@link #BOUND} is a hang guard generous enough for a busy CI machine, asserted as the wait on
 * a future, never a timing measurement: the defect it guards against is a 30 s stall.
 */
class SharedTierFaultIsolationTest {

  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  /** The longest any call may take, against a 500 ms budget and the pool's 30 s timeout. */
  private static final Duration BOUND = Duration.ofSeconds(2);

  private static final Duration TTL = Duration.ofMinutes(10);
  private static final AtomicInteger PREFIXES = new AtomicInteger();

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final ExecutorService callers = Executors.newFixedThreadPool(8);
  private TcpForwarder forwarder;

  @BeforeEach
  void startProxy() throws Exception {
    forwarder = new TcpForwarder(postgres.host(), postgres.port());
  }

  @AfterEach
  void closeAndCheckForLeaks() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    forwarder.close();
    callers.shutdownNow();
    assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(Thread.getAllStackTraces().keySet())
                    .filteredOn(
                        t -> t.isAlive() && t.getName().startsWith(SharedTier.THREAD_NAME_PREFIX))
                    .isEmpty());
  }

  /** A DB pool with every default, reaching PostgreSQL through the proxy. */
  private DbPool defaultPool() {
    DbPool pool = DbPool.start(DbPoolConfig.fromDsn(postgres.jdbcUrlAt(forwarder.port())));
    toClose.add(pool);
    return pool;
  }

  private SharedTier openDefaultTier(DataSource dataSource) {
    return openTier(dataSource, SharedTierConfig.builder());
  }

  /**
   * A tier with {@code config} and a table prefix of its own, reaching PostgreSQL via the proxy.
   */
  private SharedTier openTier(DataSource dataSource, SharedTierConfig.Builder config) {
    String prefix = "fi" + PREFIXES.incrementAndGet() + "_" + (System.nanoTime() & 0xffff) + "_";
    SharedTier tier =
        SharedTier.open(
            dataSource, postgres.jdbcUrlAt(forwarder.port()), config.tablePrefix(prefix).build());
    toClose.add(tier);
    return tier;
  }

  /** A lookup against the silent database ended as a miss in time, counted as one timeout. */
  private void missedWithinTheBound(
      SharedTier tier, CompletableFuture<Optional<SecondLevelHit>> lookup) throws Exception {
    assertThat(lookup.get(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isEmpty();
    assertThat(tier.health().reads().timeoutCount()).isEqualTo(1);
    forwarder.forward(); // drops the swallowed connection, so the read thread ends too
  }

  private static InferenceLogRecord row(String traceId) {
    return InferenceLogRecord.builder().traceId(traceId).model("vaultgemma-1b").build();
  }

  /**
   * Starts {@code n} lookups, stores and log records at once from caller threads, and checks that
   * every lookup future completed, and every store and record call returned, within {@link #BOUND}.
   */
  private void burstCompletesWithinTheBound(SharedTier tier, String phase, int n) throws Exception {
    List<CompletableFuture<?>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String key = phase + "-" + i;
      calls.add(tier.lookupAsync(key));
      calls.add(
          CompletableFuture.runAsync(
              () -> {
                tier.store(key, ("v-" + key).getBytes(UTF_8), TTL);
                tier.inferenceLog().record(row(key));
                tier.lookup(key); // the blocking form, bounded too
              },
              callers));
    }
    CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]))
        .get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    for (CompletableFuture<?> f : calls) {
      assertThat(f).as(phase).isCompleted().isNotCompletedExceptionally();
    }
  }

  private void outageAndRecovery(Outage outage) throws Exception {
    DbPool pool = defaultPool();
    SharedTier tier = openDefaultTier(pool.dataSource());
    tier.store("before", "cached".getBytes(UTF_8), TTL);
    tier.inferenceLog().record(row("before"));
    assertThat(tier.flush(Duration.ofSeconds(10))).isTrue();
    assertThat(tier.lookupAsync("before").get(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isPresent();
    assertThat(tier.health().status()).isEqualTo(SharedTierHealth.OK);

    outage.begin(forwarder);

    // The start of the outage: these calls meet the database as it goes away.
    burstCompletesWithinTheBound(tier, "start", 20);
    await().atMost(Duration.ofSeconds(10)).until(() -> !tier.health().reason().isEmpty());
    assertThat(tier.health().status()).isEqualTo(SharedTierHealth.DEGRADED);

    // During it: the breaker is open, lookups are misses at once, writes wait in their queues.
    burstCompletesWithinTheBound(tier, "during", 20);
    assertThat(tier.lookupAsync("before").get(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isEmpty();
    assertThat(tier.health().reads().circuitOpenCount()).isPositive();
    assertThat(tier.health().reason()).isPresent();

    forwarder.forward();

    // At recovery: calls made while the pool and the breaker find their way back.
    burstCompletesWithinTheBound(tier, "recovery", 20);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(tier.health().status()).isEqualTo(SharedTierHealth.OK);
              assertThat(tier.lookupAsync("before").get(BOUND.toMillis(), TimeUnit.MILLISECONDS))
                  .isPresent();
            });
    assertThat(tier.flush(Duration.ofSeconds(15))).as("queued writes and rows flushed").isTrue();

    // What was accepted during the outage waited and was written: nothing lost, nothing dropped.
    SecondLevelWriteStats writes = tier.health().writes();
    assertThat(writes.acceptedCount()).isEqualTo(61);
    assertThat(writes.writtenCount() + writes.droppedCount() + writes.failedCount())
        .isEqualTo(writes.acceptedCount());
    assertThat(writes.queuedCount()).isZero();
    assertThat(writes.droppedCount()).isZero();
    InferenceLogStats rows = tier.inferenceLog().stats();
    assertThat(rows.acceptedCount()).isEqualTo(61);
    assertThat(rows.writtenCount()).isEqualTo(61);
    assertThat(rows.droppedCount() + rows.failedCount() + rows.queuedCount()).isZero();
    assertThat(tier.lookupAsync("during-7").get(BOUND.toMillis(), TimeUnit.MILLISECONDS))
        .hasValueSatisfying(h -> assertThat(h.value()).isEqualTo("v-during-7".getBytes(UTF_8)));
    SecondLevelReadStats reads = tier.health().reads();
    assertThat(reads.timeoutCount() + reads.failureCount() + reads.circuitOpenCount())
        .as("the outage's misses are counted with their cause: %s", reads)
        .isPositive();
    assertThat(traceIds(tier)).hasSize(61).contains("before", "start-3", "during-19", "recovery-0");
  }

  private interface Outage {
    void begin(TcpForwarder forwarder) throws Exception;
  }

  @Test
  void refusedConnectionsNeverHoldACallAndTheTierRecoversByItself() throws Exception {
    outageAndRecovery(TcpForwarder::refuse);
    assertThat(forwarder.port()).isPositive();
  }

  @Test
  void silentConnectionsNeverHoldACallAndTheTierRecoversByItself() throws Exception {
    outageAndRecovery(TcpForwarder::swallow);
  }

  @Test
  void degradedHealthNamesTheFailureAndCountsWhyLookupsMissed() throws Exception {
    DbPool pool = defaultPool();
    SharedTier tier = openDefaultTier(pool.dataSource());

    forwarder.refuse();
    burstCompletesWithinTheBound(tier, "refused", 5);
    await().atMost(Duration.ofSeconds(10)).until(() -> tier.health().reason().isPresent());

    assertThat(tier.health().reason())
        .hasValueSatisfying(r -> assertThat(r).containsAnyOf("failed", "timed out"));
    SecondLevelReadStats reads = tier.health().reads();
    assertThat(reads.timeoutCount() + reads.failureCount() + reads.circuitOpenCount())
        .as("every miss is counted with its cause: %s", reads)
        .isEqualTo(reads.lookupCount() - reads.hitCount() - reads.missCount());
  }

  @Test
  void closeDuringAnOutageReturnsWithinItsTimeoutAndCountsTheRestAsDropped() throws Exception {
    DbPool pool = defaultPool();
    SharedTier tier = openDefaultTier(pool.dataSource());
    forwarder.refuse();
    burstCompletesWithinTheBound(tier, "queued", 10);
    await().atMost(Duration.ofSeconds(10)).until(() -> tier.health().reason().isPresent());

    CompletableFuture<Void> closing = CompletableFuture.runAsync(tier::close, callers);
    closing.get(
        SharedTierConfig.DEFAULT_CLOSE_TIMEOUT.plus(BOUND).toMillis(), TimeUnit.MILLISECONDS);

    SecondLevelWriteStats writes = tier.health().writes();
    assertThat(writes.acceptedCount()).isEqualTo(10);
    assertThat(writes.writtenCount() + writes.droppedCount() + writes.failedCount()).isEqualTo(10);
    assertThat(writes.queuedCount()).isZero();
    InferenceLogStats rows = tier.inferenceLog().stats();
    assertThat(rows.acceptedCount()).isEqualTo(10);
    assertThat(rows.writtenCount() + rows.droppedCount() + rows.failedCount()).isEqualTo(10);
    assertThat(rows.queuedCount()).isZero();
    assertThat(tier.lookupAsync("k").get(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isEmpty();
  }

  @Test
  void aBlockingLookupKeepsTheBudgetOnItsOwnThreadAgainstASilentDatabase() throws Exception {
    DbPool pool = defaultPool();
    SharedTier tier = openDefaultTier(pool.dataSource());
    tier.store("k", "v".getBytes(UTF_8), TTL);
    assertThat(tier.flush(Duration.ofSeconds(10))).isTrue();
    assertThat(tier.lookup("k")).isPresent();

    forwarder.swallow(); // the pooled connection stays open; nothing comes back on it
    CompletableFuture<Optional<SecondLevelHit>> blocked =
        CompletableFuture.supplyAsync(() -> tier.lookup("k"), callers);

    missedWithinTheBound(tier, blocked);
  }

  @Test
  void anInterruptEndsABlockingLookupAtOnceAndTheThreadKeepsItsInterrupt() throws Exception {
    DbPool pool = defaultPool();
    // A budget far above BOUND: only the interrupt can end the wait in time.
    SharedTier tier =
        openTier(pool.dataSource(), SharedTierConfig.builder().readTimeout(Duration.ofSeconds(60)));
    assertThat(tier.lookup("warm")).isEmpty(); // the schema is there and a connection pooled

    forwarder.swallow();
    CompletableFuture<Boolean> interruptKept = new CompletableFuture<>();
    CompletableFuture<Optional<SecondLevelHit>> answer = new CompletableFuture<>();
    Thread caller =
        new Thread(
            () -> {
              answer.complete(tier.lookup("k"));
              interruptKept.complete(Thread.currentThread().isInterrupted());
            },
            "blocked-caller");
    caller.start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> caller.getState() == Thread.State.TIMED_WAITING);
    caller.interrupt();

    missedWithinTheBound(tier, answer);
    assertThat(interruptKept.get(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  void noJdbcRunsOnTheCallersThread() throws Exception {
    DbPool pool = defaultPool();
    Set<String> jdbcThreads = ConcurrentHashMap.newKeySet();
    ConcurrentLinkedQueue<Thread> seen = new ConcurrentLinkedQueue<>();
    DataSource recording = recordingThreads(pool.dataSource(), seen);
    SharedTier tier = openDefaultTier(recording);
    seen.clear(); // the migration at open ran on the maintenance thread; only calls count here

    Thread caller = Thread.currentThread();
    tier.store("k", "v".getBytes(UTF_8), TTL);
    tier.inferenceLog().record(row("t"));
    assertThat(tier.flush(Duration.ofSeconds(10))).isTrue();
    Optional<SecondLevelHit> hit =
        tier.lookupAsync("k").get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(tier.lookup("k")).isPresent();

    assertThat(hit).isPresent();
    assertThat(seen).as("the tier borrowed connections").isNotEmpty();
    for (Thread t : seen) {
      jdbcThreads.add(t.getName());
    }
    assertThat(seen).doesNotContain(caller);
    assertThat(jdbcThreads).allMatch(n -> n.startsWith(SharedTier.THREAD_NAME_PREFIX));
    assertThat(jdbcThreads)
        .anyMatch(n -> n.contains("-read-"))
        .anyMatch(n -> n.endsWith("-write"))
        .anyMatch(n -> n.endsWith("-log"));
  }

  /** Wraps {@code ds} so every {@code getConnection} records the thread that called it. */
  private static DataSource recordingThreads(DataSource ds, ConcurrentLinkedQueue<Thread> seen) {
    return (DataSource)
        Proxy.newProxyInstance(
            DataSource.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getConnection")) {
                seen.add(Thread.currentThread());
              }
              try {
                return method.invoke(ds, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private static Set<String> traceIds(SharedTier tier) throws Exception {
    Set<String> ids = new HashSet<>();
    try (Connection c = postgres.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT trace_id FROM " + tier.config().tablePrefix() + "inference_log")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }
}
