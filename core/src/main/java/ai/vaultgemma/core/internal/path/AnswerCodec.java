package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.internal.Json;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jspecify.annotations.Nullable;

/**
 * How a cached value travels as bytes to and from the shared tier. Chat answers are their JSON (the
 * server's own bytes when we hold them); embedding vectors are little-endian float32, four bytes a
 * dimension. Stateless and thread-safe.
 *
 * @param <V> the value type
 */
public interface AnswerCodec<V> {

  /** Chat answers as JSON. */
  AnswerCodec<ChatResponse> CHAT =
      new AnswerCodec<>() {
        @Override
        public byte[] encode(ChatResponse value) {
          return Json.MAPPER.writeValueAsBytes(value);
        }

        @Override
        public @Nullable ChatResponse decode(byte[] bytes) {
          try {
            return Json.MAPPER.readValue(bytes, ChatResponse.class);
          } catch (RuntimeException e) {
            return null;
          }
        }
      };

  /** Embedding vectors as little-endian float32. */
  AnswerCodec<float[]> VECTOR =
      new AnswerCodec<>() {
        @Override
        public byte[] encode(float[] value) {
          ByteBuffer bytes = ByteBuffer.allocate(4 * value.length).order(ByteOrder.LITTLE_ENDIAN);
          bytes.asFloatBuffer().put(value);
          return bytes.array();
        }

        @Override
        public float @Nullable [] decode(byte[] bytes) {
          if (bytes.length % 4 != 0) {
            return null;
          }
          float[] vector = new float[bytes.length / 4];
          ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
          return vector;
        }
      };

  /**
   * Encodes a value for the shared tier.
   *
   * @param value the value
   * @return its bytes
   */
  byte[] encode(V value);

  /**
   * Decodes what the shared tier held.
   *
   * @param bytes the stored bytes
   * @return the value, or null when the bytes are not one (the entry is then ignored)
   */
  @Nullable V decode(byte[] bytes);
}
