package ai.vaultgemma.micrometer;

import static ai.vaultgemma.micrometer.MeterNames.CACHED_TOKENS;
import static ai.vaultgemma.micrometer.MeterNames.CALLS_ACTIVE;
import static ai.vaultgemma.micrometer.MeterNames.HTTP_ATTEMPTS;
import static ai.vaultgemma.micrometer.MeterNames.HTTP_RETRIES;
import static ai.vaultgemma.micrometer.MeterNames.OPERATION_DURATION;
import static ai.vaultgemma.micrometer.MeterNames.RATE_LIMIT_WAITS;
import static ai.vaultgemma.micrometer.MeterNames.REASONING_TOKENS;
import static ai.vaultgemma.micrometer.MeterNames.SAVED_TOKENS;
import static ai.vaultgemma.micrometer.MeterNames.TAG_CACHE_LEVEL;
import static ai.vaultgemma.micrometer.MeterNames.TAG_ERROR_TYPE;
import static ai.vaultgemma.micrometer.MeterNames.TAG_OPERATION;
import static ai.vaultgemma.micrometer.MeterNames.TAG_OUTCOME;
import static ai.vaultgemma.micrometer.MeterNames.TAG_REASON;
import static ai.vaultgemma.micrometer.MeterNames.TAG_REQUEST_MODEL;
import static ai.vaultgemma.micrometer.MeterNames.TAG_RESPONSE_MODEL;
import static ai.vaultgemma.micrometer.MeterNames.TAG_SERVER_ADDRESS;
import static ai.vaultgemma.micrometer.MeterNames.TAG_STATUS;
import static ai.vaultgemma.micrometer.MeterNames.TAG_TOKEN_TYPE;
import static ai.vaultgemma.micrometer.MeterNames.TIME_TO_FIRST_CHUNK;
import static ai.vaultgemma.micrometer.MeterNames.TOKEN_USAGE;
import static ai.vaultgemma.micrometer.Payloads.chatOk;
import static ai.vaultgemma.micrometer.Payloads.client;
import static ai.vaultgemma.micrometer.Payloads.error;
import static ai.vaultgemma.micrometer.Payloads.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ai.vaultgemma.core.ChatChunk;
import ai.vaultgemma.core.ChatStreamListener;
import ai.vaultgemma.core.EmbeddingRequest;
import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.core.InferenceHttpException;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** Each kind of event, recorded into a real {@link SimpleMeterRegistry} after real calls. */
class InferenceMetricsTest {

  @StartStop final MockWebServer server = new MockWebServer();

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final InferenceMetrics metrics = InferenceMetrics.create(registry);

  private Timer duration(String model, String level, String outcome) {
    return registry
        .get(OPERATION_DURATION)
        .tags(TAG_OPERATION, "chat", TAG_REQUEST_MODEL, model, TAG_RESPONSE_MODEL, model)
        .tags(TAG_CACHE_LEVEL, level, TAG_OUTCOME, outcome)
        .timer();
  }

  private double tokens(String operation, String model, String type) {
    return registry
        .get(TOKEN_USAGE)
        .tags(TAG_OPERATION, operation, TAG_REQUEST_MODEL, model, TAG_TOKEN_TYPE, type)
        .summary()
        .totalAmount();
  }

  @Test
  void aMissIsTimedByModelAndLevelAndCountsTheServersTokens() {
    server.enqueue(chatOk("m"));
    try (InferenceClient client = client(server, metrics).build()) {
      client.chat(request("m", "q"));
    }
    Timer miss = duration("m", "miss", "success");
    assertThat(miss.count()).isEqualTo(1);
    assertThat(miss.getId().getTag(TAG_ERROR_TYPE)).isEqualTo("none");
    assertThat(miss.totalTime(TimeUnit.NANOSECONDS)).isPositive();
    assertThat(tokens("chat", "m", "input")).isEqualTo(3);
    assertThat(tokens("chat", "m", "output")).isEqualTo(1);
    Timer attempt =
        registry.get(HTTP_ATTEMPTS).tags(TAG_STATUS, "200", TAG_OUTCOME, "success").timer();
    assertThat(attempt.count()).isEqualTo(1);
    assertThat(attempt.getId().getTag(TAG_SERVER_ADDRESS)).isEqualTo(server.getHostName());
    assertThat(registry.find(SAVED_TOKENS).counters()).isEmpty();
    assertThat(registry.get(CALLS_ACTIVE).gauge().value()).isZero();
  }

  @Test
  void anL1HitIsTimedAsL1AndCountsTheTokensItSavedNotSpent() {
    server.enqueue(chatOk("m"));
    try (InferenceClient client = client(server, metrics).build()) {
      client.chat(request("m", "q"));
      client.chat(request("m", "q"));
    }
    assertThat(duration("m", "l1", "success").count()).isEqualTo(1);
    assertThat(duration("m", "miss", "success").count()).isEqualTo(1);
    assertThat(registry.get(TOKEN_USAGE).tag(TAG_TOKEN_TYPE, "input").summary().count())
        .isEqualTo(1);
    assertThat(
            registry
                .get(SAVED_TOKENS)
                .tags(TAG_CACHE_LEVEL, "l1", TAG_TOKEN_TYPE, "input")
                .counter()
                .count())
        .isEqualTo(3);
    assertThat(
            registry
                .get(SAVED_TOKENS)
                .tags(TAG_CACHE_LEVEL, "l1", TAG_TOKEN_TYPE, "output")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(registry.get(HTTP_ATTEMPTS).timer().count()).isEqualTo(1);
  }

  @Test
  void aRetryCountsBothAttemptsAndTheRetryWithItsReason() {
    server.enqueue(error(503));
    server.enqueue(chatOk("m"));
    try (InferenceClient client =
        client(server, metrics).httpPool(Payloads.fastRetries()).build()) {
      client.chat(request("m", "q"));
    }
    assertThat(
            registry
                .get(HTTP_ATTEMPTS)
                .tags(TAG_STATUS, "503", TAG_OUTCOME, "server_error")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(registry.get(HTTP_ATTEMPTS).tags(TAG_STATUS, "200").timer().count()).isEqualTo(1);
    assertThat(
            registry
                .get(HTTP_RETRIES)
                .tags(TAG_REASON, "503", TAG_OPERATION, "chat")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(duration("m", "miss", "success").count()).isEqualTo(1);
  }

  @Test
  void aCallARateLimitHoldsBackIsTimedWhileItWaits() {
    server.enqueue(chatOk("m"));
    server.enqueue(chatOk("m"));
    // 60 a minute: the first call at once, the second a second later.
    ai.vaultgemma.core.RateLimit limit =
        ai.vaultgemma.core.RateLimit.builder().requestsPerMinute(60).build();
    try (InferenceClient client = client(server, metrics).rateLimitPerEndpoint(limit).build()) {
      client.chat(request("m", "q1"));
      assertThat(registry.find(RATE_LIMIT_WAITS).timer()).isNull(); // no wait, no meter yet
      client.chat(request("m", "q2"));
    }
    Timer waits = registry.get(RATE_LIMIT_WAITS).tags(TAG_OPERATION, "chat").timer();
    assertThat(waits.count()).isEqualTo(1);
    assertThat(waits.totalTime(TimeUnit.MILLISECONDS)).isPositive().isLessThanOrEqualTo(1000);
  }

  @Test
  void aFailedCallIsTimedWithItsErrorTypeAndSpendsNoTokens() {
    server.enqueue(error(400));
    try (InferenceClient client = client(server, metrics).build()) {
      assertThatThrownBy(() -> client.chat(request("m", "q")))
          .isInstanceOf(InferenceHttpException.class);
    }
    Timer failed = duration("m", "miss", "error");
    assertThat(failed.count()).isEqualTo(1);
    assertThat(failed.getId().getTag(TAG_ERROR_TYPE)).isEqualTo("InferenceHttpException");
    assertThat(
            registry
                .get(HTTP_ATTEMPTS)
                .tags(TAG_STATUS, "400", TAG_OUTCOME, "client_error")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(registry.find(TOKEN_USAGE).summaries()).isEmpty();
  }

  @Test
  void anAttemptWithoutAResponseIsAnIoErrorNamedForItsException() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    try (InferenceClient client =
        client(server, metrics).baseUrl("http://127.0.0.1:" + closedPort + "/v1").build()) {
      assertThatThrownBy(() -> client.chat(request("m", "q")));
    }
    Timer attempt = registry.get(HTTP_ATTEMPTS).tag(TAG_OUTCOME, "io_error").timer();
    assertThat(attempt.count()).isEqualTo(1);
    assertThat(attempt.getId().getTag(TAG_STATUS)).isEqualTo("none");
    assertThat(attempt.getId().getTag(TAG_ERROR_TYPE)).isEqualTo("ConnectException");
    assertThat(attempt.getId().getTag(TAG_SERVER_ADDRESS)).isEqualTo("127.0.0.1");
    assertThat(duration("m", "miss", "error").count()).isEqualTo(1);
  }

  @Test
  void aStreamRecordsItsTimeToFirstChunkByTheLevelThatAnswered() throws Exception {
    server.enqueue(Payloads.sse("m"));
    try (InferenceClient client = client(server, metrics).build()) {
      client.chatStream(request("m", "q"), chunk -> {}).completion().get(10, TimeUnit.SECONDS);
      CountDownLatch replayed = new CountDownLatch(1);
      client.chatStream(
          request("m", "q"),
          new ChatStreamListener() {
            @Override
            public void onChunk(ChatChunk chunk) {}

            @Override
            public void onComplete(ai.vaultgemma.core.ChatResponse response) {
              replayed.countDown();
            }
          });
      assertThat(replayed.await(10, TimeUnit.SECONDS)).isTrue();
    }
    // callEnd comes before the caller hears the end, so both are recorded by now.
    Timer live = registry.get(TIME_TO_FIRST_CHUNK).tag(TAG_CACHE_LEVEL, "miss").timer();
    Timer fromCache = registry.get(TIME_TO_FIRST_CHUNK).tag(TAG_CACHE_LEVEL, "l1").timer();
    assertThat(live.count()).isEqualTo(1);
    assertThat(fromCache.count()).isEqualTo(1);
    assertThat(live.totalTime(TimeUnit.NANOSECONDS))
        .isLessThanOrEqualTo(duration("m", "miss", "success").totalTime(TimeUnit.NANOSECONDS));
    assertThat(duration("m", "l1", "success").count()).isEqualTo(1);
  }

  @Test
  void embeddingsCountInputTokensOnly() {
    server.enqueue(Payloads.embeddings("e", 2));
    try (InferenceClient client = client(server, metrics).build()) {
      client.embed(EmbeddingRequest.of("e", List.of("x", "y")));
    }
    assertThat(tokens("embeddings", "e", "input")).isEqualTo(4);
    assertThat(registry.find(TOKEN_USAGE).tag(TAG_TOKEN_TYPE, "output").summary()).isNull();
    assertThat(
            registry
                .get(OPERATION_DURATION)
                .tags(TAG_OPERATION, "embeddings", TAG_CACHE_LEVEL, "miss")
                .timer()
                .count())
        .isEqualTo(1);
  }

  @Test
  void cachedAndReasoningTokensAreCountedWhenTheServerReportsThem() {
    server.enqueue(
        chatOk(
            "m",
            "{\"prompt_tokens\":100,\"completion_tokens\":40,\"total_tokens\":140,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":64},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":30}}"));
    try (InferenceClient client = client(server, metrics).build()) {
      client.chat(request("m", "q"));
    }
    assertThat(registry.get(CACHED_TOKENS).tag(TAG_REQUEST_MODEL, "m").counter().count())
        .isEqualTo(64);
    assertThat(registry.get(REASONING_TOKENS).counter().count()).isEqualTo(30);
    assertThat(tokens("chat", "m", "input")).isEqualTo(100);
    assertThat(tokens("chat", "m", "output")).isEqualTo(40);
  }

  @Test
  void theResponseModelTagNamesTheModelTheAnswerNames() {
    server.enqueue(chatOk("gpt-x-2025-01-01"));
    try (InferenceClient client = client(server, metrics).build()) {
      client.chat(request("gpt-x", "q"));
    }
    Timer t = registry.get(OPERATION_DURATION).tag(TAG_REQUEST_MODEL, "gpt-x").timer();
    assertThat(t.getId().getTag(TAG_RESPONSE_MODEL)).isEqualTo("gpt-x-2025-01-01");
  }

  @Test
  void modelsPastTheLimitShareTheOtherTag() {
    InferenceMetrics limited = InferenceMetrics.builder(registry).modelTagLimit(2).build();
    server.setDispatcher(echoModel());
    try (InferenceClient client = client(server, limited).build()) {
      int i = 0;
      for (String model : List.of("a", "b", "c", "d", "a")) {
        client.chat(request(model, "q " + i++));
      }
    }
    List<String> models = new ArrayList<>();
    for (Meter m : registry.find(OPERATION_DURATION).meters()) {
      models.add(m.getId().getTag(TAG_REQUEST_MODEL) + "/" + m.getId().getTag(TAG_RESPONSE_MODEL));
    }
    assertThat(models).containsExactlyInAnyOrder("a/a", "b/b", "other/other");
    assertThat(duration("a", "miss", "success").count()).isEqualTo(2);
    assertThat(duration("other", "miss", "success").count()).isEqualTo(2);
  }

  @Test
  void activeCallsCountsCallsBetweenStartAndEnd() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            release.await(30, TimeUnit.SECONDS);
            return chatOk("m");
          }
        });
    try (InferenceClient client = client(server, metrics).build()) {
      var answer = client.chatAsync(request("m", "q"));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> registry.get(CALLS_ACTIVE).gauge().value() == 1.0);
      release.countDown();
      answer.get(10, TimeUnit.SECONDS);
    }
    assertThat(registry.get(CALLS_ACTIVE).gauge().value()).isZero();
  }

  @Test
  void countsAddUpUnderConcurrentCalls() throws Exception {
    server.setDispatcher(echoModel());
    int threads = 8;
    int callsEach = 40;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (InferenceClient client = client(server, metrics).build()) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < callsEach; i++) {
                    String model = "m" + ((thread + i) % 3);
                    client.chat(request(model, "prompt " + (i % 7)));
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    long calls = 0;
    long misses = 0;
    for (Timer t : registry.find(OPERATION_DURATION).timers()) {
      calls += t.count();
      if ("miss".equals(t.getId().getTag(TAG_CACHE_LEVEL))) {
        misses += t.count();
      }
    }
    long attempts = 0;
    for (Timer t : registry.find(HTTP_ATTEMPTS).timers()) {
      attempts += t.count();
    }
    long tokenSamples =
        registry.find(TOKEN_USAGE).tag(TAG_TOKEN_TYPE, "input").summaries().stream()
            .mapToLong(s -> s.count())
            .sum();
    assertThat(calls).isEqualTo((long) threads * callsEach);
    assertThat(attempts).isEqualTo(server.getRequestCount());
    assertThat(misses).isEqualTo(server.getRequestCount()).isEqualTo(tokenSamples);
    assertThat(registry.get(CALLS_ACTIVE).gauge().value()).isZero();
  }

  @Test
  void aRegistryThatFailsNeverBreaksACall() {
    MeterRegistry failing = new SimpleMeterRegistry();
    failing
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                if (id.getName().startsWith("gen_ai")) {
                  throw new IllegalStateException("registry bug");
                }
                return id;
              }
            });
    InferenceMetrics broken = InferenceMetrics.create(failing);
    server.enqueue(chatOk("m"));
    try (InferenceClient client = client(server, broken).build()) {
      assertThat(client.chat(request("m", "q")).text()).isEqualTo("hello");
      assertThat(client.chat(request("m", "q")).text()).isEqualTo("hello");
    }
    assertThat(failing.find(OPERATION_DURATION).meters()).isEmpty();
    // What does not fail is still recorded.
    assertThat(failing.get(HTTP_ATTEMPTS).timer().count()).isEqualTo(1);
    assertThat(failing.get(CALLS_ACTIVE).gauge().value()).isZero();
  }

  @Test
  void commonTagsAreOnEveryMeter() {
    MeterRegistry registry = new SimpleMeterRegistry();
    InferenceMetrics tagged =
        InferenceMetrics.builder(registry).tags(Tags.of("app", "checkout")).build();
    server.enqueue(chatOk("m"));
    try (InferenceClient client = client(server, tagged).build()) {
      tagged.bind(client);
      client.chat(request("m", "q"));
    }
    assertThat(registry.getMeters())
        .isNotEmpty()
        .allSatisfy(m -> assertThat(m.getId().getTag("app")).isEqualTo("checkout"));
  }

  @Test
  void builderChecksEachValueAndNamesIt() {
    assertThatThrownBy(() -> InferenceMetrics.builder(registry).modelTagLimit(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("modelTagLimit must be >= 1 but was 0");
    assertThatThrownBy(
            () -> InferenceMetrics.builder(registry).snapshotMaxAge(Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("snapshotMaxAge must be >= 0 but was PT-0.005S");
    assertThatThrownBy(
            () -> InferenceMetrics.builder(registry).tags(Tags.of(TAG_REQUEST_MODEL, "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "tags must not use the key gen_ai.request.model, which InferenceMetrics sets itself");
    assertThatThrownBy(() -> InferenceMetrics.builder(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("registry");
    assertThatThrownBy(() -> InferenceMetrics.builder(registry).tags(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("tags");
  }

  @Test
  void bindTakesOneOpenClient() {
    try (InferenceClient client = client(server, metrics).build()) {
      metrics.bind(client);
      assertThatThrownBy(() -> metrics.bind(client))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("InferenceMetrics is already bound to a client");
    }
    InferenceClient closed = client(server, metrics).build();
    closed.close();
    assertThatThrownBy(() -> InferenceMetrics.create(registry).bind(closed))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("client is closed: bind an open InferenceClient");
  }

  /** Answers every chat with the model the request named. */
  static Dispatcher echoModel() {
    return new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String body = request.getBody() == null ? "" : request.getBody().utf8();
        int at = body.indexOf("\"model\":\"") + 9;
        return chatOk(body.substring(at, body.indexOf('"', at)));
      }
    };
  }
}
