package ai.vaultgemma.pool.internal;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * Turns a DSN (a libpq URL or a JDBC URL) into a JDBC URL plus separate credentials.
 *
 * <p>libpq URLs ({@code postgres://} and {@code postgresql://}) are rewritten to {@code
 * jdbc:postgresql://} URLs: user and password are percent-decoded and moved out of the URL (so the
 * URL can be logged), the port defaults to 5432, and query parameters are carried over, renamed to
 * their pgjdbc spelling where the two differ ({@code application_name} becomes {@code
 * ApplicationName}). JDBC URLs pass through unchanged. Stateless and thread-safe.
 */
@NullMarked
public final class DsnParser {

  /** The port libpq and pgjdbc use when a URL names none. */
  public static final int DEFAULT_PORT = 5432;

  private static final Pattern JDBC_URL = Pattern.compile("(?i)jdbc:[a-z][a-z0-9+.-]*:.+");
  private static final Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*)://.*");
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");

  /** libpq parameter names whose pgjdbc spelling differs; values are copied as they are. */
  private static final Map<String, String> RENAMED =
      Map.of(
          "application_name", "ApplicationName",
          "connect_timeout", "connectTimeout",
          "gssencmode", "gssEncMode");

  /** libpq {@code target_session_attrs} values and their pgjdbc {@code targetServerType}. */
  private static final Map<String, String> TARGET_SERVER_TYPES =
      Map.of(
          "any", "any",
          "read-write", "primary",
          "primary", "primary",
          "read-only", "secondary",
          "standby", "secondary",
          "prefer-standby", "preferSecondary");

  private DsnParser() {}

  /** The outcome of parsing: a JDBC URL, credentials kept apart, and where it connects. */
  public static final class Result {
    private final String jdbcUrl;
    private final @Nullable String user;
    private final @Nullable String password;
    private final String target;

    Result(String jdbcUrl, @Nullable String user, @Nullable String password, String target) {
      this.jdbcUrl = jdbcUrl;
      this.user = user;
      this.password = password;
      this.target = target;
    }

    /** Returns the JDBC URL, without the credentials when they came from a libpq URL. */
    public String jdbcUrl() {
      return jdbcUrl;
    }

    /** Returns the decoded user name from the libpq URL, or null. */
    public @Nullable String user() {
      return user;
    }

    /** Returns the decoded password from the libpq URL, or null. */
    public @Nullable String password() {
      return password;
    }

    /** Returns {@code host:port[,host:port]} for PostgreSQL, else the masked JDBC URL. */
    public String target() {
      return target;
    }
  }

  /**
   * Parses a DSN.
   *
   * @param dsn a libpq URL or a JDBC URL
   * @return the JDBC URL and credentials
   * @throws IllegalArgumentException naming the DSN (password masked) and what is wrong with it
   */
  public static Result parse(String dsn) {
    String trimmed = dsn.trim();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("dsn must not be blank");
    }
    String lower = trimmed.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:")) {
      if (!JDBC_URL.matcher(trimmed).matches()) {
        throw bad(trimmed, "is not a JDBC URL (expected jdbc:<driver>:<details>)");
      }
      if (lower.startsWith("jdbc:postgresql:")) {
        return new Result(trimmed, null, null, postgresJdbcTarget(trimmed));
      }
      return new Result(trimmed, null, null, DbSecrets.maskUrl(trimmed));
    }
    if (lower.startsWith("postgres://") || lower.startsWith("postgresql://")) {
      return parseLibpqHidingThePassword(trimmed);
    }
    var scheme = SCHEME.matcher(trimmed);
    if (scheme.matches()) {
      throw bad(
          trimmed,
          "has unknown scheme '"
              + scheme.group(1)
              + "' (expected postgres://, postgresql:// or jdbc:)");
    }
    throw bad(trimmed, "is malformed (expected postgres://user:password@host:5432/db or jdbc:...)");
  }

  /**
   * Parses a libpq URL so that no message shows any part of its password. libpq wants '/', '?', '#'
   * and '@' in a password percent-encoded; written raw they move the split between user info, host,
   * database and query, so a failure could quote a piece of the password as a "port", a "host" or a
   * "query parameter", and the user-info mask (which stops at those characters) would miss it. So
   * when parsing fails and the URL has {@code user:} followed by an '@' somewhere after it, the
   * message shows the URL masked from that ':' to the last '@', quotes nothing else, and says what
   * to encode.
   */
  private static Result parseLibpqHidingThePassword(String dsn) {
    try {
      return parseLibpq(dsn);
    } catch (IllegalArgumentException e) {
      String masked = maskGreedy(dsn);
      if (masked == null) {
        throw e; // no password, or one without those characters: the usual mask holds
      }
      throw new IllegalArgumentException(
          "dsn \""
              + masked
              + "\" cannot be parsed (details hidden, as they may hold part of the password); if"
              + " the password holds '/', '?', '#' or '@', percent-encode them as %2F, %3F, %23"
              + " and %40");
    }
  }

  /**
   * Returns the URL with everything from the ':' after the user name to the last '@' masked, or
   * null when the URL has no such user info or what would be masked holds none of '/', '?', '#',
   * '@' (then the parse split it right). It masks too much rather than too little: a query value
   * holding '@' is masked as well.
   */
  static @Nullable String maskGreedy(String dsn) {
    int start = dsn.indexOf("://") + 3;
    int at = dsn.lastIndexOf('@');
    if (at < start) {
      return null;
    }
    int colon = -1;
    for (int i = start; i < at; i++) {
      char c = dsn.charAt(i);
      if (c == ':') {
        colon = i;
        break;
      }
      if (c == '/' || c == '?' || c == '#') {
        break; // a ':' after these is not the user's
      }
    }
    if (colon < 0) {
      return null;
    }
    String region = dsn.substring(colon + 1, at);
    if (region.chars().noneMatch(c -> c == '/' || c == '?' || c == '#' || c == '@')) {
      return null;
    }
    return dsn.substring(0, colon + 1) + DbSecrets.MASK + dsn.substring(at);
  }

  private static Result parseLibpq(String dsn) {
    String rest = dsn.substring(dsn.indexOf("://") + 3);
    String query = "";
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    if (rest.indexOf('#') >= 0) {
      throw bad(dsn, "is malformed: a fragment ('#') is not allowed");
    }
    String authority = rest;
    String path = "";
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      authority = rest.substring(0, slash);
      path = rest.substring(slash + 1);
    }
    String user = null;
    String password = null;
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = authority.substring(0, at);
      authority = authority.substring(at + 1);
      int colon = userInfo.indexOf(':');
      if (colon >= 0) {
        user = decode(dsn, "user", userInfo.substring(0, colon));
        password = decode(dsn, "password", userInfo.substring(colon + 1));
      } else {
        user = decode(dsn, "user", userInfo);
      }
    }
    if (path.indexOf('@') >= 0) {
      // What looks like a database name with an '@' is the tail of a password holding a raw '/'
      // ("user:pa/ss@host/db"); parsing on would connect to the wrong host.
      throw bad(dsn, "has '@' in its database name (percent-encode it as %40)");
    }
    String database = path.isEmpty() ? null : decode(dsn, "database", path);

    Map<String, String> params = new LinkedHashMap<>();
    String queryHost = null;
    String queryPort = null;
    if (!query.isEmpty()) {
      for (String pair : query.split("&", -1)) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw bad(dsn, "has a malformed query parameter '" + DbSecrets.maskParam(pair) + "'");
        }
        String key = decode(dsn, "parameter name", pair.substring(0, eq));
        String value = decode(dsn, key, pair.substring(eq + 1));
        switch (key) {
          case "user" -> user = value;
          case "password" -> password = value;
          case "dbname" -> database = value;
          case "host" -> queryHost = value;
          case "port" -> queryPort = value;
          case "target_session_attrs" -> {
            String type = TARGET_SERVER_TYPES.get(value);
            if (type == null) {
              throw bad(
                  dsn,
                  "has unknown target_session_attrs '"
                      + value
                      + "' (expected one of "
                      + TARGET_SERVER_TYPES.keySet().stream().sorted().toList()
                      + ")");
            }
            params.put("targetServerType", type);
          }
          case "keepalives" -> params.put("tcpKeepAlive", "0".equals(value) ? "false" : "true");
          default -> params.put(RENAMED.getOrDefault(key, key), value);
        }
      }
    }

    String hostSpec = authority;
    if (hostSpec.isEmpty() && queryHost != null) {
      hostSpec = queryHost + (queryPort == null ? "" : ":" + queryPort);
    }
    List<String> hosts = new ArrayList<>();
    for (String one : hostSpec.split(",", -1)) {
      hosts.add(hostAndPort(dsn, one, queryPort));
    }

    StringBuilder url = new StringBuilder("jdbc:postgresql://");
    url.append(String.join(",", hosts)).append('/');
    if (database != null) {
      url.append(encode(database));
    }
    char sep = '?';
    for (Map.Entry<String, String> p : params.entrySet()) {
      url.append(sep).append(encode(p.getKey())).append('=').append(encode(p.getValue()));
      sep = '&';
    }
    return new Result(url.toString(), user, password, String.join(",", hosts));
  }

  /** Returns {@code host:port} with the default port filled in, brackets kept for IPv6. */
  private static String hostAndPort(String dsn, String spec, @Nullable String fallbackPort) {
    String host;
    String port = null;
    if (spec.startsWith("[")) {
      int close = spec.indexOf(']');
      if (close < 0) {
        throw bad(dsn, "is malformed: unclosed '[' in host");
      }
      host = spec.substring(0, close + 1);
      String after = spec.substring(close + 1);
      if (!after.isEmpty()) {
        if (!after.startsWith(":")) {
          throw bad(dsn, "is malformed after IPv6 host " + host);
        }
        port = after.substring(1);
      }
    } else {
      int colon = spec.lastIndexOf(':');
      host = colon >= 0 ? spec.substring(0, colon) : spec;
      port = colon >= 0 ? spec.substring(colon + 1) : null;
      host = decode(dsn, "host", host);
    }
    if (host.isEmpty() || "[]".equals(host)) {
      throw bad(dsn, "has no host (Unix-domain sockets are not supported; name a TCP host)");
    }
    if (host.startsWith("/")) {
      throw bad(dsn, "names a Unix-domain socket '" + host + "'; name a TCP host instead");
    }
    if (host.chars().anyMatch(c -> c == '/' || c == '@' || Character.isWhitespace(c))) {
      throw bad(dsn, "has an invalid host '" + host + "'");
    }
    if (port == null || port.isEmpty()) {
      port = fallbackPort;
    }
    int portNumber = port == null || port.isEmpty() ? DEFAULT_PORT : port(dsn, port);
    return host + ":" + portNumber;
  }

  private static int port(String dsn, String port) {
    if (DIGITS.matcher(port).matches()) {
      int value = Integer.parseInt(port);
      if (value >= 1 && value <= 65535) {
        return value;
      }
    }
    throw bad(dsn, "has a bad port '" + port + "' (expected 1..65535)");
  }

  /** Where a {@code jdbc:postgresql:} URL connects, for error messages: host:port[,...]. */
  static String postgresJdbcTarget(String url) {
    String rest = url.substring("jdbc:postgresql:".length());
    if (!rest.startsWith("//")) {
      return "localhost:" + DEFAULT_PORT;
    }
    rest = rest.substring(2);
    int end = rest.length();
    for (char c : new char[] {'/', '?'}) {
      int i = rest.indexOf(c);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    String hostSpec = rest.substring(0, end);
    if (hostSpec.isEmpty()) {
      return "localhost:" + DEFAULT_PORT;
    }
    List<String> hosts = new ArrayList<>();
    for (String one : hostSpec.split(",", -1)) {
      boolean hasPort = one.startsWith("[") ? one.contains("]:") : one.contains(":");
      hosts.add(hasPort ? one : one + ":" + DEFAULT_PORT);
    }
    return String.join(",", hosts);
  }

  private static String decode(String dsn, String what, String raw) {
    try {
      // libpq URLs use percent-encoding only: a literal '+' stays a '+'.
      return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      String shown = what.contains("password") ? "(value hidden)" : "'" + raw + "'";
      throw bad(dsn, "has a bad percent-encoding in " + what + " " + shown);
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static IllegalArgumentException bad(String dsn, String problem) {
    return new IllegalArgumentException("dsn \"" + DbSecrets.maskUrl(dsn) + "\" " + problem);
  }
}
