package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.InferenceCall;

/**
 * The two tiered caches of a client, picked by operation.
 *
 * @param chat chat answers
 * @param vectors embedding vectors
 */
public record Caches(TieredCache<ChatResponse> chat, TieredCache<float[]> vectors) {

  /**
   * Returns the cache for a call.
   *
   * @param exchange the call
   * @return the cache for its operation
   */
  public TieredCache<?> of(Exchange exchange) {
    return exchange.operation() == InferenceCall.Operation.CHAT ? chat : vectors;
  }
}
