package ai.vaultgemma.core;

import ai.vaultgemma.core.internal.Freeze;
import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An embeddings request ({@code POST /embeddings}) for one text or a batch.
 *
 * <p>Immutable and thread-safe. {@code input} is a {@code String} (one text, sent as a JSON string)
 * or an immutable {@code List<String>} (a batch, sent as a JSON array); {@link #inputs()} reads
 * both as a list. Token-id inputs are not supported. {@code encoding_format} only changes how
 * vectors travel: {@link Embedding} decodes {@code base64} to the same floats, so it is left out of
 * the cache key.
 *
 * <pre>{@code
 * EmbeddingRequest one = EmbeddingRequest.of("nomic-embed-text", "hello");
 * EmbeddingRequest batch = EmbeddingRequest.of("nomic-embed-text", List.of("a", "b"));
 * }</pre>
 *
 * @param model the model id (not blank)
 * @param input a {@code String} or a non-empty {@code List<String>}
 * @param encodingFormat {@code float} or {@code base64}, null for the server's default (float)
 * @param dimensions the output size for models that can shorten vectors, at least 1
 * @param user an end-user id for abuse monitoring (not part of the cache key)
 * @param extra vendor parameters, sent as top-level fields (sorted by key, never null); the name of
 *     a typed field ({@code model}, {@code input}, {@code encoding_format}, {@code dimensions},
 *     {@code user}) is rejected
 */
public record EmbeddingRequest(
    String model,
    Object input,
    @Nullable String encodingFormat,
    @Nullable Integer dimensions,
    @Nullable String user,
    @JsonAnySetter @JsonAnyGetter Map<String, @Nullable Object> extra) {

  /**
   * Validates and copies the fields.
   *
   * @throws IllegalArgumentException if the model is blank, the input is missing or empty or not
   *     text (an element named with its index), {@code dimensions < 1}, {@code encoding_format} is
   *     neither {@code float} nor {@code base64}, or {@code extra} names a typed field
   */
  public EmbeddingRequest {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException(
          "model must not be blank but was " + (model == null ? "null" : "\"" + model + "\""));
    }
    if (input instanceof List<?> list) {
      if (list.isEmpty()) {
        throw new IllegalArgumentException("input must not be empty but was []");
      }
      for (int i = 0; i < list.size(); i++) {
        if (!(list.get(i) instanceof String)) {
          Object e = list.get(i);
          throw new IllegalArgumentException(
              "input["
                  + i
                  + "] must be a string but was "
                  + (e == null ? "null" : e.getClass().getName()));
        }
      }
      input = List.copyOf(list);
    } else if (!(input instanceof String)) {
      throw new IllegalArgumentException(
          "input must be a String or a List<String> but was "
              + (input == null ? "null" : input.getClass().getName()));
    }
    if (dimensions != null && dimensions < 1) {
      throw new IllegalArgumentException("dimensions must be >= 1 but was " + dimensions);
    }
    if (encodingFormat != null && !ENCODING_FORMATS.contains(encodingFormat)) {
      throw new IllegalArgumentException(
          "encoding_format must be \"float\" or \"base64\" but was \"" + encodingFormat + "\"");
    }
    ChatRequest.checkExtra(extra, WIRE_FIELDS);
    extra = Freeze.sortedMap(extra);
  }

  /**
   * The wire names of the typed fields, which {@link #extra()} may not carry (it would shadow
   * them).
   */
  static final java.util.Set<String> WIRE_FIELDS =
      java.util.Set.of("model", "input", "encoding_format", "dimensions", "user");

  private static final java.util.Set<String> ENCODING_FORMATS = java.util.Set.of("float", "base64");

  /**
   * Creates a request for one text.
   *
   * @param model the model id
   * @param input the text
   * @return the request
   * @throws IllegalArgumentException if the model is blank
   * @throws NullPointerException if {@code input} is null
   */
  public static EmbeddingRequest of(String model, String input) {
    Objects.requireNonNull(input, "input");
    return new EmbeddingRequest(model, input, null, null, null, Map.of());
  }

  /**
   * Creates a request for a batch of texts; the answer keeps their order.
   *
   * @param model the model id
   * @param inputs the texts, at least one
   * @return the request
   * @throws IllegalArgumentException if the model is blank, {@code inputs} is empty or an element
   *     is null (named with its index: {@code input[2] must be a string but was null})
   * @throws NullPointerException if {@code inputs} is null
   */
  public static EmbeddingRequest of(String model, List<String> inputs) {
    Objects.requireNonNull(inputs, "inputs");
    return new EmbeddingRequest(model, inputs, null, null, null, Map.of());
  }

  /**
   * Returns the inputs as a list (one element for a single text).
   *
   * @return the texts in order
   */
  @SuppressWarnings("unchecked")
  public List<String> inputs() {
    return input instanceof String s ? List.of(s) : (List<String>) input;
  }

  /**
   * Returns this request with other inputs (a batch's cache misses, for instance).
   *
   * @param inputs the texts, at least one
   * @return a copy with the new inputs, sent as a JSON array
   * @throws IllegalArgumentException if {@code inputs} is empty
   */
  public EmbeddingRequest withInputs(List<String> inputs) {
    return new EmbeddingRequest(model, inputs, encodingFormat, dimensions, user, extra);
  }

  /**
   * Returns this request with {@code encoding_format} set.
   *
   * @param encodingFormat {@code float} or {@code base64}, null to leave it out
   * @return a copy
   */
  public EmbeddingRequest withEncodingFormat(@Nullable String encodingFormat) {
    return new EmbeddingRequest(model, input, encodingFormat, dimensions, user, extra);
  }

  /**
   * Returns this request with {@code dimensions} set.
   *
   * @param dimensions the vector size, at least 1, null to leave it out
   * @return a copy
   * @throws IllegalArgumentException if {@code dimensions < 1}
   */
  public EmbeddingRequest withDimensions(@Nullable Integer dimensions) {
    return new EmbeddingRequest(model, input, encodingFormat, dimensions, user, extra);
  }
}
