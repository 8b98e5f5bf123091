package ai.vaultgemma.core;

import static ai.vaultgemma.core.InferenceClientPayloads.chatOk;
import static ai.vaultgemma.core.InferenceClientPayloads.client;
import static ai.vaultgemma.core.InferenceClientPayloads.deltaChunk;
import static ai.vaultgemma.core.InferenceClientPayloads.dispatcher;
import static ai.vaultgemma.core.InferenceClientPayloads.embeddings;
import static ai.vaultgemma.core.InferenceClientPayloads.heldUntil;
import static ai.vaultgemma.core.InferenceClientPayloads.json;
import static ai.vaultgemma.core.InferenceClientPayloads.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ai.vaultgemma.core.InferenceClientStreamTest.Recorder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/**
 * One concurrency limit for every call mode, with a bounded wait and a descriptive error; and a
 * deadline per call that covers the wait for a slot, the request and the whole body or stream.
 */
class LimitsAndDeadlinesTest {

  private static final CallOptions NO_CACHE =
      CallOptions.builder().skipCacheRead(true).skipCacheWrite(true).build();

  @StartStop final MockWebServer server = new MockWebServer();

  @Test
  void everyCallModeTakesASlotFromTheSameLimit() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.setDispatcher(heldUntil(release, chatOk("late")));
    try (InferenceClient client =
        client(server).maxConcurrentCallsPerEndpoint(2).maxWaitingCalls(0).build()) {
      CompletableFuture<ChatResponse> async = client.chatAsync(request("a"), NO_CACHE);
      ChatStream stream = client.chatStream(request("b"), new Recorder(), NO_CACHE);
      await().atMost(Duration.ofSeconds(10)).until(() -> server.getRequestCount() == 2);

      assertThatThrownBy(() -> client.chat(request("c"), NO_CACHE))
          .isInstanceOf(ConcurrencyLimitException.class)
          .hasMessageContaining("no call slot free")
          .hasMessageContaining("0 calls already waiting")
          .hasMessageContaining("endpoint active=2/2")
          .hasMessageContaining("total active=2/1024")
          .hasMessageContaining(server.getHostName() + ":" + server.getPort())
          .hasMessageNotContaining("/v1");
      assertThatThrownBy(() -> client.embed(EmbeddingRequest.of("e", List.of("x")), NO_CACHE))
          .isInstanceOf(ConcurrencyLimitException.class);
      assertThat(server.getRequestCount()).isEqualTo(2);

      release.countDown();
      assertThat(async.get(10, TimeUnit.SECONDS).text()).isEqualTo("late");
      assertThat(stream.completion()).failsWithin(Duration.ofSeconds(10)); // not an SSE answer
      // Both slots are free again.
      server.setDispatcher(InferenceClientPayloads.dispatcher(r -> chatOk("again")));
      assertThat(client.chat(request("d"), NO_CACHE).text()).isEqualTo("again");
      assertThat(client.chat(request("e"), NO_CACHE).text()).isEqualTo("again");
    } finally {
      release.countDown();
    }
  }

  @Test
  void aCallWaitsForASlotUntilItsDeadlineThenSaysWhichLimitWasFull() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.setDispatcher(heldUntil(release, chatOk("held")));
    try (InferenceClient client = client(server).maxConcurrentCallsPerEndpoint(1).build()) {
      CompletableFuture<ChatResponse> holder = client.chatAsync(request("holder"), NO_CACHE);
      await().atMost(Duration.ofSeconds(10)).until(() -> server.getRequestCount() == 1);

      CallOptions brief = NO_CACHE.toBuilder().timeout(Duration.ofMillis(300)).build();
      CompletableFuture<ChatResponse> waiting = client.chatAsync(request("waiter"), brief);
      ExecutionException failure =
          org.assertj.core.api.Assertions.catchThrowableOfType(
              ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
      assertThat(failure.getCause())
          .isInstanceOfAny(ConcurrencyLimitException.class, InferenceTimeoutException.class);
      if (failure.getCause() instanceof ConcurrencyLimitException limit) {
        assertThat(limit.limit()).isEqualTo(1);
        assertThat(limit.active()).isEqualTo(1);
        assertThat(limit).hasMessageContaining("request timed out after");
      }
      assertThat(server.getRequestCount()).isEqualTo(1);

      // A waiter whose slot frees up in time goes through.
      CompletableFuture<ChatResponse> patient =
          client.chatAsync(
              request("patient"), NO_CACHE.toBuilder().timeout(Duration.ofSeconds(20)).build());
      release.countDown();
      assertThat(holder.get(10, TimeUnit.SECONDS).text()).isEqualTo("held");
      assertThat(patient.get(10, TimeUnit.SECONDS).text()).isEqualTo("held");
      assertThat(server.getRequestCount()).isEqualTo(2);
    } finally {
      release.countDown();
    }
  }

  @Test
  void aBlockingCallEndsAtItsDeadlineAndFreesItsConnection() {
    CountDownLatch release = new CountDownLatch(1);
    server.setDispatcher(heldUntil(release, chatOk("too late")));
    try (InferenceClient client = client(server).build()) {
      CallOptions brief = NO_CACHE.toBuilder().timeout(Duration.ofMillis(300)).build();
      assertThatThrownBy(() -> client.chat(request("slow"), brief))
          .isInstanceOf(InferenceTimeoutException.class);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> client.httpPool().okHttpClient().dispatcher().runningCallsCount() == 0);
    } finally {
      release.countDown();
    }
  }

  @Test
  void aBlockingCallIsInterruptedWhileTheServerIsSilentAndKeepsItsInterruptFlag() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch arrived = new CountDownLatch(1);
    server.setDispatcher(
        dispatcher(
            r -> {
              arrived.countDown();
              try {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return chatOk("too late");
            }));
    try (InferenceClient client = client(server).build()) {
      CompletableFuture<Throwable> outcome = new CompletableFuture<>();
      Thread caller =
          new Thread(
              () -> {
                try {
                  client.chat(request("slow"), NO_CACHE);
                  outcome.complete(new AssertionError("answered"));
                } catch (InferenceException e) {
                  outcome.complete(
                      Thread.currentThread().isInterrupted()
                          ? e
                          : new AssertionError("interrupt flag cleared", e));
                }
              });
      caller.start();
      assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
      caller.interrupt();
      assertThat(outcome.get(10, TimeUnit.SECONDS))
          .isInstanceOf(InferenceException.class)
          .hasMessageContaining("interrupted");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> client.httpPool().okHttpClient().dispatcher().runningCallsCount() == 0);
    } finally {
      release.countDown();
    }
  }

  @Test
  void anAsyncCallEndsAtItsDeadline() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.setDispatcher(heldUntil(release, chatOk("too late")));
    try (InferenceClient client = client(server).build()) {
      CallOptions brief = NO_CACHE.toBuilder().timeout(Duration.ofMillis(300)).build();
      CompletableFuture<ChatResponse> answer = client.chatAsync(request("slow"), brief);
      assertThat(answer)
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(ExecutionException.class)
          .havingCause()
          .isInstanceOf(InferenceTimeoutException.class);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> client.httpPool().okHttpClient().dispatcher().runningCallsCount() == 0);
    } finally {
      release.countDown();
    }
  }

  @Test
  void aStreamEndsAtItsDeadlineEvenWhileChunksKeepComing() throws Exception {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      body.append(deltaChunk("t" + i));
    }
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "text/event-stream")
            .body(body.toString())
            .throttleBody(200, 100, TimeUnit.MILLISECONDS) // a chunk or so every 100 ms, 5 s
            .build());
    try (InferenceClient client = client(server).build()) {
      Recorder listener = new Recorder();
      ChatStream stream =
          client.chatStream(
              request("long"),
              listener,
              CallOptions.builder().timeout(Duration.ofMillis(700)).build());
      assertThat(listener.failed.get(10, TimeUnit.SECONDS))
          .isInstanceOf(InferenceTimeoutException.class);
      assertThat(stream.completion()).failsWithin(Duration.ofSeconds(10));
      assertThat(listener.events).last().isEqualTo("error");
      assertThat(client.inferenceCache().stats().entries()).isZero();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> client.httpPool().streamingClient().dispatcher().runningCallsCount() == 0);
    }
  }

  @Test
  void embeddingsEndAtTheirDeadline() {
    CountDownLatch release = new CountDownLatch(1);
    server.setDispatcher(heldUntil(release, json(embeddings(List.of("x")))));
    try (InferenceClient client = client(server).build()) {
      CallOptions brief = CallOptions.builder().timeout(Duration.ofMillis(300)).build();
      assertThatThrownBy(() -> client.embed(EmbeddingRequest.of("e", List.of("x")), brief))
          .isInstanceOf(InferenceTimeoutException.class);
    } finally {
      release.countDown();
    }
  }

  @Test
  void aJoinedCallEndsAtItsOwnDeadlineWhileTheLeaderGoesOn() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.setDispatcher(heldUntil(release, chatOk("shared")));
    try (InferenceClient client = client(server).build()) {
      CompletableFuture<ChatResponse> leader = client.chatAsync(request("same"));
      await().atMost(Duration.ofSeconds(10)).until(() -> server.getRequestCount() == 1);
      CallOptions brief = CallOptions.builder().timeout(Duration.ofMillis(300)).build();
      assertThatThrownBy(() -> client.chat(request("same"), brief))
          .isInstanceOf(InferenceTimeoutException.class);
      release.countDown();
      assertThat(leader.get(10, TimeUnit.SECONDS).text()).isEqualTo("shared");
      assertThat(server.getRequestCount()).isEqualTo(1);
    } finally {
      release.countDown();
    }
  }

  @Test
  void hundredConcurrentStreamsAreAllAtTheServerAtOnceWithDefaults() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.setDispatcher(heldUntil(release, InferenceClientPayloads.sse("x")));
    try (InferenceClient client = client(server).build()) {
      List<ChatStream> streams = new java.util.ArrayList<>();
      for (int i = 0; i < 100; i++) {
        streams.add(client.chatStream(request("distinct " + i), new Recorder()));
      }
      // Every request reached the server while none had been answered: nothing was queued.
      await().atMost(Duration.ofSeconds(20)).until(() -> server.getRequestCount() == 100);
      release.countDown();
      for (ChatStream stream : streams) {
        assertThat(stream.completion().get(20, TimeUnit.SECONDS).text()).isEqualTo("x");
      }
    } finally {
      release.countDown();
    }
  }

  @Test
  void aStreamIsRetriedBeforeItsFirstByteAndNeverAfter() throws Exception {
    server.enqueue(InferenceClientPayloads.error(503, "{\"error\":{\"message\":\"busy\"}}"));
    server.enqueue(InferenceClientPayloads.sse("second try"));
    ai.vaultgemma.pool.RetryPolicy twice =
        ai.vaultgemma.pool.RetryPolicy.builder()
            .maxRetries(2)
            .backoff(Duration.ofMillis(5), 1.0, Duration.ofMillis(5))
            .build();
    try (InferenceClient client =
        client(server)
            .httpPool(ai.vaultgemma.pool.HttpPoolConfig.builder().retryPolicy(twice).build())
            .build()) {
      Recorder before = new Recorder();
      ChatStream retried = client.chatStream(request("before"), before, NO_CACHE);
      assertThat(retried.completion().get(10, TimeUnit.SECONDS).text()).isEqualTo("second try");
      assertThat(server.getRequestCount()).isEqualTo(2);

      // Cut after the first chunk reached the caller: the failure is final, nothing is re-sent.
      server.enqueue(
          InferenceClientPayloads.sseBody(deltaChunk("first") + "data: {\"id\":\"s1\",\"choi"));
      server.enqueue(InferenceClientPayloads.sse("must not be asked for"));
      Recorder after = new Recorder();
      client.chatStream(request("after"), after, NO_CACHE);
      assertThat(after.failed.get(10, TimeUnit.SECONDS))
          .isInstanceOf(InvalidResponseException.class);
      assertThat(after.events).containsExactly("chunk", "error");
      assertThat(server.getRequestCount()).isEqualTo(3);
      assertThat(client.httpPool().stats().retryCount()).isEqualTo(1);
    }
  }

  @Test
  void limitAndDeadlineSettingsAreChecked() {
    assertThatThrownBy(() -> InferenceClient.builder().maxConcurrentCallsPerEndpoint(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxConcurrentCallsPerEndpoint must be between 1 and 100000 but was 0");
    assertThatThrownBy(() -> InferenceClient.builder().maxConcurrentCalls(-3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxConcurrentCalls must be between 1 and 100000 but was -3");
    assertThatThrownBy(() -> InferenceClient.builder().maxWaitingCalls(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxWaitingCalls must be between 0 and 100000 but was -1");
    assertThatThrownBy(() -> InferenceClient.builder().callTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("callTimeout must be > 0 and <= PT24H but was PT0S");
    assertThatThrownBy(() -> CallOptions.builder().timeout(Duration.ofDays(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout must be > 0 and <= PT24H but was PT48H");
    assertThat(CallOptions.builder().timeout(Duration.ofSeconds(5)).build().timeout())
        .hasValue(Duration.ofSeconds(5));
  }
}
