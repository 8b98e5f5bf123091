package ai.vaultgemma.core.internal;

import ai.vaultgemma.core.ChatResponse;
import java.util.concurrent.CompletableFuture;

/**
 * A running chat stream: cancel it, or wait for the whole answer. Thread-safe.
 *
 * <p>{@link #completion()} completes with the assembled answer when the stream ends right, and
 * exceptionally with the same {@link ai.vaultgemma.core.InferenceException} the listener received
 * when it fails; after {@link #cancel()} it completes with a {@link
 * java.util.concurrent.CancellationException}.
 */
public interface StreamCall {

  /** Stops the stream: closes the connection and makes no further listener callback. Idempotent. */
  void cancel();

  /**
   * Returns whether {@link #cancel()} was called.
   *
   * @return true once cancelled
   */
  boolean isCancelled();

  /**
   * Returns the outcome of the stream.
   *
   * @return a future of the assembled answer
   */
  CompletableFuture<ChatResponse> completion();
}
