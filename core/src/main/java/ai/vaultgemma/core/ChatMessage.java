package ai.vaultgemma.core;

import ai.vaultgemma.core.internal.Freeze;
import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One chat message: what a caller sends in {@link ChatRequest#messages()}, what a server answers in
 * {@link ChatChoice#message()}, and (with most fields null) a streamed delta in {@link
 * ChatChunk.Choice#delta()}.
 *
 * <p>Immutable and thread-safe. {@code content} is a {@code String}, an immutable {@code
 * List<ContentPart>} (multi-part user content) or null (an assistant message that only calls tools;
 * LM Studio omits the key entirely). Use {@link #text()} to read it as text. Fields that this type
 * does not model ({@code annotations}, {@code audio}, Groq's {@code channel}, ...) are kept in
 * {@link #extra()}.
 *
 * <pre>{@code
 * ChatMessage.system("You are terse.");
 * ChatMessage.user("Hello");
 * ChatMessage.tool("call_1", "{\"temp\":21}");
 * }</pre>
 *
 * @param role {@code system}, {@code developer}, {@code user}, {@code assistant}, {@code tool} or
 *     {@code function}; null only in streamed deltas after the first
 * @param content a {@code String}, a {@code List<ContentPart>} or null
 * @param name an optional participant name (or the function name of a legacy function message)
 * @param toolCalls the tool calls of an assistant message, null when absent
 * @param toolCallId the call a {@code tool} message answers
 * @param functionCall the legacy (pre-tools) function call of an assistant message
 * @param refusal the model's refusal text (structured outputs), null when it did not refuse
 * @param reasoningContent reasoning text as DeepSeek, llama.cpp and vLLM (older) name it
 * @param reasoning reasoning text as Ollama, Groq, OpenRouter and vLLM (newer) name it
 * @param extra vendor fields this type does not model, kept as received (never null)
 */
public record ChatMessage(
    @Nullable String role,
    @Nullable Object content,
    @Nullable String name,
    @Nullable List<ToolCall> toolCalls,
    @Nullable String toolCallId,
    @Nullable FunctionCall functionCall,
    @Nullable String refusal,
    @Nullable String reasoningContent,
    @Nullable String reasoning,
    @JsonAnySetter @JsonAnyGetter Map<String, @Nullable Object> extra) {

  /**
   * Checks and copies the fields; multi-part content read from JSON becomes {@link ContentPart}s.
   *
   * @throws IllegalArgumentException if {@code content} is neither a string, a list of parts nor
   *     null, or a content part or tool call is null (named with its index)
   */
  public ChatMessage {
    content = content(content);
    ChatRequest.noNullElements("tool_calls", toolCalls);
    toolCalls = Freeze.listOrNull(toolCalls);
    extra = Freeze.map(extra);
  }

  /**
   * Creates a {@code system} message.
   *
   * @param content the text
   * @return the message
   * @throws NullPointerException if {@code content} is null
   */
  public static ChatMessage system(String content) {
    return of("system", content);
  }

  /**
   * Creates a {@code user} message.
   *
   * @param content the text
   * @return the message
   * @throws NullPointerException if {@code content} is null
   */
  public static ChatMessage user(String content) {
    return of("user", content);
  }

  /**
   * Creates a multi-part {@code user} message (text and images).
   *
   * @param parts the parts, in order
   * @return the message
   * @throws NullPointerException if {@code parts} is null
   * @throws IllegalArgumentException if an element is null (named with its index)
   */
  public static ChatMessage user(List<ContentPart> parts) {
    return new ChatMessage(
        "user",
        Objects.requireNonNull(parts, "parts"),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        Map.of());
  }

  /**
   * Creates an {@code assistant} message (a previous answer, replayed in a conversation).
   *
   * @param content the text
   * @return the message
   * @throws NullPointerException if {@code content} is null
   */
  public static ChatMessage assistant(String content) {
    return of("assistant", content);
  }

  /**
   * Creates an {@code assistant} message that called tools, to replay in a conversation.
   *
   * @param toolCalls the calls the model made
   * @return the message
   * @throws NullPointerException if {@code toolCalls} is null
   * @throws IllegalArgumentException if an element is null (named with its index)
   */
  public static ChatMessage assistant(List<ToolCall> toolCalls) {
    return new ChatMessage(
        "assistant",
        null,
        null,
        Objects.requireNonNull(toolCalls, "toolCalls"),
        null,
        null,
        null,
        null,
        null,
        Map.of());
  }

  /**
   * Creates a {@code tool} message: the answer to one tool call.
   *
   * @param toolCallId the id of the call this answers
   * @param content the tool's output
   * @return the message
   * @throws NullPointerException if an argument is null
   */
  public static ChatMessage tool(String toolCallId, String content) {
    Objects.requireNonNull(toolCallId, "toolCallId");
    Objects.requireNonNull(content, "content");
    return new ChatMessage(
        "tool", content, null, null, toolCallId, null, null, null, null, Map.of());
  }

  /**
   * Creates a message with a role and text content.
   *
   * @param role the role
   * @param content the text
   * @return the message
   * @throws NullPointerException if an argument is null
   */
  public static ChatMessage of(String role, String content) {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
    return new ChatMessage(role, content, null, null, null, null, null, null, null, Map.of());
  }

  /**
   * Returns the content as text: the string itself, or the {@code text} parts joined in order.
   *
   * @return the text, or null when there is no content
   */
  public @Nullable String text() {
    if (content == null || content instanceof String) {
      return (String) content;
    }
    StringBuilder sb = new StringBuilder();
    for (Object part : (List<?>) content) {
      String text = ((ContentPart) part).text();
      if (text != null) {
        sb.append(text);
      }
    }
    return sb.toString();
  }

  /**
   * Returns the content as parts: the parts themselves, or one text part for string content.
   *
   * @return the parts, empty when there is no content
   */
  @SuppressWarnings("unchecked")
  public List<ContentPart> contentParts() {
    if (content == null) {
      return List.of();
    }
    if (content instanceof String s) {
      return List.of(ContentPart.text(s));
    }
    return (List<ContentPart>) content;
  }

  @SuppressWarnings("unchecked")
  private static @Nullable Object content(@Nullable Object content) {
    if (content == null || content instanceof String) {
      return content;
    }
    if (content instanceof List<?> list) {
      List<ContentPart> parts = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        Object part = list.get(i);
        if (part instanceof ContentPart p) {
          parts.add(p);
        } else if (part instanceof Map<?, ?> map && map.get("type") instanceof String type) {
          Map<String, @Nullable Object> rest = new java.util.LinkedHashMap<>();
          ((Map<String, @Nullable Object>) map).forEach(rest::put);
          rest.remove("type");
          Object text = rest.remove("text");
          parts.add(new ContentPart(type, text == null ? null : text.toString(), rest));
        } else {
          throw new IllegalArgumentException(
              "content["
                  + i
                  + "] must be a content part with a \"type\" but was "
                  + (part == null ? "null" : part.getClass().getName()));
        }
      }
      return Collections.unmodifiableList(parts);
    }
    throw new IllegalArgumentException(
        "content must be a String or a List<ContentPart> but was a "
            + content.getClass().getName());
  }
}
