package ai.vaultgemma.logging.internal;

import ai.vaultgemma.logging.LogOutput;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Builds the logback pieces for a {@link LogOutput}: the encoder (also used by tests and
 * benchmarks, so they measure what users get) and the whole root setup.
 */
public final class LogbackSetup {
  /** Name of the appender this module installs. */
  public static final String APPENDER_NAME = "vaultgemma";

  /** Logger that reports configuration problems. */
  public static final String CONFIG_LOGGER = "ai.vaultgemma.logging";

  private LogbackSetup() {}

  /**
   * Returns a started encoder for the output: JSON lines through logstash-logback-encoder, or the
   * console layout. When JSON is asked for but logstash-logback-encoder is missing, falls back to
   * the console layout and adds a warning.
   *
   * @param output what to write
   * @param context the logback context
   * @param warnings receives a message when the format had to change
   * @return the started encoder
   */
  public static Encoder<ILoggingEvent> encoder(
      LogOutput output, Context context, List<String> warnings) {
    if (output.format() == LogOutput.Format.JSON) {
      try {
        return LogstashJson.encoder(output, context);
      } catch (LinkageError e) {
        warnings.add(
            "LOG_FORMAT json needs net.logstash.logback:logstash-logback-encoder on the class"
                + " path; using console");
      }
    }
    ConsoleLayout layout = new ConsoleLayout(output);
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    return encoder;
  }

  /**
   * Returns a started encoder for the output, ignoring format warnings (for tests and benchmarks).
   *
   * @param output what to write
   * @param context the logback context
   * @return the started encoder
   */
  public static Encoder<ILoggingEvent> encoder(LogOutput output, Context context) {
    return encoder(output, context, new ArrayList<>());
  }

  /**
   * Sets up the root logger of a context: one appender with the output's encoder, writing to
   * standard output or to the given stream, and the output's level. Then writes each warning of the
   * output as one WARN line, even when the root level would hide it.
   *
   * @param context the context, normally fresh from logback's auto-configuration
   * @param output what to write
   * @param target the stream to write to, or null for standard output
   */
  public static void install(
      LoggerContext context, LogOutput output, @Nullable OutputStream target) {
    List<String> warnings = new ArrayList<>(output.warnings());
    Encoder<ILoggingEvent> encoder = encoder(output, context, warnings);
    OutputStreamAppender<ILoggingEvent> appender;
    if (target == null) {
      appender = new ConsoleAppender<>();
      appender.setEncoder(encoder);
    } else {
      appender = new OutputStreamAppender<>();
      appender.setEncoder(encoder);
      appender.setOutputStream(target);
    }
    appender.setContext(context);
    appender.setName(APPENDER_NAME);
    appender.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    root.addAppender(appender);
    root.setLevel(toLogback(output.level()));
    if (!warnings.isEmpty()) {
      Logger config = context.getLogger(CONFIG_LOGGER);
      if (!config.isWarnEnabled()) {
        config.setLevel(Level.WARN); // a bad setting must be seen whatever LOG_LEVEL says
      }
      for (String warning : warnings) {
        config.warn(warning);
      }
    }
  }

  static Level toLogback(LogOutput.Level level) {
    return switch (level) {
      case TRACE -> Level.TRACE;
      case DEBUG -> Level.DEBUG;
      case INFO -> Level.INFO;
      case WARN -> Level.WARN;
      case ERROR -> Level.ERROR;
      case OFF -> Level.OFF;
    };
  }
}
