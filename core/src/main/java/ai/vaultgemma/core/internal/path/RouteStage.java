package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.ChatChunk;
import ai.vaultgemma.core.InferenceException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Picks the endpoint for a call that no cache and no flight answered (a cache hit never gets here,
 * so it never pays for routing), records how the endpoint did for its breaker, and falls back: a
 * failure the policy accepts is sent to the next endpoint the router picks, within the call's
 * deadline and the policy's endpoint count. A stream falls back only while no chunk has reached the
 * caller; after that its failure is the caller's.
 */
public final class RouteStage implements Stage {
  private final Router router;
  private final Predicate<InferenceException> fallbackWhen;
  private final int maxEndpoints;

  /**
   * Creates the stage.
   *
   * @param router picks endpoints
   */
  public RouteStage(Router router) {
    this.router = router;
    this.fallbackWhen = router.policy().fallbackWhen();
    this.maxEndpoints = router.policy().maxEndpointsPerCall();
  }

  @Override
  public void run(Exchange exchange, Receiver receiver, Chain next) {
    Route route = router.pick(null);
    if (route == null) {
      throw new IllegalStateException("no endpoint"); // the router always has one
    }
    attempt(exchange, receiver, next, route, null);
  }

  private void attempt(
      Exchange exchange, Receiver receiver, Chain next, Route route, @Nullable List<Route> tried) {
    exchange.route(route);
    route.start();
    next.proceed(exchange, new Attempt(receiver, exchange, next, route, tried));
  }

  /** One endpoint's try: its outcome goes to the breaker, and a failure may go elsewhere. */
  private final class Attempt extends ForwardingReceiver {
    private final Exchange exchange;
    private final Chain next;
    private final Route route;
    private final @Nullable List<Route> tried;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean delivered;

    Attempt(
        Receiver downstream,
        Exchange exchange,
        Chain next,
        Route route,
        @Nullable List<Route> tried) {
      super(downstream);
      this.exchange = exchange;
      this.next = next;
      this.route = route;
      this.tried = tried;
      exchange.onCancel(
          () -> {
            if (ended.compareAndSet(false, true)) {
              route.abandon();
            }
          });
    }

    @Override
    public void onChunk(ChatChunk chunk) {
      delivered = true;
      downstream.onChunk(chunk);
    }

    @Override
    public void onDone(Exchange done) {
      if (ended.compareAndSet(false, true)) {
        route.end(null);
      }
      downstream.onDone(done);
    }

    @Override
    public void onFailure(InferenceException error) {
      if (ended.compareAndSet(false, true)) {
        route.end(error);
      }
      if (!mayFallBack(error)) {
        downstream.onFailure(error);
        return;
      }
      // Attempts of one call run one after another, so the list needs no lock.
      List<Route> seen = tried != null ? tried : new ArrayList<>(maxEndpoints);
      if (seen.isEmpty()) {
        seen.add(route);
      }
      Route other = seen.size() < maxEndpoints ? router.pick(seen) : null;
      if (other == null) {
        downstream.onFailure(error);
        return;
      }
      seen.add(other);
      attempt(exchange, downstream, next, other, seen);
    }

    private boolean mayFallBack(InferenceException error) {
      if (delivered
          || exchange.isLive()
          || exchange.isCancelled()
          || exchange.nanosLeft() <= 0
          || maxEndpoints < 2) {
        return false;
      }
      try {
        return fallbackWhen.test(error);
      } catch (RuntimeException e) {
        return false; // a rule that throws does not fall back
      }
    }
  }
}
