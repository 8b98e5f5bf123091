package ai.vaultgemma.core;

import ai.vaultgemma.core.internal.Freeze;
import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A function the model asked to call: its name and its arguments as the JSON text the model wrote
 * (not parsed, since models do write invalid JSON). Used inside a {@link ToolCall} and as the
 * legacy {@code message.function_call}.
 *
 * <p>Immutable and thread-safe. In a streamed delta both fields may be partial; the stream
 * accumulator concatenates them.
 *
 * @param name the function name, may be null in a streamed fragment
 * @param arguments the arguments as JSON text, may be null or partial in a streamed fragment
 * @param extra vendor fields this type does not model, kept as received (never null)
 */
public record FunctionCall(
    @Nullable String name,
    @Nullable String arguments,
    @JsonAnySetter @JsonAnyGetter Map<String, @Nullable Object> extra) {

  /** Copies {@code extra} so the record stays immutable. */
  public FunctionCall {
    extra = Freeze.map(extra);
  }

  /**
   * Creates a function call without vendor fields.
   *
   * @param name the function name
   * @param arguments the arguments as JSON text
   * @return the call
   */
  public static FunctionCall of(String name, String arguments) {
    return new FunctionCall(name, arguments, Map.of());
  }
}
