package ai.vaultgemma.logging;

/**
 * The stable field names of the events {@link StructuredLogger} writes. Dashboards and alerts match
 * on these, so they only ever grow.
 *
 * <p>Every specialised event has {@value #EVENT} set to its type ({@value #HTTP_REQUEST}, {@value
 * #INFERENCE}, {@value #CACHE}, {@value #DB}); the message of the log line is the same word.
 */
public final class FieldNames {
  /** The event type: {@code http_request}, {@code inference}, {@code cache} or {@code db}. */
  public static final String EVENT = "event";

  /** Event type of {@link StructuredLogger#httpRequest}. */
  public static final String HTTP_REQUEST = "http_request";

  /** Event type of {@link StructuredLogger#inference}. */
  public static final String INFERENCE = "inference";

  /** Event type of {@link StructuredLogger#cache}. */
  public static final String CACHE = "cache";

  /** Event type of {@link StructuredLogger#db}. */
  public static final String DB = "db";

  /** HTTP method, string. */
  public static final String METHOD = "method";

  /** HTTP path with sensitive query values redacted, string. */
  public static final String PATH = "path";

  /** HTTP status code, number. */
  public static final String STATUS = "status";

  /** Wall time in milliseconds, number. */
  public static final String LATENCY_MS = "latency_ms";

  /** The attempt's number of an {@code http_request} event, 1 for the first, number. */
  public static final String ATTEMPT = "attempt";

  /** Model name, string. */
  public static final String MODEL = "model";

  /** Caller-defined domain of an inference (e.g. {@code chat}, {@code embeddings}), string. */
  public static final String DOMAIN = "domain";

  /** Total tokens of an inference, number. */
  public static final String TOKENS_USED = "tokens_used";

  /** Prompt tokens of an inference, number (only when known). */
  public static final String PROMPT_TOKENS = "prompt_tokens";

  /** Completion tokens of an inference, number (only when known). */
  public static final String COMPLETION_TOKENS = "completion_tokens";

  /** Whether the answer came from a cache, boolean. */
  public static final String CACHE_HIT = "cache_hit";

  /** The end user on whose behalf the call was made, string (only when given). */
  public static final String USER_ID = "user_id";

  /** Cache scope (tenant) of an inference, string (only when given). */
  public static final String CACHE_SCOPE = "cache_scope";

  /** Whether the inference was streamed, boolean (only when streamed). */
  public static final String STREAM = "stream";

  /** Short error kind of a failed inference, string (only on failure). */
  public static final String ERROR = "error";

  /** Prompt text, truncated, string (only when {@link LogPolicy#logText()} is on). */
  public static final String PROMPT = "prompt";

  /** Response text, truncated, string (only when {@link LogPolicy#logText()} is on). */
  public static final String RESPONSE = "response";

  /** Cache name of a cache event, string. */
  public static final String CACHE_NAME = "cache";

  /** Operation of a cache or db event, string. */
  public static final String OP = "op";

  /** Whether a cache operation hit, boolean. */
  public static final String HIT = "hit";

  /** A hash of the cache key (never the key itself), string (only when given). */
  public static final String KEY_HASH = "key_hash";

  /** Entries in the cache after the operation, number. */
  public static final String SIZE = "size";

  /** Why a cache entry left the cache ({@code size}, {@code expired}, ...), string. */
  public static final String CAUSE = "cause";

  /** The state a db event reports: {@code degraded} or {@code recovered}, string. */
  public static final String STATE = "state";

  /** Rows read or written by a db operation, number. */
  public static final String ROWS = "rows";

  private FieldNames() {}
}
