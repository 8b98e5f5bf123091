package ai.vaultgemma.logging;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.Immutable;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * The facts of one inference call, for {@link StructuredLogger#inference(InferenceEvent)}: the six
 * fields of the short form plus optional ones (token split, cache scope, streaming, error, and
 * prompt/response text that the {@link LogPolicy} may drop or truncate).
 *
 * <p>Immutable and thread-safe; the builder is not.
 *
 * <pre>{@code
 * log.inference(InferenceEvent.builder("vaultgemma-1b")
 *     .domain("chat").promptTokens(12).completionTokens(30).tokensUsed(42)
 *     .latencyMs(180).cacheHit(false).userId("u-7").cacheScope("tenant-a")
 *     .build());
 * }</pre>
 */
@Immutable
public final class InferenceEvent {
  static final long UNKNOWN = -1;

  // package-private: StructuredLogger reads them without Optional boxing
  final String model;
  final @Nullable String domain;
  final long tokensUsed;
  final long promptTokens;
  final long completionTokens;
  final long latencyMs;
  final boolean cacheHit;
  final @Nullable String userId;
  final @Nullable String cacheScope;
  final boolean stream;
  final @Nullable String error;
  final @Nullable String prompt;
  final @Nullable String response;

  private InferenceEvent(Builder b) {
    this.model = b.model;
    this.domain = b.domain;
    this.tokensUsed = b.tokensUsed;
    this.promptTokens = b.promptTokens;
    this.completionTokens = b.completionTokens;
    this.latencyMs = b.latencyMs;
    this.cacheHit = b.cacheHit;
    this.userId = b.userId;
    this.cacheScope = b.cacheScope;
    this.stream = b.stream;
    this.error = b.error;
    this.prompt = b.prompt;
    this.response = b.response;
  }

  /**
   * Starts an event for a model.
   *
   * @param model the model name
   * @return a new builder
   * @throws NullPointerException if {@code model} is null
   */
  public static Builder builder(String model) {
    return new Builder(model);
  }

  /**
   * Returns the model name.
   *
   * @return the model
   */
  public String model() {
    return model;
  }

  /**
   * Returns the domain, when given.
   *
   * @return the domain
   */
  public Optional<String> domain() {
    return Optional.ofNullable(domain);
  }

  /**
   * Returns the total tokens (0 unless set).
   *
   * @return tokens used
   */
  public long tokensUsed() {
    return tokensUsed;
  }

  /**
   * Returns the prompt tokens, when known.
   *
   * @return prompt tokens
   */
  public OptionalLong promptTokens() {
    return promptTokens == UNKNOWN ? OptionalLong.empty() : OptionalLong.of(promptTokens);
  }

  /**
   * Returns the completion tokens, when known.
   *
   * @return completion tokens
   */
  public OptionalLong completionTokens() {
    return completionTokens == UNKNOWN ? OptionalLong.empty() : OptionalLong.of(completionTokens);
  }

  /**
   * Returns the latency (0 unless set).
   *
   * @return milliseconds
   */
  public long latencyMs() {
    return latencyMs;
  }

  /**
   * Returns whether the answer came from a cache.
   *
   * @return true on a hit
   */
  public boolean cacheHit() {
    return cacheHit;
  }

  /**
   * Returns the user id, when given.
   *
   * @return the user id
   */
  public Optional<String> userId() {
    return Optional.ofNullable(userId);
  }

  /**
   * Returns the cache scope, when given.
   *
   * @return the scope
   */
  public Optional<String> cacheScope() {
    return Optional.ofNullable(cacheScope);
  }

  /**
   * Returns whether the call was streamed.
   *
   * @return true when streamed
   */
  public boolean stream() {
    return stream;
  }

  /**
   * Returns the error kind of a failed call.
   *
   * @return the error kind, empty on success
   */
  public Optional<String> error() {
    return Optional.ofNullable(error);
  }

  /**
   * Returns the prompt text as given (the policy decides whether it is written).
   *
   * @return the prompt
   */
  public Optional<String> prompt() {
    return Optional.ofNullable(prompt);
  }

  /**
   * Returns the response text as given (the policy decides whether it is written).
   *
   * @return the response
   */
  public Optional<String> response() {
    return Optional.ofNullable(response);
  }

  /**
   * Returns a builder holding this event's values.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(model);
    b.domain = domain;
    b.tokensUsed = tokensUsed;
    b.promptTokens = promptTokens;
    b.completionTokens = completionTokens;
    b.latencyMs = latencyMs;
    b.cacheHit = cacheHit;
    b.userId = userId;
    b.cacheScope = cacheScope;
    b.stream = stream;
    b.error = error;
    b.prompt = prompt;
    b.response = response;
    return b;
  }

  /** Text fields are left out: they may hold personal data. */
  @Override
  public String toString() {
    return "InferenceEvent{model="
        + model
        + ", domain="
        + domain
        + ", tokensUsed="
        + tokensUsed
        + ", latencyMs="
        + latencyMs
        + ", cacheHit="
        + cacheHit
        + (error == null ? "" : ", error=" + error)
        + "}";
  }

  /** Builds an {@link InferenceEvent}. Not thread-safe. */
  public static final class Builder {
    private final String model;
    private @Nullable String domain;
    private long tokensUsed;
    private long promptTokens = UNKNOWN;
    private long completionTokens = UNKNOWN;
    private long latencyMs;
    private boolean cacheHit;
    private @Nullable String userId;
    private @Nullable String cacheScope;
    private boolean stream;
    private @Nullable String error;
    private @Nullable String prompt;
    private @Nullable String response;

    private Builder(String model) {
      this.model = requireNonNull(model, "model");
    }

    /**
     * Sets the domain, e.g. {@code chat} or {@code embeddings}.
     *
     * @param domain the domain, null to leave it out
     * @return this builder
     */
    public Builder domain(@Nullable String domain) {
      this.domain = domain;
      return this;
    }

    /**
     * Sets the total tokens.
     *
     * @param tokensUsed at least 0
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder tokensUsed(long tokensUsed) {
      this.tokensUsed = nonNegative("tokensUsed", tokensUsed);
      return this;
    }

    /**
     * Sets the prompt tokens.
     *
     * @param promptTokens at least 0
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder promptTokens(long promptTokens) {
      this.promptTokens = nonNegative("promptTokens", promptTokens);
      return this;
    }

    /**
     * Sets the completion tokens.
     *
     * @param completionTokens at least 0
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder completionTokens(long completionTokens) {
      this.completionTokens = nonNegative("completionTokens", completionTokens);
      return this;
    }

    /**
     * Sets the latency.
     *
     * @param latencyMs milliseconds, at least 0
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder latencyMs(long latencyMs) {
      this.latencyMs = nonNegative("latencyMs", latencyMs);
      return this;
    }

    /**
     * Sets whether the answer came from a cache.
     *
     * @param cacheHit true on a hit
     * @return this builder
     */
    public Builder cacheHit(boolean cacheHit) {
      this.cacheHit = cacheHit;
      return this;
    }

    /**
     * Sets the end user's id.
     *
     * @param userId the id, null to leave it out
     * @return this builder
     */
    public Builder userId(@Nullable String userId) {
      this.userId = userId;
      return this;
    }

    /**
     * Sets the cache scope (tenant).
     *
     * @param cacheScope the scope, null to leave it out
     * @return this builder
     */
    public Builder cacheScope(@Nullable String cacheScope) {
      this.cacheScope = cacheScope;
      return this;
    }

    /**
     * Marks the call as streamed.
     *
     * @param stream true when streamed
     * @return this builder
     */
    public Builder stream(boolean stream) {
      this.stream = stream;
      return this;
    }

    /**
     * Marks the call as failed with a short error kind (e.g. {@code timeout}). Never pass a message
     * that may hold prompt text or secrets.
     *
     * @param error the kind, null for success
     * @return this builder
     */
    public Builder error(@Nullable String error) {
      this.error = error;
      return this;
    }

    /**
     * Sets the prompt text; written only when the logger's policy allows, truncated.
     *
     * @param prompt the text, may be null
     * @return this builder
     */
    public Builder prompt(@Nullable String prompt) {
      this.prompt = prompt;
      return this;
    }

    /**
     * Sets the response text; written only when the logger's policy allows, truncated.
     *
     * @param response the text, may be null
     * @return this builder
     */
    public Builder response(@Nullable String response) {
      this.response = response;
      return this;
    }

    /**
     * Builds the event.
     *
     * @return a new immutable event
     */
    public InferenceEvent build() {
      return new InferenceEvent(this);
    }

    private static long nonNegative(String name, long value) {
      if (value < 0) {
        throw new IllegalArgumentException(name + " must be >= 0 but was " + value);
      }
      return value;
    }
  }
}
