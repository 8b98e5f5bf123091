package ai.vaultgemma.core;

import java.util.concurrent.CompletableFuture;

/**
 * A streamed chat completion in progress, as returned by {@link InferenceClient#chatStream}.
 *
 * <p>Thread-safe. {@link #cancel()} stops the stream: the server connection is closed, no further
 * chunk is delivered, nothing is cached, and {@link #completion()} completes exceptionally with a
 * {@link java.util.concurrent.CancellationException}.
 */
public interface ChatStream {

  /** Stops the stream. Idempotent; does nothing once the stream has ended. */
  void cancel();

  /**
   * Returns whether {@link #cancel()} was called.
   *
   * @return true if cancelled
   */
  boolean isCancelled();

  /**
   * Returns a future of the whole answer, assembled from the chunks, or the failure. Cancelling the
   * future cancels the stream.
   *
   * @return the future answer
   */
  CompletableFuture<ChatResponse> completion();
}
