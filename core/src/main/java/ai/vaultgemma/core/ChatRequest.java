package ai.vaultgemma.core;

import ai.vaultgemma.core.internal.Freeze;
import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * An OpenAI-compatible chat completion request ({@code POST /chat/completions}).
 *
 * <p>Immutable and thread-safe; build one with {@link #builder()} and derive variants with {@link
 * #toBuilder()}. Every instance is valid: the constructor (and so {@link Builder#build()} and JSON
 * reading) rejects what no server accepts, with an {@link IllegalArgumentException} that names the
 * field and the value. Null fields are not sent. Parameters this type does not model (vendor
 * options such as vLLM's {@code top_k} or {@code chat_template_kwargs}, OpenAI's {@code
 * reasoning_effort}) go in {@link #extra()} and are sent as top-level fields.
 *
 * <pre>{@code
 * ChatRequest request = ChatRequest.builder()
 *     .model("gemma-3-4b-it")
 *     .message(ChatMessage.system("You are terse."))
 *     .message(ChatMessage.user("Name three primes."))
 *     .temperature(0.2)
 *     .maxTokens(64)
 *     .build();
 * }</pre>
 *
 * @param model the model id (not blank)
 * @param messages the conversation, at least one message, in order
 * @param temperature sampling temperature in [0, 2]
 * @param topP nucleus sampling mass in [0, 1]
 * @param maxTokens the legacy token limit ({@code max_tokens}), at least 0
 * @param maxCompletionTokens the newer token limit ({@code max_completion_tokens}), at least 0
 * @param n how many choices to generate, at least 1
 * @param stop a stop {@code String} or an immutable {@code List<String>}
 * @param seed the sampling seed, for best-effort determinism
 * @param stream whether the server streams the answer; the transport sets it per call
 * @param streamOptions stream options such as {@code {"include_usage": true}}
 * @param responseFormat {@code {"type":"json_object"}}, a {@code json_schema} format, ...
 * @param tools the tools the model may call
 * @param toolChoice {@code "auto"}, {@code "none"}, {@code "required"} or a map naming a function
 * @param parallelToolCalls whether the model may call several tools at once
 * @param user an end-user id for the server's abuse monitoring
 * @param logprobs whether to return log probabilities of the output tokens
 * @param topLogprobs how many alternatives per token to return with logprobs, in [0, 20]
 * @param frequencyPenalty frequency penalty in [-2, 2]
 * @param presencePenalty presence penalty in [-2, 2]
 * @param logitBias token id (digits) to bias in [-100, 100]
 * @param extra vendor parameters, sent as top-level fields (sorted by key, never null); a name that
 *     a typed field or the transport sends ({@code model}, {@code stream}, ...) is rejected
 */
public record ChatRequest(
    String model,
    List<ChatMessage> messages,
    @Nullable Double temperature,
    @Nullable Double topP,
    @Nullable Integer maxTokens,
    @Nullable Integer maxCompletionTokens,
    @Nullable Integer n,
    @Nullable Object stop,
    @Nullable Long seed,
    @Nullable Boolean stream,
    @Nullable Map<String, ?> streamOptions,
    @Nullable Map<String, ?> responseFormat,
    @Nullable List<Tool> tools,
    @Nullable Object toolChoice,
    @Nullable Boolean parallelToolCalls,
    @Nullable String user,
    @Nullable Boolean logprobs,
    @Nullable Integer topLogprobs,
    @Nullable Double frequencyPenalty,
    @Nullable Double presencePenalty,
    @Nullable Map<String, Integer> logitBias,
    @JsonAnySetter @JsonAnyGetter Map<String, @Nullable Object> extra) {

  /**
   * Validates and copies the fields.
   *
   * @throws IllegalArgumentException if a field is out of its range (the message names the field
   *     and the value), a message, tool or stop element is null (named with its index), a {@code
   *     logit_bias} key is not a token id or its value is outside [-100, 100], or {@code extra}
   *     names a typed or transport-owned field ({@code model}, {@code messages}, {@code stream},
   *     {@code stream_options}, ...)
   */
  @SuppressWarnings("unchecked")
  public ChatRequest {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException(
          "model must not be blank but was " + (model == null ? "null" : "\"" + model + "\""));
    }
    if (messages == null || messages.isEmpty()) {
      throw new IllegalArgumentException(
          "messages must not be empty but was " + (messages == null ? "null" : "[]"));
    }
    for (int i = 0; i < messages.size(); i++) {
      if (messages.get(i) == null) {
        throw new IllegalArgumentException("messages[" + i + "] must not be null but was null");
      }
    }
    messages = List.copyOf(messages);
    range("temperature", temperature, 0, 2);
    range("top_p", topP, 0, 1);
    range("frequency_penalty", frequencyPenalty, -2, 2);
    range("presence_penalty", presencePenalty, -2, 2);
    atLeast("max_tokens", maxTokens, 0);
    atLeast("max_completion_tokens", maxCompletionTokens, 0);
    atLeast("n", n, 1);
    if (topLogprobs != null && (topLogprobs < 0 || topLogprobs > 20)) {
      throw new IllegalArgumentException(
          "top_logprobs must be between 0 and 20 but was " + topLogprobs);
    }
    if (stop instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        if (!(list.get(i) instanceof String)) {
          throw new IllegalArgumentException(
              "stop[" + i + "] must be a string but was " + typeName(list.get(i)));
        }
      }
      stop = List.copyOf((List<String>) list);
    } else if (stop != null && !(stop instanceof String)) {
      throw new IllegalArgumentException(
          "stop must be a String or a List<String> but was a " + typeName(stop));
    }
    if (toolChoice != null && !(toolChoice instanceof String) && !(toolChoice instanceof Map)) {
      throw new IllegalArgumentException(
          "tool_choice must be a String or a Map but was a " + typeName(toolChoice));
    }
    streamOptions = streamOptions == null ? null : Freeze.map(streamOptions);
    responseFormat = responseFormat == null ? null : Freeze.map(responseFormat);
    noNullElements("tools", tools);
    tools = Freeze.listOrNull(tools);
    toolChoice = Freeze.value(toolChoice);
    logitBias = logitBias == null ? null : logitBias(logitBias);
    checkExtra(extra, WIRE_FIELDS);
    extra = Freeze.sortedMap(extra);
  }

  /**
   * The wire names of the typed fields and of the fields the transport owns ({@code stream}, {@code
   * stream_options}): {@link #extra()} may not carry them, or it would shadow them.
   */
  static final java.util.Set<String> WIRE_FIELDS =
      java.util.Set.of(
          "model",
          "messages",
          "temperature",
          "top_p",
          "max_tokens",
          "max_completion_tokens",
          "n",
          "stop",
          "seed",
          "stream",
          "stream_options",
          "response_format",
          "tools",
          "tool_choice",
          "parallel_tool_calls",
          "user",
          "logprobs",
          "top_logprobs",
          "frequency_penalty",
          "presence_penalty",
          "logit_bias");

  /**
   * Checks vendor parameters: names not blank and none of {@code reserved}, which a typed field or
   * the transport owns; a vendor field of that name would be sent twice or silently win.
   */
  static void checkExtra(@Nullable Map<String, ?> extra, java.util.Set<String> reserved) {
    if (extra == null) {
      return;
    }
    for (String name : extra.keySet()) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException(
            "extra field names must not be blank but was "
                + (name == null ? "null" : "\"" + name + "\""));
      }
      if (reserved.contains(name)) {
        throw new IllegalArgumentException(
            "extra must not set \""
                + name
                + "\": it is a typed or transport-owned field; use its own setter instead");
      }
    }
  }

  static void noNullElements(String field, @Nullable List<?> list) {
    if (list == null) {
      return;
    }
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i) == null) {
        throw new IllegalArgumentException(field + "[" + i + "] must not be null but was null");
      }
    }
  }

  private static Map<String, Integer> logitBias(Map<String, Integer> logitBias) {
    Map<String, Integer> copy = new TreeMap<>();
    for (Map.Entry<String, Integer> e : logitBias.entrySet()) {
      String token = e.getKey();
      if (token == null || token.isEmpty() || !token.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException(
            "logit_bias keys must be token ids (digits) but was "
                + (token == null ? "null" : "\"" + token + "\""));
      }
      Integer bias = e.getValue();
      if (bias == null || bias < -100 || bias > 100) {
        throw new IllegalArgumentException(
            "logit_bias[\"" + token + "\"] must be between -100 and 100 but was " + bias);
      }
      copy.put(token, bias);
    }
    return java.util.Collections.unmodifiableMap(copy);
  }

  /**
   * Returns a new builder with no field set.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding this request's fields, to derive a variant.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Returns this request with {@code stream} set to the given value (and, when not streaming,
   * without {@code stream_options}, which servers reject on a non-streaming call).
   *
   * @param stream the new value, null to leave the field out
   * @return this request when unchanged, else a copy
   */
  public ChatRequest withStream(@Nullable Boolean stream) {
    boolean streaming = Boolean.TRUE.equals(stream);
    if (Objects.equals(this.stream, stream) && (streaming || streamOptions == null)) {
      return this;
    }
    Builder b = toBuilder().stream(stream);
    if (!streaming) {
      b.streamOptions(null);
    }
    return b.build();
  }

  private static void range(String field, @Nullable Double value, double min, double max) {
    if (value != null && !(value >= min && value <= max)) {
      throw new IllegalArgumentException(
          field + " must be between " + fmt(min) + " and " + fmt(max) + " but was " + value);
    }
  }

  private static void atLeast(String field, @Nullable Integer value, int min) {
    if (value != null && value < min) {
      throw new IllegalArgumentException(field + " must be >= " + min + " but was " + value);
    }
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private static String typeName(@Nullable Object o) {
    return o == null ? "null" : o.getClass().getName();
  }

  /**
   * Builds a {@link ChatRequest}. Not thread-safe. Each method is named after the wire field;
   * {@link #build()} validates.
   */
  public static final class Builder {
    private @Nullable String model;
    private final List<ChatMessage> messages = new ArrayList<>();
    private @Nullable Double temperature;
    private @Nullable Double topP;
    private @Nullable Integer maxTokens;
    private @Nullable Integer maxCompletionTokens;
    private @Nullable Integer n;
    private @Nullable Object stop;
    private @Nullable Long seed;
    private @Nullable Boolean stream;
    private @Nullable Map<String, ?> streamOptions;
    private @Nullable Map<String, ?> responseFormat;
    private @Nullable List<Tool> tools;
    private @Nullable Object toolChoice;
    private @Nullable Boolean parallelToolCalls;
    private @Nullable String user;
    private @Nullable Boolean logprobs;
    private @Nullable Integer topLogprobs;
    private @Nullable Double frequencyPenalty;
    private @Nullable Double presencePenalty;
    private @Nullable Map<String, Integer> logitBias;
    private final Map<String, @Nullable Object> extra = new TreeMap<>();

    private Builder() {}

    private Builder(ChatRequest r) {
      model = r.model;
      messages.addAll(r.messages);
      temperature = r.temperature;
      topP = r.topP;
      maxTokens = r.maxTokens;
      maxCompletionTokens = r.maxCompletionTokens;
      n = r.n;
      stop = r.stop;
      seed = r.seed;
      stream = r.stream;
      streamOptions = r.streamOptions;
      responseFormat = r.responseFormat;
      tools = r.tools;
      toolChoice = r.toolChoice;
      parallelToolCalls = r.parallelToolCalls;
      user = r.user;
      logprobs = r.logprobs;
      topLogprobs = r.topLogprobs;
      frequencyPenalty = r.frequencyPenalty;
      presencePenalty = r.presencePenalty;
      logitBias = r.logitBias;
      extra.putAll(r.extra);
    }

    /**
     * Sets the model id.
     *
     * @param model the model id
     * @return this builder
     */
    public Builder model(String model) {
      this.model = model;
      return this;
    }

    /**
     * Replaces the messages.
     *
     * @param messages the conversation in order
     * @return this builder
     * @throws NullPointerException if {@code messages} is null
     */
    public Builder messages(List<ChatMessage> messages) {
      Objects.requireNonNull(messages, "messages");
      this.messages.clear();
      this.messages.addAll(messages);
      return this;
    }

    /**
     * Appends one message.
     *
     * @param message the next message
     * @return this builder
     * @throws NullPointerException if {@code message} is null
     */
    public Builder message(ChatMessage message) {
      messages.add(Objects.requireNonNull(message, "message"));
      return this;
    }

    /**
     * Sets the sampling temperature, in [0, 2].
     *
     * @param temperature the temperature, null to leave it to the server
     * @return this builder
     */
    public Builder temperature(@Nullable Double temperature) {
      this.temperature = temperature;
      return this;
    }

    /**
     * Sets {@code top_p}, in [0, 1].
     *
     * @param topP the nucleus mass, null to leave it to the server
     * @return this builder
     */
    public Builder topP(@Nullable Double topP) {
      this.topP = topP;
      return this;
    }

    /**
     * Sets {@code max_tokens} (the field every OpenAI-compatible server reads).
     *
     * @param maxTokens the limit, at least 0, null for none
     * @return this builder
     */
    public Builder maxTokens(@Nullable Integer maxTokens) {
      this.maxTokens = maxTokens;
      return this;
    }

    /**
     * Sets {@code max_completion_tokens} (OpenAI's newer field, required by its reasoning models).
     *
     * @param maxCompletionTokens the limit, at least 0, null for none
     * @return this builder
     */
    public Builder maxCompletionTokens(@Nullable Integer maxCompletionTokens) {
      this.maxCompletionTokens = maxCompletionTokens;
      return this;
    }

    /**
     * Sets how many choices to generate.
     *
     * @param n at least 1, null for the server's default (1)
     * @return this builder
     */
    public Builder n(@Nullable Integer n) {
      this.n = n;
      return this;
    }

    /**
     * Sets one stop sequence.
     *
     * @param stop the sequence, null for none
     * @return this builder
     */
    public Builder stop(@Nullable String stop) {
      this.stop = stop;
      return this;
    }

    /**
     * Sets several stop sequences.
     *
     * @param stop the sequences; a null element fails at {@link #build()}, named with its index
     * @return this builder
     * @throws NullPointerException if {@code stop} is null
     */
    public Builder stop(List<String> stop) {
      this.stop = new ArrayList<>(Objects.requireNonNull(stop, "stop"));
      return this;
    }

    /**
     * Sets the sampling seed.
     *
     * @param seed the seed, null for none
     * @return this builder
     */
    public Builder seed(@Nullable Long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Sets {@code stream}. The transport overrides it per call; it is not part of the cache key.
     *
     * @param stream whether to stream, null to leave it out
     * @return this builder
     */
    public Builder stream(@Nullable Boolean stream) {
      this.stream = stream;
      return this;
    }

    /**
     * Sets {@code stream_options}.
     *
     * @param streamOptions the options, null for none
     * @return this builder
     */
    public Builder streamOptions(@Nullable Map<String, ?> streamOptions) {
      this.streamOptions = streamOptions;
      return this;
    }

    /**
     * Asks a streaming server to send a final usage chunk ({@code stream_options.include_usage}).
     *
     * @param includeUsage whether to include usage
     * @return this builder
     */
    public Builder streamIncludeUsage(boolean includeUsage) {
      this.streamOptions = Map.of("include_usage", includeUsage);
      return this;
    }

    /**
     * Sets {@code response_format}, e.g. {@code Map.of("type", "json_object")}.
     *
     * @param responseFormat the format, null for free text
     * @return this builder
     */
    public Builder responseFormat(@Nullable Map<String, ?> responseFormat) {
      this.responseFormat = responseFormat;
      return this;
    }

    /**
     * Sets the tools the model may call.
     *
     * @param tools the tools, null for none
     * @return this builder
     */
    public Builder tools(@Nullable List<Tool> tools) {
      this.tools = tools;
      return this;
    }

    /**
     * Sets {@code tool_choice}: {@code "auto"}, {@code "none"}, {@code "required"} or a map.
     *
     * @param toolChoice the choice, null for the server's default
     * @return this builder
     */
    public Builder toolChoice(@Nullable Object toolChoice) {
      this.toolChoice = toolChoice;
      return this;
    }

    /**
     * Sets {@code parallel_tool_calls}.
     *
     * @param parallelToolCalls whether several tools may be called at once
     * @return this builder
     */
    public Builder parallelToolCalls(@Nullable Boolean parallelToolCalls) {
      this.parallelToolCalls = parallelToolCalls;
      return this;
    }

    /**
     * Sets {@code user}, an end-user id for abuse monitoring (not part of the cache key).
     *
     * @param user the id, null for none
     * @return this builder
     */
    public Builder user(@Nullable String user) {
      this.user = user;
      return this;
    }

    /**
     * Sets {@code logprobs}.
     *
     * @param logprobs whether to return token log probabilities
     * @return this builder
     */
    public Builder logprobs(@Nullable Boolean logprobs) {
      this.logprobs = logprobs;
      return this;
    }

    /**
     * Sets {@code top_logprobs}, in [0, 20].
     *
     * @param topLogprobs alternatives per token
     * @return this builder
     */
    public Builder topLogprobs(@Nullable Integer topLogprobs) {
      this.topLogprobs = topLogprobs;
      return this;
    }

    /**
     * Sets {@code frequency_penalty}, in [-2, 2].
     *
     * @param frequencyPenalty the penalty
     * @return this builder
     */
    public Builder frequencyPenalty(@Nullable Double frequencyPenalty) {
      this.frequencyPenalty = frequencyPenalty;
      return this;
    }

    /**
     * Sets {@code presence_penalty}, in [-2, 2].
     *
     * @param presencePenalty the penalty
     * @return this builder
     */
    public Builder presencePenalty(@Nullable Double presencePenalty) {
      this.presencePenalty = presencePenalty;
      return this;
    }

    /**
     * Sets {@code logit_bias}; checked at {@link #build()}.
     *
     * @param logitBias token id (digits, as a string) to bias in [-100, 100]
     * @return this builder
     */
    public Builder logitBias(@Nullable Map<String, Integer> logitBias) {
      this.logitBias = logitBias;
      return this;
    }

    /**
     * Adds a vendor parameter, sent as a top-level field (e.g. vLLM's {@code top_k}).
     *
     * @param name the wire name; not blank, and not one a typed field or the transport sends
     *     ({@code model}, {@code messages}, {@code stream}, {@code stream_options}, {@code
     *     max_tokens}, ...): set those with their own method
     * @param value a JSON-shaped value (string, number, boolean, map, list) or null
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank or names such a field
     */
    public Builder extra(String name, @Nullable Object value) {
      Objects.requireNonNull(name, "name");
      checkExtra(Map.of(name, ""), WIRE_FIELDS);
      extra.put(name, value);
      return this;
    }

    /**
     * Builds the request.
     *
     * @return the validated request
     * @throws IllegalArgumentException if a field is invalid (the message names field and value)
     */
    public ChatRequest build() {
      return new ChatRequest(
          model,
          messages,
          temperature,
          topP,
          maxTokens,
          maxCompletionTokens,
          n,
          stop,
          seed,
          stream,
          streamOptions,
          responseFormat,
          tools,
          toolChoice,
          parallelToolCalls,
          user,
          logprobs,
          topLogprobs,
          frequencyPenalty,
          presencePenalty,
          logitBias,
          extra);
    }
  }
}
