package ai.vaultgemma.spring.autoconfigure;

import ai.vaultgemma.cache.CacheConfig;
import ai.vaultgemma.core.Endpoint;
import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.core.RateLimit;
import ai.vaultgemma.core.RoutingPolicy;
import ai.vaultgemma.core.tier.SharedTierConfig;
import ai.vaultgemma.logging.LogPolicy;
import ai.vaultgemma.logging.StructuredLogger;
import ai.vaultgemma.pool.DbPoolConfig;
import ai.vaultgemma.pool.HttpPoolConfig;
import ai.vaultgemma.pool.RetryPolicy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Fills an {@link InferenceClient.Builder} from {@link VaultGemmaProperties}. For each setting the
 * order is: the property, then the seed's environment variable (read through the Spring {@code
 * Environment}, with the seed's own parsing rules), then the library default. The seed variables
 * are first checked by {@link InferenceClient#builderFromEnv}, so a malformed one fails with the
 * seed's message, which names the variable.
 *
 * <p>Every value goes through the library builder's own check; a failure is rethrown as a {@link
 * VaultGemmaPropertyException} naming the property. Not thread-safe; used once per client.
 */
final class ClientFactory {

  private final VaultGemmaProperties p;
  private final Function<String, @Nullable String> env;

  /**
   * @param properties the bound properties
   * @param env looks up a seed environment variable (null when unset); the application's {@code
   *     Environment}, so system environment, system properties and config files all count
   */
  ClientFactory(VaultGemmaProperties properties, Function<String, @Nullable String> env) {
    this.p = properties;
    this.env = env;
  }

  /**
   * Returns a builder filled from the properties.
   *
   * @param dataSource the application's data source, for {@code
   *     vaultgemma.tier.use-application-data-source}; null if it has none
   * @param dataSourceUrl {@code spring.datasource.url}, or null
   * @return the builder, not built
   * @throws VaultGemmaPropertyException if a property's value is bad
   * @throws IllegalArgumentException if a seed environment variable is malformed
   */
  InferenceClient.Builder builder(@Nullable DataSource dataSource, @Nullable String dataSourceUrl) {
    InferenceClient.builderFromEnv(env); // checks the seed variables, with the seed's messages
    InferenceClient.Builder b = InferenceClient.builder();
    if (p.endpoints().isEmpty()) {
      String baseUrl = p.baseUrl() != null ? p.baseUrl() : envValue(InferenceClient.ENV_BASE_URL);
      set(
          "vaultgemma.base-url",
          baseUrl == null ? InferenceClient.DEFAULT_BASE_URL : baseUrl,
          b::baseUrl);
      set(
          "vaultgemma.api-key",
          p.apiKey() != null ? p.apiKey() : envValue(InferenceClient.ENV_API_KEY),
          key -> b.apiKey(key));
    } else {
      // The seed variables stand for base-url and api-key; with endpoints they are not read.
      if (p.baseUrl() != null) {
        throw new VaultGemmaPropertyException(
            "vaultgemma.base-url",
            "vaultgemma.base-url and vaultgemma.endpoints must not both be set: move the base URL"
                + " into vaultgemma.endpoints[0].base-url (the first endpoint names the cache key)",
            null);
      }
      if (p.apiKey() != null) {
        throw new VaultGemmaPropertyException(
            "vaultgemma.api-key",
            "vaultgemma.api-key and vaultgemma.endpoints must not both be set: give each endpoint"
                + " its own vaultgemma.endpoints[n].api-key (value hidden)",
            null);
      }
      set("vaultgemma.endpoints", endpoints("vaultgemma.endpoints", p.endpoints()), b::endpoints);
    }
    if (!p.fallbacks().isEmpty()) {
      set("vaultgemma.fallbacks", endpoints("vaultgemma.fallbacks", p.fallbacks()), b::fallbacks);
    }
    RoutingPolicy routing = routing();
    if (routing != null) {
      b.routing(routing);
    }
    RateLimit perScope = rateLimit("vaultgemma.rate-limit.per-scope", p.rateLimit().perScope());
    if (perScope != null) {
      b.rateLimitPerScope(perScope);
    }
    RateLimit perEndpoint =
        rateLimit("vaultgemma.rate-limit.per-endpoint", p.rateLimit().perEndpoint());
    if (perEndpoint != null) {
      set("vaultgemma.rate-limit.per-endpoint", perEndpoint, b::rateLimitPerEndpoint);
    }
    StructuredLogger logger = logger();
    if (logger != null) {
      b.logger(logger);
    }
    set("vaultgemma.cache-scope", p.cacheScope(), b::cacheScope);
    set("vaultgemma.call-timeout", p.callTimeout(), b::callTimeout);
    set("vaultgemma.stream-timeout", p.streamTimeout(), b::streamTimeout);
    set("vaultgemma.shutdown-timeout", p.shutdownTimeout(), b::shutdownTimeout);
    set("vaultgemma.max-concurrent-calls", p.maxConcurrentCalls(), b::maxConcurrentCalls);
    set(
        "vaultgemma.max-concurrent-calls-per-endpoint",
        p.maxConcurrentCallsPerEndpoint(),
        b::maxConcurrentCallsPerEndpoint);
    set("vaultgemma.max-waiting-calls", p.maxWaitingCalls(), b::maxWaitingCalls);

    VaultGemmaProperties.CacheSpec inference = p.cache().inference();
    Long capacity =
        inference.capacity() != null
            ? inference.capacity()
            : envLong(InferenceClient.ENV_CACHE_CAPACITY);
    Long ttlHours = envLong(InferenceClient.ENV_CACHE_TTL_HOURS);
    Duration ttl =
        inference.ttl() != null
            ? inference.ttl()
            : ttlHours == null ? null : Duration.ofHours(ttlHours);
    if (capacity != null || ttl != null) {
      b.inferenceCache(cache("vaultgemma.cache.inference", CacheConfig.inference(), capacity, ttl));
    }
    VaultGemmaProperties.CacheSpec embeddings = p.cache().embeddings();
    if (embeddings.capacity() != null || embeddings.ttl() != null) {
      b.embeddingCache(
          cache(
              "vaultgemma.cache.embeddings",
              CacheConfig.embeddings(),
              embeddings.capacity(),
              embeddings.ttl()));
    }
    b.httpPool(httpPool());

    DbPoolConfig db = dbPool();
    if (db != null) {
      b.dbPool(db);
    }
    sharedTier(b, db != null, dataSource, dataSourceUrl);
    return b;
  }

  /** Builds each endpoint, naming the property with its index when a value is rejected. */
  private static List<Endpoint> endpoints(
      String prefix, List<VaultGemmaProperties.EndpointSpec> specs) {
    List<Endpoint> endpoints = new ArrayList<>(specs.size());
    for (int i = 0; i < specs.size(); i++) {
      String at = prefix + "[" + i + "]";
      VaultGemmaProperties.EndpointSpec spec = specs.get(i);
      String baseUrl = spec.baseUrl();
      if (baseUrl == null || baseUrl.isBlank()) {
        throw new VaultGemmaPropertyException(
            at + ".base-url", at + ".base-url must be set but was not set", null);
      }
      Endpoint.Builder e = make(at + ".base-url", () -> Endpoint.builder(baseUrl));
      set(at + ".api-key", spec.apiKey(), key -> e.apiKey(key));
      set(at + ".weight", spec.weight(), e::weight);
      for (Map.Entry<String, String> model : spec.models().entrySet()) {
        set(at + ".models." + model.getKey(), model.getValue(), v -> e.model(model.getKey(), v));
      }
      endpoints.add(e.build());
    }
    return endpoints;
  }

  private @Nullable RoutingPolicy routing() {
    VaultGemmaProperties.Routing r = p.routing();
    if (r.failureThreshold() == null
        && r.openDuration() == null
        && r.probeInterval() == null
        && r.probeTimeout() == null
        && r.maxEndpointsPerCall() == null) {
      return null;
    }
    RoutingPolicy.Builder c = RoutingPolicy.defaults().toBuilder();
    set("vaultgemma.routing.failure-threshold", r.failureThreshold(), c::failureThreshold);
    set("vaultgemma.routing.open-duration", r.openDuration(), c::openDuration);
    set("vaultgemma.routing.probe-interval", r.probeInterval(), c::probeInterval);
    set("vaultgemma.routing.probe-timeout", r.probeTimeout(), c::probeTimeout);
    set(
        "vaultgemma.routing.max-endpoints-per-call",
        r.maxEndpointsPerCall(),
        c::maxEndpointsPerCall);
    return build("vaultgemma.routing", c::build);
  }

  private static @Nullable RateLimit rateLimit(String prefix, VaultGemmaProperties.Limit l) {
    if (l.requestsPerMinute() == null && l.tokensPerMinute() == null) {
      if (l.whenExceeded() != null) {
        throw new VaultGemmaPropertyException(
            prefix + ".requests-per-minute",
            prefix
                + ".requests-per-minute or "
                + prefix
                + ".tokens-per-minute must be set when "
                + prefix
                + ".when-exceeded is, but neither was",
            null);
      }
      return null;
    }
    RateLimit.Builder c = RateLimit.builder();
    set(prefix + ".requests-per-minute", l.requestsPerMinute(), c::requestsPerMinute);
    set(prefix + ".tokens-per-minute", l.tokensPerMinute(), c::tokensPerMinute);
    set(prefix + ".when-exceeded", l.whenExceeded(), c::whenExceeded);
    return build(prefix, c::build);
  }

  /** The client's logger, or null to keep the client's own (the behaviour without Spring). */
  private @Nullable StructuredLogger logger() {
    VaultGemmaProperties.Logging l = p.logging();
    if (l.loggerName() == null
        && l.redactedNames().isEmpty()
        && !l.logText()
        && l.maxTextLength() == null) {
      return null;
    }
    LogPolicy.Builder policy = LogPolicy.defaults().toBuilder(); // the defaults always stay
    List<String> names = l.redactedNames();
    for (int i = 0; i < names.size(); i++) {
      set("vaultgemma.logging.redacted-names[" + i + "]", names.get(i), policy::addRedactedName);
    }
    policy.logText(l.logText());
    set("vaultgemma.logging.max-text-length", l.maxTextLength(), policy::maxTextLength);
    String name = l.loggerName();
    if (name != null && name.isBlank()) {
      throw new VaultGemmaPropertyException(
          "vaultgemma.logging.logger-name",
          "vaultgemma.logging.logger-name must not be blank but was \"" + name + "\"",
          null);
    }
    String loggerName = name != null ? name.strip() : InferenceClient.class.getName();
    return StructuredLogger.of(loggerName).withPolicy(policy.build());
  }

  private CacheConfig cache(
      String prefix, CacheConfig preset, @Nullable Long capacity, @Nullable Duration ttl) {
    CacheConfig.Builder c = preset.toBuilder();
    set(prefix + ".capacity", capacity, c::maximumEntries);
    set(prefix + ".ttl", ttl, c::defaultTtl);
    return build(prefix, c::build);
  }

  private HttpPoolConfig httpPool() {
    VaultGemmaProperties.Http h = p.http();
    HttpPoolConfig.Builder c = HttpPoolConfig.fromEnv(env).toBuilder();
    set("vaultgemma.http.connect-timeout", h.connectTimeout(), c::connectTimeout);
    set("vaultgemma.http.read-timeout", h.readTimeout(), c::readTimeout);
    set("vaultgemma.http.write-timeout", h.writeTimeout(), c::writeTimeout);
    set("vaultgemma.http.call-timeout", h.callTimeout(), c::callTimeout);
    set("vaultgemma.http.stream-idle-timeout", h.streamIdleTimeout(), c::streamIdleTimeout);
    set("vaultgemma.http.max-idle-connections", h.maxIdleConnections(), c::maxIdleConnections);
    set("vaultgemma.http.keep-alive", h.keepAlive(), c::keepAlive);
    set("vaultgemma.http.max-requests", h.maxRequests(), c::maxRequests);
    set("vaultgemma.http.max-requests-per-host", h.maxRequestsPerHost(), c::maxRequestsPerHost);
    set("vaultgemma.http.http2", h.http2(), c::http2);
    VaultGemmaProperties.Retry r = h.retry();
    if (r.maxRetries() != null
        || r.initialBackoff() != null
        || r.backoffMultiplier() != null
        || r.maxBackoff() != null
        || r.retryOnIoFailure() != null) {
      RetryPolicy.Builder retry = RetryPolicy.defaults().toBuilder();
      set("vaultgemma.http.retry.max-retries", r.maxRetries(), retry::maxRetries);
      set(
          "vaultgemma.http.retry.retry-on-io-failure",
          r.retryOnIoFailure(),
          retry::retryOnIoFailure);
      if (r.initialBackoff() != null || r.backoffMultiplier() != null || r.maxBackoff() != null) {
        Duration initial = orElse(r.initialBackoff(), RetryPolicy.DEFAULT_INITIAL_BACKOFF);
        double multiplier = orElse(r.backoffMultiplier(), RetryPolicy.DEFAULT_BACKOFF_MULTIPLIER);
        Duration max = orElse(r.maxBackoff(), RetryPolicy.DEFAULT_MAX_BACKOFF);
        String name =
            r.initialBackoff() != null
                ? "vaultgemma.http.retry.initial-backoff"
                : r.backoffMultiplier() != null
                    ? "vaultgemma.http.retry.backoff-multiplier"
                    : "vaultgemma.http.retry.max-backoff";
        set(name, initial, i -> retry.backoff(i, multiplier, max));
      }
      c.retryPolicy(build("vaultgemma.http.retry", retry::build));
    }
    return build("vaultgemma.http", c::build);
  }

  private @Nullable DbPoolConfig dbPool() {
    VaultGemmaProperties.Db d = p.db();
    String dsn = d.dsn() != null ? d.dsn() : envValue(DbPoolConfig.ENV_DSN);
    if (dsn == null) {
      if (d.username() != null
          || d.password() != null
          || d.maxOpen() != null
          || d.maxIdle() != null
          || d.acquireTimeout() != null) {
        throw new VaultGemmaPropertyException(
            "vaultgemma.db.dsn",
            "vaultgemma.db.dsn must be set (or "
                + DbPoolConfig.ENV_DSN
                + ") when other vaultgemma.db properties are, but was not set",
            null);
      }
      return null;
    }
    DbPoolConfig.Builder c = DbPoolConfig.builder();
    set("vaultgemma.db.dsn", dsn, c::dsn);
    set("vaultgemma.db.username", d.username(), c::username);
    set("vaultgemma.db.password", d.password(), c::password);
    Long maxOpen =
        d.maxOpen() != null ? Long.valueOf(d.maxOpen()) : envLong(DbPoolConfig.ENV_MAX_OPEN);
    Long maxIdle =
        d.maxIdle() != null ? Long.valueOf(d.maxIdle()) : envLong(DbPoolConfig.ENV_MAX_IDLE);
    set("vaultgemma.db.max-open", maxOpen, v -> c.maxOpen(Math.toIntExact(v)));
    set("vaultgemma.db.max-idle", maxIdle, v -> c.maxIdle(Math.toIntExact(v)));
    set("vaultgemma.db.acquire-timeout", d.acquireTimeout(), c::acquireTimeout);
    c.failFast(d.failFast());
    return build("vaultgemma.db", c::build);
  }

  private void sharedTier(
      InferenceClient.Builder b,
      boolean hasDbPool,
      @Nullable DataSource dataSource,
      @Nullable String dataSourceUrl) {
    VaultGemmaProperties.SharedTier t = p.tier();
    boolean useApp = t.useApplicationDataSource();
    Boolean enabled = t.enabled() != null ? t.enabled() : envOnOff(InferenceClient.ENV_SHARED_TIER);
    if (enabled == null) {
      enabled = hasDbPool || useApp;
    }
    if (!enabled) {
      return;
    }
    SharedTierConfig.Builder c = SharedTierConfig.defaults().toBuilder();
    set("vaultgemma.tier.table-prefix", t.tablePrefix(), c::tablePrefix);
    set("vaultgemma.tier.read-timeout", t.readTimeout(), c::readTimeout);
    SharedTierConfig config = build("vaultgemma.tier", c::build);
    if (useApp) {
      if (dataSource == null) {
        throw new VaultGemmaPropertyException(
            "vaultgemma.tier.use-application-data-source",
            "vaultgemma.tier.use-application-data-source is true but the application has"
                + " no single (or @Primary) DataSource bean",
            null);
      }
      String url = t.jdbcUrl() != null ? t.jdbcUrl() : dataSourceUrl;
      String jdbcUrl = url != null ? url : askUrl(dataSource);
      set("vaultgemma.tier.jdbc-url", jdbcUrl, u -> b.sharedTier(config, dataSource, u));
    } else if (hasDbPool) {
      b.sharedTier(config);
    } else {
      throw new VaultGemmaPropertyException(
          "vaultgemma.tier.enabled",
          "vaultgemma.tier.enabled is true but there is no database for it: set"
              + " vaultgemma.db.dsn (or "
              + DbPoolConfig.ENV_DSN
              + "), or vaultgemma.tier.use-application-data-source=true",
          null);
    }
  }

  /** Asks a connection for its URL: the data source may be of any kind. */
  private static String askUrl(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection()) {
      return connection.getMetaData().getURL();
    } catch (SQLException e) {
      throw new VaultGemmaPropertyException(
          "vaultgemma.tier.jdbc-url",
          "vaultgemma.tier.jdbc-url must be set (or spring.datasource.url) when the"
              + " application's DataSource cannot be asked for its URL at startup: "
              + e.getMessage(),
          e);
    }
  }

  private @Nullable String envValue(String name) {
    String value = env.apply(name);
    return value == null || value.isBlank() ? null : value.strip();
  }

  /** A seed number, already checked by {@code builderFromEnv}. */
  private @Nullable Long envLong(String name) {
    String value = envValue(name);
    return value == null ? null : Long.valueOf(value);
  }

  /** The seed's on/off switch, already checked by {@code builderFromEnv} (when a DSN is set). */
  private @Nullable Boolean envOnOff(String name) {
    String value = envValue(name);
    if (value == null) {
      return null;
    }
    if (value.equalsIgnoreCase("on")) {
      return true;
    }
    if (value.equalsIgnoreCase("off")) {
      return false;
    }
    throw new IllegalArgumentException(name + " must be on or off but was \"" + value + "\"");
  }

  private static <T> T orElse(@Nullable T value, T otherwise) {
    return value != null ? value : otherwise;
  }

  /** Hands a set value to a builder method, naming the property if the builder rejects it. */
  private static <T> void set(String property, @Nullable T value, Consumer<T> setter) {
    if (value == null) {
      return;
    }
    try {
      setter.accept(value);
    } catch (IllegalArgumentException | IllegalStateException | ArithmeticException e) {
      throw VaultGemmaPropertyException.of(property, e);
    }
  }

  /** Starts a builder from one value, naming the property if the value is rejected. */
  private static <T> T make(String property, Supplier<T> make) {
    try {
      return make.get();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw VaultGemmaPropertyException.of(property, e);
    }
  }

  /** Builds a config, naming the group of properties if the combination is rejected. */
  private static <T> T build(String prefix, Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException | IllegalStateException e) {
      // A rule between two values: keep the builder's field names, which say which two.
      throw new VaultGemmaPropertyException(prefix, prefix + ": " + e.getMessage(), e);
    }
  }
}
