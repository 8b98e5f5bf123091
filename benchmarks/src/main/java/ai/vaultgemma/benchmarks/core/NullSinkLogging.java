package ai.vaultgemma.benchmarks.core;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.helpers.NOPAppender;
import org.slf4j.LoggerFactory;

/**
 * Points SLF4J's logback context at a sink that drops everything: root level INFO with one {@link
 * NOPAppender}. Every INFO event is still created and dispatched to the appender (so a library that
 * logs pays for building its event), but nothing is encoded or written. Every contender in a
 * benchmark runs under this same setup.
 */
final class NullSinkLogging {

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
    NOPAppender<ILoggingEvent> sink = new NOPAppender<>();
    sink.setContext(context);
    sink.setName("null-sink");
    sink.start();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(sink);
  }
}
