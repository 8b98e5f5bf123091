package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.CallOptions;
import ai.vaultgemma.core.ChatChunk;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.ChatStream;
import ai.vaultgemma.core.ChatStreamListener;
import ai.vaultgemma.core.Embedding;
import ai.vaultgemma.core.EmbeddingRequest;
import ai.vaultgemma.core.EmbeddingResponse;
import ai.vaultgemma.core.InferenceCall;
import ai.vaultgemma.core.InferenceException;
import ai.vaultgemma.core.InferenceListener;
import ai.vaultgemma.core.Usage;
import ai.vaultgemma.core.internal.CanonicalKeys;
import ai.vaultgemma.core.internal.ChatBody;
import ai.vaultgemma.core.internal.OpenAiTransport;
import ai.vaultgemma.core.tier.SharedTier;
import ai.vaultgemma.logging.StructuredLogger;
import ai.vaultgemma.logging.TraceContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * A client's request path: the chain of stages, and the three ways a caller waits for it (blocking,
 * a future, a stream). Every chat and embedding call of every mode runs the same chain; the mode
 * only picks the executor that stages hand non-blocking work to. Thread-safe.
 */
@SuppressWarnings("try") // trace scopes are opened for their MDC side effect
public final class RequestPath {
  private static final Executor DIRECT = Runnable::run;

  private final Chain chain;
  private final Limiter limiter;
  private final Caches caches;
  private final Router router;
  private final String keyBaseUrl;
  private final CallCounters counters;
  private final Executor executor;
  private final StructuredLogger logger;
  private final Duration callTimeout;
  private final Duration streamTimeout;

  /**
   * Assembles the path.
   *
   * @param router the endpoints and how calls are spread over them
   * @param caches chat and embedding caches, each with its L2
   * @param tier the shared tier (for log rows), or null
   * @param logger the client's logger
   * @param clock the clock for log rows
   * @param executor the client's own threads, for work that must leave the caller's or an HTTP
   *     thread
   * @param timer the client's timer thread (deadlines, slot waits)
   * @param limiter the client's concurrency slots
   * @param callTimeout the default deadline of a blocking or async call, or of embeddings
   * @param streamTimeout the default deadline of a stream
   * @param listeners makes each call's listener
   * @param rateLimits the client-side rate limits, or null for none
   */
  public RequestPath(
      Router router,
      Caches caches,
      @Nullable SharedTier tier,
      StructuredLogger logger,
      Clock clock,
      Executor executor,
      ScheduledExecutorService timer,
      Limiter limiter,
      Duration callTimeout,
      Duration streamTimeout,
      InferenceListener.Factory listeners,
      @Nullable RateLimiter rateLimits) {
    this.caches = caches;
    this.router = router;
    this.keyBaseUrl = router.primary().transport().baseUrl();
    this.counters = new CallCounters();
    this.executor = executor;
    this.logger = logger;
    this.callTimeout = callTimeout;
    this.streamTimeout = streamTimeout;
    this.limiter = limiter;
    this.chain =
        assemble(
            router, caches, tier, logger, clock, counters, timer, limiter, listeners, rateLimits);
  }

  /**
   * The request path, top to bottom: one rule per stage, every call mode through all of them.
   * Stages for several endpoints, rate limits and concurrency go in this list, nowhere else.
   */
  private static Chain assemble(
      Router router,
      Caches caches,
      @Nullable SharedTier tier,
      StructuredLogger logger,
      Clock clock,
      CallCounters counters,
      ScheduledExecutorService timer,
      Limiter limiter,
      InferenceListener.Factory listeners,
      @Nullable RateLimiter rateLimits) {
    return Chain.of(
        stages(
            new ObserveStage(
                counters, logger, tier, clock, listeners), // trace, counters, listener, log
            new ReplayStage(), // a stream answered from a cache gets its chunks
            new MemoryStage(caches, logger), // L1: answered from memory
            new DeadlineStage(timer), // from here on, every wait ends at the call's deadline
            new JoinStage(caches, counters), // an identical call in flight is joined
            new SharedTierStage(caches), // L2: within its read budget, refills L1
            new RouteStage(router), // an endpoint (balanced, healthy); fallback on failure
            rateLimits == null ? null : new RateLimitStage(rateLimits, timer), // RPM and TPM
            new LimitStage(limiter), // a concurrency slot, per endpoint and in total
            new StoreStage(caches, logger), // on the way back: L1, and L2 queued
            new TransportStage(counters, logger))); // the server; retries from the policy
  }

  /** The stages in order, leaving out the ones a client does not use (null). */
  private static List<Stage> stages(@Nullable Stage... stages) {
    List<Stage> list = new ArrayList<>(stages.length);
    for (Stage s : stages) {
      if (s != null) {
        list.add(s);
      }
    }
    return list;
  }

  /** The client's call counters. */
  public CallCounters counters() {
    return counters;
  }

  /** The client's concurrency slots. */
  public Limiter limiter() {
    return limiter;
  }

  /** The client's caches. */
  public Caches caches() {
    return caches;
  }

  /** The first endpoint's protocol layer (for calls that are not cached, such as model listing). */
  public OpenAiTransport transport() {
    return router.primary().transport();
  }

  /** The endpoints and their health. */
  public Router router() {
    return router;
  }

  private Exchange chatExchange(
      InferenceCall.Mode mode,
      ChatRequest request,
      CallOptions options,
      String scope,
      TraceContext t) {
    ChatBody body = ChatBody.of(request);
    String key = CanonicalKeys.chatKey(body.canonical(), keyBaseUrl, scope);
    Duration timeout =
        options.timeout().orElse(mode == InferenceCall.Mode.STREAM ? streamTimeout : callTimeout);
    return Exchange.chat(
        mode,
        body,
        options,
        scope,
        key,
        t,
        mode == InferenceCall.Mode.BLOCKING ? DIRECT : executor,
        timeout);
  }

  /**
   * A blocking chat call on the caller's thread.
   *
   * @param request the request
   * @param options per-call options
   * @param scope the cache scope
   * @param trace the call's trace
   * @return the answer
   * @throws InferenceException if the call fails
   */
  public ChatResponse chat(
      ChatRequest request, CallOptions options, String scope, TraceContext trace) {
    Exchange exchange = chatExchange(InferenceCall.Mode.BLOCKING, request, options, scope, trace);
    Waiter waiter = new Waiter();
    chain.proceed(exchange, waiter);
    waiter.await(exchange);
    return (ChatResponse) Objects.requireNonNull(exchange.units().get(0).value());
  }

  /**
   * An async chat call: the future completes on whichever thread answers (the caller's for an L1
   * hit, an HTTP or client thread otherwise).
   *
   * @param request the request
   * @param options per-call options
   * @param scope the cache scope
   * @param trace the call's trace
   * @return the future answer
   */
  public CompletableFuture<ChatResponse> chatAsync(
      ChatRequest request, CallOptions options, String scope, TraceContext trace) {
    Exchange exchange = chatExchange(InferenceCall.Mode.ASYNC, request, options, scope, trace);
    CompletableFuture<ChatResponse> future = new CompletableFuture<>();
    exchange.onFatal(future::completeExceptionally);
    chain.proceed(
        exchange,
        new Receiver() {
          @Override
          public void onDone(Exchange done) {
            future.complete((ChatResponse) done.units().get(0).value());
          }

          @Override
          public void onFailure(InferenceException error) {
            future.completeExceptionally(error);
          }
        });
    return future;
  }

  /**
   * A streamed chat call. The listener gets chunks live from the server or a joined stream, or
   * replayed from a cached answer on the client's threads.
   *
   * @param request the request
   * @param listener the caller's listener
   * @param options per-call options
   * @param scope the cache scope
   * @param trace the call's trace
   * @return the caller's handle
   */
  public ChatStream chatStream(
      ChatRequest request,
      ChatStreamListener listener,
      CallOptions options,
      String scope,
      TraceContext trace) {
    Exchange exchange = chatExchange(InferenceCall.Mode.STREAM, request, options, scope, trace);
    StreamHandle handle = new StreamHandle(exchange, listener);
    exchange.onFatal(handle.completion::completeExceptionally);
    chain.proceed(exchange, handle);
    return handle;
  }

  /**
   * A blocking embedding call.
   *
   * @param request the request
   * @param options per-call options
   * @param scope the cache scope
   * @param trace the call's trace
   * @return the vectors, in input order
   * @throws InferenceException if the call fails
   */
  public EmbeddingResponse embed(
      EmbeddingRequest request, CallOptions options, String scope, TraceContext trace) {
    List<String> inputs = request.inputs();
    List<String> keys = new ArrayList<>(inputs.size());
    for (String input : inputs) {
      keys.add(CanonicalKeys.embeddingKey(request, input, keyBaseUrl, scope));
    }
    Exchange exchange =
        Exchange.embeddings(
            request, options, scope, keys, trace, executor, options.timeout().orElse(callTimeout));
    Waiter waiter = new Waiter();
    chain.proceed(exchange, waiter);
    waiter.await(exchange);
    List<Embedding> data = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      data.add(Embedding.of(i, (float[]) exchange.units().get(i).value()));
    }
    Usage usage = exchange.usage();
    String model = exchange.responseModel();
    return new EmbeddingResponse(
        "list",
        data,
        model == null ? request.model() : model,
        usage == null ? Usage.of(0, 0, 0) : usage,
        Map.of());
  }

  /** Counts a request that bypasses the chain (model listing). */
  public void countServerCall() {
    counters.serverCalls.increment();
  }

  /** The caller's thread of a blocking call waits here. */
  private static final class Waiter implements Receiver {
    private boolean finished;
    private @Nullable InferenceException failure;

    @Override
    public synchronized void onDone(Exchange exchange) {
      finished = true;
      notifyAll();
    }

    @Override
    public synchronized void onFailure(InferenceException error) {
      if (!finished) {
        failure = error;
        finished = true;
        notifyAll();
      }
    }

    synchronized void await(Exchange exchange) {
      while (!finished) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          exchange.cancel();
          throw new InferenceException("interrupted while waiting for the answer", e);
        }
      }
      if (failure != null) {
        throw failure;
      }
    }
  }

  /** The caller's handle of a stream, and the receiver that feeds its listener. */
  private final class StreamHandle implements ChatStream, Receiver {
    private final Exchange exchange;
    private final ChatStreamListener listener;
    private final CompletableFuture<ChatResponse> completion = new CompletableFuture<>();

    StreamHandle(Exchange exchange, ChatStreamListener listener) {
      this.exchange = exchange;
      this.listener = listener;
      // ChatStream promises that cancelling the future cancels the stream (closes the socket).
      CompletableFuture<?> unused =
          completion.whenComplete(
              (r, e) -> {
                if (e instanceof CancellationException) {
                  exchange.cancel();
                }
              });
    }

    @Override
    public void onChunk(ChatChunk chunk) {
      deliver(chunk);
    }

    /** A listener that throws from onChunk fails its own call; others that joined go on. */
    private boolean deliver(ChatChunk chunk) {
      try {
        listener.onChunk(chunk);
        return true;
      } catch (RuntimeException e) {
        exchange.abort(
            new InferenceException("chat stream listener threw; the stream was cancelled", e));
        return false;
      }
    }

    @Override
    public void onDone(Exchange done) {
      finish((ChatResponse) Objects.requireNonNull(done.units().get(0).value()));
    }

    private void finish(ChatResponse response) {
      try {
        listener.onComplete(response);
      } catch (RuntimeException e) {
        logger.warn("chat stream listener onComplete threw: " + e);
      }
      completion.complete(response);
    }

    @Override
    public void onFailure(InferenceException error) {
      try {
        listener.onError(error);
      } catch (RuntimeException e) {
        logger.warn("chat stream listener onError threw: " + e);
      }
      completion.completeExceptionally(error);
    }

    @Override
    public void cancel() {
      exchange.cancel();
      completion.cancel(false);
    }

    @Override
    public boolean isCancelled() {
      return exchange.isCancelled();
    }

    @Override
    public CompletableFuture<ChatResponse> completion() {
      return completion;
    }
  }
}
