package ai.vaultgemma.core;

import static ai.vaultgemma.core.InferenceClientPayloads.chatOk;
import static ai.vaultgemma.core.InferenceClientPayloads.client;
import static ai.vaultgemma.core.InferenceClientPayloads.error;
import static ai.vaultgemma.core.InferenceClientPayloads.heldUntil;
import static ai.vaultgemma.core.InferenceClientPayloads.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** Concurrent identical misses share one backend call. */
class InferenceClientCoalescingTest {
  private static final int CALLERS = 100;

  @StartStop final MockWebServer server = new MockWebServer();

  @Test
  void hundredConcurrentBlockingCallsMakeOneServerRequest() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.setDispatcher(heldUntil(release, chatOk("shared")));
    ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
    try (InferenceClient client = client(server).build()) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<ChatResponse>> answers = new ArrayList<>();
      for (int i = 0; i < CALLERS; i++) {
        answers.add(
            callers.submit(
                () -> {
                  start.await();
                  return client.chat(request("hello"));
                }));
      }
      start.countDown();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> client.health().client().coalesced() == CALLERS - 1);
      release.countDown();
      for (Future<ChatResponse> answer : answers) {
        assertThat(answer.get(20, TimeUnit.SECONDS).text()).isEqualTo("shared");
      }
      assertThat(server.getRequestCount()).isEqualTo(1);
      assertThat(client.health().client().backendCalls()).isEqualTo(1);
      assertThat(client.health().client().failures()).isZero();
    } finally {
      release.countDown();
      callers.shutdownNow();
    }
  }

  @Test
  void hundredConcurrentAsyncCallsMakeOneServerRequest() {
    CountDownLatch release = new CountDownLatch(1);
    server.setDispatcher(heldUntil(release, chatOk("shared")));
    try (InferenceClient client = client(server).build()) {
      List<CompletableFuture<ChatResponse>> answers = new ArrayList<>();
      for (int i = 0; i < CALLERS; i++) {
        answers.add(client.chatAsync(request("hello")));
      }
      assertThat(client.health().client().coalesced()).isEqualTo(CALLERS - 1);
      assertThat(answers).noneMatch(CompletableFuture::isDone);
      release.countDown();
      for (CompletableFuture<ChatResponse> answer : answers) {
        assertThat(answer).succeedsWithin(Duration.ofSeconds(20));
        assertThat(answer.join().text()).isEqualTo("shared");
      }
      assertThat(server.getRequestCount()).isEqualTo(1);
    } finally {
      release.countDown();
    }
  }

  @Test
  void blockingAndAsyncCallersShareOneRequest() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.setDispatcher(heldUntil(release, chatOk("shared")));
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try (InferenceClient client = client(server).build()) {
      CompletableFuture<ChatResponse> async = client.chatAsync(request("hello"));
      Future<ChatResponse> blocking = caller.submit(() -> client.chat(request("hello")));
      await().atMost(Duration.ofSeconds(20)).until(() -> client.health().client().coalesced() == 1);
      release.countDown();
      assertThat(blocking.get(20, TimeUnit.SECONDS).text()).isEqualTo("shared");
      assertThat(async.get(20, TimeUnit.SECONDS).text()).isEqualTo("shared");
      assertThat(server.getRequestCount()).isEqualTo(1);
    } finally {
      release.countDown();
      caller.shutdownNow();
    }
  }

  @Test
  void everyWaiterSeesTheSharedFailureAndTheNextCallReachesTheServer() {
    CountDownLatch release = new CountDownLatch(1);
    server.setDispatcher(
        heldUntil(release, error(503, "{\"error\":{\"message\":\"model is loading\"}}")));
    try (InferenceClient client = client(server).build()) {
      List<CompletableFuture<ChatResponse>> answers = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        answers.add(client.chatAsync(request("hello")));
      }
      release.countDown();
      for (CompletableFuture<ChatResponse> answer : answers) {
        assertThat(answer)
            .failsWithin(Duration.ofSeconds(20))
            .withThrowableOfType(java.util.concurrent.ExecutionException.class)
            .havingCause()
            .isInstanceOf(InferenceHttpException.class)
            .withMessageContaining("model is loading");
      }
      assertThat(server.getRequestCount()).isEqualTo(1);
      assertThat(client.health().client().failures()).isEqualTo(10);

      server.setDispatcher(InferenceClientPayloads.dispatcher(r -> chatOk("loaded")));
      assertThat(client.chat(request("hello")).text()).isEqualTo("loaded");
      assertThat(server.getRequestCount()).isEqualTo(2);
    } finally {
      release.countDown();
    }
  }

  @Test
  void skipCacheReadDoesNotJoinACallInFlight() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.setDispatcher(heldUntil(release, chatOk("answer")));
    try (InferenceClient client = client(server).build()) {
      CompletableFuture<ChatResponse> first = client.chatAsync(request("hello"));
      CompletableFuture<ChatResponse> fresh =
          client.chatAsync(request("hello"), CallOptions.builder().skipCacheRead(true).build());
      await().atMost(Duration.ofSeconds(20)).until(() -> server.getRequestCount() == 2);
      release.countDown();
      assertThat(first.get(20, TimeUnit.SECONDS).text()).isEqualTo("answer");
      assertThat(fresh.get(20, TimeUnit.SECONDS).text()).isEqualTo("answer");
      assertThat(client.health().client().coalesced()).isZero();
    } finally {
      release.countDown();
    }
  }

  @Test
  void joinedFailureIsUnwrappedToTheInferenceException() {
    server.enqueue(error(401, "{\"error\":{\"message\":\"invalid api key\"}}"));
    try (InferenceClient client = client(server).build()) {
      CompletionException thrown =
          org.assertj.core.api.Assertions.catchThrowableOfType(
              CompletionException.class, () -> client.chatAsync(request("hello")).join());
      assertThat(thrown.getCause())
          .isExactlyInstanceOf(InferenceHttpException.class)
          .hasMessageContaining("invalid api key");
    }
  }

  @Test
  void callThatSkipsTheCacheWriteDoesNotLeadCallsThatExpectTheAnswerCached() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.setDispatcher(heldUntil(release, chatOk("answer")));
    CallOptions noWrite = CallOptions.builder().skipCacheWrite(true).build();
    try (InferenceClient client = client(server).build()) {
      CompletableFuture<ChatResponse> unstored = client.chatAsync(request("hello"), noWrite);
      CompletableFuture<ChatResponse> stored = client.chatAsync(request("hello"));
      await().atMost(Duration.ofSeconds(20)).until(() -> server.getRequestCount() == 2);
      release.countDown();
      assertThat(unstored.get(20, TimeUnit.SECONDS).text()).isEqualTo("answer");
      assertThat(stored.get(20, TimeUnit.SECONDS).text()).isEqualTo("answer");
      assertThat(client.inferenceCache().stats().entries()).isEqualTo(1);
      assertThat(client.chat(request("hello")).text()).isEqualTo("answer");
      assertThat(server.getRequestCount()).isEqualTo(2);
    } finally {
      release.countDown();
    }
  }

  @Test
  void callThatSkipsTheCacheWriteMayJoinALeaderThatStores() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.setDispatcher(heldUntil(release, chatOk("answer")));
    CallOptions noWrite = CallOptions.builder().skipCacheWrite(true).build();
    try (InferenceClient client = client(server).build()) {
      CompletableFuture<ChatResponse> leader = client.chatAsync(request("hello"));
      CompletableFuture<ChatResponse> joined = client.chatAsync(request("hello"), noWrite);
      assertThat(client.health().client().coalesced()).isEqualTo(1);
      release.countDown();
      assertThat(leader.get(20, TimeUnit.SECONDS).text()).isEqualTo("answer");
      assertThat(joined.get(20, TimeUnit.SECONDS).text()).isEqualTo("answer");
      assertThat(server.getRequestCount()).isEqualTo(1);
    } finally {
      release.countDown();
    }
  }
}
