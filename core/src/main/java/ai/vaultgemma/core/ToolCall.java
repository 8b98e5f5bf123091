package ai.vaultgemma.core;

import ai.vaultgemma.core.internal.Freeze;
import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A tool call in an assistant message ({@code message.tool_calls[]}) or a fragment of one in a
 * streamed delta.
 *
 * <p>Immutable and thread-safe. {@code index} is set in streamed deltas (it says which call a
 * fragment belongs to) and by some servers (Ollama, LocalAI) in complete messages too.
 *
 * @param index position of the call among the message's calls, null when the server omits it
 * @param id the call id the tool answer must quote in {@code tool_call_id}
 * @param type the tool type, {@code "function"}
 * @param function the function name and arguments
 * @param extra vendor fields this type does not model, kept as received (never null)
 */
public record ToolCall(
    @Nullable Integer index,
    @Nullable String id,
    @Nullable String type,
    @Nullable FunctionCall function,
    @JsonAnySetter @JsonAnyGetter Map<String, @Nullable Object> extra) {

  /** Copies {@code extra} so the record stays immutable. */
  public ToolCall {
    extra = Freeze.map(extra);
  }

  /**
   * Creates a complete function tool call, as a caller echoes it back in the conversation.
   *
   * @param id the call id
   * @param name the function name
   * @param arguments the arguments as JSON text
   * @return the tool call
   * @throws NullPointerException if any argument is null
   */
  public static ToolCall function(String id, String name, String arguments) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(arguments, "arguments");
    return new ToolCall(null, id, "function", FunctionCall.of(name, arguments), Map.of());
  }
}
