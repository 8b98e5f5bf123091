package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.CallOptions;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.ChatStream;
import ai.vaultgemma.core.ChatStreamListener;
import ai.vaultgemma.core.EmbeddingRequest;
import ai.vaultgemma.core.EmbeddingResponse;
import ai.vaultgemma.core.ModelList;
import ai.vaultgemma.logging.Fields;
import ai.vaultgemma.logging.StructuredLogger;
import ai.vaultgemma.logging.TraceContext;
import ai.vaultgemma.logging.TraceScope;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Where a client's calls enter its {@link RequestPath}: refuses calls once the client is closed,
 * counts the calls in flight so that close can wait for them, opens each call's trace and picks its
 * cache scope. Thread-safe.
 *
 * <p>A call's trace is a child of the caller's (the MDC's) when there is one, else of the client's
 * trace source when it names one, else a new trace.
 */
@SuppressWarnings("try") // trace scopes are opened for their MDC side effect
public final class CallGate {
  private final RequestPath path;
  private final String scope;
  private final @Nullable Supplier<@Nullable String> traceParent;
  private final StructuredLogger logger;
  private int inFlight; // guarded by this
  private boolean closed; // guarded by this

  /**
   * Creates the gate.
   *
   * @param path the path calls run
   * @param scope the client's cache scope, for calls whose options name none
   * @param traceParent the client's trace source, or null
   * @param logger where a failing trace source, and calls left in flight at close, are reported
   */
  public CallGate(
      RequestPath path,
      String scope,
      @Nullable Supplier<@Nullable String> traceParent,
      StructuredLogger logger) {
    this.path = path;
    this.scope = scope;
    this.traceParent = traceParent;
    this.logger = logger;
  }

  /** The path behind the gate. */
  public RequestPath path() {
    return path;
  }

  /** A blocking chat call; see {@link RequestPath#chat}. */
  public ChatResponse chat(ChatRequest request, CallOptions options) {
    enter();
    try (TraceScope trace = openTrace()) {
      return path.chat(request, options, scopeOf(options), trace.context());
    } finally {
      exit();
    }
  }

  /** An async chat call; it leaves the gate when its future completes. */
  public CompletableFuture<ChatResponse> chatAsync(ChatRequest request, CallOptions options) {
    enter();
    try (TraceScope trace = openTrace()) {
      CompletableFuture<ChatResponse> future =
          path.chatAsync(request, options, scopeOf(options), trace.context());
      CompletableFuture<?> unused = future.whenComplete((r, e) -> exit());
      return future;
    } catch (RuntimeException | Error e) {
      exit();
      throw e;
    }
  }

  /** A streamed chat call; it leaves the gate when the stream ends. */
  public ChatStream chatStream(
      ChatRequest request, ChatStreamListener listener, CallOptions options) {
    enter();
    try (TraceScope trace = openTrace()) {
      ChatStream stream =
          path.chatStream(request, listener, options, scopeOf(options), trace.context());
      CompletableFuture<?> unused = stream.completion().whenComplete((r, e) -> exit());
      return stream;
    } catch (RuntimeException | Error e) {
      exit();
      throw e;
    }
  }

  /** A blocking embedding call; see {@link RequestPath#embed}. */
  public EmbeddingResponse embed(EmbeddingRequest request, CallOptions options) {
    enter();
    try (TraceScope trace = openTrace()) {
      return path.embed(request, options, scopeOf(options), trace.context());
    } finally {
      exit();
    }
  }

  /** The first endpoint's model list: a server call outside the chain (nothing to cache). */
  public ModelList models() {
    enter();
    try (TraceScope trace = openTrace()) {
      path.countServerCall();
      return path.transport().models(Map.of("traceparent", trace.context().traceparent()));
    } finally {
      exit();
    }
  }

  private String scopeOf(CallOptions options) {
    return options.scope().orElse(scope);
  }

  private TraceScope openTrace() {
    Supplier<@Nullable String> source = traceParent;
    if (source == null || TraceContext.current() != null) {
      return TraceScope.open();
    }
    String parent;
    try {
      parent = source.get();
    } catch (RuntimeException e) {
      logger.warn("traceParent source threw; the call starts a new trace", Fields.empty(), e);
      parent = null;
    }
    return parent == null ? TraceScope.open() : TraceScope.fromTraceparent(parent);
  }

  private synchronized void enter() {
    if (closed) {
      throw new IllegalStateException("InferenceClient is closed and takes no new calls");
    }
    inFlight++;
  }

  private synchronized void exit() {
    inFlight--;
    if (inFlight <= 0) {
      notifyAll();
    }
  }

  /** True once {@link #closeAndAwait} has been called. */
  public synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Takes no new calls from now on, then waits for the calls in flight to end, and says at WARN how
   * many were still in flight when the wait ended. An interrupt ends the wait early and stays set.
   *
   * @param timeout how long to wait at most
   */
  public void closeAndAwait(Duration timeout) {
    int left = awaitInFlight(timeout);
    if (left > 0) {
      logger.warn(
          "InferenceClient closed with "
              + left
              + " call(s) still in flight after "
              + timeout.toMillis()
              + " ms");
    }
  }

  private synchronized int awaitInFlight(Duration timeout) {
    closed = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (inFlight > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return inFlight;
  }
}
