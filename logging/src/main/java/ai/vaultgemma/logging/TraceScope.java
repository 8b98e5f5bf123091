package ai.vaultgemma.logging;

import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * The time during which a {@link TraceContext} is current on one thread: opening a scope puts the
 * trace and span ids into the MDC ({@code trace_id}, {@code span_id}); closing it restores exactly
 * what was there before, so scopes nest.
 *
 * <pre>{@code
 * try (TraceScope request = TraceScope.open()) {        // new trace, or a child of the current
 *   log.info("outer");                                 // span A
 *   try (TraceScope call = TraceScope.open()) {
 *     log.info("inner");                               // same trace, span B
 *   }
 *   log.info("outer again");                           // span A again
 * }
 * }</pre>
 *
 * <p>Not thread-safe: open and close a scope on the same thread, innermost first (as
 * try-with-resources does). To carry a context to another thread use {@link
 * TraceContext#wrap(Runnable)} and its siblings. {@link #close()} is idempotent.
 */
public final class TraceScope implements AutoCloseable {
  private final @Nullable TraceContext context;
  private final @Nullable TraceContext previous;
  private final @Nullable String previousTraceId;
  private final @Nullable String previousSpanId;
  private boolean closed;

  TraceScope(@Nullable TraceContext context) {
    this.context = context;
    this.previous = TraceContext.threadContext();
    this.previousTraceId = MDC.get(TraceContext.TRACE_ID_KEY);
    this.previousSpanId = MDC.get(TraceContext.SPAN_ID_KEY);
    TraceContext.setThreadContext(context);
    if (context == null) {
      MDC.remove(TraceContext.TRACE_ID_KEY);
      MDC.remove(TraceContext.SPAN_ID_KEY);
    } else {
      MDC.put(TraceContext.TRACE_ID_KEY, context.traceId());
      MDC.put(TraceContext.SPAN_ID_KEY, context.spanId());
    }
  }

  /**
   * Opens a new span: a child of the current context if there is one, else a new trace.
   *
   * @return the open scope
   */
  public static TraceScope open() {
    TraceContext current = TraceContext.current();
    return new TraceScope(current == null ? TraceContext.newRoot() : current.child());
  }

  /**
   * Opens a span that continues an incoming W3C {@code traceparent} header, or a new trace when the
   * header is missing or malformed (never an exception).
   *
   * @param traceparent the header value, may be null
   * @return the open scope
   */
  public static TraceScope fromTraceparent(@Nullable String traceparent) {
    return new TraceScope(TraceContext.fromTraceparent(traceparent));
  }

  /**
   * Makes the given context current, or none when it is null (used by the wrappers).
   *
   * @param context the context, may be null
   * @return the open scope
   */
  static TraceScope enter(@Nullable TraceContext context) {
    return new TraceScope(context);
  }

  /**
   * Returns the context this scope made current.
   *
   * @return the context
   * @throws IllegalStateException if this scope was opened with no context (only inside wrapped
   *     tasks whose caller had none)
   */
  public TraceContext context() {
    if (context == null) {
      throw new IllegalStateException("scope has no trace context");
    }
    return context;
  }

  /**
   * Returns the trace id of this scope.
   *
   * @return 32 lower-case hex digits
   */
  public String traceId() {
    return context().traceId();
  }

  /**
   * Returns the span id of this scope.
   *
   * @return 16 lower-case hex digits
   */
  public String spanId() {
    return context().spanId();
  }

  /**
   * Renders the {@code traceparent} header to send on from inside this scope.
   *
   * @return {@code 00-<trace-id>-<span-id>-<flags>}
   */
  public String traceparent() {
    return context().traceparent();
  }

  /** Restores the context and MDC ids that were current before this scope. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    TraceContext.setThreadContext(previous);
    restore(TraceContext.TRACE_ID_KEY, previousTraceId);
    restore(TraceContext.SPAN_ID_KEY, previousSpanId);
  }

  private static void restore(String key, @Nullable String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }

  @Override
  public String toString() {
    return "TraceScope{" + (context == null ? "none" : context.traceparent()) + "}";
  }
}
