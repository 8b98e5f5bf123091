package ai.vaultgemma.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * The attribute and metric names {@link InferenceTracing} writes, in one place: the OpenTelemetry
 * GenAI, HTTP, server and error semantic conventions (version {@value #SEMCONV_VERSION}), and the
 * few {@code vaultgemma.*} names of our own.
 *
 * <p>The GenAI conventions are still in development and ship only in the alpha {@code
 * opentelemetry-semconv-incubating} artifact, so this module defines the names itself instead of
 * depending on it at run time; a test checks every name here against the published constants.
 * Useful to query spans in tests or to write a span processor. Constants only; not instantiable.
 */
public final class GenAiAttributes {

  /** The semantic-conventions version these names follow. */
  public static final String SEMCONV_VERSION = "1.37.0";

  // GenAI: the call span and the metrics.

  /** {@code gen_ai.operation.name}: {@code chat} or {@code embeddings}. */
  public static final AttributeKey<String> GEN_AI_OPERATION_NAME =
      AttributeKey.stringKey("gen_ai.operation.name");

  /**
   * {@code gen_ai.provider.name}: the provider, {@link InferenceTracing#DEFAULT_PROVIDER_NAME}
   * unless configured. Replaced the older {@code gen_ai.system} in conventions 1.37.0.
   */
  public static final AttributeKey<String> GEN_AI_PROVIDER_NAME =
      AttributeKey.stringKey("gen_ai.provider.name");

  /** {@code gen_ai.request.model}: the model the request names. */
  public static final AttributeKey<String> GEN_AI_REQUEST_MODEL =
      AttributeKey.stringKey("gen_ai.request.model");

  /** {@code gen_ai.request.temperature}, when the request sets it. */
  public static final AttributeKey<Double> GEN_AI_REQUEST_TEMPERATURE =
      AttributeKey.doubleKey("gen_ai.request.temperature");

  /** {@code gen_ai.request.top_p}, when the request sets it. */
  public static final AttributeKey<Double> GEN_AI_REQUEST_TOP_P =
      AttributeKey.doubleKey("gen_ai.request.top_p");

  /**
   * {@code gen_ai.request.max_tokens}: the request's {@code max_completion_tokens}, else its {@code
   * max_tokens}, when either is set.
   */
  public static final AttributeKey<Long> GEN_AI_REQUEST_MAX_TOKENS =
      AttributeKey.longKey("gen_ai.request.max_tokens");

  /** {@code gen_ai.request.frequency_penalty}, when the request sets it. */
  public static final AttributeKey<Double> GEN_AI_REQUEST_FREQUENCY_PENALTY =
      AttributeKey.doubleKey("gen_ai.request.frequency_penalty");

  /** {@code gen_ai.request.presence_penalty}, when the request sets it. */
  public static final AttributeKey<Double> GEN_AI_REQUEST_PRESENCE_PENALTY =
      AttributeKey.doubleKey("gen_ai.request.presence_penalty");

  /** {@code gen_ai.request.stop_sequences}, when the request sets {@code stop}. */
  public static final AttributeKey<List<String>> GEN_AI_REQUEST_STOP_SEQUENCES =
      AttributeKey.stringArrayKey("gen_ai.request.stop_sequences");

  /** {@code gen_ai.request.seed}, when the request sets it. */
  public static final AttributeKey<Long> GEN_AI_REQUEST_SEED =
      AttributeKey.longKey("gen_ai.request.seed");

  /** {@code gen_ai.request.choice.count}: the request's {@code n}, when set and not 1. */
  public static final AttributeKey<Long> GEN_AI_REQUEST_CHOICE_COUNT =
      AttributeKey.longKey("gen_ai.request.choice.count");

  /**
   * {@code gen_ai.request.encoding_formats}: an embeddings request's {@code encoding_format}, when
   * set.
   */
  public static final AttributeKey<List<String>> GEN_AI_REQUEST_ENCODING_FORMATS =
      AttributeKey.stringArrayKey("gen_ai.request.encoding_formats");

  /**
   * {@code gen_ai.output.type}: {@code json} when the request asks for a JSON response format,
   * {@code text} when it asks for text; absent otherwise.
   */
  public static final AttributeKey<String> GEN_AI_OUTPUT_TYPE =
      AttributeKey.stringKey("gen_ai.output.type");

  /** {@code gen_ai.response.model}: the model the answer names. */
  public static final AttributeKey<String> GEN_AI_RESPONSE_MODEL =
      AttributeKey.stringKey("gen_ai.response.model");

  /** {@code gen_ai.response.id}: the answer's id. */
  public static final AttributeKey<String> GEN_AI_RESPONSE_ID =
      AttributeKey.stringKey("gen_ai.response.id");

  /** {@code gen_ai.response.finish_reasons}: one per choice, in order. */
  public static final AttributeKey<List<String>> GEN_AI_RESPONSE_FINISH_REASONS =
      AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");

  /** {@code gen_ai.usage.input_tokens}: the answer's prompt tokens. */
  public static final AttributeKey<Long> GEN_AI_USAGE_INPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.input_tokens");

  /** {@code gen_ai.usage.output_tokens}: the answer's completion tokens (chat only). */
  public static final AttributeKey<Long> GEN_AI_USAGE_OUTPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.output_tokens");

  /** {@code gen_ai.token.type}: {@code input} or {@code output}, on the token-usage metric. */
  public static final AttributeKey<String> GEN_AI_TOKEN_TYPE =
      AttributeKey.stringKey("gen_ai.token.type");

  /**
   * {@code gen_ai.input.messages}: the chat messages sent, as a JSON string in the conventions'
   * input-messages shape. Opt-in only ({@link InferenceTracing.Builder#captureContent}).
   */
  public static final AttributeKey<String> GEN_AI_INPUT_MESSAGES =
      AttributeKey.stringKey("gen_ai.input.messages");

  /**
   * {@code gen_ai.output.messages}: the answer's choices, as a JSON string in the conventions'
   * output-messages shape (each with its {@code finish_reason}). Opt-in only ({@link
   * InferenceTracing.Builder#captureContent}).
   */
  public static final AttributeKey<String> GEN_AI_OUTPUT_MESSAGES =
      AttributeKey.stringKey("gen_ai.output.messages");

  // Server, error and HTTP client conventions (stable).

  /** {@code server.address}: the host of the server the (first) attempt went to. */
  public static final AttributeKey<String> SERVER_ADDRESS =
      AttributeKey.stringKey("server.address");

  /** {@code server.port}: the port of the server the (first) attempt went to. */
  public static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");

  /**
   * {@code error.type}: the HTTP status as text ({@code 400}, {@code 503}) for a server error,
   * {@code timeout} for a timeout, else the failure's fully qualified class name.
   */
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /** {@code http.request.method}, on attempt spans. */
  public static final AttributeKey<String> HTTP_REQUEST_METHOD =
      AttributeKey.stringKey("http.request.method");

  /** {@code http.response.status_code}, on attempt spans that got a response. */
  public static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE =
      AttributeKey.longKey("http.response.status_code");

  /** {@code http.request.resend_count}: on a retry's attempt span, how many were sent before. */
  public static final AttributeKey<Long> HTTP_REQUEST_RESEND_COUNT =
      AttributeKey.longKey("http.request.resend_count");

  /** {@code url.path}: the request path, on attempt spans. */
  public static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");

  /**
   * {@code url.full}: the request's URL, on attempt spans (required by the HTTP client span
   * conventions). Never with user info or a query: the client refuses base URLs with either.
   */
  public static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");

  // Our own.

  /** {@code vaultgemma.cache.level}: which level answered: {@code l1|l2|joined|miss}. */
  public static final AttributeKey<String> VAULTGEMMA_CACHE_LEVEL =
      AttributeKey.stringKey("vaultgemma.cache.level");

  /** {@code vaultgemma.call.mode}: how the caller waits: {@code blocking|async|stream}. */
  public static final AttributeKey<String> VAULTGEMMA_CALL_MODE =
      AttributeKey.stringKey("vaultgemma.call.mode");

  /**
   * {@code vaultgemma.trace_id}: the trace id in the client's own log events for this call, set
   * only when it differs from the span's trace id, so a span still leads to its log lines.
   */
  public static final AttributeKey<String> VAULTGEMMA_TRACE_ID =
      AttributeKey.stringKey("vaultgemma.trace_id");

  /**
   * {@code vaultgemma.stream.time_to_first_chunk}: for a stream, seconds from the call's start to
   * its first chunk reaching the caller.
   */
  public static final AttributeKey<Double> VAULTGEMMA_STREAM_TIME_TO_FIRST_CHUNK =
      AttributeKey.doubleKey("vaultgemma.stream.time_to_first_chunk");

  /** {@code vaultgemma.stream.chunks}: for a stream, the chunks the caller got. */
  public static final AttributeKey<Long> VAULTGEMMA_STREAM_CHUNKS =
      AttributeKey.longKey("vaultgemma.stream.chunks");

  /** {@code vaultgemma.retry.reason}: on a retry event, the status or failure class retried. */
  public static final AttributeKey<String> VAULTGEMMA_RETRY_REASON =
      AttributeKey.stringKey("vaultgemma.retry.reason");

  /** {@code vaultgemma.retry.delay}: on a retry event, the seconds waited before the next send. */
  public static final AttributeKey<Double> VAULTGEMMA_RETRY_DELAY =
      AttributeKey.doubleKey("vaultgemma.retry.delay");

  /**
   * {@code vaultgemma.rate_limit.wait}: on a rate-limit event, the seconds a client-side rate limit
   * held the call back before it went to the server.
   */
  public static final AttributeKey<Double> VAULTGEMMA_RATE_LIMIT_WAIT =
      AttributeKey.doubleKey("vaultgemma.rate_limit.wait");

  // Event and metric names.

  /** The call span's event when a stream's first chunk reaches the caller. */
  public static final String EVENT_FIRST_CHUNK = "vaultgemma.stream.first_chunk";

  /** The call span's event when the retry policy schedules another attempt. */
  public static final String EVENT_RETRY = "vaultgemma.retry";

  /** The call span's event when a client-side rate limit holds the call back. */
  public static final String EVENT_RATE_LIMIT = "vaultgemma.rate_limit";

  /** Histogram of call durations, in seconds. */
  public static final String METRIC_OPERATION_DURATION = "gen_ai.client.operation.duration";

  /** Histogram of tokens per call, by {@link #GEN_AI_TOKEN_TYPE}. */
  public static final String METRIC_TOKEN_USAGE = "gen_ai.client.token.usage";

  /** The conventions' bucket boundaries for {@link #METRIC_OPERATION_DURATION}, in seconds. */
  public static final List<Double> DURATION_BUCKETS =
      List.of(
          0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);

  /** The conventions' bucket boundaries for {@link #METRIC_TOKEN_USAGE}, in tokens. */
  public static final List<Long> TOKEN_BUCKETS =
      List.of(
          1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L, 4194304L,
          16777216L, 67108864L);

  private GenAiAttributes() {}
}
