package ai.vaultgemma.logging.internal;

import ai.vaultgemma.logging.LogOutput;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.KeyValuePair;

/**
 * The readable format: {@code time LEVEL logger - message key=value ... trace_id=... (File:line)},
 * one line per event plus a stack trace when there is one. Values with spaces, quotes, {@code =} or
 * control characters are quoted and escaped, so a value cannot fake another line or field.
 */
final class ConsoleLayout extends LayoutBase<ILoggingEvent> {
  private final LogOutput output;

  ConsoleLayout(LogOutput output) {
    this.output = output;
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder line = new StringBuilder(160);
    line.append(
            output.timeFormat() == LogOutput.TimeFormat.UNIX
                ? Timestamps.unix(event.getInstant())
                : Timestamps.rfc3339(event.getInstant()))
        .append(' ');
    String level = event.getLevel().toString();
    line.append(level);
    for (int i = level.length(); i < 5; i++) {
      line.append(' ');
    }
    line.append(' ').append(event.getLoggerName()).append(" - ");
    appendMessage(line, event.getFormattedMessage());
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs != null) {
      for (KeyValuePair pair : pairs) {
        appendField(line, pair.key, pair.value);
      }
    }
    Map<String, String> mdc = event.getMDCPropertyMap();
    if (mdc != null) {
      for (Map.Entry<String, String> e : mdc.entrySet()) {
        appendField(line, e.getKey(), e.getValue());
      }
    }
    if (output.includeCaller()) {
      StackTraceElement[] caller = event.getCallerData();
      if (caller != null && caller.length > 0) {
        line.append(" (")
            .append(caller[0].getFileName())
            .append(':')
            .append(caller[0].getLineNumber())
            .append(')');
      }
    }
    line.append(CoreConstants.LINE_SEPARATOR);
    IThrowableProxy throwable = event.getThrowableProxy();
    if (throwable != null) {
      line.append(ThrowableProxyUtil.asString(throwable)).append(CoreConstants.LINE_SEPARATOR);
    }
    return line.toString();
  }

  private static void appendField(StringBuilder line, String key, @Nullable Object value) {
    line.append(' ').append(key).append('=');
    String text = String.valueOf(value);
    if (!needsQuotes(text)) {
      line.append(text);
      return;
    }
    line.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> line.append("\\\"");
        case '\\' -> line.append("\\\\");
        case '\n' -> line.append("\\n");
        case '\r' -> line.append("\\r");
        case '\t' -> line.append("\\t");
        default -> {
          if (c < 0x20) {
            line.append(String.format("\\u%04x", (int) c));
          } else {
            line.append(c);
          }
        }
      }
    }
    line.append('"');
  }

  /** Line breaks in a message are escaped so that one event stays one line. */
  private static void appendMessage(StringBuilder line, @Nullable String message) {
    if (message == null) {
      return;
    }
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      if (c == '\n') {
        line.append("\\n");
      } else if (c == '\r') {
        line.append("\\r");
      } else {
        line.append(c);
      }
    }
  }

  private static boolean needsQuotes(String text) {
    if (text.isEmpty()) {
      return true;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c <= ' ' || c == '"' || c == '=' || c == '\\') {
        return true;
      }
    }
    return false;
  }
}
