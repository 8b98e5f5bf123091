package ai.vaultgemma.core.internal;

import java.util.Objects;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * Checks the base URL and the API key, with messages that never show a secret. Stateless and
 * thread-safe.
 *
 * <p>A base URL can carry a secret in two places: the user info ({@code https://user:key@host}) and
 * the query (Azure's {@code ?api-key=...}). Both are rejected, since the key goes in {@code apiKey}
 * and the SDK appends paths to the base URL; and every message shows the URL with those parts
 * masked, also when the text is not a URL at all.
 */
public final class BaseUrls {
  private static final String MASK = "****";

  private BaseUrls() {}

  /**
   * Validates a base URL.
   *
   * @param baseUrl the text
   * @return the parsed URL
   * @throws IllegalArgumentException if it is not an absolute http(s) URL without credentials,
   *     query or fragment; the message shows the value with user info and query masked
   * @throws NullPointerException if {@code baseUrl} is null
   */
  public static HttpUrl parse(String baseUrl) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    HttpUrl url = HttpUrl.parse(baseUrl.strip());
    if (url == null) {
      throw new IllegalArgumentException(
          "baseUrl must be an absolute http or https URL but was \"" + redact(baseUrl) + "\"");
    }
    if (!url.username().isEmpty() || !url.password().isEmpty()) {
      throw new IllegalArgumentException(
          "baseUrl must not carry credentials (value hidden); pass the API key separately");
    }
    if (url.query() != null || url.fragment() != null) {
      throw new IllegalArgumentException(
          "baseUrl must not have a query or fragment but was \""
              + redact(baseUrl)
              + "\" (query hidden; it may hold a key such as api-key=); pass the API key as"
              + " apiKey");
    }
    return url;
  }

  /**
   * Returns the text with anything that may be a secret masked: the user info (up to the last '@'
   * before the path) and everything from the first '?' or '#'. Works on text that is not a valid
   * URL too, since that is where an unchecked echo would leak.
   *
   * @param text a URL or something meant to be one
   * @return the text, safe to show
   */
  public static String redact(String text) {
    String s = text.strip();
    String tail = "";
    int cut = firstOf(s, '?', '#', 0);
    if (cut >= 0) {
      tail = s.charAt(cut) + MASK;
      s = s.substring(0, cut);
    }
    int scheme = s.indexOf("://");
    int authorityStart = scheme >= 0 ? scheme + 3 : 0;
    int at = s.lastIndexOf('@');
    if (at >= authorityStart) {
      s = s.substring(0, authorityStart) + MASK + s.substring(at);
    }
    return s + tail;
  }

  private static int firstOf(String s, char a, char b, int from) {
    int i = s.indexOf(a, from);
    int j = s.indexOf(b, from);
    if (i < 0) {
      return j;
    }
    return j < 0 ? i : Math.min(i, j);
  }

  /**
   * Validates an API key.
   *
   * @param apiKey the key, or null for none
   * @return {@code apiKey}
   * @throws IllegalArgumentException if it is blank or holds characters a header cannot carry; the
   *     message says where, never what
   */
  public static @Nullable String checkApiKey(@Nullable String apiKey) {
    if (apiKey == null) {
      return null;
    }
    if (apiKey.isBlank()) {
      throw new IllegalArgumentException("apiKey must not be blank (value hidden)");
    }
    for (int i = 0; i < apiKey.length(); i++) {
      char c = apiKey.charAt(i);
      if (c <= ' ' || c > '~') {
        throw new IllegalArgumentException(
            "apiKey must hold printable ASCII without spaces (value hidden); bad character at "
                + i);
      }
    }
    return apiKey;
  }
}
