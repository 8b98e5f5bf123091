package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.InferenceCall;
import ai.vaultgemma.core.InferenceException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Holds a concurrency slot for every call that goes to the server, from before its request is sent
 * until its answer or stream ends (or it is cancelled). One limit for every call mode: blocking,
 * async, streamed and embeddings. A call that finds no slot waits no longer than its deadline, then
 * fails with a {@link ai.vaultgemma.core.ConcurrencyLimitException}; calls answered by a cache or a
 * joined flight never take a slot. The slot is the endpoint's the route stage picked; a fallback to
 * another endpoint takes a slot there after this one was given back.
 */
public final class LimitStage implements Stage {
  private final Limiter limiter;

  /**
   * Creates the stage.
   *
   * @param limiter the client's slots
   */
  public LimitStage(Limiter limiter) {
    this.limiter = limiter;
  }

  @Override
  public void run(Exchange exchange, Receiver receiver, Chain next) {
    Limiter.Bucket bucket = Objects.requireNonNull(exchange.route(), "route").bucket();
    CompletableFuture<Void> slot = limiter.acquire(bucket, exchange.nanosLeft());
    if (slot.isDone() && !slot.isCompletedExceptionally()) {
      next.proceed(exchange, new Releasing(receiver, exchange, bucket));
      return;
    }
    if (exchange.mode() == InferenceCall.Mode.BLOCKING) {
      try {
        slot.join();
      } catch (RuntimeException e) {
        receiver.onFailure(Failures.of(e));
        return;
      }
      proceed(exchange, receiver, next, bucket);
      return;
    }
    CompletableFuture<?> unused =
        slot.whenCompleteAsync(
            (ok, error) -> {
              if (error != null) {
                receiver.onFailure(Failures.of(error));
              } else {
                proceed(exchange, receiver, next, bucket);
              }
            },
            exchange.executor());
  }

  private void proceed(Exchange exchange, Receiver receiver, Chain next, Limiter.Bucket bucket) {
    if (exchange.isCancelled()) {
      limiter.release(bucket); // the caller left while waiting; the slot goes to the next
      return;
    }
    next.proceed(exchange, new Releasing(receiver, exchange, bucket));
  }

  /** Gives the slot back exactly once: at the end of the call, or when it is cancelled. */
  private final class Releasing extends ForwardingReceiver {
    private final AtomicBoolean released = new AtomicBoolean();
    private final Limiter.Bucket bucket;

    Releasing(Receiver downstream, Exchange exchange, Limiter.Bucket bucket) {
      super(downstream);
      this.bucket = bucket;
      exchange.onCancel(this::release);
    }

    private void release() {
      if (released.compareAndSet(false, true)) {
        limiter.release(bucket);
      }
    }

    @Override
    public void onDone(Exchange exchange) {
      release();
      downstream.onDone(exchange);
    }

    @Override
    public void onFailure(InferenceException error) {
      release();
      downstream.onFailure(error);
    }
  }
}
