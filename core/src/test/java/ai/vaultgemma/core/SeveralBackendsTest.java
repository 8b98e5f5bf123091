package ai.vaultgemma.core;

import static ai.vaultgemma.core.InferenceClientPayloads.JSON;
import static ai.vaultgemma.core.InferenceClientPayloads.chatOk;
import static ai.vaultgemma.core.InferenceClientPayloads.deltaChunk;
import static ai.vaultgemma.core.InferenceClientPayloads.dispatcher;
import static ai.vaultgemma.core.InferenceClientPayloads.error;
import static ai.vaultgemma.core.InferenceClientPayloads.request;
import static ai.vaultgemma.core.InferenceClientPayloads.sse;
import static ai.vaultgemma.core.InferenceClientPayloads.sseBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ai.vaultgemma.core.InferenceClientStreamTest.Recorder;
import ai.vaultgemma.pool.HttpPoolConfig;
import ai.vaultgemma.pool.RetryPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Several endpoints against three loopback servers: balancing that accounts for load, a cache key
 * that ignores which replica answered, breakers that open and close, fallbacks, and the rules of
 * what never falls back.
 */
class SeveralBackendsTest {

  private static final CallOptions NO_CACHE =
      CallOptions.builder().skipCacheRead(true).skipCacheWrite(true).build();

  @StartStop final MockWebServer a = new MockWebServer();
  @StartStop final MockWebServer b = new MockWebServer();
  @StartStop final MockWebServer c = new MockWebServer();

  private static Endpoint endpoint(MockWebServer server) {
    return Endpoint.of(server.url("/v1").toString());
  }

  private static InferenceClient.Builder client() {
    return InferenceClient.builder()
        .httpPool(HttpPoolConfig.builder().retryPolicy(RetryPolicy.none()).build())
        .shutdownTimeout(Duration.ofSeconds(10));
  }

  /** The endpoint each finished call names, as a listener hears it. */
  static final class Answered implements InferenceListener {
    final List<String> endpoints = new CopyOnWriteArrayList<>();

    @Override
    public void callEnd(InferenceCall call, CallOutcome outcome) {
      endpoints.add(call.endpoint().orElse("none"));
    }
  }

  @Test
  void callsAreSpreadOverEveryEndpointAndTheCacheKeyIgnoresWhichAnswered() {
    for (MockWebServer s : List.of(a, b, c)) {
      s.setDispatcher(dispatcher(r -> chatOk("hi")));
    }
    try (InferenceClient client =
        client().endpoints(List.of(endpoint(a), endpoint(b), endpoint(c))).build()) {
      for (int i = 0; i < 60; i++) {
        assertThat(client.chat(request("q" + i), NO_CACHE).text()).isEqualTo("hi");
      }
      assertThat(a.getRequestCount()).isPositive();
      assertThat(b.getRequestCount()).isPositive();
      assertThat(c.getRequestCount()).isPositive();
      assertThat(a.getRequestCount() + b.getRequestCount() + c.getRequestCount()).isEqualTo(60);

      // Cached once, answered from memory whichever replica answered first.
      client.chat(request("same"));
      int sent = a.getRequestCount() + b.getRequestCount() + c.getRequestCount();
      for (int i = 0; i < 10; i++) {
        client.chat(request("same"));
      }
      assertThat(a.getRequestCount() + b.getRequestCount() + c.getRequestCount()).isEqualTo(sent);
    }
  }

  @Test
  void aClientThatGrowsFromOneEndpointKeepsItsCacheKeys() {
    a.setDispatcher(dispatcher(r -> chatOk("from a")));
    b.setDispatcher(dispatcher(r -> chatOk("from b")));
    try (InferenceClient one = client().baseUrl(a.url("/v1").toString()).build()) {
      assertThat(one.chat(request("kept")).text()).isEqualTo("from a");
      // Shares the caches; the old endpoint stays first, so the key is the same.
      try (InferenceClient two = one.newBuilder().addEndpoint(endpoint(b)).build()) {
        for (int i = 0; i < 5; i++) {
          assertThat(two.chat(request("kept")).text()).isEqualTo("from a");
        }
        assertThat(a.getRequestCount()).isEqualTo(1);
        assertThat(b.getRequestCount()).isZero();
        assertThat(two.health().endpoints()).hasSize(2);
      }
    }
  }

  @Test
  void aSlowEndpointReceivesLessTraffic() throws Exception {
    a.setDispatcher(dispatcher(r -> chatOk("fast")));
    b.setDispatcher(dispatcher(r -> chatOk("fast")));
    c.setDispatcher(
        dispatcher(
            r ->
                new MockResponse.Builder()
                    .code(200)
                    .setHeader("Content-Type", "application/json")
                    .body(InferenceClientPayloads.completion("slow"))
                    .headersDelay(300, TimeUnit.MILLISECONDS)
                    .build()));
    ExecutorService callers = Executors.newFixedThreadPool(12);
    try (InferenceClient client =
        client().endpoints(List.of(endpoint(a), endpoint(b), endpoint(c))).build()) {
      List<Future<?>> done = new ArrayList<>();
      AtomicInteger ids = new AtomicInteger();
      for (int t = 0; t < 12; t++) {
        done.add(
            callers.submit(
                () -> {
                  for (int i = 0; i < 25; i++) {
                    client.chat(request("p" + ids.incrementAndGet()), NO_CACHE);
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      callers.shutdownNow();
    }
    // Uniform spreading would give each endpoint 100 of the 300 calls.
    assertThat(a.getRequestCount() + b.getRequestCount() + c.getRequestCount()).isEqualTo(300);
    assertThat(c.getRequestCount())
        .isLessThan(Math.min(a.getRequestCount(), b.getRequestCount()) / 3);
  }

  @Test
  void weightsShiftTheShareOfAnIdleEndpoint() {
    a.setDispatcher(dispatcher(r -> chatOk("a")));
    b.setDispatcher(dispatcher(r -> chatOk("b")));
    try (InferenceClient client =
        client()
            .endpoints(
                List.of(Endpoint.builder(a.url("/v1").toString()).weight(4).build(), endpoint(b)))
            .build()) {
      for (int i = 0; i < 200; i++) {
        client.chat(request("w" + i), NO_CACHE);
      }
    }
    // Sequential calls see no load, so the weights decide the first draw: about 4:1 on the draw
    // (and ties go to the first draw), far from 1:1.
    assertThat(a.getRequestCount()).isGreaterThan(2 * b.getRequestCount());
  }

  @Test
  void modelNamesAreMappedPerEndpointAndKeyedByTheRequestedName() throws Exception {
    a.setDispatcher(dispatcher(r -> chatOk("mapped")));
    try (InferenceClient client =
        client()
            .endpoints(
                List.of(Endpoint.builder(a.url("/v1").toString()).model("m", "org/m-7b").build()))
            .build()) {
      ChatResponse answer = client.chat(request("x"));
      assertThat(answer.text()).isEqualTo("mapped");
      assertThat(client.chat(request("x")).text()).isEqualTo("mapped"); // from the cache
    }
    RecordedRequest sent = a.takeRequest();
    JsonNode body = JSON.readTree(sent.getBody().utf8());
    assertThat(body.get("model").asString()).isEqualTo("org/m-7b");
    assertThat(a.getRequestCount()).isEqualTo(1);
  }

  @Test
  void oneEndpointKilledUnderLoadLosesNoCallItsBreakerOpensAndClosesWhenItReturns()
      throws Exception {
    // c plays a process that dies: while "down" every connection it gets is closed at once,
    // before or in the middle of the request (calls and probes alike), as a killed server's are.
    AtomicBoolean down = new AtomicBoolean();
    Supplier<MockResponse> slowOk =
        () ->
            new MockResponse.Builder()
                .code(200)
                .setHeader("Content-Type", "application/json")
                .body(InferenceClientPayloads.completion("ok"))
                .headersDelay(20, TimeUnit.MILLISECONDS)
                .build();
    a.setDispatcher(dispatcher(r -> slowOk.get()));
    b.setDispatcher(dispatcher(r -> slowOk.get()));
    c.setDispatcher(
        dispatcher(
            r ->
                down.get()
                    ? new MockResponse.Builder()
                        .onResponseStart(new SocketEffect.CloseSocket(true, true, true))
                        .build()
                    : slowOk.get()));
    int port = c.getPort();
    RoutingPolicy routing =
        RoutingPolicy.builder()
            .failureThreshold(2)
            .openDuration(Duration.ofMillis(300))
            .probeInterval(Duration.ofMillis(100))
            .probeTimeout(Duration.ofSeconds(2))
            .build();
    ExecutorService callers = Executors.newFixedThreadPool(8);
    try (InferenceClient client =
        client()
            .endpoints(List.of(endpoint(a), endpoint(b), endpoint(c)))
            .routing(routing)
            .build()) {
      AtomicInteger ids = new AtomicInteger();
      Map<String, Integer> failures = new ConcurrentHashMap<>();
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        done.add(
            callers.submit(
                () -> {
                  for (int i = 0; i < 30; i++) {
                    try {
                      client.chat(request("k" + ids.incrementAndGet()), NO_CACHE);
                    } catch (InferenceException e) {
                      failures.merge(
                          e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
                    }
                  }
                }));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> c.getRequestCount() >= 5);
      down.set(true); // killed under load: every connection it holds or gets is closed
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
      assertThat(failures).isEmpty();
      assertThat(stateOf(client, port)).isNotEqualTo(EndpointHealth.State.CLOSED);
      JsonNode json = JSON.readTree(client.health().toJson());
      assertThat(json.get("status").asString()).isEqualTo("degraded");
      assertThat(json.get("endpoints")).hasSize(3);
      assertThat(json.get("endpoints").get(2).get("state").asString()).isIn("open", "half_open");

      int before = c.getRequestCount();
      down.set(false); // it returns
      // The probe (GET models) finds it up once the open duration has passed.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> stateOf(client, port) == EndpointHealth.State.CLOSED);
      assertThat(client.health().status()).isEqualTo(HealthSnapshot.Status.OK);
      int probesAndCalls = c.getRequestCount();
      for (int i = 0; i < 30; i++) {
        client.chat(request("again" + i), NO_CACHE);
      }
      assertThat(probesAndCalls).isGreaterThan(before);
      assertThat(c.getRequestCount()).isGreaterThan(probesAndCalls); // calls reach it again
    } finally {
      callers.shutdownNow();
    }
  }

  private static EndpointHealth.State stateOf(InferenceClient client, int port) {
    return client.health().endpoints().stream()
        .filter(e -> e.name().endsWith(":" + port))
        .findFirst()
        .orElseThrow()
        .state();
  }

  @Test
  void aServerErrorFallsBackAndTheOutcomeNamesTheEndpointThatAnswered() {
    a.setDispatcher(dispatcher(r -> error(503, "{\"error\":{\"message\":\"overloaded\"}}")));
    b.setDispatcher(dispatcher(r -> chatOk("from b")));
    Answered answered = new Answered();
    try (InferenceClient client =
        client()
            .endpoints(List.of(endpoint(a)))
            .fallbacks(List.of(endpoint(b)))
            .addListener(answered)
            .build()) {
      assertThat(client.chat(request("x"), NO_CACHE).text()).isEqualTo("from b");
    }
    assertThat(a.getRequestCount()).isEqualTo(1);
    assertThat(b.getRequestCount()).isEqualTo(1);
    assertThat(answered.endpoints).containsExactly(endpoint(b).name());
  }

  @Test
  void aBadRequestIsNotTriedElsewhere() {
    a.setDispatcher(dispatcher(r -> error(400, "{\"error\":{\"message\":\"bad temperature\"}}")));
    b.setDispatcher(dispatcher(r -> chatOk("never")));
    try (InferenceClient client =
        client().endpoints(List.of(endpoint(a))).fallbacks(List.of(endpoint(b))).build()) {
      assertThatThrownBy(() -> client.chat(request("x"), NO_CACHE))
          .isInstanceOf(InferenceHttpException.class)
          .hasMessageContaining("400");
      assertThat(client.health().endpoints().get(0).state()).isEqualTo(EndpointHealth.State.CLOSED);
    }
    assertThat(a.getRequestCount()).isEqualTo(1);
    assertThat(b.getRequestCount()).isZero();
  }

  @Test
  void aConnectionErrorFallsBackToTheNextReplica() throws IOException {
    b.setDispatcher(dispatcher(r -> chatOk("from b")));
    String dead = a.url("/v1").toString();
    a.close();
    try (InferenceClient client =
        client().endpoints(List.of(Endpoint.of(dead))).fallbacks(List.of(endpoint(b))).build()) {
      assertThat(client.chat(request("x"), NO_CACHE).text()).isEqualTo("from b");
      assertThat(client.chatAsync(request("y"), NO_CACHE).join().text()).isEqualTo("from b");
    }
  }

  @Test
  void aStreamFallsBackBeforeItsFirstChunk() throws Exception {
    a.setDispatcher(dispatcher(r -> error(503, "{\"error\":{\"message\":\"busy\"}}")));
    b.setDispatcher(dispatcher(r -> sse("Hel", "lo")));
    try (InferenceClient client =
        client().endpoints(List.of(endpoint(a))).fallbacks(List.of(endpoint(b))).build()) {
      Recorder listener = new Recorder();
      client.chatStream(request("s"), listener, NO_CACHE);
      assertThat(listener.completed.get(10, TimeUnit.SECONDS).text()).isEqualTo("Hello");
      assertThat(listener.events).containsExactly("chunk", "chunk", "chunk", "complete");
    }
    assertThat(a.getRequestCount()).isEqualTo(1);
    assertThat(b.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aStreamDoesNotFallBackAfterItsFirstChunk() throws Exception {
    // Cut in the middle of an event, after one chunk reached the caller.
    a.setDispatcher(dispatcher(r -> sseBody(deltaChunk("half") + "data: {\"id\":\"s1\",\"choi")));
    b.setDispatcher(dispatcher(r -> sse("never")));
    // A rule that would fall back on anything: only the first-chunk rule keeps it from doing so.
    RoutingPolicy anything = RoutingPolicy.builder().fallbackWhen(e -> true).build();
    try (InferenceClient client =
        client()
            .endpoints(List.of(endpoint(a)))
            .fallbacks(List.of(endpoint(b)))
            .routing(anything)
            .build()) {
      Recorder listener = new Recorder();
      client.chatStream(request("s"), listener, NO_CACHE);
      assertThat(listener.failed.get(10, TimeUnit.SECONDS))
          .isInstanceOf(InvalidResponseException.class);
      assertThat(listener.events).containsExactly("chunk", "error");
    }
    assertThat(b.getRequestCount()).isZero();
  }

  @Test
  void endpointsAreValidatedAndKeepSecretsOutOfToString() {
    Endpoint e =
        Endpoint.builder("http://h:1/v1").apiKey("sk-secret-1").model("a", "b").weight(3).build();
    assertThat(e.toString()).doesNotContain("sk-secret-1").contains("apiKey=****");
    assertThat(e.name()).isEqualTo("http://h:1");
    assertThat(e.modelFor("a")).isEqualTo("b");
    assertThat(e.modelFor("z")).isEqualTo("z");
    assertThatThrownBy(() -> Endpoint.builder("http://h/v1").weight(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("weight must be between 1 and 1000 but was 0");
    assertThatThrownBy(() -> Endpoint.builder("http://u:sk-x@h/v1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("sk-x");
    assertThatThrownBy(() -> Endpoint.builder("http://h/v1").apiKey("k").apiKey(() -> "k2"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("apiKey was already set (value hidden)");
    assertThatThrownBy(() -> Endpoint.builder("http://h/v1").model("a", "b").model("a", "c"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("model \"a\" was already mapped to \"b\"");
    assertThatThrownBy(
            () ->
                InferenceClient.builder()
                    .endpoints(List.of(Endpoint.of("http://h/v1"), Endpoint.of("http://h/v1"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("twice");
    assertThatThrownBy(
            () ->
                InferenceClient.builder()
                    .endpoints(List.of(Endpoint.of("http://h/v1")))
                    .apiKey("sk-late")
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("apiKey belongs to the baseUrl endpoint")
        .hasMessageNotContaining("sk-late");
  }
}
