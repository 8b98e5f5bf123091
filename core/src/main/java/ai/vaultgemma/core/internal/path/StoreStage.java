package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.tier.CacheLevel;
import ai.vaultgemma.logging.StructuredLogger;

/**
 * On the way back from the server: stores what it answered in L1 and queues it for L2, as the wire
 * bytes when we hold them. Never an error, never a cut or cancelled stream (those end in a failure
 * or not at all). Storing is best effort: the caller already has a good answer, so a cache that
 * cannot take it is logged and the answer still returned. Queuing for L2 never waits on the
 * database, so this may run on an HTTP thread.
 */
public final class StoreStage implements Stage {
  private final Caches caches;
  private final StructuredLogger logger;

  /**
   * Creates the stage.
   *
   * @param caches the client's caches
   * @param logger where a failed store is reported
   */
  public StoreStage(Caches caches, StructuredLogger logger) {
    this.caches = caches;
    this.logger = logger;
  }

  @Override
  public void run(Exchange exchange, Receiver receiver, Chain next) {
    if (exchange.options().skipCacheWrite()) {
      next.proceed(exchange, receiver);
      return;
    }
    next.proceed(
        exchange,
        new ForwardingReceiver(receiver) {
          @Override
          public void onDone(Exchange done) {
            store(done);
            downstream.onDone(done);
          }
        });
  }

  private void store(Exchange exchange) {
    TieredCache<?> cache = caches.of(exchange);
    try {
      for (Unit unit : exchange.units()) {
        Object value = unit.value();
        if (unit.level() == CacheLevel.MISS && value != null) {
          cache.store(unit.key(), value, unit.wire(), exchange.ttl(cache.defaultTtl()));
        }
      }
    } catch (RuntimeException e) {
      logger.warn("the answer was returned but not cached: " + e);
    }
  }
}
