package ai.vaultgemma.core.internal;

import ai.vaultgemma.cache.CacheConfig;
import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.core.tier.SharedTierConfig;
import ai.vaultgemma.pool.DbPoolConfig;
import ai.vaultgemma.pool.HttpPoolConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Reads the seed's environment variables into a client builder; see {@code fromEnv()}. */
public final class EnvSettings {
  private static final String ENV_BASE_URL = InferenceClient.ENV_BASE_URL;
  private static final String ENV_API_KEY = InferenceClient.ENV_API_KEY;
  private static final String ENV_CACHE_CAPACITY = InferenceClient.ENV_CACHE_CAPACITY;
  private static final String ENV_CACHE_TTL_HOURS = InferenceClient.ENV_CACHE_TTL_HOURS;
  private static final String ENV_POSTGRES_DSN = InferenceClient.ENV_POSTGRES_DSN;
  private static final String ENV_SHARED_TIER = InferenceClient.ENV_SHARED_TIER;
  private static final String DEFAULT_BASE_URL = InferenceClient.DEFAULT_BASE_URL;

  private EnvSettings() {}

  /**
   * Fills a builder from the environment.
   *
   * @param env looks a variable up; returns null when it is unset
   * @return the builder
   * @throws IllegalArgumentException if a variable is malformed (named with the value it got; a
   *     secret's value is never shown)
   */
  public static InferenceClient.Builder builder(Function<String, @Nullable String> env) {
    Objects.requireNonNull(env, "env");
    InferenceClient.Builder b = InferenceClient.builder();
    String url = env.apply(ENV_BASE_URL);
    if (url == null || url.isBlank()) {
      b.baseUrl(DEFAULT_BASE_URL);
    } else {
      try {
        b.baseUrl(url);
      } catch (IllegalArgumentException e) {
        // The builder's message names the value, except when it would show credentials; keep
        // that choice instead of echoing the raw URL (which may carry a password) here.
        throw new IllegalArgumentException(ENV_BASE_URL + ": " + e.getMessage(), e);
      }
    }
    String key = env.apply(ENV_API_KEY);
    if (key != null) {
      if (key.isBlank()) {
        throw new IllegalArgumentException(ENV_API_KEY + " is set but blank (value hidden)");
      }
      try {
        b.apiKey(key);
      } catch (IllegalArgumentException e) {
        // the builder's message hides the value; it only lacks the variable's name
        throw new IllegalArgumentException(ENV_API_KEY + ": " + e.getMessage(), e);
      }
    }
    String capacity = env.apply(ENV_CACHE_CAPACITY);
    String ttlHours = env.apply(ENV_CACHE_TTL_HOURS);
    if (capacity != null || ttlHours != null) {
      CacheConfig.Builder cache = CacheConfig.inference().toBuilder();
      if (capacity != null) {
        cache.maximumEntries(positive(ENV_CACHE_CAPACITY, capacity, Integer.MAX_VALUE));
      }
      if (ttlHours != null) {
        cache.defaultTtl(Duration.ofHours(positive(ENV_CACHE_TTL_HOURS, ttlHours, 24L * 365)));
      }
      b.inferenceCache(cache.build());
    }
    b.httpPool(HttpPoolConfig.fromEnv(env));
    String dsn = env.apply(ENV_POSTGRES_DSN);
    if (dsn != null && !dsn.isBlank()) {
      b.dbPool(DbPoolConfig.fromEnv(env).toBuilder().failFast(false).build());
      String tier = env.apply(ENV_SHARED_TIER);
      if (tier == null || tier.isBlank() || tier.equalsIgnoreCase("on")) {
        b.sharedTier(SharedTierConfig.defaults());
      } else if (!tier.equalsIgnoreCase("off")) {
        throw new IllegalArgumentException(
            ENV_SHARED_TIER + " must be on or off but was \"" + tier + "\"");
      }
    }
    return b;
  }

  private static long positive(String name, String value, long max) {
    long parsed;
    try {
      parsed = Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          name + " must be a positive integer but was \"" + value + "\"", e);
    }
    if (parsed <= 0 || parsed > max) {
      throw new IllegalArgumentException(
          name + " must be a positive integer up to " + max + " but was \"" + value + "\"");
    }
    return parsed;
  }
}
