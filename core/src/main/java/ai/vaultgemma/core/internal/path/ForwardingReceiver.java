package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.ChatChunk;
import ai.vaultgemma.core.InferenceException;

/**
 * A receiver that hands everything on to the one it wraps; a stage overrides only the callbacks it
 * acts on, the way OkHttp's {@code ForwardingSource} serves its interceptors.
 */
abstract class ForwardingReceiver implements Receiver {
  final Receiver downstream;

  ForwardingReceiver(Receiver downstream) {
    this.downstream = downstream;
  }

  @Override
  public void onChunk(ChatChunk chunk) {
    downstream.onChunk(chunk);
  }

  @Override
  public void onDone(Exchange exchange) {
    downstream.onDone(exchange);
  }

  @Override
  public void onFailure(InferenceException error) {
    downstream.onFailure(error);
  }
}
