package ai.vaultgemma.core;

import ai.vaultgemma.core.internal.Freeze;
import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Token usage of one call, as the server counted it. Embedding responses fill only {@code
 * prompt_tokens} and {@code total_tokens}.
 *
 * <p>Immutable and thread-safe. Missing or null counts read as 0. Vendor counters (DeepSeek's
 * {@code prompt_cache_hit_tokens}, Groq's timings, SambaNova's throughput, OpenRouter's cost) are
 * kept in {@link #extra()}.
 *
 * @param promptTokens tokens in the prompt
 * @param completionTokens tokens generated
 * @param totalTokens prompt plus completion, as the server reported it
 * @param promptTokensDetails the prompt breakdown, null when absent
 * @param completionTokensDetails the completion breakdown, null when absent
 * @param extra vendor fields this type does not model, kept as received (never null)
 */
public record Usage(
    int promptTokens,
    int completionTokens,
    int totalTokens,
    @Nullable PromptTokensDetails promptTokensDetails,
    @Nullable CompletionTokensDetails completionTokensDetails,
    @JsonAnySetter @JsonAnyGetter Map<String, @Nullable Object> extra) {

  /** Copies {@code extra} so the record stays immutable. */
  public Usage {
    extra = Freeze.map(extra);
  }

  /**
   * Creates a usage with the three main counts.
   *
   * @param promptTokens tokens in the prompt
   * @param completionTokens tokens generated
   * @param totalTokens the total
   * @return the usage
   */
  public static Usage of(int promptTokens, int completionTokens, int totalTokens) {
    return new Usage(promptTokens, completionTokens, totalTokens, null, null, Map.of());
  }

  /**
   * Breakdown of the prompt tokens.
   *
   * @param cachedTokens prompt tokens served from the server's prompt cache
   * @param audioTokens audio input tokens
   * @param extra vendor fields, kept as received (never null)
   */
  public record PromptTokensDetails(
      @Nullable Integer cachedTokens,
      @Nullable Integer audioTokens,
      @JsonAnySetter @JsonAnyGetter Map<String, @Nullable Object> extra) {

    /** Copies {@code extra} so the record stays immutable. */
    public PromptTokensDetails {
      extra = Freeze.map(extra);
    }
  }

  /**
   * Breakdown of the completion tokens.
   *
   * @param reasoningTokens tokens spent on hidden reasoning
   * @param audioTokens audio output tokens
   * @param acceptedPredictionTokens predicted-output tokens that appeared in the answer
   * @param rejectedPredictionTokens predicted-output tokens that did not
   * @param extra vendor fields, kept as received (never null)
   */
  public record CompletionTokensDetails(
      @Nullable Integer reasoningTokens,
      @Nullable Integer audioTokens,
      @Nullable Integer acceptedPredictionTokens,
      @Nullable Integer rejectedPredictionTokens,
      @JsonAnySetter @JsonAnyGetter Map<String, @Nullable Object> extra) {

    /** Copies {@code extra} so the record stays immutable. */
    public CompletionTokensDetails {
      extra = Freeze.map(extra);
    }
  }
}
