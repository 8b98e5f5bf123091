package ai.vaultgemma.logging;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.CallerBoundaryAware;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Structured log events over an SLF4J 2 {@link Logger}. Every field is passed with SLF4J's
 * key-value API, so a JSON encoder (logstash-logback-encoder, as this module's zero-config logback
 * setup uses) writes it as a real top-level field with its type, and the MDC adds {@code trace_id}
 * and {@code span_id} from the current {@link TraceScope}.
 *
 * <pre>{@code
 * private static final StructuredLogger log = StructuredLogger.of(MyService.class);
 *
 * log.info("started", Fields.of("port", 8080));
 * log.atDebug().field("attempt", 2).log("retrying");
 * log.httpRequest("POST", "/v1/chat/completions", 200, 181);
 * log.inference("vaultgemma-1b", "chat", 42, 180, false, "u-7");
 * log.cache("inference", "get", true, "9f86d081", 876);
 * log.db("insert", 3, 1);
 * }</pre>
 *
 * <h2>Events</h2>
 *
 * The specialised methods write at INFO a line whose message and {@value FieldNames#EVENT} field
 * are the event type, with the stable field names of {@link FieldNames}. Their own fields are never
 * redacted (none is a secret); the generic methods and {@link LogEvent} redact every field whose
 * name the {@link LogPolicy} calls secret, and HTTP paths have sensitive query values redacted.
 *
 * <h2>Cost</h2>
 *
 * Each method first asks the level; when it is off the call returns at once and allocates nothing
 * (the {@code atXxx()} methods return a shared no-op). Caller information points at the code that
 * called this class, not at this class.
 *
 * <p>Thread-safe and immutable: share one instance per class, as with an SLF4J logger.
 */
public final class StructuredLogger {
  private static final String FQCN = StructuredLogger.class.getName();

  private final Logger logger;
  private final LogPolicy policy;

  private StructuredLogger(Logger logger, LogPolicy policy) {
    this.logger = logger;
    this.policy = policy;
  }

  /**
   * Returns a logger named after a class, with the default {@link LogPolicy}.
   *
   * @param type the class
   * @return the logger
   * @throws NullPointerException if {@code type} is null
   */
  public static StructuredLogger of(Class<?> type) {
    return new StructuredLogger(
        LoggerFactory.getLogger(requireNonNull(type, "type")), LogPolicy.defaults());
  }

  /**
   * Returns a logger with the given name, with the default {@link LogPolicy}.
   *
   * @param name the logger name
   * @return the logger
   * @throws NullPointerException if {@code name} is null
   */
  public static StructuredLogger of(String name) {
    return new StructuredLogger(
        LoggerFactory.getLogger(requireNonNull(name, "name")), LogPolicy.defaults());
  }

  /**
   * Returns a logger writing to the given SLF4J logger, with the default {@link LogPolicy}.
   *
   * @param logger the SLF4J logger
   * @return the logger
   * @throws NullPointerException if {@code logger} is null
   */
  public static StructuredLogger of(Logger logger) {
    return new StructuredLogger(requireNonNull(logger, "logger"), LogPolicy.defaults());
  }

  /**
   * Returns a logger like this one that follows another policy.
   *
   * @param policy the policy
   * @return a new logger over the same SLF4J logger
   * @throws NullPointerException if {@code policy} is null
   */
  public StructuredLogger withPolicy(LogPolicy policy) {
    return new StructuredLogger(logger, requireNonNull(policy, "policy"));
  }

  /**
   * Returns the SLF4J logger this one writes to.
   *
   * @return the SLF4J logger
   */
  public Logger slf4jLogger() {
    return logger;
  }

  /**
   * Returns the policy this logger follows.
   *
   * @return the policy
   */
  public LogPolicy policy() {
    return policy;
  }

  /**
   * Returns whether DEBUG is on.
   *
   * @return true when DEBUG events are written
   */
  public boolean isDebugEnabled() {
    return logger.isDebugEnabled();
  }

  /**
   * Returns whether INFO is on.
   *
   * @return true when INFO events are written
   */
  public boolean isInfoEnabled() {
    return logger.isInfoEnabled();
  }

  /**
   * Returns whether WARN is on.
   *
   * @return true when WARN events are written
   */
  public boolean isWarnEnabled() {
    return logger.isWarnEnabled();
  }

  // ----------------------------------------------------------------------------------- generic

  /**
   * Writes a DEBUG message.
   *
   * @param message the message
   */
  public void debug(String message) {
    if (logger.isDebugEnabled()) {
      write(Level.DEBUG, message, Fields.empty(), null);
    }
  }

  /**
   * Writes a DEBUG message with fields.
   *
   * @param message the message
   * @param fields the fields, redacted by the policy
   */
  public void debug(String message, Fields fields) {
    if (logger.isDebugEnabled()) {
      write(Level.DEBUG, message, fields, null);
    }
  }

  /**
   * Writes an INFO message.
   *
   * @param message the message
   */
  public void info(String message) {
    if (logger.isInfoEnabled()) {
      write(Level.INFO, message, Fields.empty(), null);
    }
  }

  /**
   * Writes an INFO message with fields.
   *
   * @param message the message
   * @param fields the fields, redacted by the policy
   */
  public void info(String message, Fields fields) {
    if (logger.isInfoEnabled()) {
      write(Level.INFO, message, fields, null);
    }
  }

  /**
   * Writes a WARN message.
   *
   * @param message the message
   */
  public void warn(String message) {
    if (logger.isWarnEnabled()) {
      write(Level.WARN, message, Fields.empty(), null);
    }
  }

  /**
   * Writes a WARN message with fields.
   *
   * @param message the message
   * @param fields the fields, redacted by the policy
   */
  public void warn(String message, Fields fields) {
    if (logger.isWarnEnabled()) {
      write(Level.WARN, message, fields, null);
    }
  }

  /**
   * Writes a WARN message with fields and an exception.
   *
   * @param message the message
   * @param fields the fields, redacted by the policy
   * @param cause the exception, may be null
   */
  public void warn(String message, Fields fields, @Nullable Throwable cause) {
    if (logger.isWarnEnabled()) {
      write(Level.WARN, message, fields, cause);
    }
  }

  /**
   * Writes an ERROR message.
   *
   * @param message the message
   */
  public void error(String message) {
    if (logger.isErrorEnabled()) {
      write(Level.ERROR, message, Fields.empty(), null);
    }
  }

  /**
   * Writes an ERROR message with fields.
   *
   * @param message the message
   * @param fields the fields, redacted by the policy
   */
  public void error(String message, Fields fields) {
    if (logger.isErrorEnabled()) {
      write(Level.ERROR, message, fields, null);
    }
  }

  /**
   * Writes an ERROR message with fields and an exception.
   *
   * @param message the message
   * @param fields the fields, redacted by the policy
   * @param cause the exception, may be null
   */
  public void error(String message, Fields fields, @Nullable Throwable cause) {
    if (logger.isErrorEnabled()) {
      write(Level.ERROR, message, fields, cause);
    }
  }

  /**
   * Starts a DEBUG event; a shared no-op when DEBUG is off.
   *
   * @return the event to add fields to and {@link LogEvent#log(String) log}
   */
  public LogEvent atDebug() {
    return logger.isDebugEnabled() ? new LiveEvent(logger.atDebug(), policy) : NoopEvent.INSTANCE;
  }

  /**
   * Starts an INFO event; a shared no-op when INFO is off.
   *
   * @return the event to add fields to and {@link LogEvent#log(String) log}
   */
  public LogEvent atInfo() {
    return logger.isInfoEnabled() ? new LiveEvent(logger.atInfo(), policy) : NoopEvent.INSTANCE;
  }

  /**
   * Starts a WARN event; a shared no-op when WARN is off.
   *
   * @return the event to add fields to and {@link LogEvent#log(String) log}
   */
  public LogEvent atWarn() {
    return logger.isWarnEnabled() ? new LiveEvent(logger.atWarn(), policy) : NoopEvent.INSTANCE;
  }

  /**
   * Starts an ERROR event; a shared no-op when ERROR is off.
   *
   * @return the event to add fields to and {@link LogEvent#log(String) log}
   */
  public LogEvent atError() {
    return logger.isErrorEnabled() ? new LiveEvent(logger.atError(), policy) : NoopEvent.INSTANCE;
  }

  // ------------------------------------------------------------------------------- specialised

  /**
   * Writes an {@code http_request} event at INFO: {@code method}, {@code path} (sensitive query
   * values redacted), {@code status}, {@code latency_ms}.
   *
   * @param method the HTTP method
   * @param path the request path, with or without query
   * @param status the response status code
   * @param latencyMs the wall time in milliseconds
   */
  public void httpRequest(String method, String path, int status, long latencyMs) {
    httpRequest(method, path, status, latencyMs, 0, null);
  }

  /**
   * Writes an {@code http_request} event for one attempt of a request: at INFO when it got a
   * response, at WARN when it failed without one. Fields as {@link #httpRequest(String, String,
   * int, long)}, plus {@code attempt} (when positive) and {@code error} (when it failed).
   *
   * @param method the HTTP method
   * @param path the request path, with or without query
   * @param status the response status code, or 0 when the attempt failed without a response
   * @param latencyMs the attempt's wall time in milliseconds
   * @param attempt the attempt's number, 1 for the first; 0 leaves the field out
   * @param error the failure's short name when the attempt failed without a response, else null
   */
  public void httpRequest(
      String method, String path, int status, long latencyMs, int attempt, @Nullable String error) {
    boolean failed = error != null;
    if (failed ? !logger.isWarnEnabled() : !logger.isInfoEnabled()) {
      return;
    }
    LoggingEventBuilder b =
        boundary(failed ? logger.atWarn() : logger.atInfo())
            .addKeyValue(FieldNames.EVENT, FieldNames.HTTP_REQUEST)
            .addKeyValue(FieldNames.METHOD, method)
            .addKeyValue(FieldNames.PATH, policy.redactPath(path))
            .addKeyValue(FieldNames.STATUS, status)
            .addKeyValue(FieldNames.LATENCY_MS, latencyMs);
    if (attempt > 0) {
      b = b.addKeyValue(FieldNames.ATTEMPT, attempt);
    }
    if (failed) {
      b = b.addKeyValue(FieldNames.ERROR, error);
    }
    b.log(FieldNames.HTTP_REQUEST);
  }

  /**
   * Writes an {@code inference} event at INFO: {@code model}, {@code domain}, {@code tokens_used},
   * {@code latency_ms}, {@code cache_hit}, {@code user_id} (left out when null).
   *
   * @param model the model name
   * @param domain the domain, e.g. {@code chat}
   * @param tokensUsed total tokens
   * @param latencyMs the wall time in milliseconds
   * @param cacheHit whether the answer came from a cache
   * @param userId the end user, or null
   */
  public void inference(
      String model,
      String domain,
      long tokensUsed,
      long latencyMs,
      boolean cacheHit,
      @Nullable String userId) {
    if (!logger.isInfoEnabled()) {
      return;
    }
    LoggingEventBuilder b =
        boundary(logger.atInfo())
            .addKeyValue(FieldNames.EVENT, FieldNames.INFERENCE)
            .addKeyValue(FieldNames.MODEL, model)
            .addKeyValue(FieldNames.DOMAIN, domain)
            .addKeyValue(FieldNames.TOKENS_USED, tokensUsed)
            .addKeyValue(FieldNames.LATENCY_MS, latencyMs)
            .addKeyValue(FieldNames.CACHE_HIT, cacheHit);
    if (userId != null) {
      b = b.addKeyValue(FieldNames.USER_ID, userId);
    }
    b.log(FieldNames.INFERENCE);
  }

  /**
   * Writes an {@code inference} event at INFO (WARN when {@link InferenceEvent#error()} is set)
   * with every field the event holds; prompt and response text only as the policy allows.
   *
   * @param event the event
   */
  public void inference(InferenceEvent event) {
    boolean failed = event.error != null;
    if (failed ? !logger.isWarnEnabled() : !logger.isInfoEnabled()) {
      return;
    }
    LoggingEventBuilder b =
        boundary(failed ? logger.atWarn() : logger.atInfo())
            .addKeyValue(FieldNames.EVENT, FieldNames.INFERENCE)
            .addKeyValue(FieldNames.MODEL, event.model);
    if (event.domain != null) {
      b = b.addKeyValue(FieldNames.DOMAIN, event.domain);
    }
    b = b.addKeyValue(FieldNames.TOKENS_USED, event.tokensUsed);
    if (event.promptTokens != InferenceEvent.UNKNOWN) {
      b = b.addKeyValue(FieldNames.PROMPT_TOKENS, event.promptTokens);
    }
    if (event.completionTokens != InferenceEvent.UNKNOWN) {
      b = b.addKeyValue(FieldNames.COMPLETION_TOKENS, event.completionTokens);
    }
    b =
        b.addKeyValue(FieldNames.LATENCY_MS, event.latencyMs)
            .addKeyValue(FieldNames.CACHE_HIT, event.cacheHit);
    if (event.userId != null) {
      b = b.addKeyValue(FieldNames.USER_ID, event.userId);
    }
    if (event.cacheScope != null) {
      b = b.addKeyValue(FieldNames.CACHE_SCOPE, event.cacheScope);
    }
    if (event.stream) {
      b = b.addKeyValue(FieldNames.STREAM, true);
    }
    if (event.error != null) {
      b = b.addKeyValue(FieldNames.ERROR, event.error);
    }
    String prompt = policy.text(event.prompt);
    if (prompt != null) {
      b = b.addKeyValue(FieldNames.PROMPT, prompt);
    }
    String response = policy.text(event.response);
    if (response != null) {
      b = b.addKeyValue(FieldNames.RESPONSE, response);
    }
    b.log(FieldNames.INFERENCE);
  }

  /**
   * Writes a {@code cache} event at DEBUG: {@code cache}, {@code op}, {@code hit}, {@code key_hash}
   * (left out when null), {@code size}. Per-lookup events are chatty, hence DEBUG.
   *
   * @param cache the cache name
   * @param op the operation, e.g. {@code get}, {@code put}, {@code evict}
   * @param hit whether a lookup hit
   * @param keyHash a hash of the key (never the key, which may hold prompt text), or null
   * @param size entries in the cache after the operation
   */
  public void cache(String cache, String op, boolean hit, @Nullable String keyHash, long size) {
    if (!logger.isDebugEnabled()) {
      return;
    }
    LoggingEventBuilder b =
        boundary(logger.atDebug())
            .addKeyValue(FieldNames.EVENT, FieldNames.CACHE)
            .addKeyValue(FieldNames.CACHE_NAME, cache)
            .addKeyValue(FieldNames.OP, op)
            .addKeyValue(FieldNames.HIT, hit);
    if (keyHash != null) {
      b = b.addKeyValue(FieldNames.KEY_HASH, keyHash);
    }
    b.addKeyValue(FieldNames.SIZE, size).log(FieldNames.CACHE);
  }

  /**
   * Writes a {@code cache} event at DEBUG for an entry that left the cache: {@code cache}, {@code
   * op} ({@code evict}), {@code hit} (false), {@code key_hash} (when given), {@code cause}, {@code
   * size}.
   *
   * @param cache the cache's name
   * @param keyHash a hash of the key, never the key itself, or null
   * @param cause why it left, such as {@code size} or {@code expired}
   * @param size entries left in the cache
   */
  public void cacheEviction(String cache, @Nullable String keyHash, String cause, long size) {
    if (!logger.isDebugEnabled()) {
      return;
    }
    LoggingEventBuilder b =
        boundary(logger.atDebug())
            .addKeyValue(FieldNames.EVENT, FieldNames.CACHE)
            .addKeyValue(FieldNames.CACHE_NAME, cache)
            .addKeyValue(FieldNames.OP, "evict")
            .addKeyValue(FieldNames.HIT, false);
    if (keyHash != null) {
      b = b.addKeyValue(FieldNames.KEY_HASH, keyHash);
    }
    b.addKeyValue(FieldNames.CAUSE, cause).addKeyValue(FieldNames.SIZE, size).log(FieldNames.CACHE);
  }

  /**
   * Writes a {@code db} event for a change of a database's state: at WARN when it became unusable
   * ({@code state} {@code degraded}, with {@code error}), at INFO when it answers again ({@code
   * recovered}). Fields: {@code op} (what failed or what found it back), {@code state}, {@code
   * error} (when given). The message carries no secret: callers pass a failure's description, never
   * a URL or DSN with credentials.
   *
   * @param op the operation, e.g. {@code L2 get} or {@code probe}
   * @param degraded true when the database became unusable, false when it recovered
   * @param error what failed, or null
   */
  public void dbState(String op, boolean degraded, @Nullable String error) {
    if (degraded ? !logger.isWarnEnabled() : !logger.isInfoEnabled()) {
      return;
    }
    LoggingEventBuilder b =
        boundary(degraded ? logger.atWarn() : logger.atInfo())
            .addKeyValue(FieldNames.EVENT, FieldNames.DB)
            .addKeyValue(FieldNames.OP, op)
            .addKeyValue(FieldNames.STATE, degraded ? "degraded" : "recovered");
    if (error != null) {
      b = b.addKeyValue(FieldNames.ERROR, error);
    }
    b.log(FieldNames.DB);
  }

  /**
   * Writes a {@code db} event at DEBUG: {@code op}, {@code latency_ms}, {@code rows}.
   *
   * @param op the operation, e.g. {@code select}, {@code insert}
   * @param latencyMs the wall time in milliseconds
   * @param rows rows read or written
   */
  public void db(String op, long latencyMs, long rows) {
    if (!logger.isDebugEnabled()) {
      return;
    }
    boundary(logger.atDebug())
        .addKeyValue(FieldNames.EVENT, FieldNames.DB)
        .addKeyValue(FieldNames.OP, op)
        .addKeyValue(FieldNames.LATENCY_MS, latencyMs)
        .addKeyValue(FieldNames.ROWS, rows)
        .log(FieldNames.DB);
  }

  @Override
  public String toString() {
    return "StructuredLogger{" + logger.getName() + "}";
  }

  // ---------------------------------------------------------------------------------- internal

  private void write(Level level, String message, Fields fields, @Nullable Throwable cause) {
    LoggingEventBuilder b = boundary(logger.atLevel(level));
    for (int i = 0, n = fields.size(); i < n; i++) {
      String key = fields.key(i);
      b = b.addKeyValue(key, policy.redact(key, fields.value(i)));
    }
    if (cause != null) {
      b = b.setCause(cause);
    }
    b.log(message);
  }

  /** Makes the backend report our caller, not this class, as the caller. */
  private static LoggingEventBuilder boundary(LoggingEventBuilder builder) {
    if (builder instanceof CallerBoundaryAware aware) {
      aware.setCallerBoundary(FQCN);
    }
    return builder;
  }

  /** The event of an enabled level; its own class is the caller boundary. */
  private static final class LiveEvent implements LogEvent {
    private static final String BOUNDARY = LiveEvent.class.getName();

    private LoggingEventBuilder builder;
    private final LogPolicy policy;

    LiveEvent(LoggingEventBuilder builder, LogPolicy policy) {
      this.builder = builder;
      this.policy = policy;
      if (builder instanceof CallerBoundaryAware aware) {
        aware.setCallerBoundary(BOUNDARY);
      }
    }

    @Override
    public LogEvent field(String key, @Nullable Object value) {
      builder = builder.addKeyValue(key, policy.redact(requireNonNull(key, "key"), value));
      return this;
    }

    @Override
    public LogEvent field(String key, long value) {
      return field(key, (Object) value);
    }

    @Override
    public LogEvent field(String key, double value) {
      return field(key, (Object) value);
    }

    @Override
    public LogEvent field(String key, boolean value) {
      return field(key, (Object) value);
    }

    @Override
    public LogEvent fields(Fields fields) {
      for (int i = 0, n = fields.size(); i < n; i++) {
        field(fields.key(i), fields.value(i));
      }
      return this;
    }

    @Override
    public LogEvent cause(@Nullable Throwable cause) {
      if (cause != null) {
        builder = builder.setCause(cause);
      }
      return this;
    }

    @Override
    public void log(String message) {
      builder.log(message);
    }
  }

  /** The shared event of a disabled level. */
  private static final class NoopEvent implements LogEvent {
    static final NoopEvent INSTANCE = new NoopEvent();

    @Override
    public LogEvent field(String key, @Nullable Object value) {
      return this;
    }

    @Override
    public LogEvent field(String key, long value) {
      return this;
    }

    @Override
    public LogEvent field(String key, double value) {
      return this;
    }

    @Override
    public LogEvent field(String key, boolean value) {
      return this;
    }

    @Override
    public LogEvent fields(Fields fields) {
      return this;
    }

    @Override
    public LogEvent cause(@Nullable Throwable cause) {
      return this;
    }

    @Override
    public void log(String message) {}
  }
}
