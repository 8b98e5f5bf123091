package ai.vaultgemma.core;

import ai.vaultgemma.core.internal.Freeze;
import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One streamed chunk ({@code object: "chat.completion.chunk"}), the JSON of one server-sent {@code
 * data:} event.
 *
 * <p>Immutable and thread-safe. Each choice carries a {@link ChatMessage} delta with only the new
 * fragments. The final chunk of a stream requested with {@code stream_options.include_usage} has no
 * choices and carries {@link #usage()}; some servers (Mistral, llama.cpp, Cohere) put the usage on
 * the finish chunk instead, and Hyperbolic repeats a running usage on every chunk. Vendor fields
 * (OpenAI's {@code obfuscation}, llama.cpp's {@code timings}, Groq's {@code x_groq}, ...) are kept
 * in {@link #extra()}.
 *
 * @param id the completion id, the same on every chunk of a stream (may be empty)
 * @param object the object type, normally {@code chat.completion.chunk}
 * @param created creation time in Unix seconds (0 when absent)
 * @param model the model that answers
 * @param choices the per-choice deltas (never null; empty on a usage-only chunk)
 * @param usage token usage when this chunk carries it
 * @param systemFingerprint the backend configuration fingerprint
 * @param serviceTier the tier that serves the call (OpenAI)
 * @param extra vendor fields this type does not model, kept as received (never null)
 */
public record ChatChunk(
    @Nullable String id,
    @Nullable String object,
    long created,
    @Nullable String model,
    List<Choice> choices,
    @Nullable Usage usage,
    @Nullable String systemFingerprint,
    @Nullable String serviceTier,
    @JsonAnySetter @JsonAnyGetter Map<String, @Nullable Object> extra) {

  /** Copies the collections so the record stays immutable. */
  public ChatChunk {
    choices = choices == null ? List.of() : List.copyOf(choices);
    extra = Freeze.map(extra);
  }

  /**
   * One choice's delta in a {@link ChatChunk}.
   *
   * @param index which choice this delta extends
   * @param delta the new fragments (role, content, refusal, reasoning, tool-call pieces)
   * @param finishReason set on the choice's last chunk; null (or, from old Ollama, empty) before
   * @param logprobs log probabilities of this delta's tokens, as JSON-shaped maps and lists
   * @param extra vendor fields, kept as received (never null)
   */
  public record Choice(
      int index,
      @Nullable ChatMessage delta,
      @Nullable String finishReason,
      @Nullable Object logprobs,
      @JsonAnySetter @JsonAnyGetter Map<String, @Nullable Object> extra) {

    /** Copies the JSON-shaped fields so the record stays immutable. */
    public Choice {
      logprobs = Freeze.value(logprobs);
      extra = Freeze.map(extra);
    }
  }
}
