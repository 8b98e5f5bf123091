package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.CallOptions;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.EmbeddingRequest;
import ai.vaultgemma.core.InferenceCall;
import ai.vaultgemma.core.InferenceException;
import ai.vaultgemma.core.InferenceListener;
import ai.vaultgemma.core.Usage;
import ai.vaultgemma.core.internal.ChatBody;
import ai.vaultgemma.logging.TraceContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One call on its way through the chain: what was asked, with which options, in which trace and
 * mode, and the units the stages fill. Created by the facade, one per call.
 *
 * <p>The request fields are immutable; the units, usage and cancel hook are written by stages and
 * safe to read from any thread.
 */
public final class Exchange implements InferenceCall {

  private final Operation operation;
  private final Mode mode;
  private final @Nullable ChatRequest chat;
  private final @Nullable EmbeddingRequest embedding;
  private final CallOptions options;
  private final String scope;
  private final TraceContext trace;
  private final Executor executor;
  private final long startNanos;
  private final List<Unit> units;
  private final @Nullable ChatBody body;
  private volatile InferenceListener listener = InferenceListener.NONE;
  private volatile @Nullable Usage usage;
  private volatile @Nullable String responseModel;
  private volatile boolean live;
  private volatile boolean cancelled;
  private volatile boolean sent;
  private @Nullable List<Runnable> onCancel; // made when a stage first needs it; guarded by this
  private final Duration timeout;
  private final long deadlineNanos;
  private volatile @Nullable BooleanSupplier cancelGate;
  private volatile @Nullable Consumer<InferenceException> aborter;
  private volatile @Nullable Consumer<Throwable> onFatal;
  private volatile @Nullable Route route;

  private Exchange(
      Operation operation,
      Mode mode,
      @Nullable ChatRequest chat,
      @Nullable EmbeddingRequest embedding,
      CallOptions options,
      String scope,
      TraceContext trace,
      Executor executor,
      List<Unit> units,
      Duration timeout,
      @Nullable ChatBody body) {
    this.operation = operation;
    this.body = body;
    this.mode = mode;
    this.chat = chat;
    this.embedding = embedding;
    this.options = options;
    this.scope = scope;
    this.trace = trace;
    this.executor = executor;
    this.units = units;
    this.startNanos = System.nanoTime();
    this.timeout = timeout;
    this.deadlineNanos = startNanos + timeout.toNanos();
  }

  /**
   * A chat call.
   *
   * @param mode how the caller waits
   * @param request the request, serialized once for its key and the wire
   * @param options per-call options
   * @param scope the cache scope
   * @param key the cache key
   * @param trace the call's trace
   * @param executor where stages hand work that must not block this mode's threads
   * @param timeout the call's deadline, from now
   * @return the exchange
   */
  public static Exchange chat(
      Mode mode,
      ChatBody request,
      CallOptions options,
      String scope,
      String key,
      TraceContext trace,
      Executor executor,
      Duration timeout) {
    return new Exchange(
        Operation.CHAT,
        mode,
        request.request(),
        null,
        options,
        scope,
        trace,
        executor,
        List.of(new Unit(key, null)),
        timeout,
        request);
  }

  /**
   * An embedding call: one unit per input, in input order (identical inputs share nothing here; the
   * join stage sends each distinct key once).
   *
   * @param request the request
   * @param options per-call options
   * @param scope the cache scope
   * @param keys the cache key of each input, in input order
   * @param trace the call's trace
   * @param executor where stages hand work that must not block the caller
   * @param timeout the call's deadline, from now
   * @return the exchange
   */
  public static Exchange embeddings(
      EmbeddingRequest request,
      CallOptions options,
      String scope,
      List<String> keys,
      TraceContext trace,
      Executor executor,
      Duration timeout) {
    List<String> inputs = request.inputs();
    List<Unit> units = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      units.add(new Unit(keys.get(i), inputs.get(i)));
    }
    return new Exchange(
        Operation.EMBEDDINGS,
        Mode.BLOCKING,
        null,
        request,
        options,
        scope,
        trace,
        executor,
        List.copyOf(units),
        timeout,
        null);
  }

  @Override
  public Operation operation() {
    return operation;
  }

  @Override
  public Mode mode() {
    return mode;
  }

  @Override
  public @Nullable ChatRequest chatRequest() {
    return chat;
  }

  @Override
  public @Nullable EmbeddingRequest embeddingRequest() {
    return embedding;
  }

  /** The chat request; only for {@link Operation#CHAT}. */
  public ChatRequest requireChat() {
    return Objects.requireNonNull(chat, "not a chat call");
  }

  /**
   * Returns the request of a chat call, serialized.
   *
   * @return the body
   * @throws IllegalStateException if this is not a chat call
   */
  public ChatBody requireBody() {
    ChatBody b = body;
    if (b == null) {
      throw new IllegalStateException("not a chat call");
    }
    return b;
  }

  /** The embedding request; only for {@link Operation#EMBEDDINGS}. */
  public EmbeddingRequest requireEmbeddings() {
    return Objects.requireNonNull(embedding, "not an embedding call");
  }

  @Override
  public String traceId() {
    return trace.traceId();
  }

  /** The call's listener, guarded: its methods never throw. */
  public InferenceListener listener() {
    return listener;
  }

  /** Sets the call's listener; the observe stage does, before any other stage runs. */
  public void listener(InferenceListener listener) {
    this.listener = listener;
  }

  @Override
  public String model() {
    return chat != null ? chat.model() : Objects.requireNonNull(embedding).model();
  }

  public CallOptions options() {
    return options;
  }

  @Override
  public String scope() {
    return scope;
  }

  public TraceContext trace() {
    return trace;
  }

  /** Where work goes that must not run on this mode's threads (direct for blocking calls). */
  public Executor executor() {
    return executor;
  }

  public long startNanos() {
    return startNanos;
  }

  /** The call's deadline, as a duration from its start. */
  public Duration timeout() {
    return timeout;
  }

  /** Nanoseconds left before the deadline (negative once it has passed). */
  public long nanosLeft() {
    return deadlineNanos - System.nanoTime();
  }

  /** The units, in input order. */
  public List<Unit> units() {
    return units;
  }

  /** True when some unit still needs a stage below the join (not filled, not joining a flight). */
  public boolean hasPending() {
    for (Unit unit : units) {
      if (unit.isPending()) {
        return true;
      }
    }
    return false;
  }

  /** Token usage the server reported for this call; null when nothing went to the server. */
  public @Nullable Usage usage() {
    return usage;
  }

  public void usage(@Nullable Usage usage) {
    this.usage = usage;
  }

  /** The model the server says answered, when it said. */
  public @Nullable String responseModel() {
    return responseModel;
  }

  public void responseModel(@Nullable String model) {
    this.responseModel = model;
  }

  /** True when the answer's chunks already reached the receiver as a live stream. */
  public boolean isLive() {
    return live;
  }

  /** Marks the answer as delivered live, chunk by chunk. */
  public void markLive() {
    this.live = true;
  }

  /**
   * Marks the call as handed to the HTTP client, which from now on enforces the deadline itself
   * (OkHttp's call timeout covers retries, backoff and the whole body or stream).
   */
  public void markSent() {
    this.sent = true;
  }

  /** True once the call was handed to the HTTP client. */
  public boolean isSent() {
    return sent;
  }

  /** True once the caller cancelled the call. */
  public boolean isCancelled() {
    return cancelled;
  }

  /**
   * Adds what cancelling does (close the live stream, leave a flight, free a slot). Runs it at once
   * if the call is already cancelled.
   *
   * @param hook the action
   */
  public void onCancel(Runnable hook) {
    synchronized (this) {
      if (!cancelled) {
        if (onCancel == null) {
          onCancel = new ArrayList<>(2);
        }
        onCancel.add(hook);
        return;
      }
    }
    hook.run();
  }

  /**
   * Sets what decides whether cancelling this call may stop the work below it: a call that others
   * joined stops only its own delivery while the others still wait for the answer.
   *
   * @param gate answers true when the work below may be stopped
   */
  public void cancelGate(BooleanSupplier gate) {
    this.cancelGate = gate;
  }

  /** Cancels the call: no further chunk or outcome reaches the caller. Idempotent. */
  public void cancel() {
    List<Runnable> hooks;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      hooks = onCancel == null ? List.of() : List.copyOf(onCancel);
    }
    BooleanSupplier gate = cancelGate;
    if (gate == null || gate.getAsBoolean()) {
      hooks.forEach(Runnable::run);
    }
  }

  /**
   * Sets how the call is failed from outside the chain (the first stage sets it, so the failure is
   * reported like any other).
   *
   * @param aborter takes the failure
   */
  public void aborter(Consumer<InferenceException> aborter) {
    this.aborter = aborter;
  }

  /**
   * Fails the call from outside the chain (a stream listener that threw): the caller hears {@code
   * error} as its outcome and the work below stops unless others joined it.
   *
   * @param error the failure
   */
  public void abort(InferenceException error) {
    Consumer<InferenceException> a = aborter;
    cancel();
    if (a != null) {
      a.accept(error);
    }
  }

  /**
   * Sets where an {@link Error} raised on a thread other than the caller's goes (the caller's
   * future), so it is neither lost nor disguised as an inference failure.
   *
   * @param sink takes the error
   */
  public void onFatal(Consumer<Throwable> sink) {
    this.onFatal = sink;
  }

  /**
   * Hands an {@link Error} raised on another thread to the caller, then rethrows it.
   *
   * @param error the error
   * @return never returns normally
   */
  public Error fatal(Error error) {
    Consumer<Throwable> sink = onFatal;
    if (sink != null) {
      sink.accept(error);
    }
    return error;
  }

  /** The endpoint the route stage picked for the call's current (or last) attempt. */
  public @Nullable Route route() {
    return route;
  }

  /** Sets the endpoint of the call's next attempt; the route stage does. */
  public void route(Route route) {
    this.route = route;
  }

  @Override
  public Optional<String> endpoint() {
    Route r = route;
    return r == null ? Optional.empty() : Optional.of(r.endpoint().name());
  }

  /**
   * The time-to-live for what this call stores.
   *
   * @param fallback the cache's default
   * @return the per-call TTL or the fallback
   */
  public Duration ttl(Duration fallback) {
    return options.ttl().orElse(fallback);
  }
}
