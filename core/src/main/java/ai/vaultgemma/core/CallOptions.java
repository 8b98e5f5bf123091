package ai.vaultgemma.core;

import ai.vaultgemma.core.internal.BaseUrls;
import ai.vaultgemma.pool.RetryPolicy;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Per-call options: skip the cache read, skip the cache write, override the TTL, set the cache
 * scope (tenant isolation), set the call's deadline, add headers, send another API key, or use
 * another retry policy.
 *
 * <p>Immutable and thread-safe; build once and reuse. {@link #defaults()} reads and writes the
 * cache with the client's TTL and scope.
 *
 * <pre>{@code
 * CallOptions fresh = CallOptions.builder().skipCacheRead(true).build();   // always ask the server
 * CallOptions tenant = CallOptions.builder().scope("tenant-42").ttl(Duration.ofMinutes(5)).build();
 * ChatResponse answer = client.chat(request, tenant);
 * CallOptions patient = CallOptions.builder()
 *     .header("X-Request-Priority", "low")
 *     .apiKey(tenantKey)                       // never logged, never in toString()
 *     .retryPolicy(RetryPolicy.none())         // this call is not re-sent by the HTTP pool
 *     .build();
 * }</pre>
 *
 * <p>A per-call API key, headers and retry policy do not change the cache key: they cannot change
 * the answer. An identical call already in flight is joined whatever its key.
 */
public final class CallOptions {

  /** The longest TTL a call may ask for: one year, as {@code CacheConfig} allows. */
  public static final Duration MAXIMUM_TTL = Duration.ofDays(365);

  /** The longest deadline a call may ask for: one day. */
  public static final Duration MAXIMUM_TIMEOUT = Duration.ofDays(1);

  /** The longest scope, in characters. */
  public static final int MAXIMUM_SCOPE_LENGTH = 200;

  /** Header names a call cannot set: the transport owns them, or {@code apiKey} sets them. */
  public static final Set<String> RESERVED_HEADERS =
      Set.of(
          "authorization",
          "host",
          "content-length",
          "content-type",
          "transfer-encoding",
          "connection",
          "traceparent");

  /** The most headers one call may add. */
  public static final int MAXIMUM_HEADERS = 64;

  private static final CallOptions DEFAULTS = new Builder().build();

  private final boolean skipCacheRead;
  private final boolean skipCacheWrite;
  private final @Nullable Duration ttl;
  private final @Nullable String scope;
  private final @Nullable Duration timeout;
  private final Map<String, String> headers;
  private final @Nullable String apiKey;
  private final @Nullable RetryPolicy retryPolicy;

  private CallOptions(Builder b) {
    this.headers =
        b.headers.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
    this.apiKey = b.apiKey;
    this.retryPolicy = b.retryPolicy;
    this.skipCacheRead = b.skipCacheRead;
    this.skipCacheWrite = b.skipCacheWrite;
    this.ttl = b.ttl;
    this.scope = b.scope;
    this.timeout = b.timeout;
  }

  /**
   * Returns the options that read and write the cache with the client's TTL and scope.
   *
   * @return the default options
   */
  public static CallOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a new builder with the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder that starts from these options.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.skipCacheRead = skipCacheRead;
    b.skipCacheWrite = skipCacheWrite;
    b.ttl = ttl;
    b.scope = scope;
    b.timeout = timeout;
    b.headers.putAll(headers);
    b.apiKey = apiKey;
    b.retryPolicy = retryPolicy;
    return b;
  }

  /** Returns true if this call ignores cached answers and always asks the server. */
  public boolean skipCacheRead() {
    return skipCacheRead;
  }

  /** Returns true if this call's answer is not stored in the cache. */
  public boolean skipCacheWrite() {
    return skipCacheWrite;
  }

  /** Returns the TTL for this call's cached answer, when it overrides the cache's default. */
  public Optional<Duration> ttl() {
    return Optional.ofNullable(ttl);
  }

  /** Returns this call's cache scope, when it overrides the client's. */
  public Optional<String> scope() {
    return Optional.ofNullable(scope);
  }

  /**
   * Returns this call's deadline, when it overrides the client's: the longest the whole call may
   * take, counting the wait for a slot, every retry and backoff, and the whole body or stream.
   *
   * @return the timeout, or empty for the client's default
   */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /**
   * Returns the headers this call adds to its requests, in the order they were set.
   *
   * @return an unmodifiable map, empty when none
   */
  public Map<String, String> headers() {
    return headers;
  }

  /**
   * Returns the API key this call sends instead of its endpoint's. Treat it as a secret.
   *
   * @return the key, or empty for the endpoint's own
   */
  public Optional<String> apiKey() {
    return Optional.ofNullable(apiKey);
  }

  /**
   * Returns the retry policy this call's requests use instead of the HTTP pool's.
   *
   * @return the policy, or empty for the pool's
   */
  public Optional<RetryPolicy> retryPolicy() {
    return Optional.ofNullable(retryPolicy);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof CallOptions other
        && skipCacheRead == other.skipCacheRead
        && skipCacheWrite == other.skipCacheWrite
        && Objects.equals(ttl, other.ttl)
        && Objects.equals(scope, other.scope)
        && Objects.equals(timeout, other.timeout)
        && headers.equals(other.headers)
        && Objects.equals(apiKey, other.apiKey)
        && Objects.equals(retryPolicy, other.retryPolicy);
  }

  @Override
  public int hashCode() {
    return Objects.hash(skipCacheRead, skipCacheWrite, ttl, scope, timeout, headers.keySet());
  }

  @Override
  public String toString() {
    return "CallOptions{skipCacheRead="
        + skipCacheRead
        + ", skipCacheWrite="
        + skipCacheWrite
        + (ttl == null ? "" : ", ttl=" + ttl)
        + (scope == null ? "" : ", scope=" + scope)
        + (timeout == null ? "" : ", timeout=" + timeout)
        + (headers.isEmpty() ? "" : ", headers=" + headers.keySet())
        + (apiKey == null ? "" : ", apiKey=****")
        + (retryPolicy == null ? "" : ", retryPolicy=" + retryPolicy)
        + "}";
  }

  /** Builds {@link CallOptions}. Not thread-safe. */
  public static final class Builder {
    private boolean skipCacheRead;
    private boolean skipCacheWrite;
    private @Nullable Duration ttl;
    private @Nullable String scope;
    private @Nullable Duration timeout;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private @Nullable String apiKey;
    private @Nullable RetryPolicy retryPolicy;

    private Builder() {}

    /**
     * Sets whether this call ignores cached answers (default false). A fresh answer is still stored
     * unless {@link #skipCacheWrite(boolean)} is set too.
     *
     * @param skip true to always ask the server
     * @return this builder
     */
    public Builder skipCacheRead(boolean skip) {
      this.skipCacheRead = skip;
      return this;
    }

    /**
     * Sets whether this call's answer is kept out of the cache (default false).
     *
     * @param skip true to not store the answer
     * @return this builder
     */
    public Builder skipCacheWrite(boolean skip) {
      this.skipCacheWrite = skip;
      return this;
    }

    /**
     * Sets the TTL of this call's cached answer, overriding the cache's default TTL.
     *
     * @param ttl how long the answer stays cached
     * @return this builder
     * @throws IllegalArgumentException if {@code ttl} is zero, negative or over one year
     * @throws NullPointerException if {@code ttl} is null
     */
    public Builder ttl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.isZero() || ttl.isNegative() || ttl.compareTo(MAXIMUM_TTL) > 0) {
        throw new IllegalArgumentException(
            "ttl must be > 0 and <= " + MAXIMUM_TTL + " but was " + ttl);
      }
      this.ttl = ttl;
      return this;
    }

    /**
     * Sets this call's cache scope. Answers cached under one scope are never served to another, so
     * a scope per tenant keeps tenants apart.
     *
     * @param scope the scope, such as a tenant id
     * @return this builder
     * @throws IllegalArgumentException if {@code scope} is blank or longer than {@value
     *     #MAXIMUM_SCOPE_LENGTH} characters
     * @throws NullPointerException if {@code scope} is null
     */
    public Builder scope(String scope) {
      this.scope = checkScope("scope", scope);
      return this;
    }

    /**
     * Sets this call's deadline, overriding the client's: the longest the whole call may take,
     * counting the wait for a concurrency slot, every retry and backoff, and the whole body or
     * stream. When it passes the call fails with an {@link InferenceTimeoutException} and its
     * connection is released.
     *
     * @param timeout the longest the call may take
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is zero, negative or over {@link
     *     #MAXIMUM_TIMEOUT}
     * @throws NullPointerException if {@code timeout} is null
     */
    public Builder timeout(Duration timeout) {
      this.timeout = checkTimeout("timeout", timeout);
      return this;
    }

    /**
     * Adds a header to this call's requests, replacing one of the same name set before. Header
     * values may be secrets: {@link CallOptions#toString()} shows only the names, and messages
     * never show a value.
     *
     * @param name the header's name, a token; not one of {@link #RESERVED_HEADERS}
     * @param value the value, printable ASCII or tab
     * @return this builder
     * @throws IllegalArgumentException if the name is reserved or malformed, the value holds a
     *     character a header cannot carry (the value is not shown), or there are already {@value
     *     #MAXIMUM_HEADERS} headers
     * @throws NullPointerException if an argument is null
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("header name must not be empty");
      }
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (c <= ' ' || c >= 0x7f || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
          throw new IllegalArgumentException(
              "header name must be a token but \"" + name + "\" has a bad character at " + i);
        }
      }
      if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "header "
                + name
                + " is set by the client and cannot be set per call"
                + (name.equalsIgnoreCase("authorization") ? " (use apiKey)" : ""));
      }
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if ((c < ' ' && c != '\t') || c >= 0x7f) {
          throw new IllegalArgumentException(
              "header " + name + " value has a bad character at " + i + " (value hidden)");
        }
      }
      headers.keySet().removeIf(n -> n.equalsIgnoreCase(name));
      if (headers.size() >= MAXIMUM_HEADERS) {
        throw new IllegalArgumentException(
            "headers: at most " + MAXIMUM_HEADERS + " per call, " + name + " is one more");
      }
      headers.put(name, value);
      return this;
    }

    /**
     * Sends this call with its own API key ({@code Authorization: Bearer}) instead of its
     * endpoint's, on every endpoint it goes to. Never logged, never in {@code toString()} or
     * messages.
     *
     * @param apiKey the key
     * @return this builder
     * @throws IllegalArgumentException if the key is blank or holds characters a header cannot
     *     carry (the value is not shown)
     * @throws NullPointerException if {@code apiKey} is null
     */
    public Builder apiKey(String apiKey) {
      this.apiKey = BaseUrls.checkApiKey(Objects.requireNonNull(apiKey, "apiKey"));
      return this;
    }

    /**
     * Uses this retry policy for this call's requests instead of the HTTP pool's (on each endpoint
     * it goes to; falling back to another endpoint is the routing policy's).
     *
     * @param policy the policy, such as {@link RetryPolicy#none()}
     * @return this builder
     * @throws NullPointerException if {@code policy} is null
     */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     */
    public CallOptions build() {
      return new CallOptions(this);
    }
  }

  static Duration checkTimeout(String field, Duration timeout) {
    Objects.requireNonNull(timeout, field);
    if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(MAXIMUM_TIMEOUT) > 0) {
      throw new IllegalArgumentException(
          field + " must be > 0 and <= " + MAXIMUM_TIMEOUT + " but was " + timeout);
    }
    return timeout;
  }

  static String checkScope(String field, String scope) {
    Objects.requireNonNull(scope, field);
    if (scope.isBlank() || scope.length() > MAXIMUM_SCOPE_LENGTH) {
      throw new IllegalArgumentException(
          field
              + " must be non-blank and at most "
              + MAXIMUM_SCOPE_LENGTH
              + " characters but was \""
              + (scope.length() > 40 ? scope.substring(0, 40) + "…" : scope)
              + "\"");
    }
    return scope;
  }
}
