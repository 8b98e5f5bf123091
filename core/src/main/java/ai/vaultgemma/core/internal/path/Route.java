package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.Endpoint;
import ai.vaultgemma.core.EndpointHealth;
import ai.vaultgemma.core.InferenceConnectionException;
import ai.vaultgemma.core.InferenceException;
import ai.vaultgemma.core.InferenceHttpException;
import ai.vaultgemma.core.InferenceTimeoutException;
import ai.vaultgemma.core.RoutingPolicy;
import ai.vaultgemma.core.internal.OpenAiTransport;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * One endpoint as the router sees it: its transport, its concurrency slots, the calls at it now,
 * and its circuit breaker. The counters are lock-free; the breaker's state is guarded by this
 * object's lock, taken once per call and per probe. Thread-safe.
 *
 * <p>Breaker: closed until {@code failureThreshold} failures in a row; then open for {@code
 * openDuration}; then half-open, when one call (or a successful probe) may try it: success closes
 * it, failure opens it again.
 */
public final class Route {
  private final Endpoint endpoint;
  private final OpenAiTransport transport;
  private final Limiter.Bucket bucket;
  private final boolean fallback;
  private final int threshold;
  private final long openNanos;
  private final LongSupplier ticker;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final LongAdder calls = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder probes = new LongAdder();
  private EndpointHealth.State state = EndpointHealth.State.CLOSED; // guarded by this
  private int consecutive; // guarded by this
  private long openedAt; // guarded by this
  private boolean trialOut; // guarded by this

  Route(
      Endpoint endpoint,
      OpenAiTransport transport,
      Limiter.Bucket bucket,
      boolean fallback,
      RoutingPolicy policy,
      LongSupplier ticker) {
    this.endpoint = endpoint;
    this.transport = transport;
    this.bucket = bucket;
    this.fallback = fallback;
    this.threshold = policy.failureThreshold();
    this.openNanos = policy.openDuration().toNanos();
    this.ticker = ticker;
  }

  /** The endpoint. */
  public Endpoint endpoint() {
    return endpoint;
  }

  /** The endpoint's protocol layer. */
  public OpenAiTransport transport() {
    return transport;
  }

  /** The endpoint's concurrency slots. */
  Limiter.Bucket bucket() {
    return bucket;
  }

  /** True for an endpoint of the fallback list (tried only after the replicas). */
  boolean isFallback() {
    return fallback;
  }

  /** Calls at the endpoint now. */
  int inFlight() {
    return inFlight.get();
  }

  /** Whether the breaker lets a call through now (a half-open breaker lets one through). */
  synchronized boolean available() {
    return switch (state) {
      case CLOSED -> true;
      case OPEN -> {
        if (ticker.getAsLong() - openedAt >= openNanos) {
          state = EndpointHealth.State.HALF_OPEN;
          trialOut = false;
          yield true;
        }
        yield false;
      }
      case HALF_OPEN -> !trialOut;
    };
  }

  /** How long the breaker has been open, for choosing among endpoints that are all open. */
  synchronized long openSince() {
    return state == EndpointHealth.State.CLOSED ? Long.MAX_VALUE : openedAt;
  }

  /** A call goes to this endpoint. */
  void start() {
    inFlight.incrementAndGet();
    calls.increment();
    synchronized (this) {
      if (state == EndpointHealth.State.HALF_OPEN) {
        trialOut = true;
      }
    }
  }

  /**
   * A call at this endpoint ended.
   *
   * @param error its failure, or null on success
   */
  void end(@Nullable InferenceException error) {
    inFlight.decrementAndGet();
    if (error == null || (error instanceof InferenceHttpException && !countsAgainst(error))) {
      success(); // it answered (a 400 is the request's fault, not the endpoint's)
    } else if (countsAgainst(error)) {
      failure();
    } else {
      releaseTrial(); // a slot wait, a bad key: nothing learned about the endpoint
    }
  }

  /** A call at this endpoint was cancelled: it says nothing about the endpoint. */
  void abandon() {
    inFlight.decrementAndGet();
    releaseTrial();
  }

  private synchronized void releaseTrial() {
    if (state == EndpointHealth.State.HALF_OPEN) {
      trialOut = false;
    }
  }

  /** Whether a failure tells that the endpoint is unwell (not that the request was bad). */
  static boolean countsAgainst(InferenceException error) {
    if (error instanceof InferenceConnectionException
        || error instanceof InferenceTimeoutException) {
      return true;
    }
    return error instanceof InferenceHttpException http
        && (http.status() >= 500 || http.status() == 429);
  }

  private synchronized void success() {
    consecutive = 0;
    state = EndpointHealth.State.CLOSED;
    trialOut = false;
  }

  private void failure() {
    failures.increment();
    synchronized (this) {
      consecutive++;
      if (state == EndpointHealth.State.HALF_OPEN
          || (state == EndpointHealth.State.CLOSED && consecutive >= threshold)) {
        state = EndpointHealth.State.OPEN;
        openedAt = ticker.getAsLong();
        trialOut = false;
      }
    }
  }

  /**
   * Probes the endpoint (on a client thread) and records what it found: a failed probe counts as a
   * failed call; a good one closes a breaker whose open duration has passed.
   *
   * @param timeoutNanos the probe's bound
   */
  void probe(long timeoutNanos) {
    probes.increment();
    if (transport.probe(timeoutNanos)) {
      if (available()) {
        synchronized (this) {
          if (state == EndpointHealth.State.HALF_OPEN) {
            success();
          }
        }
      }
    } else {
      failure();
    }
  }

  /** A point-in-time view for the health JSON. */
  EndpointHealth health() {
    EndpointHealth.State s;
    int c;
    synchronized (this) {
      s = state;
      c = consecutive;
      if (s == EndpointHealth.State.OPEN && ticker.getAsLong() - openedAt >= openNanos) {
        s = EndpointHealth.State.HALF_OPEN;
      }
    }
    return new EndpointHealth(
        endpoint.name(),
        transport.baseUrl(),
        s,
        endpoint.weight(),
        inFlight.get(),
        calls.sum(),
        failures.sum(),
        c,
        probes.sum());
  }

  @Override
  public String toString() {
    return "Route{" + endpoint.name() + "}";
  }
}
