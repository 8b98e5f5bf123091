package ai.vaultgemma.pool.internal;

import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.NullMarked;

/**
 * Hides secrets in URLs and driver properties before they reach a message, a log line or a {@code
 * toString()}. Stateless and thread-safe.
 */
@NullMarked
public final class DbSecrets {

  /** What a hidden value is shown as. */
  public static final String MASK = "****";

  // "scheme://user:secret@" -> "scheme://user:****@"; the user name stays (it is not a secret).
  private static final Pattern USER_INFO_PASSWORD = Pattern.compile("(://[^/?#@:]*):[^/?#@]*@");
  // password=..., sslpassword=..., PASSWORD=... up to the next '&' or ';' (H2 uses ';').
  private static final Pattern PARAM_PASSWORD =
      Pattern.compile("(?i)([a-z_.]*(?:password|secret|token)[a-z_]*)=[^&;]*");

  private DbSecrets() {}

  /**
   * Returns the URL with any password (in the user info or a parameter) replaced by {@value #MASK}.
   *
   * @param url a libpq or JDBC URL
   * @return the same URL, safe to show
   */
  public static String maskUrl(String url) {
    String masked = USER_INFO_PASSWORD.matcher(url).replaceAll("$1:" + MASK + "@");
    return PARAM_PASSWORD.matcher(masked).replaceAll("$1=" + MASK);
  }

  /**
   * Returns {@code key=value} with the value masked when the key names a secret.
   *
   * @param pair one query parameter
   * @return the pair, safe to show
   */
  public static String maskParam(String pair) {
    return PARAM_PASSWORD.matcher(pair).replaceAll("$1=" + MASK);
  }

  /**
   * Tells whether a driver property holds a secret (its name mentions a password, secret or token).
   *
   * @param key a driver property name
   * @return true when the value must not be shown
   */
  public static boolean isSecret(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    return lower.contains("password") || lower.contains("secret") || lower.contains("token");
  }
}
