package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.ChatChunk;
import ai.vaultgemma.core.InferenceException;

/**
 * What a stage hands the outcome of a call back to: the chunks of a live stream, in order, then
 * exactly one of {@link #onDone} or {@link #onFailure}. A stage that acts on the way back wraps the
 * receiver it was given, the way an OkHttp interceptor wraps the response.
 *
 * <p>Callbacks may run on any thread (the caller's, an HTTP thread, a client thread); they must be
 * quick, must not block on I/O and must not throw.
 */
public interface Receiver {

  /**
   * A chunk of a live stream (never called for blocking, async or embedding calls).
   *
   * @param chunk the chunk, in the order the server sent it
   */
  default void onChunk(ChatChunk chunk) {}

  /**
   * Every unit of the exchange has its value.
   *
   * @param exchange the call, filled
   */
  void onDone(Exchange exchange);

  /**
   * The call failed; nothing more follows.
   *
   * @param error what failed
   */
  void onFailure(InferenceException error);
}
