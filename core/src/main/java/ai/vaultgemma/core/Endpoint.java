package ai.vaultgemma.core;

import ai.vaultgemma.core.internal.BaseUrls;
import com.google.errorprone.annotations.Immutable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One inference server a client may call: its base URL, its credentials, the names it knows the
 * requested models by, and its weight among the client's endpoints.
 *
 * <pre>{@code
 * Endpoint local = Endpoint.of("http://vllm-1:8000/v1");
 * Endpoint hosted = Endpoint.builder("https://api.example.com/v1")
 *     .apiKey(() -> secrets.current("inference"))      // read per request: rotation just works
 *     .model("gemma-3-4b", "google/gemma-3-4b-it")     // requested name -> this server's name
 *     .weight(2)                                        // twice the share of a weight-1 endpoint
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe. The API key, or its supplier, is never shown: {@link #toString()}
 * prints {@code apiKey=****}, and no message names the key's value. A supplier is called on the
 * thread that sends each request (the caller's, or an HTTP thread), so it must be fast and
 * thread-safe; what it returns is checked each time, and a bad key fails that call only.
 *
 * <p>Model mapping: a request for a model listed with {@link Builder#model(String, String)} is sent
 * to this endpoint with the mapped name; other models are sent as requested. Answers are cached
 * under the requested name, so which endpoint answered never changes a cache key.
 */
@Immutable
public final class Endpoint {

  /** The weight of an endpoint that sets none: 1. */
  public static final int DEFAULT_WEIGHT = 1;

  /** The largest weight: 1000. */
  public static final int MAXIMUM_WEIGHT = 1000;

  private final String baseUrl;
  private final String name;

  @SuppressWarnings("Immutable") // the supplier is the caller's; documented as thread-safe
  private final @Nullable Supplier<String> apiKey;

  private final boolean fixedKey;

  @SuppressWarnings("Immutable") // an unmodifiable copy
  private final Map<String, String> models;

  private final int weight;

  private Endpoint(Builder b) {
    this.baseUrl = b.baseUrl;
    okhttp3.HttpUrl url = BaseUrls.parse(b.baseUrl);
    this.name = url.scheme() + "://" + url.host() + ":" + url.port();
    this.apiKey = b.apiKey;
    this.fixedKey = b.fixedKey;
    this.models = Map.copyOf(b.models);
    this.weight = b.weight;
  }

  /**
   * Returns an endpoint with no API key, no model mapping and the default weight.
   *
   * @param baseUrl the server's base URL, such as {@code http://localhost:8080/v1}
   * @return the endpoint
   * @throws IllegalArgumentException if the URL is malformed or carries credentials, a query or a
   *     fragment (the message masks them)
   * @throws NullPointerException if {@code baseUrl} is null
   */
  public static Endpoint of(String baseUrl) {
    return builder(baseUrl).build();
  }

  /**
   * Returns a builder for an endpoint at this base URL.
   *
   * @param baseUrl the server's base URL, the part before {@code /chat/completions}
   * @return the builder
   * @throws IllegalArgumentException if the URL is malformed or carries credentials, a query or a
   *     fragment (the message masks them)
   * @throws NullPointerException if {@code baseUrl} is null
   */
  public static Builder builder(String baseUrl) {
    return new Builder(baseUrl);
  }

  /**
   * Returns a builder that starts with this endpoint's settings.
   *
   * @return the builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(baseUrl);
    b.apiKey = apiKey;
    b.fixedKey = fixedKey;
    b.models.putAll(models);
    b.weight = weight;
    return b;
  }

  /**
   * Returns the base URL as given, stripped of surrounding white space.
   *
   * @return the base URL
   */
  public String baseUrl() {
    return baseUrl;
  }

  /**
   * Returns the endpoint as messages, logs and the health JSON name it: scheme, host and port,
   * never credentials or path.
   *
   * @return such as {@code http://vllm-1:8000}
   */
  public String name() {
    return name;
  }

  /**
   * Returns the endpoint's weight: its share of calls against the others when all are equally
   * loaded.
   *
   * @return from 1 to {@link #MAXIMUM_WEIGHT}
   */
  public int weight() {
    return weight;
  }

  /**
   * Returns whether requests carry an API key.
   *
   * @return true when a key or a key supplier was set
   */
  public boolean hasApiKey() {
    return apiKey != null;
  }

  /**
   * Returns the API-key supplier, called once per request; for the client.
   *
   * @return the supplier, or null when the endpoint needs no key
   */
  public @Nullable Supplier<String> apiKeySupplier() {
    return apiKey;
  }

  /**
   * Returns the model name this endpoint knows a requested model by.
   *
   * @param requested the model the request names
   * @return the mapped name, or {@code requested} when it has no mapping
   * @throws NullPointerException if {@code requested} is null
   */
  public String modelFor(String requested) {
    Objects.requireNonNull(requested, "requested");
    return models.getOrDefault(requested, requested);
  }

  /**
   * Returns the model mapping, requested name to this endpoint's name.
   *
   * @return an unmodifiable map, empty when none
   */
  public Map<String, String> models() {
    return models;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Endpoint e
        && baseUrl.equals(e.baseUrl)
        && Objects.equals(apiKey, e.apiKey)
        && models.equals(e.models)
        && weight == e.weight;
  }

  @Override
  public int hashCode() {
    return Objects.hash(baseUrl, models, weight);
  }

  @Override
  public String toString() {
    return "Endpoint{baseUrl="
        + baseUrl
        + ", apiKey="
        + (apiKey == null ? "none" : fixedKey ? "****" : "supplier ****")
        + ", models="
        + models
        + ", weight="
        + weight
        + "}";
  }

  /**
   * Builds an {@link Endpoint}. Not thread-safe. Building copies the settings, so later changes to
   * the builder do not reach endpoints already built.
   */
  public static final class Builder {
    private final String baseUrl;
    private @Nullable Supplier<String> apiKey;
    private boolean fixedKey;
    private final Map<String, String> models = new LinkedHashMap<>();
    private int weight = DEFAULT_WEIGHT;

    private Builder(String baseUrl) {
      BaseUrls.parse(baseUrl);
      this.baseUrl = baseUrl.strip();
    }

    /**
     * Sets a fixed API key, sent as {@code Authorization: Bearer}.
     *
     * @param apiKey the key
     * @return this builder
     * @throws IllegalArgumentException if the key is blank or holds characters a header cannot
     *     carry (the value is not shown)
     * @throws IllegalStateException if a key or key supplier was already set
     * @throws NullPointerException if {@code apiKey} is null
     */
    public Builder apiKey(String apiKey) {
      String key = Objects.requireNonNull(BaseUrls.checkApiKey(Objects.requireNonNull(apiKey)));
      once();
      this.apiKey = () -> key;
      this.fixedKey = true;
      return this;
    }

    /**
     * Sets where the API key comes from: called for every request, so a rotated key is used by the
     * next request without a restart. What it returns is checked each time (not blank, printable
     * ASCII); a bad or null key fails that call with a message that names the endpoint, never the
     * value.
     *
     * @param apiKey returns the current key; fast and thread-safe
     * @return this builder
     * @throws IllegalStateException if a key or key supplier was already set
     * @throws NullPointerException if {@code apiKey} is null
     */
    public Builder apiKey(Supplier<String> apiKey) {
      Objects.requireNonNull(apiKey, "apiKey");
      once();
      this.apiKey = apiKey;
      this.fixedKey = false;
      return this;
    }

    private void once() {
      if (apiKey != null) {
        throw new IllegalStateException("apiKey was already set (value hidden)");
      }
    }

    /**
     * Sends requests for {@code requested} to this endpoint as {@code served}.
     *
     * @param requested the model name callers use
     * @param served the name this endpoint knows it by
     * @return this builder
     * @throws IllegalArgumentException if a name is blank, or {@code requested} is already mapped
     * @throws NullPointerException if an argument is null
     */
    public Builder model(String requested, String served) {
      Objects.requireNonNull(requested, "requested");
      Objects.requireNonNull(served, "served");
      if (requested.isBlank() || served.isBlank()) {
        throw new IllegalArgumentException(
            "model mapping names must not be blank but were \""
                + requested
                + "\" -> \""
                + served
                + "\"");
      }
      String before = models.putIfAbsent(requested, served);
      if (before != null) {
        throw new IllegalArgumentException(
            "model \"" + requested + "\" was already mapped to \"" + before + "\"");
      }
      return this;
    }

    /**
     * Sets the endpoint's weight (default {@value #DEFAULT_WEIGHT}): with equal load, an endpoint
     * of weight 2 gets about twice the calls of one of weight 1.
     *
     * @param weight from 1 to {@value #MAXIMUM_WEIGHT}
     * @return this builder
     * @throws IllegalArgumentException if {@code weight} is out of range
     */
    public Builder weight(int weight) {
      if (weight < 1 || weight > MAXIMUM_WEIGHT) {
        throw new IllegalArgumentException(
            "weight must be between 1 and " + MAXIMUM_WEIGHT + " but was " + weight);
      }
      this.weight = weight;
      return this;
    }

    /**
     * Builds the endpoint.
     *
     * @return the endpoint
     */
    public Endpoint build() {
      return new Endpoint(this);
    }

    @Override
    public String toString() {
      return "Endpoint.Builder{baseUrl="
          + baseUrl
          + ", apiKey="
          + (apiKey == null ? "none" : "****")
          + ", weight="
          + weight
          + "}";
    }
  }
}
