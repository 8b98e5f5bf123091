package ai.vaultgemma.spring.autoconfigure;

import ai.vaultgemma.core.HealthSnapshot;
import ai.vaultgemma.core.InferenceClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reports {@link InferenceClient#health()} to Actuator as the {@code vaultgemma} component.
 *
 * <p>Status: the client's {@code ok} is {@link Status#UP}, {@code down} (closed) is {@link
 * Status#DOWN}, and {@code degraded} (calls succeed, but the database behind the shared tier fails,
 * or an endpoint's circuit breaker is not closed) is {@code vaultgemma.health.degraded-status},
 * {@code UP} by default: the client still answers, from the server and its in-memory cache, so an
 * outage of the shared database should not take every instance out of the load balancer at once.
 * The reasons are in the details either way.
 *
 * <p>Details are the seed's health JSON: {@code status}, {@code version}, {@code reasons}, {@code
 * client} (call counters) and each section of {@code pools} ({@code db_pool}, {@code http_pool},
 * {@code inference_cache}, {@code embedding_cache}, and {@code shared_tier} when there is one) at
 * the top level, and {@code endpoints}: each endpoint's {@code name}, {@code base_url}, breaker
 * {@code state} ({@code closed}, {@code open}, {@code half_open}), {@code weight} and counters.
 * Nothing secret is in them. With a DB pool, each check runs its health query, bounded by two
 * seconds.
 *
 * <p>Thread-safe.
 */
public final class InferenceClientHealthIndicator implements HealthIndicator {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final InferenceClient client;
  private final Status degradedStatus;

  /**
   * Creates the indicator.
   *
   * @param client the client to report
   * @param degradedStatus the status to report while the client is degraded
   * @throws NullPointerException if an argument is null
   */
  public InferenceClientHealthIndicator(InferenceClient client, Status degradedStatus) {
    this.client = Objects.requireNonNull(client, "client");
    this.degradedStatus = Objects.requireNonNull(degradedStatus, "degradedStatus");
  }

  /**
   * Takes the client's health snapshot.
   *
   * @return the health with the snapshot's sections as details
   */
  @Override
  public Health health() {
    HealthSnapshot snapshot = client.health();
    Status status =
        switch (snapshot.status()) {
          case OK -> Status.UP;
          case DEGRADED -> degradedStatus;
          case DOWN -> Status.DOWN;
        };
    Map<String, Object> json = JSON.readValue(snapshot.toJson(), MAP);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("status", json.get("status"));
    details.put("version", json.get("version"));
    details.put("reasons", json.get("reasons"));
    if (json.get("pools") instanceof Map<?, ?> pools) {
      pools.forEach((name, section) -> details.put(String.valueOf(name), section));
    }
    details.put("client", json.get("client"));
    Object endpoints = json.get("endpoints");
    if (endpoints != null) {
      details.put("endpoints", endpoints);
    }
    return Health.status(status).withDetails(details).build();
  }
}
