package ai.vaultgemma.logging;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.Immutable;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * One W3C trace context: a 32-hex-digit trace id, the 16-hex-digit id of the current span, and the
 * trace flags. The current context of a thread is also in the SLF4J MDC under {@value
 * #TRACE_ID_KEY} and {@value #SPAN_ID_KEY}, so every log line written inside it carries both ids.
 *
 * <p>Immutable and thread-safe. A context becomes current on a thread through a {@link TraceScope},
 * which puts it back as it was when closed:
 *
 * <pre>{@code
 * try (TraceScope scope = TraceScope.fromTraceparent(request.header("traceparent"))) {
 *   log.info("handling");                            // has trace_id and span_id
 *   outgoing.header("traceparent", scope.traceparent());
 *   executor.execute(TraceContext.wrap(() -> log.info("same ids on another thread")));
 * }
 * }</pre>
 *
 * <h2>Crossing threads</h2>
 *
 * The MDC is per thread. {@link #wrap(Runnable)}, {@link #wrap(Supplier)} and {@link
 * #wrap(Executor)} capture the caller's context when they are called and make it current around the
 * wrapped code on whichever thread runs it, restoring that thread's own values afterwards. When the
 * caller has no context, the wrapped code runs with none (ids left over on a pooled thread do not
 * leak into it).
 *
 * <p>Ids come from {@link ThreadLocalRandom}: unique enough to correlate logs, not secrets.
 */
@Immutable
public final class TraceContext {
  /** MDC key of the trace id. */
  public static final String TRACE_ID_KEY = "trace_id";

  /** MDC key of the span id. */
  public static final String SPAN_ID_KEY = "span_id";

  private static final ThreadLocal<@Nullable TraceContext> CURRENT = new ThreadLocal<>();
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final String INVALID_TRACE_ID = "00000000000000000000000000000000";
  private static final String INVALID_SPAN_ID = "0000000000000000";

  private final String traceId;
  private final String spanId;
  private final @Nullable String parentSpanId;
  private final boolean sampled;

  private TraceContext(
      String traceId, String spanId, @Nullable String parentSpanId, boolean sampled) {
    this.traceId = traceId;
    this.spanId = spanId;
    this.parentSpanId = parentSpanId;
    this.sampled = sampled;
  }

  /**
   * Starts a new trace: fresh trace id, fresh span id, sampled.
   *
   * @return a new root context
   */
  public static TraceContext newRoot() {
    return new TraceContext(newTraceId(), newSpanId(), null, true);
  }

  /**
   * Continues the trace of an incoming W3C {@code traceparent} header: same trace id and flags, a
   * new span whose parent is the header's span. A missing or malformed header starts a new trace
   * instead; this method never throws for bad input.
   *
   * @param traceparent the header value, may be null
   * @return a child of the header's context, or a new root
   */
  public static TraceContext fromTraceparent(@Nullable String traceparent) {
    return parseTraceparent(traceparent).map(TraceContext::child).orElseGet(TraceContext::newRoot);
  }

  /**
   * Parses a W3C {@code traceparent} header ({@code 00-<trace-id>-<parent-id>-<flags>}) exactly as
   * sent: lower-case hex, non-zero ids, version {@code ff} refused, later versions read by their
   * version-00 prefix.
   *
   * @param traceparent the header value, may be null
   * @return the context the header describes (its span id is the sender's), or empty if invalid
   */
  public static Optional<TraceContext> parseTraceparent(@Nullable String traceparent) {
    if (traceparent == null) {
      return Optional.empty();
    }
    String h = traceparent.trim();
    if (h.length() < 55
        || h.charAt(2) != '-'
        || h.charAt(35) != '-'
        || h.charAt(52) != '-'
        || !isHex(h, 0, 2)
        || !isHex(h, 3, 35)
        || !isHex(h, 36, 52)
        || !isHex(h, 53, 55)) {
      return Optional.empty();
    }
    String version = h.substring(0, 2);
    if (version.equals("ff")
        || (version.equals("00") && h.length() != 55)
        || (h.length() > 55 && h.charAt(55) != '-')) {
      return Optional.empty();
    }
    String traceId = h.substring(3, 35);
    String spanId = h.substring(36, 52);
    if (traceId.equals(INVALID_TRACE_ID) || spanId.equals(INVALID_SPAN_ID)) {
      return Optional.empty();
    }
    boolean sampled = (Character.digit(h.charAt(54), 16) & 1) == 1;
    return Optional.of(new TraceContext(traceId, spanId, null, sampled));
  }

  /**
   * Returns the context current on this thread: the one made current by a {@link TraceScope}, else
   * one read from valid ids the application put in the MDC itself, else null.
   *
   * @return the current context, or null when there is none
   */
  public static @Nullable TraceContext current() {
    TraceContext context = CURRENT.get();
    if (context != null) {
      return context;
    }
    String traceId = MDC.get(TRACE_ID_KEY);
    String spanId = MDC.get(SPAN_ID_KEY);
    if (traceId != null
        && spanId != null
        && traceId.length() == 32
        && spanId.length() == 16
        && isHex(traceId, 0, 32)
        && isHex(spanId, 0, 16)
        && !traceId.equals(INVALID_TRACE_ID)
        && !spanId.equals(INVALID_SPAN_ID)) {
      return new TraceContext(traceId, spanId, null, true);
    }
    return null;
  }

  /**
   * Returns a new span in this trace, whose parent is this context's span.
   *
   * @return the child context
   */
  public TraceContext child() {
    return new TraceContext(traceId, newSpanId(), spanId, sampled);
  }

  /**
   * Makes this context current on this thread until the returned scope is closed.
   *
   * @return the scope to close, on this thread, in try-with-resources
   */
  public TraceScope makeCurrent() {
    return new TraceScope(this);
  }

  /**
   * Returns the trace id.
   *
   * @return 32 lower-case hex digits
   */
  public String traceId() {
    return traceId;
  }

  /**
   * Returns the span id.
   *
   * @return 16 lower-case hex digits
   */
  public String spanId() {
    return spanId;
  }

  /**
   * Returns the id of the parent span, when this context was made by {@link #child()} or {@link
   * #fromTraceparent(String)}.
   *
   * @return the parent's span id, or empty for a root
   */
  public Optional<String> parentSpanId() {
    return Optional.ofNullable(parentSpanId);
  }

  /**
   * Returns the W3C sampled flag.
   *
   * @return true when the trace is sampled
   */
  public boolean sampled() {
    return sampled;
  }

  /**
   * Renders the {@code traceparent} header to send on, naming this context's span as parent.
   *
   * @return {@code 00-<trace-id>-<span-id>-<flags>}
   */
  public String traceparent() {
    return "00-" + traceId + "-" + spanId + (sampled ? "-01" : "-00");
  }

  /**
   * Wraps a task so it runs in the caller's current context, captured now.
   *
   * @param task the task
   * @return a task that makes the captured context current around {@code task}
   * @throws NullPointerException if {@code task} is null
   */
  @SuppressWarnings("try") // the scope is only opened and closed around the task
  public static Runnable wrap(Runnable task) {
    requireNonNull(task, "task");
    TraceContext captured = current();
    return () -> {
      try (TraceScope ignored = TraceScope.enter(captured)) {
        task.run();
      }
    };
  }

  /**
   * Wraps a supplier so it runs in the caller's current context, captured now. Use it with {@code
   * CompletableFuture.supplyAsync}.
   *
   * @param supplier the supplier
   * @param <T> the result type
   * @return a supplier that makes the captured context current around {@code supplier}
   * @throws NullPointerException if {@code supplier} is null
   */
  @SuppressWarnings("try") // the scope is only opened and closed around the supplier
  public static <T> Supplier<T> wrap(Supplier<T> supplier) {
    requireNonNull(supplier, "supplier");
    TraceContext captured = current();
    return () -> {
      try (TraceScope ignored = TraceScope.enter(captured)) {
        return supplier.get();
      }
    };
  }

  /**
   * Wraps an executor so that every task runs in the context current where it was submitted
   * (captured at {@code execute}, not at wrap time).
   *
   * @param executor the executor that runs the tasks
   * @return an executor that wraps each task with {@link #wrap(Runnable)}
   * @throws NullPointerException if {@code executor} is null
   */
  public static Executor wrap(Executor executor) {
    requireNonNull(executor, "executor");
    return task -> executor.execute(wrap(task));
  }

  static @Nullable TraceContext threadContext() {
    return CURRENT.get();
  }

  static void setThreadContext(@Nullable TraceContext context) {
    if (context == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(context);
    }
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof TraceContext other
        && other.traceId.equals(traceId)
        && other.spanId.equals(spanId)
        && other.sampled == sampled;
  }

  @Override
  public int hashCode() {
    return traceId.hashCode() * 31 + spanId.hashCode();
  }

  @Override
  public String toString() {
    return traceparent();
  }

  private static String newTraceId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high;
    long low;
    do {
      high = random.nextLong();
      low = random.nextLong();
    } while (high == 0 && low == 0);
    char[] out = new char[32];
    toHex(high, out, 0);
    toHex(low, out, 16);
    return new String(out);
  }

  private static String newSpanId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long id;
    do {
      id = random.nextLong();
    } while (id == 0);
    char[] out = new char[16];
    toHex(id, out, 0);
    return new String(out);
  }

  private static void toHex(long value, char[] out, int offset) {
    for (int i = 15; i >= 0; i--) {
      out[offset + 15 - i] = HEX[(int) ((value >>> (i * 4)) & 0xF)];
    }
  }

  private static boolean isHex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
