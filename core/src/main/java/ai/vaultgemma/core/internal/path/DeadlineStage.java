package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.InferenceException;
import ai.vaultgemma.core.InferenceTimeoutException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Ends a call at its deadline, whatever it is waiting for: a slot, a joined flight, the shared
 * tier, the server's answer or the rest of a stream. The transport also gives OkHttp the time left,
 * so the request itself is cancelled and its connection freed at the same moment; this stage covers
 * the waits that are not an HTTP call. A call that ends first cancels its timer, so nothing is kept
 * once it is over; an answer from memory never schedules one.
 */
public final class DeadlineStage implements Stage {
  private final ScheduledExecutorService timer;

  /**
   * Creates the stage.
   *
   * @param timer the client's timer thread
   */
  public DeadlineStage(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  @Override
  public void run(Exchange exchange, Receiver receiver, Chain next) {
    Watch watch = new Watch(receiver);
    next.proceed(exchange, watch);
    if (!watch.ended.get() && !exchange.isSent()) {
      long left = exchange.nanosLeft();
      watch.arm(
          timer.schedule(
              () ->
                  exchange.abort(
                      new InferenceTimeoutException(
                          "call deadline of "
                              + exchange.timeout().toMillis()
                              + " ms passed before the answer was complete",
                          null)),
              Math.max(0, left),
              TimeUnit.NANOSECONDS));
    }
  }

  /** Forwards the outcome and disarms the timer. */
  private static final class Watch extends ForwardingReceiver {
    final AtomicBoolean ended = new AtomicBoolean();
    private volatile @Nullable ScheduledFuture<?> task;

    Watch(Receiver downstream) {
      super(downstream);
    }

    void arm(ScheduledFuture<?> scheduled) {
      task = scheduled;
      if (ended.get()) {
        scheduled.cancel(false);
      }
    }

    private void end() {
      ended.set(true);
      ScheduledFuture<?> t = task;
      if (t != null) {
        t.cancel(false);
      }
    }

    @Override
    public void onDone(Exchange exchange) {
      end();
      downstream.onDone(exchange);
    }

    @Override
    public void onFailure(InferenceException error) {
      end();
      downstream.onFailure(error);
    }
  }
}
