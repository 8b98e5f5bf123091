package ai.vaultgemma.core;

import ai.vaultgemma.core.internal.Freeze;
import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One model a server offers ({@code GET /models}).
 *
 * <p>Immutable and thread-safe. Vendor fields (vLLM's {@code max_model_len} and {@code permission},
 * llama.cpp's {@code meta}, LM Studio's {@code state}, ...) are kept in {@link #extra()}.
 *
 * @param id the model id to use in requests
 * @param object the object type, normally {@code model}
 * @param created creation time in Unix seconds, null when absent
 * @param ownedBy the owner the server reports
 * @param extra vendor fields this type does not model, kept as received (never null)
 */
public record Model(
    @Nullable String id,
    @Nullable String object,
    @Nullable Long created,
    @Nullable String ownedBy,
    @JsonAnySetter @JsonAnyGetter Map<String, @Nullable Object> extra) {

  /** Copies {@code extra} so the record stays immutable. */
  public Model {
    extra = Freeze.map(extra);
  }
}
