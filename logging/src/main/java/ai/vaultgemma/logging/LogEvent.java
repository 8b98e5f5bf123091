package ai.vaultgemma.logging;

import org.jspecify.annotations.Nullable;

/**
 * One log event being built, from {@link StructuredLogger#atInfo()} and its siblings. Each field
 * becomes a top-level JSON field; fields whose names the logger's {@link LogPolicy} calls secret
 * are written as {@value LogPolicy#REDACTED}.
 *
 * <pre>{@code
 * log.atWarn().field("attempt", 3).field("backend", url).cause(e).log("retrying");
 * }</pre>
 *
 * <p>When the level is off the logger hands out a shared no-op instance, so a chain costs no
 * allocation (primitive overloads avoid boxing too). Not thread-safe: build and log an event on one
 * thread, once.
 */
public interface LogEvent {
  /**
   * Adds a field.
   *
   * @param key the field name
   * @param value the value, may be null
   * @return this event
   * @throws NullPointerException if {@code key} is null (when the level is on)
   */
  LogEvent field(String key, @Nullable Object value);

  /**
   * Adds a numeric field without boxing when the level is off.
   *
   * @param key the field name
   * @param value the value
   * @return this event
   * @throws NullPointerException if {@code key} is null (when the level is on)
   */
  LogEvent field(String key, long value);

  /**
   * Adds a numeric field without boxing when the level is off.
   *
   * @param key the field name
   * @param value the value
   * @return this event
   * @throws NullPointerException if {@code key} is null (when the level is on)
   */
  LogEvent field(String key, double value);

  /**
   * Adds a boolean field.
   *
   * @param key the field name
   * @param value the value
   * @return this event
   * @throws NullPointerException if {@code key} is null (when the level is on)
   */
  LogEvent field(String key, boolean value);

  /**
   * Adds all of the given fields.
   *
   * @param fields the fields
   * @return this event
   * @throws NullPointerException if {@code fields} is null (when the level is on)
   */
  LogEvent fields(Fields fields);

  /**
   * Attaches an exception, written with its stack trace.
   *
   * @param cause the exception
   * @return this event
   */
  LogEvent cause(@Nullable Throwable cause);

  /**
   * Writes the event.
   *
   * @param message the message
   */
  void log(String message);
}
