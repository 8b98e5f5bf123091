package ai.vaultgemma.benchmarks.core;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.LoggerFactory;

/**
 * Points SLF4J's logback context at a sink that drops everything: root level INFO with one appender
 * that, like logback's {@code NOPAppender}, encodes and writes nothing, and only counts the events
 * it is handed (a {@link LongAdder} increment). Every INFO event is still created and dispatched,
 * so a library that logs pays for building its event; the count shows who logs how much. Every
 * contender in a benchmark runs under this same setup.
 *
 * <p>Thread safety: {@link #install()} is meant for benchmark setup; {@link #events()} may be read
 * from any thread.
 */
final class NullSinkLogging {

  private static final LongAdder EVENTS = new LongAdder();

  private NullSinkLogging() {}

  /**
   * Replaces the configuration of the logback context SLF4J is bound to.
   *
   * @throws IllegalStateException if SLF4J is not bound to logback
   */
  static void install() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      throw new IllegalStateException(
          "SLF4J must be bound to logback but was " + LoggerFactory.getILoggerFactory());
    }
    context.reset();
    CountingNullAppender sink = new CountingNullAppender();
    sink.setContext(context);
    sink.setName("null-sink");
    sink.start();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(sink);
  }

  /**
   * Returns how many events reached the sink since the JVM started.
   *
   * @return the event count
   */
  static long events() {
    return EVENTS.sum();
  }

  /** Drops every event after counting it. */
  private static final class CountingNullAppender
      extends UnsynchronizedAppenderBase<ILoggingEvent> {
    @Override
    protected void append(ILoggingEvent event) {
      EVENTS.increment();
    }
  }
}
