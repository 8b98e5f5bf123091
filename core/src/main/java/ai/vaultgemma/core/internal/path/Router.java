package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.Endpoint;
import ai.vaultgemma.core.EndpointHealth;
import ai.vaultgemma.core.RoutingPolicy;
import ai.vaultgemma.core.internal.OpenAiTransport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Picks the endpoint for each call that goes to a server, and probes the endpoints. Thread-safe.
 *
 * <p>Balancing: weighted power of two choices on the calls in flight. Two distinct endpoints are
 * drawn at random, each with probability proportional to its weight, among the replicas whose
 * breaker lets a call through and that this call has not tried; the one with fewer calls in flight
 * per unit of weight gets the call. A slow endpoint holds its calls longer, so it is picked less;
 * two random draws avoid the herd that "always the least loaded" sends to one endpoint between two
 * updates. When no replica is left, the fallback endpoints are tried in their order; when every
 * endpoint's breaker is open, the call goes to the untried endpoint open longest, so a breaker
 * never fails a call by itself.
 *
 * <p>The cache key names the first endpoint's base URL, whichever endpoint answers: one endpoint
 * keeps the keys it always had, adding replicas after it keeps them too, and two clients whose
 * first endpoints differ never share answers by accident.
 */
public final class Router {
  private final List<Route> replicas;
  private final List<Route> all;
  private final RoutingPolicy policy;
  private volatile @Nullable ScheduledFuture<?> probing;

  /**
   * Creates the router.
   *
   * @param endpoints the replicas, at least one
   * @param fallbacks the fallback endpoints, in order
   * @param policy breaker, probe and fallback settings
   * @param transports makes each endpoint's protocol layer
   * @param limiter the client's slots (one bucket per endpoint)
   * @param ticker nanosecond time for the breakers
   */
  public Router(
      List<Endpoint> endpoints,
      List<Endpoint> fallbacks,
      RoutingPolicy policy,
      Function<Endpoint, OpenAiTransport> transports,
      Limiter limiter,
      LongSupplier ticker) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("a router needs at least one endpoint");
    }
    this.policy = policy;
    List<Route> r = new ArrayList<>();
    List<Route> a = new ArrayList<>();
    for (Endpoint e : endpoints) {
      Route route =
          new Route(e, transports.apply(e), limiter.bucket(e.name()), false, policy, ticker);
      r.add(route);
      a.add(route);
    }
    for (Endpoint e : fallbacks) {
      a.add(new Route(e, transports.apply(e), limiter.bucket(e.name()), true, policy, ticker));
    }
    this.replicas = List.copyOf(r);
    this.all = List.copyOf(a);
  }

  /** The first endpoint: its base URL goes in every cache key; model listing asks it. */
  public Route primary() {
    return replicas.get(0);
  }

  /** The routing settings. */
  public RoutingPolicy policy() {
    return policy;
  }

  /** Every endpoint, replicas first, then fallbacks. */
  public List<Route> routes() {
    return all;
  }

  /**
   * Picks the endpoint for a call's next attempt.
   *
   * @param tried the endpoints this call already tried, or null for its first attempt
   * @return the endpoint, or null when every endpoint was tried
   */
  public @Nullable Route pick(@Nullable List<Route> tried) {
    if (all.size() == 1) {
      return tried == null || tried.isEmpty() ? all.get(0) : null;
    }
    Route best = balance(tried);
    if (best != null) {
      return best;
    }
    for (Route route : all) {
      if (route.isFallback() && !contains(tried, route) && route.available()) {
        return route;
      }
    }
    // Every breaker is open: the endpoint open longest gets the call rather than nobody.
    Route oldest = null;
    for (Route route : all) {
      if (!contains(tried, route) && (oldest == null || route.openSince() < oldest.openSince())) {
        oldest = route;
      }
    }
    return oldest;
  }

  private @Nullable Route balance(@Nullable List<Route> tried) {
    int n = replicas.size();
    Route[] candidates = new Route[n];
    int count = 0;
    long totalWeight = 0;
    for (Route route : replicas) {
      if (!contains(tried, route) && route.available()) {
        candidates[count++] = route;
        totalWeight += route.endpoint().weight();
      }
    }
    if (count <= 1) {
      return count == 0 ? null : candidates[0];
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int first = draw(candidates, count, totalWeight, -1, random);
    int second =
        draw(candidates, count, totalWeight - candidates[first].endpoint().weight(), first, random);
    Route a = candidates[first];
    Route b = candidates[second];
    // Compare load per unit of weight without division: a.inFlight / a.w vs b.inFlight / b.w.
    long loadA = (long) a.inFlight() * b.endpoint().weight();
    long loadB = (long) b.inFlight() * a.endpoint().weight();
    return loadB < loadA ? b : a;
  }

  /** A weighted draw among the candidates, leaving out index {@code skip}. */
  private static int draw(
      Route[] candidates, int count, long weight, int skip, ThreadLocalRandom random) {
    long target = random.nextLong(weight);
    for (int i = 0; i < count; i++) {
      if (i == skip) {
        continue;
      }
      target -= candidates[i].endpoint().weight();
      if (target < 0) {
        return i;
      }
    }
    return skip == count - 1 ? count - 2 : count - 1; // unreachable with consistent weights
  }

  private static boolean contains(@Nullable List<Route> tried, Route route) {
    return tried != null && tried.contains(route);
  }

  /**
   * Starts probing every endpoint on a schedule: the timer only hands the probe to the executor,
   * whose thread sends it. Does nothing with one endpoint or when the policy turns probing off.
   *
   * @param timer the client's timer
   * @param executor the client's threads
   */
  public void startProbing(ScheduledExecutorService timer, Executor executor) {
    long interval = policy.probeInterval().toNanos();
    if (interval == 0 || all.size() < 2) {
      return;
    }
    long timeout = policy.probeTimeout().toNanos();
    probing =
        timer.scheduleWithFixedDelay(
            () -> {
              for (Route route : all) {
                try {
                  executor.execute(() -> route.probe(timeout));
                } catch (RejectedExecutionException e) {
                  return; // the client is closing
                }
              }
            },
            interval,
            interval,
            TimeUnit.NANOSECONDS);
  }

  /** Stops probing; idempotent. */
  public void stopProbing() {
    ScheduledFuture<?> p = probing;
    if (p != null) {
      p.cancel(false);
    }
  }

  /**
   * Each endpoint's health, replicas first.
   *
   * @return the views
   */
  public List<EndpointHealth> health() {
    List<EndpointHealth> out = new ArrayList<>(all.size());
    for (Route route : all) {
      out.add(route.health());
    }
    return out;
  }
}
