package ai.vaultgemma.core;

/**
 * Receives a streamed chat completion, one callback at a time and in order.
 *
 * <p>For each stream: {@link #onChunk} for every chunk that carries data (keep-alives, pings and
 * comments are not delivered), then exactly one of {@link #onComplete} (with the whole answer
 * assembled from the chunks) or {@link #onError}. After the stream is cancelled no further callback
 * is made, except one that had already started.
 *
 * <p>Callbacks run on an HTTP thread: they should be quick and must not block on the stream itself.
 * If {@link #onChunk} throws, the stream is cancelled and {@link #onError} receives an {@link
 * InferenceException} whose cause is what was thrown.
 */
public interface ChatStreamListener {

  /**
   * Called for each chunk, in the order the server sent them.
   *
   * @param chunk the chunk
   */
  void onChunk(ChatChunk chunk);

  /**
   * Called once when the stream ended correctly, with the assembled answer.
   *
   * @param response the whole answer, as a non-streaming call would have returned it
   */
  default void onComplete(ChatResponse response) {}

  /**
   * Called once when the stream failed.
   *
   * @param error what failed: an HTTP error, a timeout, a broken connection, an error event or a
   *     stream that ended too early
   */
  default void onError(InferenceException error) {}
}
