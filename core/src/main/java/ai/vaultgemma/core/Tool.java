package ai.vaultgemma.core;

import ai.vaultgemma.core.internal.Freeze;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A tool the model may call, sent in {@link ChatRequest#tools()}. Only function tools exist in the
 * OpenAI chat API.
 *
 * <p>Immutable and thread-safe.
 *
 * @param type the tool type, {@code "function"}
 * @param function the function's name, description and JSON-schema parameters
 */
public record Tool(String type, Function function) {

  /**
   * Checks the fields.
   *
   * @throws NullPointerException if a field is null
   */
  public Tool {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(function, "function");
  }

  /**
   * Creates a function tool.
   *
   * @param name the function name
   * @param description what the function does, may be null
   * @param parameters the JSON schema of the arguments (maps, lists and scalars), may be null
   * @return the tool
   * @throws NullPointerException if {@code name} is null
   */
  public static Tool function(
      String name, @Nullable String description, @Nullable Map<String, ?> parameters) {
    return new Tool("function", new Function(name, description, parameters, null));
  }

  /**
   * The function definition of a {@link Tool}.
   *
   * @param name the function name
   * @param description what the function does, may be null
   * @param parameters the JSON schema of the arguments, may be null (copied deeply)
   * @param strict whether the server must follow the schema exactly (structured outputs)
   */
  public record Function(
      String name,
      @Nullable String description,
      @Nullable Map<String, ?> parameters,
      @Nullable Boolean strict) {

    /**
     * Checks and copies the fields.
     *
     * @throws NullPointerException if {@code name} is null
     */
    public Function {
      Objects.requireNonNull(name, "name");
      parameters = parameters == null ? null : Freeze.map(parameters);
    }
  }
}
