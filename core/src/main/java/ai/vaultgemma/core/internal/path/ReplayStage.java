package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.ChatChunk;
import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.InferenceCall;
import ai.vaultgemma.core.internal.Replay;
import ai.vaultgemma.logging.TraceScope;
import java.util.Objects;

/**
 * Gives a streamed call its chunks when its answer did not arrive as a live stream (a cache hit, or
 * a joined plain call): the answer is replayed as chunks, on the client's threads so a hit never
 * runs the listener inside the caller's {@code chatStream()}, then completes as a live stream
 * would. Other modes pass straight through.
 */
@SuppressWarnings("try") // trace scopes are opened for their MDC side effect
public final class ReplayStage implements Stage {

  @Override
  public void run(Exchange exchange, Receiver receiver, Chain next) {
    if (exchange.mode() != InferenceCall.Mode.STREAM) {
      next.proceed(exchange, receiver);
      return;
    }
    next.proceed(
        exchange,
        new ForwardingReceiver(receiver) {
          @Override
          public void onDone(Exchange done) {
            if (done.isLive()) {
              receiver.onDone(done);
              return;
            }
            ChatResponse response =
                (ChatResponse) Objects.requireNonNull(done.units().get(0).value());
            done.executor()
                .execute(
                    () -> {
                      try (TraceScope ignored = done.trace().makeCurrent()) {
                        for (ChatChunk chunk : Replay.chunks(response)) {
                          if (done.isCancelled()) {
                            return;
                          }
                          receiver.onChunk(chunk);
                        }
                        receiver.onDone(done);
                      } catch (RuntimeException e) {
                        receiver.onFailure(Failures.of(e));
                      }
                    });
          }
        });
  }
}
