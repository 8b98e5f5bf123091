package ai.vaultgemma.core;

import static ai.vaultgemma.core.InferenceClientPayloads.chatOk;
import static ai.vaultgemma.core.InferenceClientPayloads.client;
import static ai.vaultgemma.core.InferenceClientPayloads.error;
import static ai.vaultgemma.core.InferenceClientPayloads.request;
import static ai.vaultgemma.core.InferenceClientPayloads.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ai.vaultgemma.cache.CacheConfig;
import ai.vaultgemma.core.InferenceClientStreamTest.Recorder;
import ai.vaultgemma.logging.LogPolicy;
import ai.vaultgemma.logging.StructuredLogger;
import ai.vaultgemma.logging.TraceScope;
import ai.vaultgemma.pool.HttpPoolConfig;
import ai.vaultgemma.pool.RetryPolicy;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/** The listener SPI: which events each kind of call reports, in order, and its safety rules. */
class InferenceListenerTest {

  @StartStop final MockWebServer server = new MockWebServer();

  /** Writes each event as one short line, so a test can compare whole sequences. */
  static final class Events implements InferenceListener {
    final List<String> lines = new CopyOnWriteArrayList<>();
    final List<CallOutcome> outcomes = new CopyOnWriteArrayList<>();
    final List<String> urls = new CopyOnWriteArrayList<>();
    final List<Duration> waits = new CopyOnWriteArrayList<>();

    @Override
    public void callStart(InferenceCall call) {
      lines.add("callStart " + call.operation() + " " + call.mode() + " " + call.model());
    }

    @Override
    public void rateLimitWait(InferenceCall call, Duration wait) {
      waits.add(wait);
      lines.add("rateLimitWait");
    }

    @Override
    public void attemptStart(InferenceCall call, HttpAttempt attempt) {
      lines.add("attemptStart " + attempt.number() + " " + attempt.method() + " " + attempt.path());
      urls.add(attempt.url());
    }

    @Override
    public void attemptEnd(InferenceCall call, HttpAttempt attempt, int status, Duration latency) {
      lines.add("attemptEnd " + attempt.number() + " " + status);
    }

    @Override
    public void attemptFailed(
        InferenceCall call, HttpAttempt attempt, IOException failure, Duration latency) {
      lines.add("attemptFailed " + attempt.number());
    }

    @Override
    public void retryScheduled(
        InferenceCall call, HttpAttempt attempt, String reason, Duration delay) {
      lines.add("retryScheduled " + attempt.number() + " " + reason);
    }

    @Override
    public void firstChunk(InferenceCall call, Duration sinceStart) {
      lines.add("firstChunk");
    }

    @Override
    public void streamEnd(InferenceCall call, int chunks, Duration sinceStart) {
      lines.add("streamEnd " + chunks);
    }

    @Override
    public void callEnd(InferenceCall call, CallOutcome outcome) {
      outcomes.add(outcome);
      lines.add("callEnd " + outcome.level() + (outcome.succeeded() ? "" : " error"));
    }
  }

  @Test
  void aMissReportsItsAttemptAndOutcomeThenAHitReportsNoAttempt() {
    server.enqueue(chatOk("hello"));
    Events events = new Events();
    try (InferenceClient client = client(server).addListener(events).build()) {
      client.chat(request("q"));
      client.chat(request("q"));
    }
    assertThat(events.lines)
        .containsExactly(
            "callStart CHAT BLOCKING m",
            "attemptStart 1 POST /v1/chat/completions",
            "attemptEnd 1 200",
            "callEnd MISS",
            "callStart CHAT BLOCKING m",
            "callEnd L1");
    CallOutcome miss = events.outcomes.get(0);
    assertThat(miss.usage()).isNotNull();
    assertThat(miss.usage().promptTokens()).isEqualTo(3);
    assertThat(miss.responseModel()).isEqualTo("m");
    assertThat(miss.responseId()).isEqualTo("c1");
    assertThat(miss.finishReasons()).containsExactly("stop");
    assertThat(miss.duration()).isPositive();
    assertThat(miss.chatResponse()).isNotNull();
    assertThat(miss.chatResponse().text()).isEqualTo("hello");
    assertThat(events.outcomes.get(1).chatResponse()).isEqualTo(miss.chatResponse());
    assertThat(events.urls).containsExactly(server.url("/v1/chat/completions").toString());
  }

  @Test
  void aCallARateLimitHoldsBackHearsHowLongItWaitsBeforeItsAttempt() throws Exception {
    for (int i = 0; i < 3; i++) {
      server.enqueue(chatOk("a" + i));
    }
    Events events = new Events();
    CallOptions noCache = CallOptions.builder().skipCacheRead(true).skipCacheWrite(true).build();
    // 60 a minute: one at once, then one a second (each call here takes milliseconds).
    RateLimit limit = RateLimit.builder().requestsPerMinute(60).build();
    try (InferenceClient client =
        client(server).rateLimitPerEndpoint(limit).addListener(events).build()) {
      client.chat(request("q1"), noCache);
      client.chat(request("q2"), noCache); // blocking: waits on the caller's thread
      client.chatAsync(request("q3"), noCache).get(10, TimeUnit.SECONDS); // on the client's timer
    }
    assertThat(events.lines)
        .containsExactly(
            "callStart CHAT BLOCKING m",
            "attemptStart 1 POST /v1/chat/completions",
            "attemptEnd 1 200",
            "callEnd MISS",
            "callStart CHAT BLOCKING m",
            "rateLimitWait",
            "attemptStart 1 POST /v1/chat/completions",
            "attemptEnd 1 200",
            "callEnd MISS",
            "callStart CHAT ASYNC m",
            "rateLimitWait",
            "attemptStart 1 POST /v1/chat/completions",
            "attemptEnd 1 200",
            "callEnd MISS");
    assertThat(events.waits)
        .hasSize(2)
        .allSatisfy(
            wait -> assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1)));
  }

  @Test
  void retriesAreReportedWithTheirReason() {
    server.enqueue(error(503, "{\"error\":{\"message\":\"busy\"}}"));
    server.enqueue(chatOk("hello"));
    Events events = new Events();
    RetryPolicy fast =
        RetryPolicy.builder()
            .maxRetries(2)
            .backoff(Duration.ofMillis(1), 1.0, Duration.ofMillis(1))
            .build();
    try (InferenceClient client =
        client(server)
            .httpPool(HttpPoolConfig.builder().retryPolicy(fast).build())
            .addListener(events)
            .build()) {
      client.chat(request("q"));
    }
    assertThat(events.lines)
        .containsExactly(
            "callStart CHAT BLOCKING m",
            "attemptStart 1 POST /v1/chat/completions",
            "attemptEnd 1 503",
            "retryScheduled 1 503",
            "attemptStart 2 POST /v1/chat/completions",
            "attemptEnd 2 200",
            "callEnd MISS");
  }

  @Test
  void aFailedCallEndsWithItsError() {
    server.enqueue(error(400, "{\"error\":{\"message\":\"bad\"}}"));
    Events events = new Events();
    try (InferenceClient client = client(server).addListener(events).build()) {
      assertThatThrownBy(() -> client.chat(request("q")))
          .isInstanceOf(InferenceHttpException.class);
    }
    assertThat(events.lines).last().isEqualTo("callEnd MISS error");
    assertThat(events.outcomes.get(0).error()).isInstanceOf(InferenceHttpException.class);
    assertThat(events.outcomes.get(0).usage()).isNull();
  }

  @Test
  void aStreamReportsFirstChunkAndEndBeforeTheCallerHearsTheEnd() throws Exception {
    server.enqueue(sse("a", "b", "c"));
    Events heard = new Events();
    Recorder caller =
        new Recorder() {
          @Override
          public void onComplete(ChatResponse response) {
            heard.lines.add("caller complete");
            super.onComplete(response);
          }
        };
    Recorder replayed = new Recorder();
    try (InferenceClient client = client(server).addListener(heard).build()) {
      client.chatStream(request("q"), caller).completion().get(10, TimeUnit.SECONDS);
      // The same stream again: replayed from L1 (as fewer, larger chunks), with the same events.
      client.chatStream(request("q"), replayed);
      replayed.completed.get(10, TimeUnit.SECONDS); // the listener heard the end
    }
    assertThat(heard.lines)
        .containsExactly(
            "callStart CHAT STREAM m",
            "attemptStart 1 POST /v1/chat/completions",
            "attemptEnd 1 200",
            "firstChunk",
            "streamEnd 4",
            "callEnd MISS",
            "caller complete",
            "callStart CHAT STREAM m",
            "firstChunk",
            "streamEnd " + replayed.chunks.size(),
            "callEnd L1");
    assertThat(caller.chunks).hasSize(4);
  }

  @Test
  void embeddingsAndAsyncCallsReportToo() throws Exception {
    server.setDispatcher(InferenceClientPayloads.embeddingDispatcher());
    Events events = new Events();
    try (InferenceClient client = client(server).addListener(events).build()) {
      client.embed(EmbeddingRequest.of("e", "x"));
      server.setDispatcher(InferenceClientPayloads.dispatcher(r -> chatOk("a")));
      client.chatAsync(request("q")).get(10, TimeUnit.SECONDS);
    }
    assertThat(events.lines)
        .containsExactly(
            "callStart EMBEDDINGS BLOCKING e",
            "attemptStart 1 POST /v1/embeddings",
            "attemptEnd 1 200",
            "callEnd MISS",
            "callStart CHAT ASYNC m",
            "attemptStart 1 POST /v1/chat/completions",
            "attemptEnd 1 200",
            "callEnd MISS");
    assertThat(events.outcomes.get(0).usage()).isNotNull();
  }

  @Test
  void aListenerThatThrowsBreaksNothingAndTheOthersStillHear() {
    server.enqueue(chatOk("hello"));
    Events after = new Events();
    InferenceListener thrower =
        new InferenceListener() {
          @Override
          public void callStart(InferenceCall call) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void attemptStart(InferenceCall call, HttpAttempt attempt) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void callEnd(InferenceCall call, CallOutcome outcome) {
            throw new IllegalStateException("listener bug");
          }
        };
    InferenceListener.Factory throwingFactory =
        call -> {
          throw new IllegalStateException("factory bug");
        };
    try (InferenceClient client =
        client(server)
            .addListener(thrower)
            .addListenerFactory(throwingFactory)
            .addListener(after)
            .build()) {
      assertThat(client.chat(request("q")).text()).isEqualTo("hello");
    }
    assertThat(after.lines)
        .containsExactly(
            "callStart CHAT BLOCKING m",
            "attemptStart 1 POST /v1/chat/completions",
            "attemptEnd 1 200",
            "callEnd MISS");
  }

  @Test
  void aListenerSetsHeadersOnEachAttemptButNeverTheCredentials() throws Exception {
    server.enqueue(chatOk("hello"));
    String traceparent = "00-11111111111111111111111111111111-2222222222222222-01";
    List<String> refused = new CopyOnWriteArrayList<>();
    InferenceListener tracer =
        new InferenceListener() {
          @Override
          public void attemptStart(InferenceCall call, HttpAttempt attempt) {
            attempt.header("traceparent", traceparent);
            attempt.header("x-attempt", Integer.toString(attempt.number()));
            try {
              attempt.header("Authorization", "Bearer stolen");
            } catch (IllegalArgumentException e) {
              refused.add(e.getMessage());
            }
          }

          @Override
          public void attemptEnd(
              InferenceCall call, HttpAttempt attempt, int status, Duration latency) {
            try {
              attempt.header("x-late", "1");
            } catch (IllegalStateException e) {
              refused.add(e.getMessage());
            }
          }
        };
    try (InferenceClient client =
        client(server).apiKey("sk-secret-value").addListener(tracer).build()) {
      client.chat(request("q"));
    }
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.getHeaders().get("traceparent")).isEqualTo(traceparent);
    assertThat(sent.getHeaders().get("x-attempt")).isEqualTo("1");
    assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer sk-secret-value");
    assertThat(sent.getHeaders().get("x-late")).isNull();
    assertThat(refused)
        .containsExactly(
            "header Authorization: set by the transport, not by a listener",
            "header x-late: attempt 1 was already sent");
  }

  @Test
  void everyAttemptWritesAnHttpEventInTheCallsTrace() throws Exception {
    server.enqueue(error(503, "{}"));
    server.enqueue(chatOk("hello"));
    Logger logger = (Logger) LoggerFactory.getLogger("listener-test-http");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(Level.INFO);
    RetryPolicy fast =
        RetryPolicy.builder()
            .maxRetries(1)
            .backoff(Duration.ofMillis(1), 1.0, Duration.ofMillis(1))
            .build();
    try (InferenceClient client =
        client(server)
            .logger(StructuredLogger.of("listener-test-http"))
            .httpPool(HttpPoolConfig.builder().retryPolicy(fast).build())
            .build()) {
      client.chatAsync(request("q")).get(10, TimeUnit.SECONDS);
    } finally {
      logger.detachAppender(appender);
      logger.setLevel(null);
    }
    List<Map<String, Object>> http =
        appender.list.stream()
            .filter(e -> "http_request".equals(e.getMessage()))
            .map(InferenceListenerTest::fields)
            .collect(Collectors.toList());
    assertThat(http).hasSize(2);
    assertThat(http.get(0)).containsEntry("status", 503).containsEntry("attempt", 1);
    assertThat(http.get(1)).containsEntry("status", 200).containsEntry("attempt", 2);
    assertThat(http.get(0).get("path")).isEqualTo("/v1/chat/completions");
    String inference =
        appender.list.stream()
            .filter(e -> "inference".equals(e.getMessage()))
            .findFirst()
            .orElseThrow()
            .getMDCPropertyMap()
            .get("trace_id");
    // The attempts ran on OkHttp's threads, yet carry the call's trace.
    for (ILoggingEvent e : appender.list) {
      if ("http_request".equals(e.getMessage())) {
        assertThat(e.getMDCPropertyMap()).containsEntry("trace_id", inference);
      }
    }
    assertThat(inference).matches("[0-9a-f]{32}");
  }

  @Test
  @SuppressWarnings("try") // the trace scope is opened for its MDC side effect
  void cacheLookupsAndEvictionsAreDebugCacheEvents() throws Exception {
    server.setDispatcher(InferenceClientPayloads.dispatcher(r -> chatOk("a")));
    Logger logger = (Logger) LoggerFactory.getLogger("listener-test-cache");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(Level.DEBUG);
    String traceId;
    try (InferenceClient client =
            client(server)
                .logger(StructuredLogger.of("listener-test-cache"))
                .inferenceCache(CacheConfig.builder().maximumEntries(1).build())
                .build();
        TraceScope call = TraceScope.open()) {
      traceId = call.traceId();
      client.chat(request("one")); // miss
      client.chat(request("one")); // hit
      client.chat(request("two")); // miss; "one" is evicted for size
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> cacheEvents(appender).stream().anyMatch(f -> "evict".equals(f.get("op"))));
    } finally {
      logger.detachAppender(appender);
      logger.setLevel(null);
    }
    List<Map<String, Object>> cache = cacheEvents(appender);
    assertThat(cache.subList(0, 3))
        .extracting(f -> f.get("op") + " " + f.get("hit"))
        .containsExactly("get false", "get true", "get false");
    Map<String, Object> evicted =
        cache.stream().filter(f -> "evict".equals(f.get("op"))).findFirst().orElseThrow();
    assertThat(evicted).containsEntry("cache", "inference").containsEntry("cause", "size");
    assertThat((String) evicted.get("key_hash")).matches("[0-9a-f]{16}");
    for (ILoggingEvent e : appender.list) {
      if ("cache".equals(e.getMessage()) && "get".equals(fields(e).get("op"))) {
        assertThat(e.getMDCPropertyMap()).containsEntry("trace_id", traceId);
      }
    }
  }

  private static List<Map<String, Object>> cacheEvents(ListAppender<ILoggingEvent> appender) {
    return List.copyOf(appender.list).stream()
        .filter(e -> "cache".equals(e.getMessage()))
        .map(InferenceListenerTest::fields)
        .collect(Collectors.toList());
  }

  @Test
  void theInferenceEventCarriesPromptAndAnswerOnlyWhenTheLogPolicySaysSo() {
    server.setDispatcher(InferenceClientPayloads.dispatcher(r -> chatOk("the whole answer")));
    Logger logger = (Logger) LoggerFactory.getLogger("listener-test-text");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(Level.INFO);
    StructuredLogger plain = StructuredLogger.of("listener-test-text");
    StructuredLogger withText =
        plain.withPolicy(LogPolicy.builder().logText(true).maxTextLength(8).build());
    try (InferenceClient off = client(server).logger(plain).build();
        InferenceClient on = client(server).logger(withText).build()) {
      off.chat(request("my secret question"));
      on.chat(request("my secret question"));
    } finally {
      logger.detachAppender(appender);
      logger.setLevel(null);
    }
    List<Map<String, Object>> inference =
        appender.list.stream()
            .filter(e -> "inference".equals(e.getMessage()))
            .map(InferenceListenerTest::fields)
            .collect(Collectors.toList());
    assertThat(inference).hasSize(2);
    assertThat(inference.get(0)).doesNotContainKeys("prompt", "response");
    assertThat((String) inference.get(1).get("prompt")).startsWith("my secre").hasSizeLessThan(18);
    assertThat((String) inference.get(1).get("response")).startsWith("the whol");
  }

  private static Map<String, Object> fields(ILoggingEvent event) {
    return event.getKeyValuePairs().stream()
        .collect(Collectors.toMap(p -> p.key, (KeyValuePair p) -> p.value, (a, b) -> b));
  }

  @Test
  void noListenerMeansNoneIsMade() {
    assertThat(InferenceListener.compose(List.of())).isSameAs(InferenceListener.Factory.NONE);
    assertThat(InferenceListener.factory(InferenceListener.NONE))
        .isSameAs(InferenceListener.Factory.NONE);
  }
}
