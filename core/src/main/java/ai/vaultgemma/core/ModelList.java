package ai.vaultgemma.core;

import ai.vaultgemma.core.internal.Freeze;
import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The models a server offers ({@code GET /models}).
 *
 * <p>Immutable and thread-safe. An empty listing that a server writes as {@code "data": null}
 * (Ollama) reads as an empty list.
 *
 * @param object the object type, normally {@code list}
 * @param data the models (never null)
 * @param extra vendor fields this type does not model, kept as received (never null)
 */
public record ModelList(
    @Nullable String object,
    List<Model> data,
    @JsonAnySetter @JsonAnyGetter Map<String, @Nullable Object> extra) {

  /** Copies the collections so the record stays immutable. */
  public ModelList {
    data = data == null ? List.of() : List.copyOf(data);
    extra = Freeze.map(extra);
  }
}
