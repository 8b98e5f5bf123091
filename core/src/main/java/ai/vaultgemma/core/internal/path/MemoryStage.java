package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.InferenceCall;
import ai.vaultgemma.core.internal.CanonicalKeys;
import ai.vaultgemma.core.tier.CacheLevel;
import ai.vaultgemma.logging.StructuredLogger;

/**
 * L1: answers from the in-memory cache. The hot path: no future, no allocation beyond what the call
 * already holds. A call that skips cache reads passes straight on. With DEBUG on, each lookup
 * writes a {@code cache} event (hit or miss, a prefix of the key's hash, the size).
 */
public final class MemoryStage implements Stage {
  private final Caches caches;
  private final StructuredLogger logger;

  /**
   * Creates the stage.
   *
   * @param caches the client's caches
   * @param logger where the cache events go
   */
  public MemoryStage(Caches caches, StructuredLogger logger) {
    this.caches = caches;
    this.logger = logger;
  }

  /**
   * Returns the cache's name in events: {@code inference} for chat, {@code embeddings}.
   *
   * @param exchange the call
   * @return the name
   */
  static String cacheName(Exchange exchange) {
    return exchange.operation() == InferenceCall.Operation.CHAT ? "inference" : "embeddings";
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
      if (logger.isDebugEnabled()) {
        logger.cache(
            cacheName(exchange),
            "get",
            hit != null,
            CanonicalKeys.shortForm(unit.key()),
            cache.l1().size());
      }
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
