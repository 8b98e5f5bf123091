package ai.vaultgemma.logging;

import static java.util.Objects.requireNonNull;

import ai.vaultgemma.logging.internal.NameMatcher;
import com.google.errorprone.annotations.Immutable;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link StructuredLogger} may write: which field names are secrets, and whether prompt and
 * response text is logged at all.
 *
 * <p>Immutable and thread-safe. Start from {@link #defaults()} and change it with {@link
 * #toBuilder()}:
 *
 * <pre>{@code
 * LogPolicy policy = LogPolicy.defaults().toBuilder()
 *     .addRedactedName("session_cookie")
 *     .logText(true)            // prompts and responses, truncated
 *     .maxTextLength(120)
 *     .build();
 * StructuredLogger log = StructuredLogger.of(MyService.class).withPolicy(policy);
 * }</pre>
 *
 * <h2>Redaction</h2>
 *
 * A field whose name contains one of the {@linkplain #redactedNames() redacted names} is written
 * with the value {@value #REDACTED} instead of its value. Names are compared case-insensitively as
 * whole words, whatever the separator style: with the default {@code api_key}, the fields {@code
 * api_key}, {@code X-Api-Key}, {@code x_api_key}, {@code apiKey} and {@code ApiKey} are all
 * redacted. Whole words keep {@code tokens_used} or {@code max_tokens} visible while {@code token}
 * and {@code access_token} are hidden. Query parameters of a logged HTTP path are redacted by the
 * same rule.
 *
 * <h2>Prompt and response text</h2>
 *
 * Off by default ({@link #DEFAULT_LOG_TEXT}): user text often carries personal data. When turned
 * on, each text is cut to {@link #maxTextLength()} characters and marked with {@code "…"}.
 */
@Immutable
public final class LogPolicy {
  /** The value written in place of a secret. */
  public static final String REDACTED = "[REDACTED]";

  /** Field names redacted by default. */
  public static final Set<String> DEFAULT_REDACTED_NAMES =
      Set.of("api_key", "apikey", "authorization", "password", "secret", "token");

  /** Prompt and response text is not logged unless turned on. */
  public static final boolean DEFAULT_LOG_TEXT = false;

  /** Characters of prompt or response text kept when text logging is on. */
  public static final int DEFAULT_MAX_TEXT_LENGTH = 200;

  private static final LogPolicy DEFAULTS = new Builder().build();

  @SuppressWarnings("Immutable") // an unmodifiable copy
  private final Set<String> redactedNames;

  private final boolean logText;
  private final int maxTextLength;

  @SuppressWarnings("Immutable") // thread-safe memo of a pure function of redactedNames
  private final NameMatcher matcher;

  private LogPolicy(Builder builder) {
    this.redactedNames = Set.copyOf(builder.redactedNames);
    this.logText = builder.logText;
    this.maxTextLength = builder.maxTextLength;
    this.matcher = new NameMatcher(redactedNames);
  }

  /**
   * Returns the default policy: the {@link #DEFAULT_REDACTED_NAMES}, no prompt or response text.
   *
   * @return the shared default policy
   */
  public static LogPolicy defaults() {
    return DEFAULTS;
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
   * Returns a builder holding this policy's values.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.redactedNames.clear();
    b.redactedNames.addAll(redactedNames);
    b.logText = logText;
    b.maxTextLength = maxTextLength;
    return b;
  }

  /**
   * Returns the names whose fields are redacted.
   *
   * @return an unmodifiable set
   */
  public Set<String> redactedNames() {
    return redactedNames;
  }

  /**
   * Returns whether prompt and response text is logged.
   *
   * @return true when text is logged (truncated)
   */
  public boolean logText() {
    return logText;
  }

  /**
   * Returns how many characters of a prompt or response are kept when text is logged.
   *
   * @return the maximum length, at least 1
   */
  public int maxTextLength() {
    return maxTextLength;
  }

  /**
   * Returns whether a field of this name is written as {@value #REDACTED}.
   *
   * @param fieldName the field name
   * @return true when the name contains a redacted name as whole words
   * @throws NullPointerException if {@code fieldName} is null
   */
  public boolean redacts(String fieldName) {
    return matcher.matches(requireNonNull(fieldName, "fieldName"));
  }

  /**
   * Returns the value to write for a field: {@value #REDACTED} for a secret, else the value.
   *
   * @param fieldName the field name
   * @param value the value
   * @return the value to log
   * @throws NullPointerException if {@code fieldName} is null
   */
  public @Nullable Object redact(String fieldName, @Nullable Object value) {
    return redacts(fieldName) ? REDACTED : value;
  }

  /**
   * Returns prompt or response text as it may be logged: null when text logging is off, else the
   * text cut to {@link #maxTextLength()} characters with {@code "…"} appended when cut.
   *
   * @param text the text, may be null
   * @return the text to log, or null to leave the field out
   */
  public @Nullable String text(@Nullable String text) {
    if (!logText || text == null) {
      return null;
    }
    if (text.length() <= maxTextLength) {
      return text;
    }
    int end = maxTextLength;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--; // never split a surrogate pair
    }
    return text.substring(0, end) + "…";
  }

  /**
   * Returns a path with the values of sensitive query parameters replaced by {@value #REDACTED}.
   *
   * @param path a request path, with or without a query string
   * @return the path, unchanged when nothing is sensitive
   * @throws NullPointerException if {@code path} is null
   */
  public String redactPath(String path) {
    requireNonNull(path, "path");
    int q = path.indexOf('?');
    if (q < 0) {
      return path;
    }
    StringBuilder out = new StringBuilder(path.length()).append(path, 0, q + 1);
    String[] params = path.substring(q + 1).split("&", -1);
    for (int i = 0; i < params.length; i++) {
      if (i > 0) {
        out.append('&');
      }
      String param = params[i];
      int eq = param.indexOf('=');
      if (eq >= 0 && redacts(param.substring(0, eq))) {
        out.append(param, 0, eq + 1).append(REDACTED);
      } else {
        out.append(param);
      }
    }
    return out.toString();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof LogPolicy other
        && other.redactedNames.equals(redactedNames)
        && other.logText == logText
        && other.maxTextLength == maxTextLength;
  }

  @Override
  public int hashCode() {
    return (redactedNames.hashCode() * 31 + Boolean.hashCode(logText)) * 31 + maxTextLength;
  }

  @Override
  public String toString() {
    return "LogPolicy{redactedNames="
        + redactedNames
        + ", logText="
        + logText
        + ", maxTextLength="
        + maxTextLength
        + "}";
  }

  /** Builds a {@link LogPolicy}. Not thread-safe; building copies, so later changes don't leak. */
  public static final class Builder {
    private final Set<String> redactedNames = new LinkedHashSet<>(DEFAULT_REDACTED_NAMES);
    private boolean logText = DEFAULT_LOG_TEXT;
    private int maxTextLength = DEFAULT_MAX_TEXT_LENGTH;

    private Builder() {}

    /**
     * Replaces the redacted names.
     *
     * @param names the names; an empty collection turns redaction off
     * @return this builder
     * @throws NullPointerException if {@code names} or an element is null
     * @throws IllegalArgumentException if a name is blank
     */
    public Builder redactedNames(Collection<String> names) {
      requireNonNull(names, "names");
      Set<String> copy = new LinkedHashSet<>();
      for (String name : names) {
        copy.add(checkName(name));
      }
      redactedNames.clear();
      redactedNames.addAll(copy);
      return this;
    }

    /**
     * Adds one redacted name to those already set.
     *
     * @param name the name, e.g. {@code "session_cookie"}
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public Builder addRedactedName(String name) {
      redactedNames.add(checkName(name));
      return this;
    }

    /**
     * Turns prompt and response text logging on or off (default {@value
     * LogPolicy#DEFAULT_LOG_TEXT}).
     *
     * @param logText true to log text, truncated
     * @return this builder
     */
    public Builder logText(boolean logText) {
      this.logText = logText;
      return this;
    }

    /**
     * Sets how many characters of a prompt or response are kept (default {@value
     * LogPolicy#DEFAULT_MAX_TEXT_LENGTH}).
     *
     * @param maxTextLength the length, at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code maxTextLength < 1}
     */
    public Builder maxTextLength(int maxTextLength) {
      if (maxTextLength < 1) {
        throw new IllegalArgumentException("maxTextLength must be >= 1 but was " + maxTextLength);
      }
      this.maxTextLength = maxTextLength;
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return a new immutable policy
     */
    public LogPolicy build() {
      return new LogPolicy(this);
    }

    private static String checkName(String name) {
      requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException(
            "redacted name must not be blank but was \"" + name + "\"");
      }
      return name;
    }
  }
}
