package ai.vaultgemma.core.internal;

import ai.vaultgemma.core.ChatChoice;
import ai.vaultgemma.core.ChatChunk;
import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.FunctionCall;
import ai.vaultgemma.core.InvalidResponseException;
import ai.vaultgemma.core.ToolCall;
import ai.vaultgemma.core.Usage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Reads the server-sent events of one chat completion stream, in order, into {@link ChatChunk}s and
 * assembles the whole {@link ChatResponse} from them. Single-threaded: one instance per stream, fed
 * from the one thread that reads it.
 *
 * <h2>Events</h2>
 *
 * <ul>
 *   <li>{@code data: [DONE]} ends the stream; later events are ignored.
 *   <li>Blank data, events named {@code ping} or {@code keepalive}, and JSON objects with a {@code
 *       type} but no {@code choices} (Anthropic's {@code {"type":"ping"}}) are keep-alives and
 *       yield nothing. SSE comments ({@code : OPENROUTER PROCESSING}) never reach here.
 *   <li>An event named {@code error} (Groq) or a payload with a non-null {@code error} (OpenAI,
 *       OpenRouter) throws {@link ai.vaultgemma.core.StreamErrorException}.
 *   <li>Anything else must be a chunk object, or {@link InvalidResponseException} is thrown.
 * </ul>
 *
 * <h2>Assembly</h2>
 *
 * Per choice index: the first role; {@code content}, {@code refusal}, {@code reasoning_content} and
 * {@code reasoning} concatenated; tool calls merged by their {@code index} (id, type and name from
 * the first fragment that has them, {@code arguments} concatenated; a fragment without an index
 * extends the last call unless it brings a new id); the legacy {@code function_call} merged the
 * same way; the last non-empty {@code finish_reason} (old Ollama sends {@code ""} on every chunk,
 * which is not a finish). Usage: the last non-null one (Hyperbolic repeats a running total). id,
 * model, created, system_fingerprint: the first non-empty value. Chunk-level vendor fields are
 * merged, the last value winning, except OpenAI's random {@code obfuscation} padding. Logprobs are
 * not assembled.
 *
 * <h2>End of stream</h2>
 *
 * A stream that ends with {@code [DONE]} is complete. Some servers legitimately end without it: TGI
 * 2.x (recorded in the fixtures) and Cerebras; both have sent a {@code finish_reason} for every
 * choice by then. So {@link #finish()} also accepts a stream whose every choice has a finish
 * reason; a stream that ends with an unfinished choice, or with no chunk at all, is broken and
 * throws {@link InvalidResponseException}.
 */
public final class StreamAccumulator {

  private final String method;
  private final String path;
  private final @Nullable String secret;
  private final TreeMap<Integer, ChoiceState> choices = new TreeMap<>();
  private final Map<String, @Nullable Object> extra = new LinkedHashMap<>();
  private @Nullable String id;
  private @Nullable String model;
  private long created;
  private @Nullable String systemFingerprint;
  private @Nullable String serviceTier;
  private @Nullable Usage usage;
  private int chunks;
  private boolean done;

  /**
   * Creates an accumulator.
   *
   * @param method the HTTP method, for messages
   * @param path the URL path, for messages
   * @param secret the API key to keep out of messages, may be null
   */
  public StreamAccumulator(String method, String path, @Nullable String secret) {
    this.method = method;
    this.path = path;
    this.secret = secret;
  }

  /**
   * Reads one event.
   *
   * @param type the SSE event name, null for the default
   * @param data the event data
   * @return the chunk to deliver, or null for a keep-alive, {@code [DONE]} or an event after it
   * @throws ai.vaultgemma.core.StreamErrorException for an error event
   * @throws InvalidResponseException for data that is not a chunk
   */
  public @Nullable ChatChunk onEvent(@Nullable String type, String data) {
    if (done) {
      return null;
    }
    String trimmed = data.strip();
    if ("[DONE]".equals(trimmed)) {
      done = true;
      return null;
    }
    if (trimmed.isEmpty() || "ping".equals(type) || "keepalive".equals(type)) {
      return null;
    }
    if (!"error".equals(type)) {
      ChatChunk plain = plainChunk(trimmed);
      if (plain != null) {
        merge(plain);
        return plain;
      }
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(trimmed);
    } catch (JacksonException e) {
      if ("error".equals(type)) {
        throw ErrorParser.streamError(
            method,
            path,
            Json.MAPPER.createObjectNode().put("message", "unreadable error event"),
            secret);
      }
      throw new InvalidResponseException(
          method + " " + path + ": stream event " + (chunks + 1) + " is not JSON", e);
    }
    if (node == null || !node.isObject()) {
      throw new InvalidResponseException(
          method + " " + path + ": stream event " + (chunks + 1) + " is not a JSON object", null);
    }
    if ("error".equals(type) || ErrorParser.isErrorPayload(node)) {
      throw ErrorParser.streamError(method, path, node, secret);
    }
    if (node.get("type") != null && node.get("choices") == null) {
      return null;
    }
    ChatChunk chunk;
    try {
      chunk = Json.MAPPER.treeToValue(node, ChatChunk.class);
    } catch (JacksonException | IllegalArgumentException e) {
      throw new InvalidResponseException(
          method + " " + path + ": stream event " + (chunks + 1) + " is not a chat chunk", e);
    }
    merge(chunk);
    return chunk;
  }

  /**
   * The hot path: binds the data straight to a chunk, in one pass. Anything unusual (not JSON, no
   * choices, an error payload) returns null and goes the careful way, through a tree, which builds
   * the exact exception or skips the event.
   */
  private static @Nullable ChatChunk plainChunk(String data) {
    ChatChunk chunk = ShapeReader.chunk(data);
    if (chunk == null) {
      try {
        chunk = Json.reader(ChatChunk.class).readValue(data);
      } catch (JacksonException | IllegalArgumentException e) {
        return null;
      }
    }
    boolean plain =
        chunk != null
            && !chunk.choices().isEmpty()
            && !"error".equals(chunk.object())
            && chunk.extra().get("error") == null;
    return plain ? chunk : null;
  }

  /**
   * Returns whether {@code [DONE]} was read.
   *
   * @return true after {@code [DONE]}
   */
  public boolean isDone() {
    return done;
  }

  /**
   * Returns how many chunks were read.
   *
   * @return the chunk count
   */
  public int chunkCount() {
    return chunks;
  }

  /**
   * Ends the stream: checks it ended right and returns the whole answer.
   *
   * @return the assembled response
   * @throws InvalidResponseException if the stream ended without {@code [DONE]} while a choice had
   *     no finish reason, or without any chunk
   */
  public ChatResponse finish() {
    if (!done) {
      boolean allFinished = !choices.isEmpty();
      for (ChoiceState c : choices.values()) {
        allFinished &= c.finishReason != null;
      }
      if (!allFinished) {
        throw new InvalidResponseException(
            method
                + " "
                + path
                + ": stream ended without [DONE] after "
                + chunks
                + " chunks and before every choice had a finish_reason",
            null);
      }
    }
    return response();
  }

  /**
   * Returns the answer assembled so far, without checking that the stream ended right.
   *
   * @return the assembled response
   */
  public ChatResponse response() {
    List<ChatChoice> list = new ArrayList<>(choices.size());
    for (ChoiceState c : choices.values()) {
      list.add(c.toChoice());
    }
    return new ChatResponse(
        id == null ? "" : id,
        "chat.completion",
        created,
        model,
        list,
        usage,
        systemFingerprint,
        serviceTier,
        extra);
  }

  private void merge(ChatChunk chunk) {
    chunks++;
    if (isEmpty(id)) {
      id = chunk.id();
    }
    if (model == null) {
      model = chunk.model();
    }
    if (created == 0) {
      created = chunk.created();
    }
    if (isEmpty(systemFingerprint)) {
      systemFingerprint = chunk.systemFingerprint();
    }
    if (serviceTier == null) {
      serviceTier = chunk.serviceTier();
    }
    if (chunk.usage() != null) {
      usage = chunk.usage();
    }
    chunk
        .extra()
        .forEach(
            (k, v) -> {
              if (!"obfuscation".equals(k)) {
                extra.put(k, v);
              }
            });
    for (ChatChunk.Choice choice : chunk.choices()) {
      choices.computeIfAbsent(choice.index(), ChoiceState::new).merge(choice);
    }
  }

  private static boolean isEmpty(@Nullable String s) {
    return s == null || s.isEmpty();
  }

  private static final class ChoiceState {
    final int index;
    @Nullable String role;
    @Nullable StringBuilder content;
    @Nullable StringBuilder refusal;
    @Nullable StringBuilder reasoningContent;
    @Nullable StringBuilder reasoning;
    final TreeMap<Integer, CallState> toolCalls = new TreeMap<>();
    @Nullable CallState functionCall;
    @Nullable String finishReason;
    final Map<String, @Nullable Object> extra = new LinkedHashMap<>();

    ChoiceState(int index) {
      this.index = index;
    }

    void merge(ChatChunk.Choice choice) {
      if (choice.finishReason() != null && !choice.finishReason().isEmpty()) {
        finishReason = choice.finishReason();
      }
      extra.putAll(choice.extra());
      ChatMessage delta = choice.delta();
      if (delta == null) {
        return;
      }
      if (role == null) {
        role = delta.role();
      }
      content = append(content, delta.content() == null ? null : delta.text());
      refusal = append(refusal, delta.refusal());
      reasoningContent = append(reasoningContent, delta.reasoningContent());
      reasoning = append(reasoning, delta.reasoning());
      if (delta.functionCall() != null) {
        if (functionCall == null) {
          functionCall = new CallState();
        }
        functionCall.merge(null, null, delta.functionCall());
      }
      List<ToolCall> calls = delta.toolCalls();
      if (calls != null) {
        for (ToolCall call : calls) {
          int key;
          if (call.index() != null) {
            key = call.index();
          } else if (toolCalls.isEmpty()
              || (call.id() != null && !call.id().equals(toolCalls.lastEntry().getValue().id))) {
            key = toolCalls.isEmpty() ? 0 : toolCalls.lastKey() + 1;
          } else {
            key = toolCalls.lastKey();
          }
          toolCalls
              .computeIfAbsent(key, k -> new CallState())
              .merge(call.id(), call.type(), call.function());
        }
      }
    }

    private static @Nullable StringBuilder append(@Nullable StringBuilder sb, @Nullable String s) {
      if (s == null) {
        return sb;
      }
      return (sb == null ? new StringBuilder() : sb).append(s);
    }

    ChatChoice toChoice() {
      List<ToolCall> calls = null;
      if (!toolCalls.isEmpty()) {
        calls = new ArrayList<>(toolCalls.size());
        for (Map.Entry<Integer, CallState> e : toolCalls.entrySet()) {
          CallState c = e.getValue();
          calls.add(
              new ToolCall(
                  e.getKey(),
                  c.id,
                  c.type == null ? "function" : c.type,
                  new FunctionCall(c.name, c.arguments.toString(), Map.of()),
                  Map.of()));
        }
      }
      FunctionCall legacy =
          functionCall == null
              ? null
              : new FunctionCall(functionCall.name, functionCall.arguments.toString(), Map.of());
      ChatMessage message =
          new ChatMessage(
              role == null ? "assistant" : role,
              str(content),
              null,
              calls,
              null,
              legacy,
              str(refusal),
              str(reasoningContent),
              str(reasoning),
              Map.of());
      return new ChatChoice(index, message, finishReason, null, extra);
    }

    private static @Nullable String str(@Nullable StringBuilder sb) {
      return sb == null ? null : sb.toString();
    }
  }

  private static final class CallState {
    @Nullable String id;
    @Nullable String type;
    @Nullable String name;
    final StringBuilder arguments = new StringBuilder();

    void merge(@Nullable String id, @Nullable String type, @Nullable FunctionCall function) {
      if (this.id == null) {
        this.id = id;
      }
      if (this.type == null) {
        this.type = type;
      }
      if (function != null) {
        if (name == null || name.isEmpty()) {
          name = function.name();
        }
        if (function.arguments() != null) {
          arguments.append(function.arguments());
        }
      }
    }
  }
}
