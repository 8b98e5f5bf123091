package ai.vaultgemma.core.internal;

import ai.vaultgemma.core.ChatChoice;
import ai.vaultgemma.core.ChatChunk;
import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a whole cached answer back into stream chunks, so a repeated streaming request is answered
 * as a stream: one chunk per choice carrying its whole message, then one chunk with every finish
 * reason and the usage, the shape servers send with {@code include_usage}.
 */
public final class Replay {
  private Replay() {}

  /**
   * Returns the chunks that replay an answer.
   *
   * @param response the cached answer
   * @return the chunks, in order
   */
  public static List<ChatChunk> chunks(ChatResponse response) {
    List<ChatChunk> chunks = new ArrayList<>();
    List<ChatChunk.Choice> finishes = new ArrayList<>();
    for (ChatChoice choice : response.choices()) {
      ChatMessage message = choice.message();
      chunks.add(
          chunk(
              response,
              List.of(new ChatChunk.Choice(choice.index(), message, null, null, Map.of())),
              false));
      finishes.add(
          new ChatChunk.Choice(
              choice.index(),
              new ChatMessage(null, null, null, null, null, null, null, null, null, Map.of()),
              choice.finishReason(),
              null,
              Map.of()));
    }
    chunks.add(chunk(response, finishes, true));
    return chunks;
  }

  private static ChatChunk chunk(
      ChatResponse response, List<ChatChunk.Choice> choices, boolean last) {
    return new ChatChunk(
        response.id(),
        "chat.completion.chunk",
        response.created(),
        response.model(),
        choices,
        last ? response.usage() : null,
        response.systemFingerprint(),
        response.serviceTier(),
        Map.of("vaultgemma_replay", true));
  }
}
