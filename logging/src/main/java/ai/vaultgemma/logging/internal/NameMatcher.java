package ai.vaultgemma.logging.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a field name is sensitive. A name is split into lower-case words at {@code _},
 * {@code -}, {@code .}, spaces and camelCase boundaries; it matches when the words of a configured
 * name appear in it as a contiguous run. So {@code x_api_key}, {@code X-Api-Key} and {@code
 * clientApiKey} match {@code api_key}, while {@code tokens_used} does not match {@code token} (a
 * plain substring test would hide every token count an inference library logs).
 *
 * <p>Decisions are memoised per field name (bounded) because field names are nearly always
 * literals, so the hot path is one hash lookup. Thread-safe.
 */
public final class NameMatcher {
  private static final int MAX_MEMO = 1024;

  private final List<List<String>> patterns;
  private final ConcurrentHashMap<String, Boolean> memo = new ConcurrentHashMap<>();

  /**
   * Creates a matcher for the given names.
   *
   * @param names the sensitive names, any case and separator style
   */
  public NameMatcher(Set<String> names) {
    List<List<String>> words = new ArrayList<>(names.size());
    for (String name : names) {
      List<String> w = words(name);
      if (!w.isEmpty()) {
        words.add(w);
      }
    }
    this.patterns = List.copyOf(words);
  }

  /**
   * Returns whether a field with this name must be redacted.
   *
   * @param fieldName the field name
   * @return true when one of the configured names occurs in it as whole words
   */
  public boolean matches(String fieldName) {
    Boolean known = memo.get(fieldName);
    if (known != null) {
      return known;
    }
    boolean result = compute(fieldName);
    if (memo.size() < MAX_MEMO) {
      memo.put(fieldName, result);
    }
    return result;
  }

  private boolean compute(String fieldName) {
    List<String> words = words(fieldName);
    for (List<String> pattern : patterns) {
      if (containsRun(words, pattern) || joinedEquals(words, pattern)) {
        return true;
      }
    }
    return false;
  }

  private static boolean containsRun(List<String> words, List<String> pattern) {
    outer:
    for (int i = 0; i + pattern.size() <= words.size(); i++) {
      for (int j = 0; j < pattern.size(); j++) {
        if (!words.get(i + j).equals(pattern.get(j))) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** {@code apikey} (one word) also matches {@code api_key} and {@code ApiKey}, and back. */
  private static boolean joinedEquals(List<String> words, List<String> pattern) {
    String joinedPattern = String.join("", pattern);
    for (int i = 0; i < words.size(); i++) {
      StringBuilder run = new StringBuilder();
      for (int j = i; j < words.size() && run.length() < joinedPattern.length(); j++) {
        run.append(words.get(j));
        if (run.length() == joinedPattern.length() && run.toString().equals(joinedPattern)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Splits a name into lower-case words.
   *
   * @param name any field name
   * @return its words, lower case
   */
  static List<String> words(String name) {
    List<String> words = new ArrayList<>(4);
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!Character.isLetterOrDigit(c)) {
        flush(current, words);
        continue;
      }
      boolean boundary =
          Character.isUpperCase(c)
              && current.length() > 0
              && (Character.isLowerCase(name.charAt(i - 1))
                  || (i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1))));
      if (boundary) {
        flush(current, words);
      }
      current.append(c);
    }
    flush(current, words);
    return words;
  }

  private static void flush(StringBuilder current, List<String> words) {
    if (current.length() > 0) {
      words.add(current.toString().toLowerCase(Locale.ROOT));
      current.setLength(0);
    }
  }
}
