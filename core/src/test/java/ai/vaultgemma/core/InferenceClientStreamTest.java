package ai.vaultgemma.core;

import static ai.vaultgemma.core.InferenceClientPayloads.client;
import static ai.vaultgemma.core.InferenceClientPayloads.deltaChunk;
import static ai.vaultgemma.core.InferenceClientPayloads.request;
import static ai.vaultgemma.core.InferenceClientPayloads.sse;
import static ai.vaultgemma.core.InferenceClientPayloads.sseBody;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** Streams through the facade: cached once complete, replayed as a stream, never cached broken. */
class InferenceClientStreamTest {

  @StartStop final MockWebServer server = new MockWebServer();

  /** Records every callback, in order. */
  static class Recorder implements ChatStreamListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<ChatChunk> chunks = new CopyOnWriteArrayList<>();
    final CompletableFuture<ChatResponse> completed = new CompletableFuture<>();
    final CompletableFuture<InferenceException> failed = new CompletableFuture<>();

    @Override
    public void onChunk(ChatChunk chunk) {
      chunks.add(chunk);
      events.add("chunk");
    }

    @Override
    public void onComplete(ChatResponse response) {
      events.add("complete");
      completed.complete(response);
    }

    @Override
    public void onError(InferenceException error) {
      events.add("error");
      failed.complete(error);
    }

    String text() {
      StringBuilder text = new StringBuilder();
      for (ChatChunk chunk : chunks) {
        for (ChatChunk.Choice choice : chunk.choices()) {
          if (choice.delta() != null && choice.delta().text() != null) {
            text.append(choice.delta().text());
          }
        }
      }
      return text.toString();
    }
  }

  @Test
  void completedStreamIsCachedAndReplayedAsAStream() throws Exception {
    server.enqueue(sse("Hel", "lo", " there"));
    try (InferenceClient client = client(server).build()) {
      Recorder live = new Recorder();
      ChatStream first = client.chatStream(request("hi"), live);
      assertThat(first.completion().get(10, TimeUnit.SECONDS).text()).isEqualTo("Hello there");
      assertThat(live.completed.get(10, TimeUnit.SECONDS).text()).isEqualTo("Hello there");
      assertThat(live.text()).isEqualTo("Hello there");
      assertThat(live.events).endsWith("complete").doesNotContain("error");

      Recorder replayed = new Recorder();
      ChatStream second = client.chatStream(request("hi"), replayed);
      assertThat(second.completion().get(10, TimeUnit.SECONDS).text()).isEqualTo("Hello there");
      assertThat(replayed.completed.get(10, TimeUnit.SECONDS).text()).isEqualTo("Hello there");
      assertThat(replayed.text()).isEqualTo("Hello there");
      assertThat(replayed.chunks).isNotEmpty();
      assertThat(replayed.events).containsOnlyOnce("complete").endsWith("complete");
      assertThat(replayed.events).doesNotContain("error");
      assertThat(server.getRequestCount()).isEqualTo(1);
      assertThat(client.health().client().l1Hits()).isEqualTo(1);
    }
  }

  @Test
  void streamEndingWithoutDoneIsNotCached() throws Exception {
    server.enqueue(sseBody(deltaChunk("cut ") + deltaChunk("off")));
    server.enqueue(sse("whole"));
    try (InferenceClient client = client(server).build()) {
      Recorder broken = new Recorder();
      ChatStream first = client.chatStream(request("hi"), broken);
      assertThat(broken.failed.get(10, TimeUnit.SECONDS))
          .isInstanceOf(InvalidResponseException.class);
      assertThat(first.completion()).failsWithin(Duration.ofSeconds(10));
      assertThat(broken.events).containsOnlyOnce("error").doesNotContain("complete");
      assertThat(client.inferenceCache().stats().entries()).isZero();

      Recorder retry = new Recorder();
      client.chatStream(request("hi"), retry).completion().get(10, TimeUnit.SECONDS);
      assertThat(retry.text()).isEqualTo("whole");
      assertThat(server.getRequestCount()).isEqualTo(2);
    }
  }

  @Test
  void errorEventStreamIsNotCached() throws Exception {
    server.enqueue(
        sseBody(
            deltaChunk("par")
                + "event: error\ndata: {\"error\":{\"message\":\"backend fell over\"}}\n\n"));
    server.enqueue(sse("whole"));
    try (InferenceClient client = client(server).build()) {
      Recorder broken = new Recorder();
      client.chatStream(request("hi"), broken);
      assertThat(broken.failed.get(10, TimeUnit.SECONDS))
          .isInstanceOf(StreamErrorException.class)
          .hasMessageContaining("backend fell over");
      Recorder retry = new Recorder();
      client.chatStream(request("hi"), retry).completion().get(10, TimeUnit.SECONDS);
      assertThat(server.getRequestCount()).isEqualTo(2);
      assertThat(client.health().client().failures()).isEqualTo(1);
    }
  }

  @Test
  void httpErrorOnAStreamReachesTheListenerOnce() throws Exception {
    server.enqueue(
        InferenceClientPayloads.error(404, "{\"error\":{\"message\":\"no such model: m\"}}"));
    try (InferenceClient client = client(server).build()) {
      Recorder recorder = new Recorder();
      ChatStream stream = client.chatStream(request("hi"), recorder);
      assertThat(recorder.failed.get(10, TimeUnit.SECONDS))
          .isInstanceOf(InferenceHttpException.class)
          .hasMessageContaining("no such model");
      assertThat(stream.completion()).failsWithin(Duration.ofSeconds(10));
      assertThat(recorder.events).containsExactly("error");
    }
  }

  @Test
  void replayWhoseListenerThrowsInOnCompleteGetsNoSecondTerminalCallback() throws Exception {
    server.enqueue(sse("cached"));
    try (InferenceClient client = client(server).build()) {
      client.chatStream(request("hi"), new Recorder()).completion().get(10, TimeUnit.SECONDS);

      Recorder throwing =
          new Recorder() {
            @Override
            public void onComplete(ChatResponse response) {
              super.onComplete(response);
              throw new IllegalStateException("listener bug");
            }
          };
      ChatStream replay = client.chatStream(request("hi"), throwing);
      assertThat(replay.completion()).succeedsWithin(Duration.ofSeconds(10));
      assertThat(throwing.events).containsOnlyOnce("complete").doesNotContain("error");
      assertThat(client.health().client().failures()).isZero();
    }
  }

  @Test
  void replayWhoseListenerThrowsInOnChunkFailsOnce() throws Exception {
    server.enqueue(sse("cached"));
    try (InferenceClient client = client(server).build()) {
      client.chatStream(request("hi"), new Recorder()).completion().get(10, TimeUnit.SECONDS);
      Recorder throwing =
          new Recorder() {
            @Override
            public void onChunk(ChatChunk chunk) {
              super.onChunk(chunk);
              throw new IllegalStateException("listener bug");
            }
          };
      ChatStream replay = client.chatStream(request("hi"), throwing);
      assertThat(throwing.failed.get(10, TimeUnit.SECONDS))
          .hasRootCauseInstanceOf(IllegalStateException.class);
      assertThat(replay.completion()).failsWithin(Duration.ofSeconds(10));
      assertThat(throwing.events).containsExactly("chunk", "error");
    }
  }

  @Test
  void publisherDeliversChunksInOrderAndCompletes() throws Exception {
    server.enqueue(sse("a", "b", "c", "d"));
    try (InferenceClient client = client(server).build()) {
      List<String> seen = new ArrayList<>();
      CountDownLatch done = new CountDownLatch(1);
      List<Throwable> errors = new CopyOnWriteArrayList<>();
      client
          .chatStreamPublisher(request("letters"))
          .subscribe(
              new Flow.Subscriber<ChatChunk>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                  subscription.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(ChatChunk item) {
                  synchronized (seen) {
                    for (ChatChunk.Choice choice : item.choices()) {
                      if (choice.delta() != null && choice.delta().text() != null) {
                        seen.add(choice.delta().text());
                      }
                    }
                  }
                }

                @Override
                public void onError(Throwable throwable) {
                  errors.add(throwable);
                  done.countDown();
                }

                @Override
                public void onComplete() {
                  done.countDown();
                }
              });
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(errors).isEmpty();
      synchronized (seen) {
        assertThat(String.join("", seen)).isEqualTo("abcd");
      }
    }
  }

  @Test
  void publisherSignalsAFailedStreamAsOnError() throws Exception {
    server.enqueue(InferenceClientPayloads.error(500, "{\"error\":{\"message\":\"down\"}}"));
    try (InferenceClient client = client(server).build()) {
      CompletableFuture<Throwable> error = new CompletableFuture<>();
      client
          .chatStreamPublisher(request("x"))
          .subscribe(
              new Flow.Subscriber<ChatChunk>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                  subscription.request(1);
                }

                @Override
                public void onNext(ChatChunk item) {}

                @Override
                public void onError(Throwable throwable) {
                  error.complete(throwable);
                }

                @Override
                public void onComplete() {
                  error.complete(null);
                }
              });
      assertThat(error.get(10, TimeUnit.SECONDS))
          .isInstanceOf(InferenceHttpException.class)
          .hasMessageContaining("down");
    }
  }

  @Test
  void cancelledStreamIsNotCached() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.setDispatcher(InferenceClientPayloads.heldUntil(release, sse("late")));
    try (InferenceClient client = client(server).build()) {
      Recorder recorder = new Recorder();
      ChatStream stream = client.chatStream(request("hi"), recorder);
      stream.cancel();
      assertThat(stream.isCancelled()).isTrue();
      assertThat(stream.completion())
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableThat()
          .isInstanceOf(java.util.concurrent.CancellationException.class);
      release.countDown();
      assertThat(client.inferenceCache().stats().entries()).isZero();
      assertThat(recorder.events).isEmpty();
    } finally {
      release.countDown();
    }
  }

  @Test
  void cancellingTheCompletionFutureCancelsTheStream() {
    CountDownLatch release = new CountDownLatch(1);
    server.setDispatcher(InferenceClientPayloads.heldUntil(release, sse("late")));
    try (InferenceClient client = client(server).build()) {
      Recorder recorder = new Recorder();
      ChatStream stream = client.chatStream(request("hi"), recorder);
      assertThat(stream.completion().cancel(true)).isTrue();
      assertThat(stream.isCancelled()).isTrue();
      release.countDown();
      assertThat(client.inferenceCache().stats().entries()).isZero();
      assertThat(recorder.events).isEmpty();
    } finally {
      release.countDown();
    }
  }

  @Test
  void cancellingTheCompletionFutureCancelsAReplay() throws Exception {
    server.enqueue(sse("cached"));
    try (InferenceClient client = client(server).build()) {
      client.chatStream(request("hi"), new Recorder()).completion().get(10, TimeUnit.SECONDS);
      CountDownLatch inChunk = new CountDownLatch(1);
      CountDownLatch proceed = new CountDownLatch(1);
      Recorder slow =
          new Recorder() {
            @Override
            public void onChunk(ChatChunk chunk) {
              super.onChunk(chunk);
              inChunk.countDown();
              try {
                proceed.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          };
      ChatStream replay = client.chatStream(request("hi"), slow);
      assertThat(inChunk.await(10, TimeUnit.SECONDS)).isTrue();
      replay.completion().cancel(false);
      proceed.countDown();
      assertThat(replay.isCancelled()).isTrue();
      assertThat(slow.events).containsExactly("chunk");
    }
  }

  @Test
  void blockingAnswerIsReplayedToAnIdenticalStreamAndViceVersa() throws Exception {
    server.enqueue(InferenceClientPayloads.chatOk("from a blocking call"));
    server.enqueue(sse("from ", "a stream"));
    try (InferenceClient client = client(server).build()) {
      client.chat(request("one"));
      Recorder replayed = new Recorder();
      client.chatStream(request("one"), replayed).completion().get(10, TimeUnit.SECONDS);
      assertThat(replayed.text()).isEqualTo("from a blocking call");

      client.chatStream(request("two"), new Recorder()).completion().get(10, TimeUnit.SECONDS);
      assertThat(client.chat(request("two")).text()).isEqualTo("from a stream");
      assertThat(server.getRequestCount()).isEqualTo(2);
    }
  }

  @Test
  void skipCacheReadStreamsFromTheServerAndSkipCacheWriteStoresNothing() throws Exception {
    server.enqueue(sse("first"));
    server.enqueue(sse("second"));
    server.enqueue(sse("third"));
    try (InferenceClient client = client(server).build()) {
      client.chatStream(request("hi"), new Recorder()).completion().get(10, TimeUnit.SECONDS);
      Recorder fresh = new Recorder();
      client
          .chatStream(request("hi"), fresh, CallOptions.builder().skipCacheRead(true).build())
          .completion()
          .get(10, TimeUnit.SECONDS);
      assertThat(fresh.text()).isEqualTo("second");
      Recorder unstored = new Recorder();
      client
          .chatStream(
              request("other"), unstored, CallOptions.builder().skipCacheWrite(true).build())
          .completion()
          .get(10, TimeUnit.SECONDS);
      assertThat(unstored.text()).isEqualTo("third");
      assertThat(server.getRequestCount()).isEqualTo(3);
      assertThat(client.chat(request("hi")).text()).isEqualTo("second");
      assertThat(client.inferenceCache().stats().entries()).isEqualTo(1);
    }
  }

  @Test
  void cancellingTheSubscriptionCancelsAStalledStreamAtOnce() throws Exception {
    CountDownLatch rest = new CountDownLatch(1);
    mockwebserver3.MockResponseBody stalling =
        new mockwebserver3.MockResponseBody() {
          @Override
          public long getContentLength() {
            return -1;
          }

          @Override
          public void writeTo(okio.BufferedSink sink) throws java.io.IOException {
            sink.writeUtf8(deltaChunk("first"));
            sink.flush();
            try {
              rest.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              throw new java.io.InterruptedIOException("interrupted");
            }
            sink.writeUtf8(
                deltaChunk("second") + InferenceClientPayloads.finishChunk() + "data: [DONE]\n\n");
            sink.flush();
          }
        };
    server.enqueue(
        new mockwebserver3.MockResponse.Builder()
            .setHeader("Content-Type", "text/event-stream")
            .body(stalling)
            .build());
    try (InferenceClient client = client(server).build()) {
      List<String> seen = new CopyOnWriteArrayList<>();
      client
          .chatStreamPublisher(request("stall"))
          .subscribe(
              new Flow.Subscriber<ChatChunk>() {
                private Flow.Subscription subscription;

                @Override
                public void onSubscribe(Flow.Subscription s) {
                  subscription = s;
                  s.request(1);
                }

                @Override
                public void onNext(ChatChunk item) {
                  seen.add("chunk");
                  subscription.cancel();
                }

                @Override
                public void onError(Throwable throwable) {
                  seen.add("error");
                }

                @Override
                public void onComplete() {
                  seen.add("complete");
                }
              });
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> seen.contains("chunk"));
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> client.httpPool().stats().inFlight() == 0);
      rest.countDown();
      assertThat(seen).containsExactly("chunk");
      assertThat(client.inferenceCache().stats().entries()).isZero();
    } finally {
      rest.countDown();
    }
  }
}
