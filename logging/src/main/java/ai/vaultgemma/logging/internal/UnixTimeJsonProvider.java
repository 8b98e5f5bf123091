package ai.vaultgemma.logging.internal;

import ch.qos.logback.classic.spi.ILoggingEvent;
import net.logstash.logback.composite.AbstractFieldJsonProvider;
import tools.jackson.core.JsonGenerator;

/**
 * Writes the event time as a JSON number of seconds with six decimals. logstash-logback-encoder's
 * own unix option has milliseconds only.
 */
final class UnixTimeJsonProvider extends AbstractFieldJsonProvider<ILoggingEvent> {
  UnixTimeJsonProvider(String fieldName) {
    setFieldName(fieldName);
  }

  @Override
  public void writeTo(JsonGenerator generator, ILoggingEvent event) {
    generator.writeName(getFieldName());
    generator.writeNumber(Timestamps.unix(event.getInstant()));
  }
}
