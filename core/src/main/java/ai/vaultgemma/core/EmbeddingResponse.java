package ai.vaultgemma.core;

import ai.vaultgemma.core.internal.Freeze;
import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The answer to an {@link EmbeddingRequest}: one {@link Embedding} per input.
 *
 * <p>Immutable and thread-safe. {@link #data()} is as the server sent it; {@link #vectors()} orders
 * the vectors by {@link Embedding#index()}, which is the input order.
 *
 * @param object the object type, normally {@code list}
 * @param data the embeddings (never null)
 * @param model the model that answered
 * @param usage token usage ({@code prompt_tokens}, {@code total_tokens}), null when absent
 * @param extra vendor fields this type does not model, kept as received (never null)
 */
public record EmbeddingResponse(
    @Nullable String object,
    List<Embedding> data,
    @Nullable String model,
    @Nullable Usage usage,
    @JsonAnySetter @JsonAnyGetter Map<String, @Nullable Object> extra) {

  /** Copies the collections so the record stays immutable. */
  public EmbeddingResponse {
    data = data == null ? List.of() : List.copyOf(data);
    extra = Freeze.map(extra);
  }

  /**
   * Returns the embeddings sorted by index, that is, in input order.
   *
   * @return the embeddings in input order
   */
  public List<Embedding> vectors() {
    for (int i = 0; i < data.size(); i++) {
      if (data.get(i).index() != i) {
        return data.stream().sorted(java.util.Comparator.comparingInt(Embedding::index)).toList();
      }
    }
    return data;
  }
}
