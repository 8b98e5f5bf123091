package ai.vaultgemma.core;

import com.google.errorprone.annotations.Immutable;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * How a client with several endpoints keeps track of their health and falls back when one fails:
 * the circuit breaker of each endpoint, the active probe, and which failures are tried elsewhere.
 *
 * <pre>{@code
 * InferenceClient client = InferenceClient.builder()
 *     .endpoints(List.of(Endpoint.of("http://vllm-1:8000/v1"), Endpoint.of("http://vllm-2:8000/v1")))
 *     .routing(RoutingPolicy.defaults().toBuilder().openDuration(Duration.ofSeconds(10)).build())
 *     .build();
 * }</pre>
 *
 * <p><b>Circuit breaker</b>, one per endpoint: after {@link #failureThreshold()} failures in a row
 * (connection errors, timeouts, HTTP 5xx and 429 seen on real calls or probes) the endpoint is
 * <em>open</em> and gets no calls while another endpoint can take them. After {@link
 * #openDuration()} it is <em>half-open</em>: one call (or a successful probe) tries it; success
 * closes it, failure opens it again. When every endpoint is open a call still goes to the one open
 * longest, so a breaker steers traffic and never fails a call by itself.
 *
 * <p><b>Active probe</b>: with more than one endpoint, every {@link #probeInterval()} the client
 * sends {@code GET models} to each endpoint on its own threads (never a caller's), bounded by
 * {@link #probeTimeout()}. A probe that fails as above counts like a failed call; a probe answered
 * by HTTP (even 404, for servers without the route) shows the endpoint is up.
 *
 * <p><b>Fallback</b>: a call that fails with a failure {@link #fallbackWhen() the policy accepts}
 * (by default connection errors, timeouts, HTTP 5xx and 429; never another 4xx such as 400, which
 * would fail anywhere) is sent to another endpoint, up to {@link #maxEndpointsPerCall()} endpoints
 * in all and within the call's deadline: first the other replicas, least loaded first, then the
 * client's fallback endpoints in order. A stream falls back only before its first chunk reached the
 * caller. Each endpoint's own retries (the HTTP pool's {@code RetryPolicy}) run before it counts as
 * failed.
 *
 * <p>Immutable and thread-safe.
 */
@Immutable
public final class RoutingPolicy {

  /** Failures in a row that open an endpoint's breaker by default: 5. */
  public static final int DEFAULT_FAILURE_THRESHOLD = 5;

  /** How long a breaker stays open by default: 30 seconds. */
  public static final Duration DEFAULT_OPEN_DURATION = Duration.ofSeconds(30);

  /** How often each endpoint is probed by default: every 10 seconds. */
  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(10);

  /** How long a probe may take by default: 5 seconds. */
  public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(5);

  /** How many endpoints one call may try by default: 3 (the first and two fallbacks). */
  public static final int DEFAULT_MAX_ENDPOINTS_PER_CALL = 3;

  private static final RoutingPolicy DEFAULTS = new Builder().build();

  private final int failureThreshold;
  private final Duration openDuration;
  private final Duration probeInterval;
  private final Duration probeTimeout;
  private final int maxEndpointsPerCall;

  @SuppressWarnings("Immutable") // documented: the predicate must be stateless
  private final Predicate<InferenceException> fallbackWhen;

  private RoutingPolicy(Builder b) {
    this.failureThreshold = b.failureThreshold;
    this.openDuration = b.openDuration;
    this.probeInterval = b.probeInterval;
    this.probeTimeout = b.probeTimeout;
    this.maxEndpointsPerCall = b.maxEndpointsPerCall;
    this.fallbackWhen = b.fallbackWhen;
  }

  /**
   * Returns the defaults: breaker opens after 5 failures in a row for 30 s, probes every 10 s with
   * a 5 s timeout, up to 3 endpoints per call, fallback on {@link #isFallbackFailure}.
   *
   * @return the defaults
   */
  public static RoutingPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a builder with the defaults.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder that starts with this policy's settings.
   *
   * @return the builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.failureThreshold = failureThreshold;
    b.openDuration = openDuration;
    b.probeInterval = probeInterval;
    b.probeTimeout = probeTimeout;
    b.maxEndpointsPerCall = maxEndpointsPerCall;
    b.fallbackWhen = fallbackWhen;
    return b;
  }

  /**
   * The default fallback rule: true for a connection failure, a timeout, HTTP 5xx and HTTP 429;
   * false for everything else (a 400, 401, 404 or 422 would fail on any endpoint, and an answer the
   * server sent but we could not read is not the endpoint's outage).
   *
   * @param failure what the endpoint failed with
   * @return whether another endpoint should be tried
   * @throws NullPointerException if {@code failure} is null
   */
  public static boolean isFallbackFailure(InferenceException failure) {
    Objects.requireNonNull(failure, "failure");
    if (failure instanceof InferenceConnectionException
        || failure instanceof InferenceTimeoutException) {
      return true;
    }
    if (failure instanceof InferenceHttpException http) {
      return http.status() >= 500 || http.status() == 429;
    }
    return false;
  }

  /** Returns how many failures in a row open an endpoint's breaker. */
  public int failureThreshold() {
    return failureThreshold;
  }

  /** Returns how long a breaker stays open before one call or probe may try the endpoint. */
  public Duration openDuration() {
    return openDuration;
  }

  /** Returns how often each endpoint is probed; zero when probing is off. */
  public Duration probeInterval() {
    return probeInterval;
  }

  /** Returns how long one probe may take. */
  public Duration probeTimeout() {
    return probeTimeout;
  }

  /** Returns how many endpoints one call may try, the first included. */
  public int maxEndpointsPerCall() {
    return maxEndpointsPerCall;
  }

  /** Returns which failures are tried on another endpoint. */
  public Predicate<InferenceException> fallbackWhen() {
    return fallbackWhen;
  }

  @Override
  public String toString() {
    return "RoutingPolicy{failureThreshold="
        + failureThreshold
        + ", openDuration="
        + openDuration
        + ", probeInterval="
        + probeInterval
        + ", probeTimeout="
        + probeTimeout
        + ", maxEndpointsPerCall="
        + maxEndpointsPerCall
        + "}";
  }

  /** Builds a {@link RoutingPolicy}. Not thread-safe. */
  public static final class Builder {
    private int failureThreshold = DEFAULT_FAILURE_THRESHOLD;
    private Duration openDuration = DEFAULT_OPEN_DURATION;
    private Duration probeInterval = DEFAULT_PROBE_INTERVAL;
    private Duration probeTimeout = DEFAULT_PROBE_TIMEOUT;
    private int maxEndpointsPerCall = DEFAULT_MAX_ENDPOINTS_PER_CALL;
    private Predicate<InferenceException> fallbackWhen = RoutingPolicy::isFallbackFailure;

    private Builder() {}

    /**
     * Sets how many failures in a row open an endpoint's breaker (default {@value
     * #DEFAULT_FAILURE_THRESHOLD}).
     *
     * @param failures from 1 to 1000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder failureThreshold(int failures) {
      if (failures < 1 || failures > 1000) {
        throw new IllegalArgumentException(
            "failureThreshold must be between 1 and 1000 but was " + failures);
      }
      this.failureThreshold = failures;
      return this;
    }

    /**
     * Sets how long a breaker stays open (default 30 s).
     *
     * @param duration positive, at most one day
     * @return this builder
     * @throws IllegalArgumentException if not positive or over one day
     * @throws NullPointerException if {@code duration} is null
     */
    public Builder openDuration(Duration duration) {
      this.openDuration = positive("openDuration", duration);
      return this;
    }

    /**
     * Sets how often each endpoint is probed (default 10 s); {@link Duration#ZERO} turns the probe
     * off.
     *
     * @param interval zero or positive, at most one day
     * @return this builder
     * @throws IllegalArgumentException if negative or over one day
     * @throws NullPointerException if {@code interval} is null
     */
    public Builder probeInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      this.probeInterval = interval.isZero() ? interval : positive("probeInterval", interval);
      return this;
    }

    /**
     * Sets how long one probe may take (default 5 s).
     *
     * @param timeout positive, at most one day
     * @return this builder
     * @throws IllegalArgumentException if not positive or over one day
     * @throws NullPointerException if {@code timeout} is null
     */
    public Builder probeTimeout(Duration timeout) {
      this.probeTimeout = positive("probeTimeout", timeout);
      return this;
    }

    /**
     * Sets how many endpoints one call may try, the first included (default {@value
     * #DEFAULT_MAX_ENDPOINTS_PER_CALL}); 1 turns fallback off.
     *
     * @param endpoints from 1 to 100
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxEndpointsPerCall(int endpoints) {
      if (endpoints < 1 || endpoints > 100) {
        throw new IllegalArgumentException(
            "maxEndpointsPerCall must be between 1 and 100 but was " + endpoints);
      }
      this.maxEndpointsPerCall = endpoints;
      return this;
    }

    /**
     * Sets which failures are tried on another endpoint (default {@link
     * RoutingPolicy#isFallbackFailure}). Called on the thread the failure arrived on; must be fast,
     * stateless and not throw.
     *
     * @param rule answers true to fall back
     * @return this builder
     * @throws NullPointerException if {@code rule} is null
     */
    public Builder fallbackWhen(Predicate<InferenceException> rule) {
      this.fallbackWhen = Objects.requireNonNull(rule, "rule");
      return this;
    }

    private static Duration positive(String field, Duration d) {
      Objects.requireNonNull(d, field);
      if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException(
            field + " must be positive and at most one day but was " + d);
      }
      return d;
    }

    /**
     * Builds the policy.
     *
     * @return the policy
     */
    public RoutingPolicy build() {
      return new RoutingPolicy(this);
    }
  }
}
