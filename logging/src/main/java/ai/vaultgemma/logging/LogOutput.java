package ai.vaultgemma.logging;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.Immutable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * How the zero-config logback setup writes: root level, JSON lines or readable console text, and
 * the timestamp style. Read from the environment by {@link #fromEnv()}:
 *
 * <table>
 *   <caption>Environment variables</caption>
 *   <tr><th>variable</th><th>values</th><th>default</th></tr>
 *   <tr><td>{@value #LOG_LEVEL}</td><td>trace, debug, info, warn (or warning), error, off</td>
 *       <td>info</td></tr>
 *   <tr><td>{@value #LOG_FORMAT}</td><td>json, console</td><td>json</td></tr>
 *   <tr><td>{@value #LOG_TIME_FORMAT}</td><td>rfc3339 ({@code 2026-11-26T07:01:54.123456Z}),
 *       unix (seconds with six decimals, {@code 1795676514.123456})</td><td>rfc3339</td></tr>
 *   <tr><td>{@value #LOG_CALLER}</td><td>true, false: write the calling class, method, file and
 *       line</td><td>false</td></tr>
 * </table>
 *
 * <p>Caller data is off by default because it costs a stack walk per event: about 20 times the cost
 * of the rest of a JSON line (measured by {@code InferenceLogBenchmark}), which would put a service
 * far below the seed's 100k log lines a second. For the library's own events the caller is always
 * the library itself; turn it on for the application's code with {@code LOG_CALLER=true}.
 *
 * <p>Values are case-insensitive and trimmed; unset or blank means the default. An invalid value
 * does not fail: logging must never stop a service from starting. It falls back to the default and
 * leaves one message in {@link #warnings()}, which the logback setup writes as a WARN line.
 *
 * <p>Immutable and thread-safe. This type carries no logback class, so it is safe to use without
 * logback on the class path.
 */
@Immutable
public final class LogOutput {
  /** Environment variable of the root level. */
  public static final String LOG_LEVEL = "LOG_LEVEL";

  /** Environment variable of the output format. */
  public static final String LOG_FORMAT = "LOG_FORMAT";

  /** Environment variable of the timestamp style. */
  public static final String LOG_TIME_FORMAT = "LOG_TIME_FORMAT";

  /** Environment variable that turns caller data on ({@code true}) or off ({@code false}). */
  public static final String LOG_CALLER = "LOG_CALLER";

  /** Default root level. */
  public static final Level DEFAULT_LEVEL = Level.INFO;

  /** Default format. */
  public static final Format DEFAULT_FORMAT = Format.JSON;

  /** Default timestamp style. */
  public static final TimeFormat DEFAULT_TIME_FORMAT = TimeFormat.RFC3339;

  /** Caller (class, method, file, line) is written by default. */
  public static final boolean DEFAULT_INCLUDE_CALLER = false;

  /** Root log level. */
  public enum Level {
    /** Everything. */
    TRACE,
    /** Debugging detail, including cache and db events. */
    DEBUG,
    /** Normal operation, including http_request and inference events. */
    INFO,
    /** Something unexpected that was handled. */
    WARN,
    /** A failure. */
    ERROR,
    /** Nothing. */
    OFF
  }

  /** Output format. */
  public enum Format {
    /** One JSON object per line, fields at the top level. */
    JSON,
    /** Readable single lines: time, level, logger, message, {@code key=value} fields. */
    CONSOLE
  }

  /** Timestamp style; both carry microseconds. */
  public enum TimeFormat {
    /** RFC 3339 in UTC with six fraction digits, a JSON string. */
    RFC3339,
    /** Seconds since the epoch with six decimals, a JSON number. */
    UNIX
  }

  private final Level level;
  private final Format format;
  private final TimeFormat timeFormat;
  private final boolean includeCaller;

  @SuppressWarnings("Immutable") // an unmodifiable copy of strings
  private final List<String> warnings;

  private LogOutput(Builder b, List<String> warnings) {
    this.level = b.level;
    this.format = b.format;
    this.timeFormat = b.timeFormat;
    this.includeCaller = b.includeCaller;
    this.warnings = List.copyOf(warnings);
  }

  /**
   * Returns the defaults: INFO, JSON, RFC 3339, with caller.
   *
   * @return the default output
   */
  public static LogOutput defaults() {
    return new Builder().build();
  }

  /**
   * Returns a builder holding the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding this output's values (warnings are not carried over).
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder()
        .level(level)
        .format(format)
        .timeFormat(timeFormat)
        .includeCaller(includeCaller);
  }

  /**
   * Reads {@value #LOG_LEVEL}, {@value #LOG_FORMAT} and {@value #LOG_TIME_FORMAT} from the process
   * environment.
   *
   * @return the output, with a warning per invalid variable
   */
  public static LogOutput fromEnv() {
    return fromEnv(System::getenv);
  }

  /**
   * Reads the variables through the given lookup (for tests and for other sources of
   * configuration).
   *
   * @param env returns a variable's value, or null when unset
   * @return the output, with a warning per invalid variable
   * @throws NullPointerException if {@code env} is null
   */
  public static LogOutput fromEnv(Function<String, @Nullable String> env) {
    requireNonNull(env, "env");
    List<String> warnings = new ArrayList<>(0);
    Builder b = new Builder();
    String level = env.apply(LOG_LEVEL);
    if (isSet(level)) {
      String v = normalise(level);
      if (v.equals("WARNING")) {
        v = "WARN";
      }
      Level parsed = parse(Level.class, v);
      if (parsed == null) {
        warnings.add(warning(LOG_LEVEL, level, "trace, debug, info, warn, error, off", "info"));
      } else {
        b.level(parsed);
      }
    }
    String format = env.apply(LOG_FORMAT);
    if (isSet(format)) {
      Format parsed = parse(Format.class, normalise(format));
      if (parsed == null) {
        warnings.add(warning(LOG_FORMAT, format, "json, console", "json"));
      } else {
        b.format(parsed);
      }
    }
    String time = env.apply(LOG_TIME_FORMAT);
    if (isSet(time)) {
      TimeFormat parsed = parse(TimeFormat.class, normalise(time));
      if (parsed == null) {
        warnings.add(warning(LOG_TIME_FORMAT, time, "rfc3339, unix", "rfc3339"));
      } else {
        b.timeFormat(parsed);
      }
    }
    String caller = env.apply(LOG_CALLER);
    if (isSet(caller)) {
      String v = normalise(caller);
      if (v.equals("TRUE")) {
        b.includeCaller(true);
      } else if (v.equals("FALSE")) {
        b.includeCaller(false);
      } else {
        warnings.add(warning(LOG_CALLER, caller, "true, false", "false"));
      }
    }
    return new LogOutput(b, warnings);
  }

  /**
   * Returns the root level.
   *
   * @return the level
   */
  public Level level() {
    return level;
  }

  /**
   * Returns the format.
   *
   * @return the format
   */
  public Format format() {
    return format;
  }

  /**
   * Returns the timestamp style.
   *
   * @return the time format
   */
  public TimeFormat timeFormat() {
    return timeFormat;
  }

  /**
   * Returns whether the caller (class, method, file, line) is written. Finding it walks the stack,
   * a few microseconds per line.
   *
   * @return true when caller data is written
   */
  public boolean includeCaller() {
    return includeCaller;
  }

  /**
   * Returns one message per invalid environment variable, naming the variable, the value and the
   * default used instead; empty when built or when every value was valid.
   *
   * @return unmodifiable warnings
   */
  public List<String> warnings() {
    return warnings;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof LogOutput other
        && other.level == level
        && other.format == format
        && other.timeFormat == timeFormat
        && other.includeCaller == includeCaller;
  }

  @Override
  public int hashCode() {
    return ((level.hashCode() * 31 + format.hashCode()) * 31 + timeFormat.hashCode()) * 31
        + Boolean.hashCode(includeCaller);
  }

  @Override
  public String toString() {
    return "LogOutput{level="
        + level
        + ", format="
        + format
        + ", timeFormat="
        + timeFormat
        + ", includeCaller="
        + includeCaller
        + "}";
  }

  private static boolean isSet(@Nullable String value) {
    return value != null && !value.isBlank();
  }

  private static String normalise(String value) {
    return value.trim().toUpperCase(Locale.ROOT);
  }

  private static <E extends Enum<E>> @Nullable E parse(Class<E> type, String upper) {
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equals(upper)) {
        return constant;
      }
    }
    return null;
  }

  private static String warning(String variable, String value, String allowed, String fallback) {
    return variable
        + " must be one of "
        + allowed
        + " but was \""
        + value
        + "\"; using "
        + fallback;
  }

  /** Builds a {@link LogOutput}. Not thread-safe. */
  public static final class Builder {
    private Level level = DEFAULT_LEVEL;
    private Format format = DEFAULT_FORMAT;
    private TimeFormat timeFormat = DEFAULT_TIME_FORMAT;
    private boolean includeCaller = DEFAULT_INCLUDE_CALLER;

    private Builder() {}

    /**
     * Sets the root level.
     *
     * @param level the level
     * @return this builder
     * @throws NullPointerException if {@code level} is null
     */
    public Builder level(Level level) {
      this.level = requireNonNull(level, "level");
      return this;
    }

    /**
     * Sets the format.
     *
     * @param format the format
     * @return this builder
     * @throws NullPointerException if {@code format} is null
     */
    public Builder format(Format format) {
      this.format = requireNonNull(format, "format");
      return this;
    }

    /**
     * Sets the timestamp style.
     *
     * @param timeFormat the style
     * @return this builder
     * @throws NullPointerException if {@code timeFormat} is null
     */
    public Builder timeFormat(TimeFormat timeFormat) {
      this.timeFormat = requireNonNull(timeFormat, "timeFormat");
      return this;
    }

    /**
     * Sets whether the caller is written.
     *
     * @param includeCaller true to write class, method, file and line
     * @return this builder
     */
    public Builder includeCaller(boolean includeCaller) {
      this.includeCaller = includeCaller;
      return this;
    }

    /**
     * Builds the output.
     *
     * @return a new immutable output, without warnings
     */
    public LogOutput build() {
      return new LogOutput(this, List.of());
    }
  }
}
