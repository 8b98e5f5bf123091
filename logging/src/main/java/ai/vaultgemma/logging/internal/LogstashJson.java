package ai.vaultgemma.logging.internal;

import ai.vaultgemma.logging.LogOutput;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.encoder.Encoder;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashFieldNames;

/**
 * Builds the JSON lines encoder. Kept apart from {@link LogbackSetup} so that a missing
 * logstash-logback-encoder fails only here, where it is caught.
 */
final class LogstashJson {
  private static final String IGNORE = "[ignore]";

  private LogstashJson() {}

  /**
   * Returns a started encoder writing one object per line: {@code time}, {@code message}, {@code
   * logger}, {@code thread}, {@code level}, MDC entries, key-values flat, {@code caller} (an
   * object) and {@code stack_trace}.
   */
  static Encoder<ILoggingEvent> encoder(LogOutput output, Context context) {
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(context);
    LogstashFieldNames names = new LogstashFieldNames();
    names.setVersion(IGNORE);
    names.setLevelValue(IGNORE);
    names.setLogger("logger");
    names.setThread("thread");
    names.setCaller("caller");
    if (output.timeFormat() == LogOutput.TimeFormat.UNIX) {
      names.setTimestamp(IGNORE);
      encoder.addProvider(new UnixTimeJsonProvider("time"));
    } else {
      names.setTimestamp("time");
      encoder.setTimestampPattern(Timestamps.RFC3339_PATTERN);
      encoder.setTimeZone("UTC");
    }
    encoder.setFieldNames(names);
    encoder.setIncludeCallerData(output.includeCaller());
    encoder.start();
    return encoder;
  }
}
