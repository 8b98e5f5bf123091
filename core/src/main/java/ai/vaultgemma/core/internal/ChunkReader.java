package ai.vaultgemma.core.internal;

import ai.vaultgemma.core.ChatChunk;
import ai.vaultgemma.core.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads the common shape of a streamed chat chunk with a token parser, without databind: the
 * envelope ({@code id}, {@code object}, {@code created}, {@code model}, {@code system_fingerprint},
 * {@code service_tier}, a null {@code usage}) and choices whose {@code delta} holds only text
 * fields ({@code role}, {@code content}, {@code name}, {@code refusal}, {@code reasoning_content},
 * {@code reasoning}), with a null {@code logprobs}. That is nearly every chunk of a stream, and
 * reading it this way costs about half of binding it (a streamed answer is one chunk per token or
 * two).
 *
 * <p>Any other field or type (tool calls, logprobs, usage, content parts, vendor fields, malformed
 * JSON) returns null, and the caller binds the event with databind, which handles everything. The
 * records are built through their canonical constructors, so a chunk read here equals the one
 * databind builds from the same text ({@code ChunkReaderTest} checks this). Stateless and
 * thread-safe.
 */
final class ChunkReader {

  /** Thrown when the data leaves the common shape; no stack trace, so it costs an allocation. */
  private static final class OtherShape extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OtherShape() {
      super("not the common chunk shape", null, false, false);
    }
  }

  private ChunkReader() {}

  /**
   * Reads a chunk of the common shape.
   *
   * @param data one event's data
   * @return the chunk, or null when the data has another shape (or is not JSON)
   */
  static @Nullable ChatChunk read(String data) {
    try (JsonParser p = Json.MAPPER.createParser(data)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      ChatChunk chunk = chunk(p);
      return p.nextToken() == null ? chunk : null;
    } catch (OtherShape | JacksonException | ArithmeticException e) {
      return null;
    }
  }

  private static ChatChunk chunk(JsonParser p) {
    String id = null;
    String object = null;
    long created = 0;
    String model = null;
    String fingerprint = null;
    String tier = null;
    List<ChatChunk.Choice> choices = List.of();
    for (String name = p.nextName(); name != null; name = p.nextName()) {
      JsonToken t = p.nextToken();
      switch (name) {
        case "id" -> id = text(p, t);
        case "object" -> object = text(p, t);
        case "model" -> model = text(p, t);
        case "system_fingerprint" -> fingerprint = text(p, t);
        case "service_tier" -> tier = text(p, t);
        case "created" -> created = t == JsonToken.VALUE_NULL ? 0 : integer(p, t);
        case "usage" -> expect(t, JsonToken.VALUE_NULL);
        case "choices" -> choices = choices(p, t);
        default -> throw new OtherShape();
      }
    }
    expect(p.currentToken(), JsonToken.END_OBJECT);
    return new ChatChunk(id, object, created, model, choices, null, fingerprint, tier, Map.of());
  }

  private static List<ChatChunk.Choice> choices(JsonParser p, JsonToken t) {
    expect(t, JsonToken.START_ARRAY);
    List<ChatChunk.Choice> choices = new ArrayList<>(1);
    for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
      expect(e, JsonToken.START_OBJECT);
      choices.add(choice(p));
    }
    return choices;
  }

  private static ChatChunk.Choice choice(JsonParser p) {
    int index = 0;
    ChatMessage delta = null;
    String finishReason = null;
    for (String name = p.nextName(); name != null; name = p.nextName()) {
      JsonToken t = p.nextToken();
      switch (name) {
        case "index" -> index = t == JsonToken.VALUE_NULL ? 0 : Math.toIntExact(integer(p, t));
        case "finish_reason" -> finishReason = text(p, t);
        case "logprobs" -> expect(t, JsonToken.VALUE_NULL);
        case "delta" -> {
          if (t != JsonToken.VALUE_NULL) {
            expect(t, JsonToken.START_OBJECT);
            delta = delta(p);
          }
        }
        default -> throw new OtherShape();
      }
    }
    return new ChatChunk.Choice(index, delta, finishReason, null, Map.of());
  }

  private static ChatMessage delta(JsonParser p) {
    String role = null;
    String content = null;
    String name = null;
    String refusal = null;
    String reasoningContent = null;
    String reasoning = null;
    for (String field = p.nextName(); field != null; field = p.nextName()) {
      String value = text(p, p.nextToken());
      switch (field) {
        case "role" -> role = value;
        case "content" -> content = value;
        case "name" -> name = value;
        case "refusal" -> refusal = value;
        case "reasoning_content" -> reasoningContent = value;
        case "reasoning" -> reasoning = value;
        default -> throw new OtherShape();
      }
    }
    return new ChatMessage(
        role, content, name, null, null, null, refusal, reasoningContent, reasoning, Map.of());
  }

  /** A string or null value; anything else leaves the common shape. */
  private static @Nullable String text(JsonParser p, @Nullable JsonToken t) {
    if (t == JsonToken.VALUE_STRING) {
      return p.getString();
    }
    expect(t, JsonToken.VALUE_NULL);
    return null;
  }

  /** An integer value (databind also reads {@code "12"} or {@code 1.0}; those go its way). */
  private static long integer(JsonParser p, @Nullable JsonToken t) {
    expect(t, JsonToken.VALUE_NUMBER_INT);
    return p.getLongValue();
  }

  private static void expect(@Nullable JsonToken actual, JsonToken expected) {
    if (actual != expected) {
      throw new OtherShape();
    }
  }
}
