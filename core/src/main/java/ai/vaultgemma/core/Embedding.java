package ai.vaultgemma.core;

import ai.vaultgemma.core.internal.Freeze;
import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One embedding vector of an {@link EmbeddingResponse}.
 *
 * <p>Immutable and thread-safe: {@link #vector()} returns a copy. Servers send the vector as a JSON
 * array of numbers or, with {@code encoding_format: "base64"}, as base64 of little-endian IEEE-754
 * float32 values; both read into the same floats. Written back to JSON, the vector is always an
 * array of numbers.
 */
public final class Embedding {
  private final int index;
  private final float[] vector;
  private final Map<String, @Nullable Object> extra;

  private Embedding(int index, float[] vector, Map<String, @Nullable Object> extra) {
    this.index = index;
    this.vector = vector;
    this.extra = Freeze.map(extra);
  }

  /**
   * Creates an embedding.
   *
   * @param index the position of its input in the request
   * @param vector the values (copied)
   * @return the embedding
   * @throws NullPointerException if {@code vector} is null
   */
  public static Embedding of(int index, float[] vector) {
    return new Embedding(index, vector.clone(), Map.of());
  }

  @JsonCreator
  static Embedding fromJson(
      @JsonProperty("index") int index,
      @JsonProperty("embedding") @Nullable JsonNode embedding,
      @JsonAnySetter @Nullable Map<String, @Nullable Object> extra) {
    Objects.requireNonNull(embedding, "embedding");
    float[] vector;
    if (embedding.isString()) {
      vector = decodeBase64(embedding.asString());
    } else if (embedding.isArray()) {
      vector = new float[embedding.size()];
      for (int i = 0; i < vector.length; i++) {
        JsonNode v = embedding.get(i);
        if (!v.isNumber()) {
          throw new IllegalArgumentException(
              "embedding[" + i + "] must be a number but was " + v.getNodeType());
        }
        vector[i] = v.floatValue();
      }
    } else {
      throw new IllegalArgumentException(
          "embedding must be an array or a base64 string but was " + embedding.getNodeType());
    }
    return new Embedding(index, vector, extra == null ? Map.of() : extra);
  }

  /**
   * Decodes base64 of little-endian float32 values, the OpenAI {@code base64} encoding.
   *
   * @param base64 the encoded vector
   * @return the floats
   * @throws IllegalArgumentException if the text is not base64 of a whole number of floats
   */
  public static float[] decodeBase64(String base64) {
    byte[] bytes = Base64.getDecoder().decode(base64);
    if (bytes.length % Float.BYTES != 0) {
      throw new IllegalArgumentException(
          "base64 embedding must hold a multiple of 4 bytes but held " + bytes.length);
    }
    float[] out = new float[bytes.length / Float.BYTES];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  /**
   * Returns the position of this vector's input in the request.
   *
   * @return the index
   */
  @JsonProperty("index")
  public int index() {
    return index;
  }

  /**
   * Returns a copy of the vector.
   *
   * @return the values
   */
  @JsonProperty("embedding")
  public float[] vector() {
    return vector.clone();
  }

  /**
   * Returns the number of values, without copying.
   *
   * @return the vector length
   */
  public int dimensions() {
    return vector.length;
  }

  /**
   * Returns one value, without copying the vector.
   *
   * @param i the position
   * @return the value
   * @throws IndexOutOfBoundsException if {@code i} is outside the vector
   */
  public float get(int i) {
    return vector[i];
  }

  /**
   * Returns the other fields ({@code object} and vendor fields), kept as received.
   *
   * @return an unmodifiable map, never null
   */
  @JsonAnyGetter
  public Map<String, @Nullable Object> extra() {
    return extra;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Embedding e
        && index == e.index
        && Arrays.equals(vector, e.vector)
        && extra.equals(e.extra);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * index + Arrays.hashCode(vector)) + extra.hashCode();
  }

  @Override
  public String toString() {
    return "Embedding{index=" + index + ", dimensions=" + vector.length + "}";
  }
}
