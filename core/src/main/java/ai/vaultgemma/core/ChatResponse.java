package ai.vaultgemma.core;

import ai.vaultgemma.core.internal.Freeze;
import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A chat completion ({@code object: "chat.completion"}): the answer of a blocking call, or the
 * whole answer assembled from a finished stream.
 *
 * <p>Immutable and thread-safe, so a cache can hand the same instance to many callers. Servers
 * differ in what they send: TGI's {@code id} is empty and its 2.x {@code object} is {@code
 * text_completion}; {@code system_fingerprint} may be null, empty or a build string. Vendor fields
 * (llama.cpp {@code timings}, Cerebras {@code time_info}, Groq {@code x_groq}, vLLM {@code
 * prompt_logprobs}, ...) are kept in {@link #extra()}.
 *
 * @param id the completion id (may be empty)
 * @param object the object type, normally {@code chat.completion}
 * @param created creation time in Unix seconds (0 when absent)
 * @param model the model that answered
 * @param choices the choices in index order (never null)
 * @param usage token usage, null when the server did not report it
 * @param systemFingerprint the backend configuration fingerprint
 * @param serviceTier the tier that served the call (OpenAI)
 * @param extra vendor fields this type does not model, kept as received (never null)
 */
public record ChatResponse(
    @Nullable String id,
    @Nullable String object,
    long created,
    @Nullable String model,
    List<ChatChoice> choices,
    @Nullable Usage usage,
    @Nullable String systemFingerprint,
    @Nullable String serviceTier,
    @JsonAnySetter @JsonAnyGetter Map<String, @Nullable Object> extra) {

  /** Copies the collections so the record stays immutable. */
  public ChatResponse {
    choices = choices == null ? List.of() : List.copyOf(choices);
    extra = Freeze.map(extra);
  }

  /**
   * Returns the text of the first choice's message, the common case of {@code n = 1}.
   *
   * @return the text, or null when there is no choice or the message has no content
   */
  public @Nullable String text() {
    if (choices.isEmpty() || choices.get(0).message() == null) {
      return null;
    }
    return choices.get(0).message().text();
  }
}
