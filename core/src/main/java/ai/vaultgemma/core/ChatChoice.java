package ai.vaultgemma.core;

import ai.vaultgemma.core.internal.Freeze;
import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One choice of a {@link ChatResponse}.
 *
 * <p>Immutable and thread-safe. {@code finish_reason} is passed through as the server wrote it:
 * {@code stop}, {@code length}, {@code tool_calls}, {@code content_filter}, {@code function_call},
 * and vendor values such as TGI's {@code eos_token} or Together's {@code eos}. vLLM's {@code
 * stop_reason} and similar fields are in {@link #extra()}.
 *
 * @param index the choice's position (0 to n-1)
 * @param message the answer
 * @param finishReason why generation stopped, null if the server did not say
 * @param logprobs the token log probabilities as JSON-shaped maps and lists, null when not asked
 * @param extra vendor fields this type does not model, kept as received (never null)
 */
public record ChatChoice(
    int index,
    @Nullable ChatMessage message,
    @Nullable String finishReason,
    @Nullable Object logprobs,
    @JsonAnySetter @JsonAnyGetter Map<String, @Nullable Object> extra) {

  /** Copies the JSON-shaped fields so the record stays immutable. */
  public ChatChoice {
    logprobs = Freeze.value(logprobs);
    extra = Freeze.map(extra);
  }
}
