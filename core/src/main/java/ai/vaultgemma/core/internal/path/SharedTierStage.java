package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.InferenceCall;
import ai.vaultgemma.core.tier.CacheLevel;
import ai.vaultgemma.core.tier.SecondLevelHit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * L2: looks the units no one else answered up in the shared tier. The lookups run on the tier's own
 * threads and always end within its read budget (a database outage costs a call at most that
 * budget, never an error). A blocking call waits for them on its own thread; an async or streamed
 * call goes on from the client's executor, so no database wait ever holds the caller's thread or an
 * HTTP thread. A hit refills L1 for no longer than the entry has left in L2.
 */
public final class SharedTierStage implements Stage {
  private final Caches caches;

  /**
   * Creates the stage.
   *
   * @param caches the client's caches
   */
  public SharedTierStage(Caches caches) {
    this.caches = caches;
  }

  @Override
  public void run(Exchange exchange, Receiver receiver, Chain next) {
    TieredCache<?> cache = caches.of(exchange);
    if (!cache.hasL2() || exchange.options().skipCacheRead()) {
      next.proceed(exchange, receiver);
      return;
    }
    if (exchange.mode() == InferenceCall.Mode.BLOCKING && exchange.units().size() == 1) {
      // The common blocking call: its own thread waits and keeps the budget, no timer armed.
      Unit unit = exchange.units().get(0);
      if (unit.isPending()) {
        Optional<SecondLevelHit> hit = cache.lookupNow(unit.key());
        if (hit.isPresent()) {
          fill(cache, exchange, unit, hit.get());
        }
      }
      onward(exchange, receiver, next);
      return;
    }
    List<Unit> pending = new ArrayList<>();
    List<CompletableFuture<Optional<SecondLevelHit>>> lookups = new ArrayList<>();
    for (Unit unit : exchange.units()) {
      if (unit.isPending()) {
        pending.add(unit);
        lookups.add(cache.lookup(unit.key()));
      }
    }
    Runnable resume =
        () -> {
          for (int i = 0; i < pending.size(); i++) {
            Optional<SecondLevelHit> hit = lookups.get(i).getNow(Optional.empty());
            if (hit.isPresent()) {
              fill(cache, exchange, pending.get(i), hit.get());
            }
          }
          onward(exchange, receiver, next);
        };
    CompletableFuture<Void> all =
        CompletableFuture.allOf(lookups.toArray(new CompletableFuture<?>[0]));
    if (exchange.mode() == InferenceCall.Mode.BLOCKING) {
      all.join(); // bounded: every lookup ends within the tier's read budget
      resume.run();
    } else {
      CompletableFuture<?> unused =
          all.whenCompleteAsync(
              (ok, error) -> {
                try {
                  resume.run();
                } catch (RuntimeException e) {
                  receiver.onFailure(Failures.of(e));
                } catch (Error e) {
                  throw exchange.fatal(e);
                }
              },
              exchange.executor());
    }
  }

  /** Answers {@code unit} from an L2 hit, refilling L1; unreadable bytes leave it pending. */
  private static void fill(TieredCache<?> cache, Exchange exchange, Unit unit, SecondLevelHit hit) {
    Object value = cache.refill(unit.key(), hit, exchange.ttl(cache.defaultTtl()));
    if (value != null) {
      unit.fill(value, CacheLevel.L2, null);
    }
  }

  /** Answered when nothing is pending; otherwise on to the next stage. */
  private static void onward(Exchange exchange, Receiver receiver, Chain next) {
    if (!exchange.hasPending()) {
      receiver.onDone(exchange);
    } else {
      next.proceed(exchange, receiver);
    }
  }
}
