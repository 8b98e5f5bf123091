package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.ChatChunk;
import ai.vaultgemma.core.InferenceCall;
import ai.vaultgemma.core.InferenceException;
import ai.vaultgemma.core.tier.CacheLevel;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Joins identical calls in flight, for every call mode: a unit whose key another call is already
 * fetching waits for that call's answer instead of asking again (a streamed joiner gets the
 * leader's chunks so far, then the rest). A unit nobody fetches yet leads: its outcome completes
 * the flight for those who join it later.
 *
 * <p>A call that skips cache reads neither joins nor leads; one that skips cache writes may join
 * but never leads, since the calls that join a leader rely on finding the answer cached once the
 * flight is gone.
 */
public final class JoinStage implements Stage {
  private final Caches caches;
  private final CallCounters counters;
  private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();

  /**
   * Creates the stage.
   *
   * @param caches the client's caches (for the second look after winning a flight)
   * @param counters counts the calls that join, when they join
   */
  public JoinStage(Caches caches, CallCounters counters) {
    this.caches = caches;
    this.counters = counters;
  }

  @Override
  public void run(Exchange exchange, Receiver receiver, Chain next) {
    if (exchange.options().skipCacheRead()) {
      next.proceed(exchange, receiver);
      return;
    }
    boolean lead = !exchange.options().skipCacheWrite();
    TieredCache<?> cache = caches.of(exchange);
    IdentityHashMap<Unit, Flight> joined = new IdentityHashMap<>();
    Map<String, Flight> led = new ConcurrentHashMap<>();
    for (Unit unit : exchange.units()) {
      if (unit.isFilled()) {
        continue;
      }
      Flight flight = led.get(unit.key());
      if (flight != null) { // the same input twice in one call: the second waits for the first
        joined.put(unit, flight);
        continue;
      }
      Flight existing = flights.get(unit.key());
      if (existing == null && lead) {
        Flight mine = new Flight();
        existing = flights.putIfAbsent(unit.key(), mine);
        if (existing == null) {
          led.put(unit.key(), mine);
          continue;
        }
      }
      if (existing != null) {
        joined.put(unit, existing);
      }
    }
    if (joined.isEmpty() && led.isEmpty()) {
      next.proceed(exchange, receiver);
      return;
    }
    // Between the L1 miss and winning the flight, another call may have stored the answer and left.
    for (Unit unit : exchange.units()) {
      Flight mine = led.get(unit.key());
      if (mine != null && !unit.isFilled()) {
        Object late = cache.peek(unit.key());
        if (late != null) {
          unit.fill(late, CacheLevel.L1, null);
          land(unit.key(), mine);
          mine.complete(late);
          led.remove(unit.key());
        }
      }
    }
    for (Unit unit : joined.keySet()) {
      unit.joining();
    }
    boolean goesOn = exchange.hasPending();
    Joint joint = new Joint(exchange, receiver, led, joined.size() + (goesOn ? 1 : 0));
    if (exchange.mode() == InferenceCall.Mode.STREAM && !led.isEmpty()) {
      Flight mine = led.values().iterator().next();
      // Cancelling the leader stops the server call only when no one else waits for it.
      exchange.cancelGate(
          () -> {
            if (mine.abandonIfAlone()) {
              flights.remove(exchange.units().get(0).key(), mine);
              return true;
            }
            return false;
          });
    }
    if (!joined.isEmpty()) {
      counters.joined.increment();
    }
    for (Map.Entry<Unit, Flight> entry : joined.entrySet()) {
      joint.join(entry.getKey(), entry.getValue());
    }
    if (goesOn) {
      next.proceed(exchange, joint);
    } else if (joined.isEmpty()) {
      receiver.onDone(exchange); // every flight we won was answered by the second look
    }
  }

  private void land(String key, Flight flight) {
    flights.remove(key, flight);
  }

  /**
   * Gathers a call's outcome from the flights it joined and from the rest of the chain, and
   * completes the flights it leads on the way back.
   */
  private final class Joint implements Receiver {
    private final Exchange exchange;
    private final Receiver downstream;
    private final Map<String, Flight> led;
    private final AtomicInteger outstanding;
    private final AtomicBoolean failed = new AtomicBoolean();
    private final List<Runnable> leave = new ArrayList<>();

    Joint(Exchange exchange, Receiver downstream, Map<String, Flight> led, int parts) {
      this.exchange = exchange;
      this.downstream = downstream;
      this.led = led;
      this.outstanding = new AtomicInteger(parts);
    }

    void join(Unit unit, Flight flight) {
      boolean streamed = exchange.mode() == InferenceCall.Mode.STREAM;
      Flight.Subscriber subscriber =
          new Flight.Subscriber() {
            @Override
            public void onChunk(ChatChunk chunk) {
              if (streamed) {
                exchange.markLive();
                downstream.onChunk(chunk);
              }
            }

            @Override
            public void onDone(Object value) {
              unit.fill(value, CacheLevel.JOINED, null);
              partDone();
            }

            @Override
            public void onFailure(InferenceException error) {
              fail(error);
            }
          };
      synchronized (leave) {
        leave.add(() -> flight.unsubscribe(subscriber));
      }
      if (exchange.mode() != InferenceCall.Mode.BLOCKING) {
        exchange.onCancel(this::leaveAll);
      }
      if (!flight.subscribe(subscriber)) {
        // The leader gave up before we could join: ask for ourselves, without leading.
        fail(new InferenceException("the identical call this one joined was cancelled", null));
      }
    }

    private void leaveAll() {
      synchronized (leave) {
        leave.forEach(Runnable::run);
      }
    }

    @Override
    public void onChunk(ChatChunk chunk) {
      for (Flight flight : led.values()) {
        flight.chunk(chunk);
      }
      downstream.onChunk(chunk);
    }

    @Override
    public void onDone(Exchange done) {
      for (Unit unit : exchange.units()) {
        Flight flight = led.get(unit.key());
        if (flight != null) {
          land(unit.key(), flight);
          Object value = unit.value();
          if (value != null) {
            flight.complete(value);
          } else {
            flight.fail(new InferenceException("no answer for a joined input", null));
          }
        }
      }
      partDone();
    }

    @Override
    public void onFailure(InferenceException error) {
      for (Map.Entry<String, Flight> entry : led.entrySet()) {
        land(entry.getKey(), entry.getValue());
        entry.getValue().fail(error);
      }
      fail(error);
    }

    private void partDone() {
      if (outstanding.decrementAndGet() == 0 && !failed.get()) {
        downstream.onDone(exchange);
      }
    }

    private void fail(InferenceException error) {
      if (failed.compareAndSet(false, true)) {
        downstream.onFailure(error);
      }
    }
  }
}
