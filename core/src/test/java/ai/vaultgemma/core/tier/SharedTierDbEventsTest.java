package ai.vaultgemma.core.tier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.vaultgemma.logging.TraceScope;
import ai.vaultgemma.pool.DbPool;
import ai.vaultgemma.pool.DbPoolConfig;
import ai.vaultgemma.testing.PostgresExtension;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * The shared tier's {@code db} events: an outage and its recovery are written once each, the first
 * in the trace of the call that met the failure. PostgreSQL is reached through a proxy that can
 * refuse connections.
 */
class SharedTierDbEventsTest {

  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  private static final Duration BOUND = Duration.ofSeconds(2);

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private TcpForwarder forwarder;

  @BeforeEach
  void startProxy() throws Exception {
    forwarder = new TcpForwarder(postgres.host(), postgres.port());
  }

  @AfterEach
  void close() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    forwarder.close();
  }

  private SharedTier openTier() {
    DbPool pool = DbPool.start(DbPoolConfig.fromDsn(postgres.jdbcUrlAt(forwarder.port())));
    toClose.add(pool);
    String prefix = "ev" + (System.nanoTime() & 0xffffff) + "_";
    SharedTier tier =
        SharedTier.open(
            pool.dataSource(),
            postgres.jdbcUrlAt(forwarder.port()),
            SharedTierConfig.builder().tablePrefix(prefix).build());
    toClose.add(tier);
    return tier;
  }

  @Test
  @SuppressWarnings("try") // the trace scope is opened for its MDC side effect
  void anOutageAndItsRecoveryAreDbEventsTheFirstInTheTraceOfTheCallThatMetIt() throws Exception {
    Logger breakerLog =
        (Logger) LoggerFactory.getLogger("ai.vaultgemma.core.tier.internal.CircuitBreaker");
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    breakerLog.addAppender(events);
    breakerLog.setLevel(Level.INFO);
    try {
      SharedTier tier = openTier();
      assertThat(tier.lookupAsync("warm").get(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isEmpty();
      forwarder.refuse();
      String traceId;
      try (TraceScope call = TraceScope.open()) {
        traceId = call.traceId();
        tier.lookupAsync("k").get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> dbEvents(events, "degraded").size() == 1);
      ILoggingEvent degraded = dbEvents(events, "degraded").get(0);
      assertThat(degraded.getLevel()).isEqualTo(Level.WARN);
      assertThat(degraded.getMDCPropertyMap()).containsEntry("trace_id", traceId);
      assertThat(field(degraded, "op")).isEqualTo("L2 get");
      assertThat(String.valueOf(field(degraded, "error"))).contains("is degraded");

      forwarder.forward();
      await().atMost(Duration.ofSeconds(20)).until(() -> dbEvents(events, "recovered").size() == 1);
      assertThat(dbEvents(events, "recovered").get(0).getLevel()).isEqualTo(Level.INFO);
      assertThat(dbEvents(events, "degraded")).as("written once per outage").hasSize(1);
    } finally {
      breakerLog.detachAppender(events);
      breakerLog.setLevel(null);
    }
  }

  private static List<ILoggingEvent> dbEvents(ListAppender<ILoggingEvent> events, String state) {
    List<ILoggingEvent> found = new ArrayList<>();
    for (ILoggingEvent e : List.copyOf(events.list)) {
      if ("db".equals(e.getMessage()) && state.equals(field(e, "state"))) {
        found.add(e);
      }
    }
    return found;
  }

  private static @Nullable Object field(ILoggingEvent event, String key) {
    if (event.getKeyValuePairs() == null) {
      return null;
    }
    for (KeyValuePair pair : event.getKeyValuePairs()) {
      if (pair.key.equals(key)) {
        return pair.value;
      }
    }
    return null;
  }
}
