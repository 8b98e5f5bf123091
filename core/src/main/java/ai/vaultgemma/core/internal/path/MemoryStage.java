package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.tier.CacheLevel;

/**
 * L1: answers from the in-memory cache. The hot path: no future, no allocation beyond what the call
 * already holds. A call that skips cache reads passes straight on.
 */
public final class MemoryStage implements Stage {
  private final Caches caches;

  /**
   * Creates the stage.
   *
   * @param caches the client's caches
   */
  public MemoryStage(Caches caches) {
    this.caches = caches;
  }

  @Override
  public void run(Exchange exchange, Receiver receiver, Chain next) {
    if (exchange.options().skipCacheRead()) {
      next.proceed(exchange, receiver);
      return;
    }
    TieredCache<?> cache = caches.of(exchange);
    boolean all = true;
    for (Unit unit : exchange.units()) {
      Object hit = cache.get(unit.key());
      if (hit != null) {
        unit.fill(hit, CacheLevel.L1, null);
      } else {
        all = false;
      }
    }
    if (all) {
      receiver.onDone(exchange);
    } else {
      next.proceed(exchange, receiver);
    }
  }
}
