package ai.vaultgemma.pool;

import static java.util.Objects.requireNonNull;

import ai.vaultgemma.pool.internal.Checks;
import ai.vaultgemma.pool.internal.DbSecrets;
import ai.vaultgemma.pool.internal.DsnParser;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The immutable configuration of a {@link DbPool}: where the database is and how many connections
 * to keep, for how long.
 *
 * <p>Build one from a DSN, from the environment, or with the builder:
 *
 * <pre>{@code
 * DbPoolConfig config = DbPoolConfig.fromDsn("postgres://app:s%40cret@db:5432/app?sslmode=require");
 * DbPoolConfig same = DbPoolConfig.fromEnv();      // POSTGRES_DSN, DB_MAX_OPEN_CONNS, DB_MAX_IDLE_CONNS
 * DbPoolConfig tuned = DbPoolConfig.builder()
 *     .dsn("jdbc:postgresql://db:5432/app")
 *     .username("app").password(secret)
 *     .maxOpen(10).maxIdle(2)
 *     .acquireTimeout(Duration.ofSeconds(5))
 *     .build();
 * DbPoolConfig variant = tuned.toBuilder().poolName("reports").build();
 * }</pre>
 *
 * <p>The DSN may be a libpq URL ({@code postgres://} or {@code postgresql://}) or any JDBC URL. A
 * libpq URL becomes a {@code jdbc:postgresql://} URL: user and password are percent-decoded and
 * kept apart from the URL, the port defaults to {@value #DEFAULT_PORT}, and query parameters are
 * carried over, renamed to pgjdbc's spelling where it differs ({@code application_name} to {@code
 * ApplicationName}, {@code connect_timeout} to {@code connectTimeout}, {@code target_session_attrs}
 * to {@code targetServerType}). Host-less URLs, Unix-domain sockets, unknown schemes and bad ports
 * are rejected.
 *
 * <h2>Settings</h2>
 *
 * <table>
 *   <caption>Settings and their defaults</caption>
 *   <tr><th>setting</th><th>default</th><th>HikariCP setting</th></tr>
 *   <tr><td>{@code maxOpen}</td><td>{@value #DEFAULT_MAX_OPEN}</td><td>maximumPoolSize</td></tr>
 *   <tr><td>{@code maxIdle}</td><td>{@value #DEFAULT_MAX_IDLE}</td><td>minimumIdle</td></tr>
 *   <tr><td>{@code maxLifetime}</td><td>30 min</td><td>maxLifetime</td></tr>
 *   <tr><td>{@code maxIdleTime}</td><td>5 min</td><td>idleTimeout</td></tr>
 *   <tr><td>{@code acquireTimeout}</td><td>30 s</td><td>connectionTimeout</td></tr>
 *   <tr><td>{@code validationTimeout}</td><td>5 s</td><td>validationTimeout</td></tr>
 *   <tr><td>{@code closeTimeout}</td><td>30 s</td><td>(ours: drain before shutdown)</td></tr>
 *   <tr><td>{@code failFast}</td><td>true</td><td>initializationFailTimeout</td></tr>
 * </table>
 *
 * <p><b>maxIdle is not Go's {@code SetMaxIdleConns}.</b> Go's {@code database/sql} keeps at most
 * that many idle connections and closes the rest as they come back; it never opens connections
 * ahead of demand. HikariCP has no upper bound on idle connections: its {@code minimumIdle} is a
 * floor it keeps filled (opening connections at start and after retirements), and idle connections
 * above that floor are closed once they have been idle for {@code maxIdleTime}. We map {@code
 * maxIdle} onto {@code minimumIdle}, so "max idle 5" means: keep 5 warm connections, and let the
 * surplus of a burst (up to {@code maxOpen}) drain away after {@code maxIdleTime}. With {@code
 * maxIdle == maxOpen} the pool is fixed-size and {@code maxIdleTime} has no effect.
 *
 * <p>Limits HikariCP imposes are checked here rather than silently corrected: {@code maxLifetime}
 * must be zero (no limit) or at least 30 s, {@code maxIdleTime} zero (never) or at least 10 s,
 * {@code acquireTimeout} and {@code validationTimeout} at least 250 ms. A {@code maxIdleTime} that
 * is not at least one second shorter than {@code maxLifetime} has no effect (lifetime retires the
 * connection first), as in HikariCP.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the password.
 */
public final class DbPoolConfig {

  /** Default {@link Builder#maxOpen(int)}: 25 connections, the seed's value. */
  public static final int DEFAULT_MAX_OPEN = 25;

  /** Default {@link Builder#maxIdle(int)}: 5 connections (capped at {@code maxOpen}). */
  public static final int DEFAULT_MAX_IDLE = 5;

  /** Default {@link Builder#maxLifetime(Duration)}: 30 minutes. */
  public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofMinutes(30);

  /** Default {@link Builder#maxIdleTime(Duration)}: 5 minutes. */
  public static final Duration DEFAULT_MAX_IDLE_TIME = Duration.ofMinutes(5);

  /** Default {@link Builder#acquireTimeout(Duration)}: 30 seconds. */
  public static final Duration DEFAULT_ACQUIRE_TIMEOUT = Duration.ofSeconds(30);

  /** Default {@link Builder#validationTimeout(Duration)}: 5 seconds. */
  public static final Duration DEFAULT_VALIDATION_TIMEOUT = Duration.ofSeconds(5);

  /** Default {@link Builder#closeTimeout(Duration)}: 30 seconds. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /** Default {@link Builder#poolName(String)}. */
  public static final String DEFAULT_POOL_NAME = "vaultgemma-db";

  /** Default {@link Builder#failFast(boolean)}: {@value}, start-up checks the database. */
  public static final boolean DEFAULT_FAIL_FAST = true;

  /** The port a libpq URL without one connects to. */
  public static final int DEFAULT_PORT = DsnParser.DEFAULT_PORT;

  /** The smallest non-zero {@code maxLifetime} HikariCP accepts. */
  public static final Duration MIN_MAX_LIFETIME = Duration.ofSeconds(30);

  /** The smallest non-zero {@code maxIdleTime} HikariCP accepts. */
  public static final Duration MIN_MAX_IDLE_TIME = Duration.ofSeconds(10);

  /** The smallest {@code acquireTimeout} and {@code validationTimeout} HikariCP accepts. */
  public static final Duration MIN_TIMEOUT = Duration.ofMillis(250);

  /** The environment variable holding the DSN. */
  public static final String ENV_DSN = "POSTGRES_DSN";

  /** The environment variable holding {@code maxOpen}. */
  public static final String ENV_MAX_OPEN = "DB_MAX_OPEN_CONNS";

  /** The environment variable holding {@code maxIdle}. */
  public static final String ENV_MAX_IDLE = "DB_MAX_IDLE_CONNS";

  private final String jdbcUrl;
  private final String target;
  private final @Nullable String username;
  private final @Nullable String password;
  private final int maxOpen;
  private final int maxIdle;
  private final Duration maxLifetime;
  private final Duration maxIdleTime;
  private final Duration acquireTimeout;
  private final Duration validationTimeout;
  private final Duration closeTimeout;
  private final String poolName;
  private final boolean failFast;
  private final Map<String, String> driverProperties;
  private final boolean maxIdleSet;

  private DbPoolConfig(Builder b, String jdbcUrl, String target, int maxIdle) {
    this.jdbcUrl = jdbcUrl;
    this.target = target;
    this.username = b.username;
    this.password = b.password;
    this.maxOpen = b.maxOpen;
    this.maxIdle = maxIdle;
    this.maxLifetime = b.maxLifetime;
    this.maxIdleTime = b.maxIdleTime;
    this.acquireTimeout = b.acquireTimeout;
    this.validationTimeout = b.validationTimeout;
    this.closeTimeout = b.closeTimeout;
    this.poolName = b.poolName;
    this.failFast = b.failFast;
    this.driverProperties = Collections.unmodifiableMap(new LinkedHashMap<>(b.driverProperties));
    this.maxIdleSet = b.maxIdleSet;
  }

  /**
   * Returns a new builder with every setting at its default and no DSN.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a configuration with default settings for the given DSN.
   *
   * @param dsn a libpq URL ({@code postgres://user:pass@host:5432/db?sslmode=require}) or a JDBC
   *     URL
   * @return the configuration
   * @throws NullPointerException if {@code dsn} is null
   * @throws IllegalArgumentException if the DSN is blank or malformed; the message shows the DSN
   *     with its password masked
   */
  public static DbPoolConfig fromDsn(String dsn) {
    return builder().dsn(dsn).build();
  }

  /**
   * Reads the configuration from the process environment: {@value #ENV_DSN} (required), {@value
   * #ENV_MAX_OPEN} and {@value #ENV_MAX_IDLE} (optional, defaults otherwise).
   *
   * @return the configuration
   * @throws IllegalArgumentException if a variable is missing or malformed; the message names the
   *     variable and the value it got (a DSN with its password masked)
   */
  public static DbPoolConfig fromEnv() {
    return fromEnv(System::getenv);
  }

  /**
   * Reads the configuration from the given environment, as {@link #fromEnv()} does.
   *
   * @param env looks a variable up by name; returns null when it is not set
   * @return the configuration
   * @throws NullPointerException if {@code env} is null
   * @throws IllegalArgumentException if a variable is missing or malformed; the message names the
   *     variable and the value it got (a DSN with its password masked)
   */
  public static DbPoolConfig fromEnv(Function<String, @Nullable String> env) {
    requireNonNull(env, "env");
    String dsn = env.apply(ENV_DSN);
    if (dsn == null || dsn.isBlank()) {
      throw new IllegalArgumentException(
          ENV_DSN + " must be set to a postgres:// or jdbc: URL but was not set");
    }
    Builder builder = builder();
    try {
      builder.dsn(dsn);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(ENV_DSN + " is invalid: " + e.getMessage(), e);
    }
    Integer maxOpen = envInt(env, ENV_MAX_OPEN, 1);
    if (maxOpen != null) {
      builder.maxOpen(maxOpen);
    }
    Integer maxIdle = envInt(env, ENV_MAX_IDLE, 0);
    if (maxIdle != null) {
      builder.maxIdle(maxIdle);
    }
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid " + ENV_MAX_OPEN + "/" + ENV_MAX_IDLE + ": " + e.getMessage(), e);
    }
  }

  private static @Nullable Integer envInt(
      Function<String, @Nullable String> env, String name, int min) {
    String raw = env.apply(name);
    if (raw == null || raw.isBlank()) {
      return null;
    }
    String rule = min == 1 ? "a positive integer" : "an integer >= " + min;
    try {
      int value = Integer.parseInt(raw.trim());
      if (value >= min) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below with the variable's name
    }
    throw new IllegalArgumentException(name + " must be " + rule + " but was \"" + raw + "\"");
  }

  /**
   * Returns a builder that starts from this configuration.
   *
   * @return a new builder holding this configuration's values
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Returns the JDBC URL the pool connects to. For a libpq DSN, the credentials are not part of it.
   * It may still hold a password when one was written into a JDBC URL: show it only through {@link
   * #toString()}, which masks it.
   *
   * @return the JDBC URL
   */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /**
   * Returns where the pool connects, for messages: {@code host:port} (several joined by commas) for
   * PostgreSQL, the masked URL for other databases.
   *
   * @return a description of the target without secrets
   */
  public String target() {
    return target;
  }

  /**
   * Returns the user name, from the libpq DSN or the builder, or null to leave it to the URL.
   *
   * @return the user name, or null
   */
  public @Nullable String username() {
    return username;
  }

  /**
   * Returns the password. Never log it.
   *
   * @return the password, or null to leave it to the URL
   */
  public @Nullable String password() {
    return password;
  }

  /**
   * Returns the most connections open at once, idle and in use together.
   *
   * @return max open connections
   */
  public int maxOpen() {
    return maxOpen;
  }

  /**
   * Returns the number of idle connections the pool keeps warm (HikariCP's {@code minimumIdle}; see
   * the class documentation for how this differs from Go).
   *
   * @return max idle connections
   */
  public int maxIdle() {
    return maxIdle;
  }

  /**
   * Returns how long a connection lives before it is retired (once idle); zero means no limit.
   *
   * @return the connection max lifetime
   */
  public Duration maxLifetime() {
    return maxLifetime;
  }

  /**
   * Returns how long a connection above {@link #maxIdle()} may sit idle; zero means forever.
   *
   * @return the max idle time
   */
  public Duration maxIdleTime() {
    return maxIdleTime;
  }

  /**
   * Returns how long a caller waits for a connection before failing.
   *
   * @return the acquire timeout
   */
  public Duration acquireTimeout() {
    return acquireTimeout;
  }

  /**
   * Returns how long HikariCP waits for a connection to prove alive.
   *
   * @return the validation timeout
   */
  public Duration validationTimeout() {
    return validationTimeout;
  }

  /**
   * Returns how long {@link DbPool#close()} lets borrowed connections finish before closing them.
   *
   * @return the close timeout
   */
  public Duration closeTimeout() {
    return closeTimeout;
  }

  /**
   * Returns the pool's name, used for HikariCP's threads and logs and, for PostgreSQL, as the
   * default {@code ApplicationName} seen in {@code pg_stat_activity}.
   *
   * @return the pool name
   */
  public String poolName() {
    return poolName;
  }

  /**
   * Returns whether {@link DbPool#start(DbPoolConfig)} fails when the database cannot be reached.
   *
   * @return true to fail at start (the default), false to start anyway and connect later
   */
  public boolean failFast() {
    return failFast;
  }

  /**
   * Returns extra properties handed to the JDBC driver with every connection.
   *
   * @return an unmodifiable map, in insertion order
   */
  public Map<String, String> driverProperties() {
    return driverProperties;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof DbPoolConfig that)) {
      return false;
    }
    return maxOpen == that.maxOpen
        && maxIdle == that.maxIdle
        && failFast == that.failFast
        && jdbcUrl.equals(that.jdbcUrl)
        && java.util.Objects.equals(username, that.username)
        && java.util.Objects.equals(password, that.password)
        && maxLifetime.equals(that.maxLifetime)
        && maxIdleTime.equals(that.maxIdleTime)
        && acquireTimeout.equals(that.acquireTimeout)
        && validationTimeout.equals(that.validationTimeout)
        && closeTimeout.equals(that.closeTimeout)
        && poolName.equals(that.poolName)
        && driverProperties.equals(that.driverProperties);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(
        jdbcUrl, username, maxOpen, maxIdle, maxLifetime, maxIdleTime, poolName);
  }

  /** Returns the settings, with the password and any secret driver property masked. */
  @Override
  public String toString() {
    String props =
        driverProperties.entrySet().stream()
            .map(
                e ->
                    e.getKey()
                        + "="
                        + (DbSecrets.isSecret(e.getKey()) ? DbSecrets.MASK : e.getValue()))
            .collect(Collectors.joining(", ", "{", "}"));
    return "DbPoolConfig{jdbcUrl="
        + DbSecrets.maskUrl(jdbcUrl)
        + ", username="
        + username
        + ", password="
        + (password == null ? "null" : DbSecrets.MASK)
        + ", maxOpen="
        + maxOpen
        + ", maxIdle="
        + maxIdle
        + ", maxLifetime="
        + maxLifetime
        + ", maxIdleTime="
        + maxIdleTime
        + ", acquireTimeout="
        + acquireTimeout
        + ", validationTimeout="
        + validationTimeout
        + ", closeTimeout="
        + closeTimeout
        + ", poolName="
        + poolName
        + ", failFast="
        + failFast
        + ", driverProperties="
        + props
        + "}";
  }

  /**
   * Builds a {@link DbPoolConfig}. Each setter checks its own value; {@link #build()} checks the
   * combination. Not thread-safe; the built configuration is.
   */
  public static final class Builder {
    private @Nullable String jdbcUrl;
    private @Nullable String target;
    private @Nullable String username;
    private @Nullable String password;
    private int maxOpen = DEFAULT_MAX_OPEN;
    private int maxIdle = DEFAULT_MAX_IDLE;
    private boolean maxIdleSet;
    private Duration maxLifetime = DEFAULT_MAX_LIFETIME;
    private Duration maxIdleTime = DEFAULT_MAX_IDLE_TIME;
    private Duration acquireTimeout = DEFAULT_ACQUIRE_TIMEOUT;
    private Duration validationTimeout = DEFAULT_VALIDATION_TIMEOUT;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private String poolName = DEFAULT_POOL_NAME;
    private boolean failFast = DEFAULT_FAIL_FAST;
    private final Map<String, String> driverProperties = new LinkedHashMap<>();

    private Builder() {}

    private Builder(DbPoolConfig c) {
      jdbcUrl = c.jdbcUrl;
      target = c.target;
      username = c.username;
      password = c.password;
      maxOpen = c.maxOpen;
      maxIdle = c.maxIdle;
      maxIdleSet = c.maxIdleSet;
      maxLifetime = c.maxLifetime;
      maxIdleTime = c.maxIdleTime;
      acquireTimeout = c.acquireTimeout;
      validationTimeout = c.validationTimeout;
      closeTimeout = c.closeTimeout;
      poolName = c.poolName;
      failFast = c.failFast;
      driverProperties.putAll(c.driverProperties);
    }

    /**
     * Sets the database to connect to. A libpq URL's user and password replace those set before; a
     * JDBC URL leaves them as they are.
     *
     * @param dsn a libpq URL or a JDBC URL
     * @return this builder
     * @throws NullPointerException if {@code dsn} is null
     * @throws IllegalArgumentException if the DSN is blank, malformed, has an unknown scheme, no
     *     host or a bad port; the message shows the DSN with its password masked
     */
    public Builder dsn(String dsn) {
      requireNonNull(dsn, "dsn");
      DsnParser.Result parsed = DsnParser.parse(dsn);
      jdbcUrl = parsed.jdbcUrl();
      target = parsed.target();
      if (parsed.user() != null) {
        username = parsed.user();
      }
      if (parsed.password() != null) {
        password = parsed.password();
      }
      return this;
    }

    /**
     * Sets the user name, overriding one from the DSN.
     *
     * @param username the user name
     * @return this builder
     * @throws NullPointerException if {@code username} is null
     */
    public Builder username(String username) {
      this.username = requireNonNull(username, "username");
      return this;
    }

    /**
     * Sets the password, overriding one from the DSN. It is never shown.
     *
     * @param password the password
     * @return this builder
     * @throws NullPointerException if {@code password} is null
     */
    public Builder password(String password) {
      this.password = requireNonNull(password, "password");
      return this;
    }

    /**
     * Sets the most connections open at once (default {@value #DEFAULT_MAX_OPEN}).
     *
     * @param maxOpen at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code maxOpen < 1}
     */
    public Builder maxOpen(int maxOpen) {
      if (maxOpen < 1) {
        throw new IllegalArgumentException("maxOpen must be >= 1 but was " + maxOpen);
      }
      this.maxOpen = maxOpen;
      return this;
    }

    /**
     * Sets how many idle connections to keep warm (default {@value #DEFAULT_MAX_IDLE}, capped at
     * {@code maxOpen} when not set). See the class documentation for the mapping onto HikariCP.
     *
     * @param maxIdle at least 0, at most {@code maxOpen} (checked by {@link #build()})
     * @return this builder
     * @throws IllegalArgumentException if {@code maxIdle < 0}
     */
    public Builder maxIdle(int maxIdle) {
      if (maxIdle < 0) {
        throw new IllegalArgumentException("maxIdle must be >= 0 but was " + maxIdle);
      }
      this.maxIdle = maxIdle;
      this.maxIdleSet = true;
      return this;
    }

    /**
     * Sets how long a connection lives before it is retired (default 30 minutes).
     *
     * @param maxLifetime zero for no limit, else at least 30 seconds
     * @return this builder
     * @throws NullPointerException if {@code maxLifetime} is null
     * @throws IllegalArgumentException if negative or between zero and 30 seconds
     */
    public Builder maxLifetime(Duration maxLifetime) {
      this.maxLifetime = zeroOrAtLeast("maxLifetime", maxLifetime, MIN_MAX_LIFETIME);
      return this;
    }

    /**
     * Sets how long a connection above {@code maxIdle} may stay idle (default 5 minutes).
     *
     * @param maxIdleTime zero for forever, else at least 10 seconds
     * @return this builder
     * @throws NullPointerException if {@code maxIdleTime} is null
     * @throws IllegalArgumentException if negative or between zero and 10 seconds
     */
    public Builder maxIdleTime(Duration maxIdleTime) {
      this.maxIdleTime = zeroOrAtLeast("maxIdleTime", maxIdleTime, MIN_MAX_IDLE_TIME);
      return this;
    }

    /**
     * Sets how long a caller waits for a connection (default 30 seconds). Also bounds each
     * connection attempt to PostgreSQL unless the URL sets {@code connectTimeout}.
     *
     * @param acquireTimeout at least 250 ms, at most {@code Integer.MAX_VALUE} ms (about 24.8 days)
     * @return this builder
     * @throws NullPointerException if {@code acquireTimeout} is null
     * @throws IllegalArgumentException if out of that range
     */
    public Builder acquireTimeout(Duration acquireTimeout) {
      atLeast("acquireTimeout", acquireTimeout, MIN_TIMEOUT);
      // The driver takes it as whole seconds in an int (connectTimeout, loginTimeout).
      this.acquireTimeout =
          Checks.atMost(
              "acquireTimeout",
              acquireTimeout,
              Checks.MAX_TIMEOUT,
              "Integer.MAX_VALUE ms, the driver's limit");
      return this;
    }

    /**
     * Sets how long HikariCP waits for a connection to prove alive (default 5 seconds).
     *
     * @param validationTimeout at least 250 ms, less than {@code acquireTimeout}
     * @return this builder
     * @throws NullPointerException if {@code validationTimeout} is null
     * @throws IllegalArgumentException if shorter than 250 ms
     */
    public Builder validationTimeout(Duration validationTimeout) {
      this.validationTimeout = atLeast("validationTimeout", validationTimeout, MIN_TIMEOUT);
      return this;
    }

    /**
     * Sets how long {@link DbPool#close()} waits for borrowed connections to come back before
     * closing them anyway (default 30 seconds).
     *
     * @param closeTimeout zero or more
     * @return this builder
     * @throws NullPointerException if {@code closeTimeout} is null
     * @throws IllegalArgumentException if negative
     */
    public Builder closeTimeout(Duration closeTimeout) {
      this.closeTimeout = atLeast("closeTimeout", closeTimeout, Duration.ZERO);
      return this;
    }

    /**
     * Sets the pool's name (default {@value #DEFAULT_POOL_NAME}).
     *
     * @param poolName not blank
     * @return this builder
     * @throws NullPointerException if {@code poolName} is null
     * @throws IllegalArgumentException if blank
     */
    public Builder poolName(String poolName) {
      requireNonNull(poolName, "poolName");
      if (poolName.isBlank()) {
        throw new IllegalArgumentException(
            "poolName must not be blank but was \"" + poolName + "\"");
      }
      this.poolName = poolName;
      return this;
    }

    /**
     * Sets whether start-up fails when the database cannot be reached (default {@value
     * #DEFAULT_FAIL_FAST}). With false, the pool starts anyway, {@link DbPool#health(Duration)}
     * reports the database unhealthy, and connections are made once it answers.
     *
     * @param failFast true to check the database at start
     * @return this builder
     */
    public Builder failFast(boolean failFast) {
      this.failFast = failFast;
      return this;
    }

    /**
     * Adds a property handed to the JDBC driver with every connection, such as {@code
     * reWriteBatchedInserts=true}. Values of properties whose name mentions a password are never
     * shown.
     *
     * @param key the property name
     * @param value the property value
     * @return this builder
     * @throws NullPointerException if {@code key} or {@code value} is null
     * @throws IllegalArgumentException if {@code key} is blank
     */
    public Builder driverProperty(String key, String value) {
      requireNonNull(key, "key");
      requireNonNull(value, "value");
      if (key.isBlank()) {
        throw new IllegalArgumentException("driver property key must not be blank");
      }
      driverProperties.put(key, value);
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return the immutable configuration
     * @throws IllegalStateException if no DSN was set
     * @throws IllegalArgumentException if {@code maxIdle > maxOpen} or {@code validationTimeout >=
     *     acquireTimeout}
     */
    public DbPoolConfig build() {
      if (jdbcUrl == null || target == null) {
        throw new IllegalStateException("dsn must be set before build()");
      }
      int idle = maxIdle;
      if (idle > maxOpen) {
        if (maxIdleSet) {
          throw new IllegalArgumentException(
              "maxIdle must be <= maxOpen (" + maxOpen + ") but was " + maxIdle);
        }
        idle = maxOpen; // the default of 5 follows a smaller maxOpen, as Go's does
      }
      if (validationTimeout.compareTo(acquireTimeout) >= 0) {
        throw new IllegalArgumentException(
            "validationTimeout must be shorter than acquireTimeout ("
                + acquireTimeout
                + ") but was "
                + validationTimeout);
      }
      return new DbPoolConfig(this, jdbcUrl, target, idle);
    }

    private static Duration atLeast(String name, Duration value, Duration min) {
      requireNonNull(value, name);
      if (value.compareTo(min) < 0) {
        throw new IllegalArgumentException(name + " must be >= " + min + " but was " + value);
      }
      return Checks.atMost(
          name, value, Checks.MAX_NANOS, "the longest duration counted in nanoseconds");
    }

    private static Duration zeroOrAtLeast(String name, Duration value, Duration min) {
      requireNonNull(value, name);
      if (value.isZero()) {
        return value;
      }
      if (value.compareTo(min) < 0) {
        throw new IllegalArgumentException(
            name
                + " must be zero (no limit) or >= "
                + min
                + " (HikariCP's minimum) but was "
                + value);
      }
      return Checks.atMost(
          name, value, Checks.MAX_NANOS, "the longest duration counted in nanoseconds");
    }
  }
}
