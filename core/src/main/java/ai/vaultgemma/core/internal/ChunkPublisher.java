package ai.vaultgemma.core.internal;

import ai.vaultgemma.core.ChatChunk;
import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.ChatStream;
import ai.vaultgemma.core.ChatStreamListener;
import ai.vaultgemma.core.InferenceException;
import ai.vaultgemma.logging.TraceContext;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A streamed chat call as a cold {@link Flow.Publisher}: each subscription starts one stream. Up to
 * {@link Flow#defaultBufferSize()} chunks are buffered; a slower subscriber holds the HTTP thread
 * back (back-pressure on the socket). Cancelling the subscription cancels the stream at once, not
 * when the next chunk arrives (which may be never, for a stalled server). Delivery runs on the
 * client's threads, each task in the trace that was current when it was handed over.
 */
public final class ChunkPublisher implements Flow.Publisher<ChatChunk> {
  private final Function<ChatStreamListener, ChatStream> start;
  private final Executor executor;

  /**
   * Creates the publisher.
   *
   * @param start starts one stream with the given listener
   * @param executor the client's threads, for delivery
   */
  public ChunkPublisher(Function<ChatStreamListener, ChatStream> start, Executor executor) {
    this.start = start;
    this.executor = executor;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    SubmissionPublisher<ChatChunk> publisher =
        new SubmissionPublisher<>(TraceContext.wrap(executor), Flow.defaultBufferSize());
    AtomicReference<@Nullable ChatStream> handle = new AtomicReference<>();
    AtomicBoolean cancelled = new AtomicBoolean();
    publisher.subscribe(
        new Flow.Subscriber<ChatChunk>() {
          @Override
          public void onSubscribe(Flow.Subscription subscription) {
            subscriber.onSubscribe(
                new Flow.Subscription() {
                  @Override
                  public void request(long n) {
                    subscription.request(n);
                  }

                  @Override
                  public void cancel() {
                    subscription.cancel();
                    cancelled.set(true);
                    ChatStream h = handle.get();
                    if (h != null) {
                      h.cancel();
                    }
                  }
                });
          }

          @Override
          public void onNext(ChatChunk item) {
            subscriber.onNext(item);
          }

          @Override
          public void onError(Throwable throwable) {
            subscriber.onError(throwable);
          }

          @Override
          public void onComplete() {
            subscriber.onComplete();
          }
        });
    try {
      ChatStream stream =
          start.apply(
              new ChatStreamListener() {
                @Override
                public void onChunk(ChatChunk chunk) {
                  if (!cancelled.get()) {
                    publisher.submit(chunk);
                  }
                }

                @Override
                public void onComplete(ChatResponse response) {
                  publisher.close();
                }

                @Override
                public void onError(InferenceException error) {
                  publisher.closeExceptionally(error);
                }
              });
      handle.set(stream);
      if (cancelled.get()) {
        stream.cancel(); // cancelled before the handle was set; cancel() is idempotent
      }
    } catch (RuntimeException e) {
      publisher.closeExceptionally(e);
    }
  }
}
