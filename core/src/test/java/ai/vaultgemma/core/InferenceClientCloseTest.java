package ai.vaultgemma.core;

import static ai.vaultgemma.core.InferenceClientPayloads.chatOk;
import static ai.vaultgemma.core.InferenceClientPayloads.client;
import static ai.vaultgemma.core.InferenceClientPayloads.heldUntil;
import static ai.vaultgemma.core.InferenceClientPayloads.request;
import static ai.vaultgemma.core.InferenceClientPayloads.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ai.vaultgemma.cache.CacheConfig;
import ai.vaultgemma.logging.StructuredLogger;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@code close()}: calls in flight finish, new calls fail, nothing is left running. */
class InferenceClientCloseTest {

  @StartStop final MockWebServer server = new MockWebServer();

  private static Set<Thread> vaultgemmaThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("vaultgemma-"))
        .collect(Collectors.toSet());
  }

  @Test
  void inFlightCallFinishesAfterCloseBeganAndNewCallsAreRefused() throws Exception {
    Set<Thread> before = vaultgemmaThreads();
    CountDownLatch release = new CountDownLatch(1);
    server.setDispatcher(heldUntil(release, chatOk("finished")));
    InferenceClient client = client(server).build();
    try {
      CompletableFuture<ChatResponse> inFlight = client.chatAsync(request("slow"));
      await().atMost(Duration.ofSeconds(10)).until(() -> server.getRequestCount() == 1);

      CompletableFuture<Void> closing = CompletableFuture.runAsync(client::close);
      await().atMost(Duration.ofSeconds(10)).until(client::isClosed);
      assertThat(closing).isNotDone();

      assertThatThrownBy(() -> client.chat(request("late")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
      assertThatThrownBy(() -> client.chatAsync(request("late")))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> client.chatStream(request("late"), chunk -> {}))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> client.embed(EmbeddingRequest.of("e", "late")))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(client::models).isInstanceOf(IllegalStateException.class);

      release.countDown();
      assertThat(inFlight.get(10, TimeUnit.SECONDS).text()).isEqualTo("finished");
      closing.get(10, TimeUnit.SECONDS);
      assertThat(client.httpPool().isClosed()).isTrue();
      assertThat(server.getRequestCount()).isEqualTo(1);

      client.close(); // idempotent
      assertThat(client.health().status()).isEqualTo(HealthSnapshot.Status.DOWN);
    } finally {
      release.countDown();
      client.close();
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(vaultgemmaThreads()).allMatch(before::contains, "a thread from before"));
  }

  @Test
  void inFlightStreamFinishesAfterCloseBegan() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.setDispatcher(heldUntil(release, sse("streamed")));
    InferenceClient client = client(server).build();
    try {
      InferenceClientStreamTest.Recorder recorder = new InferenceClientStreamTest.Recorder();
      ChatStream stream = client.chatStream(request("slow"), recorder);
      await().atMost(Duration.ofSeconds(10)).until(() -> server.getRequestCount() == 1);
      CompletableFuture<Void> closing = CompletableFuture.runAsync(client::close);
      await().atMost(Duration.ofSeconds(10)).until(client::isClosed);
      assertThat(closing).isNotDone();
      release.countDown();
      assertThat(stream.completion().get(10, TimeUnit.SECONDS).text()).isEqualTo("streamed");
      closing.get(10, TimeUnit.SECONDS);
    } finally {
      release.countDown();
      client.close();
    }
  }

  @Test
  void closeGivesUpAfterTheShutdownTimeoutAndSaysWhatWasLeft() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.setDispatcher(heldUntil(release, chatOk("too late")));
    Logger log = (Logger) LoggerFactory.getLogger("close-test");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    log.addAppender(appender);
    InferenceClient client =
        client(server)
            .logger(StructuredLogger.of("close-test"))
            .shutdownTimeout(Duration.ofMillis(200))
            .build();
    try {
      CompletableFuture<ChatResponse> inFlight = client.chatAsync(request("slow"));
      await().atMost(Duration.ofSeconds(10)).until(() -> server.getRequestCount() == 1);
      client.close();
      assertThat(client.isClosed()).isTrue();
      assertThat(client.httpPool().isClosed()).isTrue();
      assertThat(appender.list)
          .filteredOn(e -> e.getLevel() == Level.WARN)
          .extracting(ILoggingEvent::getFormattedMessage)
          .containsExactly("InferenceClient closed with 1 call(s) still in flight after 200 ms");
      release.countDown();
      assertThat(inFlight).succeedsWithin(Duration.ofSeconds(10));
    } finally {
      release.countDown();
      client.close();
      log.detachAppender(appender);
    }
  }

  @Test
  void derivedClientSharesCachesAndPoolsAndClosingItClosesNothingShared() {
    server.enqueue(chatOk("from the parent"));
    server.enqueue(chatOk("after the child closed"));
    try (InferenceClient parent = client(server).build()) {
      InferenceClient child = parent.newBuilder().build();
      assertThat(child.httpPool()).isSameAs(parent.httpPool());
      assertThat(child.inferenceCache()).isSameAs(parent.inferenceCache());
      assertThat(child.embeddingCache()).isSameAs(parent.embeddingCache());
      parent.chat(request("hello"));
      assertThat(child.chat(request("hello")).text()).isEqualTo("from the parent");
      assertThat(server.getRequestCount()).isEqualTo(1);

      child.close();
      assertThat(child.isClosed()).isTrue();
      assertThat(parent.httpPool().isClosed()).isFalse();
      assertThat(parent.chat(request("hello")).text()).isEqualTo("from the parent");
      assertThat(parent.chat(request("other")).text()).isEqualTo("after the child closed");
    }
  }

  @Test
  void derivedClientWithItsOwnCacheClosesOnlyWhatItCreated() {
    server.setDispatcher(InferenceClientPayloads.embeddingDispatcher());
    try (InferenceClient parent = client(server).build()) {
      InferenceClient child = parent.newBuilder().inferenceCache(CacheConfig.inference()).build();
      assertThat(child.inferenceCache()).isNotSameAs(parent.inferenceCache());
      assertThat(child.httpPool()).isSameAs(parent.httpPool());
      assertThat(child.embeddingCache()).isSameAs(parent.embeddingCache());
      child.embed(EmbeddingRequest.of("e", "shared vector"));

      child.close();

      assertThat(parent.httpPool().isClosed()).isFalse();
      parent.embed(EmbeddingRequest.of("e", "shared vector"));
      assertThat(parent.embeddingCache().stats().entries()).isEqualTo(1);
      assertThat(server.getRequestCount()).isEqualTo(1);
      parent.embed(EmbeddingRequest.of("e", "a new input reaches the server"));
      assertThat(server.getRequestCount()).isEqualTo(2);
    }
  }

  @Test
  void callsRacingCloseEitherSucceedOrAreRefused() throws Exception {
    server.enqueue(chatOk("cached"));
    InferenceClient client = client(server).build();
    client.chat(request("hello"));
    int threads = 8;
    CountDownLatch running = new CountDownLatch(threads);
    java.util.List<Throwable> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicLong answered = new java.util.concurrent.atomic.AtomicLong();
    java.util.List<Thread> callers = new java.util.ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread caller =
          new Thread(
              () -> {
                running.countDown();
                while (true) {
                  try {
                    client.chat(request("hello"));
                    client.chatAsync(request("hello")).join();
                    answered.incrementAndGet();
                  } catch (IllegalStateException refused) {
                    return;
                  } catch (Throwable e) {
                    unexpected.add(e);
                    return;
                  }
                }
              },
              "racing-caller-" + t);
      callers.add(caller);
      caller.start();
    }
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> answered.get() > 100);
    client.close();
    for (Thread caller : callers) {
      caller.join(10_000);
      assertThat(caller.isAlive()).isFalse();
    }
    assertThat(unexpected).isEmpty();
    assertThat(server.getRequestCount()).isEqualTo(1);
  }
}
