package ai.vaultgemma.core.internal;

import ai.vaultgemma.core.ChatChoice;
import ai.vaultgemma.core.ChatChunk;
import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads the common shape of a chat completion and of a streamed chunk with a token parser, without
 * databind: the envelope ({@code id}, {@code object}, {@code created}, {@code model}, {@code
 * system_fingerprint}, {@code service_tier}), a {@code usage} with the three counts or null, and
 * choices whose {@code message} (or {@code delta}) holds only text fields ({@code role}, {@code
 * content}, {@code name}, {@code refusal}, {@code reasoning_content}, {@code reasoning}), with a
 * null {@code logprobs}. That is nearly every answer and chunk, and reading it this way costs about
 * half of binding it to the records (async-profiler, loopback benchmarks).
 *
 * <p>Any other field or type (tool calls, logprobs, token details, content parts, vendor fields,
 * malformed JSON) returns null, and the caller binds the data with databind, which handles
 * everything. The records are built through their canonical constructors, so what is read here
 * equals what databind builds from the same text ({@code ShapeReaderTest} checks this). Stateless
 * and thread-safe.
 */
final class ShapeReader {

  /** Thrown when the data leaves the common shape; no stack trace, so it costs an allocation. */
  private static final class OtherShape extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OtherShape() {
      super("not the common shape", null, false, false);
    }
  }

  /** What a choice of an answer or of a chunk is made of. */
  private interface ChoiceMaker<C> {
    C make(int index, @Nullable ChatMessage message, @Nullable String finishReason);
  }

  private static final ChoiceMaker<ChatChoice> ANSWER_CHOICE =
      (index, message, finishReason) ->
          new ChatChoice(index, message, finishReason, null, Map.of());

  private static final ChoiceMaker<ChatChunk.Choice> CHUNK_CHOICE =
      (index, delta, finishReason) ->
          new ChatChunk.Choice(index, delta, finishReason, null, Map.of());

  private ShapeReader() {}

  /**
   * Reads a chunk of the common shape.
   *
   * @param data one event's data
   * @return the chunk, or null when the data has another shape (or is not JSON)
   */
  static @Nullable ChatChunk chunk(String data) {
    try (JsonParser p = Json.MAPPER.createParser(data)) {
      Envelope<ChatChunk.Choice> e = envelope(p, "delta", CHUNK_CHOICE);
      return new ChatChunk(
          e.id, e.object, e.created, e.model, e.choices, e.usage, e.fingerprint, e.tier, Map.of());
    } catch (OtherShape | JacksonException | ArithmeticException e) {
      return null;
    }
  }

  /**
   * Reads a chat completion of the common shape.
   *
   * @param data the response body
   * @return the answer, or null when the body has another shape (or is not JSON)
   */
  static @Nullable ChatResponse answer(byte[] data) {
    try (JsonParser p = Json.MAPPER.createParser(data)) {
      Envelope<ChatChoice> e = envelope(p, "message", ANSWER_CHOICE);
      return new ChatResponse(
          e.id, e.object, e.created, e.model, e.choices, e.usage, e.fingerprint, e.tier, Map.of());
    } catch (OtherShape | JacksonException | ArithmeticException e) {
      return null;
    }
  }

  /** The fields an answer and a chunk share. */
  private static final class Envelope<C> {
    @Nullable String id;
    @Nullable String object;
    long created;
    @Nullable String model;
    @Nullable String fingerprint;
    @Nullable String tier;
    @Nullable Usage usage;
    List<C> choices = List.of();
  }

  private static <C> Envelope<C> envelope(JsonParser p, String messageField, ChoiceMaker<C> maker) {
    expect(p.nextToken(), JsonToken.START_OBJECT);
    Envelope<C> e = new Envelope<>();
    for (String name = p.nextName(); name != null; name = p.nextName()) {
      JsonToken t = p.nextToken();
      switch (name) {
        case "id" -> e.id = text(p, t);
        case "object" -> e.object = text(p, t);
        case "model" -> e.model = text(p, t);
        case "system_fingerprint" -> e.fingerprint = text(p, t);
        case "service_tier" -> e.tier = text(p, t);
        case "created" -> e.created = t == JsonToken.VALUE_NULL ? 0 : integer(p, t);
        case "usage" -> e.usage = t == JsonToken.VALUE_NULL ? null : usage(p, t);
        case "choices" -> e.choices = choices(p, t, messageField, maker);
        default -> throw new OtherShape();
      }
    }
    expect(p.currentToken(), JsonToken.END_OBJECT);
    expect(p.nextToken(), null); // nothing after the object
    return e;
  }

  private static Usage usage(JsonParser p, JsonToken t) {
    expect(t, JsonToken.START_OBJECT);
    int prompt = 0;
    int completion = 0;
    int total = 0;
    for (String name = p.nextName(); name != null; name = p.nextName()) {
      JsonToken v = p.nextToken();
      int count = v == JsonToken.VALUE_NULL ? 0 : Math.toIntExact(integer(p, v));
      switch (name) {
        case "prompt_tokens" -> prompt = count;
        case "completion_tokens" -> completion = count;
        case "total_tokens" -> total = count;
        default -> throw new OtherShape();
      }
    }
    return new Usage(prompt, completion, total, null, null, Map.of());
  }

  private static <C> List<C> choices(
      JsonParser p, JsonToken t, String messageField, ChoiceMaker<C> maker) {
    expect(t, JsonToken.START_ARRAY);
    List<C> choices = new ArrayList<>(1);
    for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
      expect(e, JsonToken.START_OBJECT);
      choices.add(choice(p, messageField, maker));
    }
    return choices;
  }

  private static <C> C choice(JsonParser p, String messageField, ChoiceMaker<C> maker) {
    int index = 0;
    ChatMessage message = null;
    String finishReason = null;
    for (String name = p.nextName(); name != null; name = p.nextName()) {
      JsonToken t = p.nextToken();
      if (name.equals(messageField)) {
        if (t != JsonToken.VALUE_NULL) {
          expect(t, JsonToken.START_OBJECT);
          message = message(p);
        }
        continue;
      }
      switch (name) {
        case "index" -> index = t == JsonToken.VALUE_NULL ? 0 : Math.toIntExact(integer(p, t));
        case "finish_reason" -> finishReason = text(p, t);
        case "logprobs" -> expect(t, JsonToken.VALUE_NULL);
        default -> throw new OtherShape();
      }
    }
    return maker.make(index, message, finishReason);
  }

  private static ChatMessage message(JsonParser p) {
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

  private static void expect(@Nullable JsonToken actual, @Nullable JsonToken expected) {
    if (actual != expected) {
      throw new OtherShape();
    }
  }
}
