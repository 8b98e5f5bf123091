package ai.vaultgemma.core.tier;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import com.google.errorprone.annotations.Immutable;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One inference call, as written to the inference log. Immutable; build one with {@link
 * #builder()}.
 *
 * <p>{@code promptText} and {@code responseText} are only written when the tier is configured with
 * {@link SharedTierConfig.Builder#storePromptText}, and then after its redactor. {@link
 * #toString()} never shows them, only their lengths.
 *
 * @param time when the call started
 * @param traceId the call's trace id (at most 128 characters are stored)
 * @param scope the caller's cache scope (tenant), empty for none (at most 256 characters stored)
 * @param model the model asked (at most 256 characters stored)
 * @param cacheLevel which level answered, or {@link CacheLevel#MISS}
 * @param promptTokens prompt tokens, {@code >= 0}
 * @param completionTokens completion tokens, {@code >= 0}
 * @param latency time from call to answer, not negative
 * @param status the HTTP status of the answer (200 for a cache hit), 0 when there was none
 * @param errorType the kind of failure, e.g. {@code "timeout"}, or null on success
 * @param promptText the prompt, or null
 * @param responseText the response, or null
 */
@Immutable
public record InferenceLogRecord(
    Instant time,
    String traceId,
    String scope,
    String model,
    CacheLevel cacheLevel,
    int promptTokens,
    int completionTokens,
    Duration latency,
    int status,
    @Nullable String errorType,
    @Nullable String promptText,
    @Nullable String responseText) {

  /**
   * Checks every component.
   *
   * @throws NullPointerException if a required component is null
   * @throws IllegalArgumentException if a count or the latency is negative, or the status is not in
   *     {@code [0, 999]}
   */
  public InferenceLogRecord {
    requireNonNull(time, "time");
    requireNonNull(traceId, "traceId");
    requireNonNull(scope, "scope");
    requireNonNull(model, "model");
    requireNonNull(cacheLevel, "cacheLevel");
    requireNonNull(latency, "latency");
    if (promptTokens < 0) {
      throw new IllegalArgumentException("promptTokens must be >= 0 but was " + promptTokens);
    }
    if (completionTokens < 0) {
      throw new IllegalArgumentException(
          "completionTokens must be >= 0 but was " + completionTokens);
    }
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative but was " + latency);
    }
    if (status < 0 || status > 999) {
      throw new IllegalArgumentException("status must be in [0, 999] but was " + status);
    }
  }

  /**
   * Returns a new builder with {@code time} = now, empty trace id, scope and model, {@link
   * CacheLevel#MISS}, zero counts and latency, status 200.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Shows every field except the prompt and response text, of which it shows only lengths. */
  @Override
  public String toString() {
    return "InferenceLogRecord{time="
        + time
        + ", traceId="
        + traceId
        + ", scope="
        + scope
        + ", model="
        + model
        + ", cacheLevel="
        + cacheLevel
        + ", promptTokens="
        + promptTokens
        + ", completionTokens="
        + completionTokens
        + ", latency="
        + latency
        + ", status="
        + status
        + ", errorType="
        + errorType
        + ", promptText="
        + (promptText == null ? "null" : "<" + promptText.length() + " chars>")
        + ", responseText="
        + (responseText == null ? "null" : "<" + responseText.length() + " chars>")
        + "}";
  }

  /** Builds an {@link InferenceLogRecord}. Not thread-safe. */
  public static final class Builder {
    private Instant time = Instant.now();
    private String traceId = "";
    private String scope = "";
    private String model = "";
    private CacheLevel cacheLevel = CacheLevel.MISS;
    private int promptTokens;
    private int completionTokens;
    private Duration latency = Duration.ZERO;
    private int status = 200;
    private @Nullable String errorType;
    private @Nullable String promptText;
    private @Nullable String responseText;

    private Builder() {}

    /**
     * Sets when the call started.
     *
     * @param time the instant
     * @return this builder
     * @throws NullPointerException if {@code time} is null
     */
    @CanIgnoreReturnValue
    public Builder time(Instant time) {
      this.time = requireNonNull(time, "time");
      return this;
    }

    /**
     * Sets the trace id.
     *
     * @param traceId the trace id
     * @return this builder
     * @throws NullPointerException if {@code traceId} is null
     */
    @CanIgnoreReturnValue
    public Builder traceId(String traceId) {
      this.traceId = requireNonNull(traceId, "traceId");
      return this;
    }

    /**
     * Sets the cache scope (tenant).
     *
     * @param scope the scope, empty for none
     * @return this builder
     * @throws NullPointerException if {@code scope} is null
     */
    @CanIgnoreReturnValue
    public Builder scope(String scope) {
      this.scope = requireNonNull(scope, "scope");
      return this;
    }

    /**
     * Sets the model.
     *
     * @param model the model name
     * @return this builder
     * @throws NullPointerException if {@code model} is null
     */
    @CanIgnoreReturnValue
    public Builder model(String model) {
      this.model = requireNonNull(model, "model");
      return this;
    }

    /**
     * Sets which level answered.
     *
     * @param cacheLevel the level, or {@link CacheLevel#MISS}
     * @return this builder
     * @throws NullPointerException if {@code cacheLevel} is null
     */
    @CanIgnoreReturnValue
    public Builder cacheLevel(CacheLevel cacheLevel) {
      this.cacheLevel = requireNonNull(cacheLevel, "cacheLevel");
      return this;
    }

    /**
     * Sets the prompt tokens; checked by {@link #build()}.
     *
     * @param promptTokens the count
     * @return this builder
     */
    @CanIgnoreReturnValue
    public Builder promptTokens(int promptTokens) {
      this.promptTokens = promptTokens;
      return this;
    }

    /**
     * Sets the completion tokens; checked by {@link #build()}.
     *
     * @param completionTokens the count
     * @return this builder
     */
    @CanIgnoreReturnValue
    public Builder completionTokens(int completionTokens) {
      this.completionTokens = completionTokens;
      return this;
    }

    /**
     * Sets the latency; checked by {@link #build()}.
     *
     * @param latency the latency
     * @return this builder
     * @throws NullPointerException if {@code latency} is null
     */
    @CanIgnoreReturnValue
    public Builder latency(Duration latency) {
      this.latency = requireNonNull(latency, "latency");
      return this;
    }

    /**
     * Sets the HTTP status; checked by {@link #build()}.
     *
     * @param status the status, 0 for none
     * @return this builder
     */
    @CanIgnoreReturnValue
    public Builder status(int status) {
      this.status = status;
      return this;
    }

    /**
     * Sets the kind of failure.
     *
     * @param errorType the error type, or null on success
     * @return this builder
     */
    @CanIgnoreReturnValue
    public Builder errorType(@Nullable String errorType) {
      this.errorType = errorType;
      return this;
    }

    /**
     * Sets the prompt text, written only when the tier stores prompt text.
     *
     * @param promptText the prompt, or null
     * @return this builder
     */
    @CanIgnoreReturnValue
    public Builder promptText(@Nullable String promptText) {
      this.promptText = promptText;
      return this;
    }

    /**
     * Sets the response text, written only when the tier stores prompt text.
     *
     * @param responseText the response, or null
     * @return this builder
     */
    @CanIgnoreReturnValue
    public Builder responseText(@Nullable String responseText) {
      this.responseText = responseText;
      return this;
    }

    /**
     * Builds the record.
     *
     * @return the record
     * @throws IllegalArgumentException if a count or the latency is negative, or the status is out
     *     of range
     */
    public InferenceLogRecord build() {
      return new InferenceLogRecord(
          time,
          traceId,
          scope,
          model,
          cacheLevel,
          promptTokens,
          completionTokens,
          latency,
          status,
          errorType,
          promptText,
          responseText);
    }
  }
}
