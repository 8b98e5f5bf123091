package ai.vaultgemma.core;

import java.util.Locale;
import java.util.Objects;

/**
 * One endpoint's health, as {@link HealthSnapshot#endpoints()} reports it. The counts are read
 * together but are point-in-time values under load. Immutable.
 *
 * @param name the endpoint as messages name it (scheme, host and port)
 * @param baseUrl its base URL (never credentials: base URLs cannot carry them)
 * @param state its circuit breaker's state
 * @param weight its weight
 * @param inFlight calls at the endpoint now
 * @param calls calls sent to it since the client was built (each fallback counts where it went)
 * @param failures calls and probes that failed in a way that counts against its health (connection
 *     errors, timeouts, HTTP 5xx and 429)
 * @param consecutiveFailures such failures since its last success
 * @param probes probes sent to it
 */
public record EndpointHealth(
    String name,
    String baseUrl,
    State state,
    int weight,
    int inFlight,
    long calls,
    long failures,
    int consecutiveFailures,
    long probes) {

  /** A circuit breaker's state; see {@link RoutingPolicy}. */
  public enum State {
    /** Calls go to the endpoint. */
    CLOSED,
    /** The endpoint failed; calls go elsewhere until the open duration has passed. */
    OPEN,
    /** The open duration has passed; one call or probe tries the endpoint. */
    HALF_OPEN;

    /** Returns the lower-case name used in the JSON ({@code closed}, {@code open}, ...). */
    public String jsonName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Checks the arguments. */
  public EndpointHealth {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(state, "state");
  }
}
