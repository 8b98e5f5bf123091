package ai.vaultgemma.opentelemetry;

import static ai.vaultgemma.opentelemetry.GenAiAttributes.ERROR_TYPE;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_INPUT_MESSAGES;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_OPERATION_NAME;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_OUTPUT_MESSAGES;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_PROVIDER_NAME;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_REQUEST_CHOICE_COUNT;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_REQUEST_FREQUENCY_PENALTY;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_REQUEST_MAX_TOKENS;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_REQUEST_MODEL;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_REQUEST_PRESENCE_PENALTY;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_REQUEST_SEED;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_REQUEST_STOP_SEQUENCES;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_REQUEST_TEMPERATURE;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_REQUEST_TOP_P;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_RESPONSE_FINISH_REASONS;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_RESPONSE_ID;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_RESPONSE_MODEL;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.HTTP_REQUEST_METHOD;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.HTTP_REQUEST_RESEND_COUNT;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.HTTP_RESPONSE_STATUS_CODE;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.SERVER_ADDRESS;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.SERVER_PORT;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.URL_FULL;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.URL_PATH;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.VAULTGEMMA_CACHE_LEVEL;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.VAULTGEMMA_CALL_MODE;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.VAULTGEMMA_RETRY_REASON;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.VAULTGEMMA_STREAM_CHUNKS;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.VAULTGEMMA_STREAM_TIME_TO_FIRST_CHUNK;
import static ai.vaultgemma.opentelemetry.Payloads.chatOk;
import static ai.vaultgemma.opentelemetry.Payloads.client;
import static ai.vaultgemma.opentelemetry.Payloads.request;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.vaultgemma.core.ChatChunk;
import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.ChatStreamListener;
import ai.vaultgemma.core.EmbeddingRequest;
import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.core.InferenceHttpException;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Spans, links and propagation from real calls against MockWebServer, into the real SDK. */
@SuppressWarnings("try") // scopes are opened for making the caller's span current
class InferenceTracingTest {

  @StartStop final MockWebServer server = new MockWebServer();
  @RegisterExtension final Otel otel = new Otel();

  private InferenceClient.Builder traced(InferenceClient.Builder builder) {
    return builder.addListenerFactory(InferenceTracing.create(otel.sdk).listenerFactory());
  }

  private Tracer callerTracer() {
    return otel.sdk.getTracer("test");
  }

  @Test
  void aMissIsACallSpanUnderTheCallersSpanWithOneAttemptSpanUnderIt() {
    server.enqueue(chatOk("hello"));
    ChatRequest request =
        ChatRequest.builder()
            .model("m")
            .message(ChatMessage.user("q"))
            .temperature(0.2)
            .topP(0.9)
            .maxTokens(64)
            .frequencyPenalty(0.1)
            .presencePenalty(0.3)
            .seed(7L)
            .n(2)
            .stop(List.of("x", "y"))
            .build();
    Span caller = callerTracer().spanBuilder("handler").startSpan();
    try (InferenceClient client = traced(client(server)).build();
        Scope ignored = caller.makeCurrent()) {
      client.chat(request);
    } finally {
      caller.end();
    }

    SpanData call = otel.only("chat m");
    SpanData attempt = otel.attempts().get(0);
    assertThat(otel.attempts()).hasSize(1);
    assertThat(call)
        .hasKind(SpanKind.CLIENT)
        .hasParentSpanId(caller.getSpanContext().getSpanId())
        .hasTraceId(caller.getSpanContext().getTraceId())
        .hasStatus(io.opentelemetry.sdk.trace.data.StatusData.unset())
        .hasAttribute(GEN_AI_OPERATION_NAME, "chat")
        .hasAttribute(GEN_AI_PROVIDER_NAME, "openai")
        .hasAttribute(GEN_AI_REQUEST_MODEL, "m")
        .hasAttribute(GEN_AI_REQUEST_TEMPERATURE, 0.2)
        .hasAttribute(GEN_AI_REQUEST_TOP_P, 0.9)
        .hasAttribute(GEN_AI_REQUEST_MAX_TOKENS, 64L)
        .hasAttribute(GEN_AI_REQUEST_FREQUENCY_PENALTY, 0.1)
        .hasAttribute(GEN_AI_REQUEST_PRESENCE_PENALTY, 0.3)
        .hasAttribute(GEN_AI_REQUEST_SEED, 7L)
        .hasAttribute(GEN_AI_REQUEST_CHOICE_COUNT, 2L)
        .hasAttribute(GEN_AI_REQUEST_STOP_SEQUENCES, List.of("x", "y"))
        .hasAttribute(GEN_AI_RESPONSE_MODEL, "m-0613")
        .hasAttribute(GEN_AI_RESPONSE_ID, "c1")
        .hasAttribute(GEN_AI_RESPONSE_FINISH_REASONS, List.of("stop"))
        .hasAttribute(GEN_AI_USAGE_INPUT_TOKENS, 3L)
        .hasAttribute(GEN_AI_USAGE_OUTPUT_TOKENS, 1L)
        .hasAttribute(SERVER_ADDRESS, server.getHostName())
        .hasAttribute(SERVER_PORT, (long) server.getPort())
        .hasAttribute(VAULTGEMMA_CACHE_LEVEL, "miss")
        .hasAttribute(VAULTGEMMA_CALL_MODE, "blocking");
    assertThat(call.getAttributes().get(ERROR_TYPE)).isNull();
    assertThat(attempt)
        .hasKind(SpanKind.CLIENT)
        .hasParentSpanId(call.getSpanId())
        .hasTraceId(call.getTraceId())
        .hasAttribute(HTTP_REQUEST_METHOD, "POST")
        .hasAttribute(HTTP_RESPONSE_STATUS_CODE, 200L)
        .hasAttribute(SERVER_ADDRESS, server.getHostName())
        .hasAttribute(SERVER_PORT, (long) server.getPort())
        .hasAttribute(URL_PATH, "/v1/chat/completions")
        .hasAttribute(URL_FULL, server.url("/v1/chat/completions").toString());
    assertThat(attempt.getAttributes().get(HTTP_REQUEST_RESEND_COUNT)).isNull();
    // The attempt lies within the call.
    assertThat(attempt.getStartEpochNanos()).isGreaterThanOrEqualTo(call.getStartEpochNanos());
    assertThat(attempt.getEndEpochNanos()).isLessThanOrEqualTo(call.getEndEpochNanos());
  }

  @Test
  void withoutACallerSpanTheCallSpanIsARoot() {
    server.enqueue(chatOk("hello"));
    try (InferenceClient client = traced(client(server)).build()) {
      client.chat(request("q"));
    }
    assertThat(otel.only("chat m").getParentSpanContext().isValid()).isFalse();
  }

  @Test
  void theServerReceivesTheAttemptSpanAsTraceparent() throws Exception {
    server.enqueue(chatOk("hello"));
    try (InferenceClient client = traced(client(server)).build()) {
      client.chat(request("q"));
    }
    RecordedRequest sent = server.takeRequest();
    SpanData attempt = otel.attempts().get(0);
    assertThat(sent.getHeaders().values("traceparent"))
        .containsExactly("00-" + attempt.getTraceId() + "-" + attempt.getSpanId() + "-01");
  }

  @Test
  void aRetryIsASecondAttemptSpanWithItsOwnTraceparent() throws Exception {
    server.enqueue(Payloads.error(503));
    server.enqueue(chatOk("hello"));
    try (InferenceClient client = traced(Payloads.retryingClient(server)).build()) {
      client.chat(request("q"));
    }
    SpanData call = otel.only("chat m");
    List<SpanData> attempts = otel.attempts();
    assertThat(attempts).hasSize(2);
    assertThat(attempts.get(0))
        .hasParentSpanId(call.getSpanId())
        .hasAttribute(HTTP_RESPONSE_STATUS_CODE, 503L)
        .hasAttribute(ERROR_TYPE, "503")
        .hasStatus(io.opentelemetry.sdk.trace.data.StatusData.error());
    assertThat(attempts.get(0).getAttributes().get(HTTP_REQUEST_RESEND_COUNT)).isNull();
    assertThat(attempts.get(1))
        .hasParentSpanId(call.getSpanId())
        .hasAttribute(HTTP_RESPONSE_STATUS_CODE, 200L)
        .hasAttribute(HTTP_REQUEST_RESEND_COUNT, 1L);
    // The call succeeded in the end: no error on it, and the retry is an event on it.
    assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(call.getEvents())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getName()).isEqualTo(GenAiAttributes.EVENT_RETRY);
              assertThat(e.getAttributes().get(VAULTGEMMA_RETRY_REASON)).isEqualTo("503");
            });
    String first = server.takeRequest().getHeaders().get("traceparent");
    String second = server.takeRequest().getHeaders().get("traceparent");
    assertThat(first).contains(attempts.get(0).getSpanId());
    assertThat(second).contains(attempts.get(1).getSpanId());
  }

  @Test
  void aWaitForARateLimitIsAnEventOnTheCallSpan() {
    server.enqueue(chatOk("a"));
    server.enqueue(chatOk("b"));
    // 60 a minute: the first call at once, the second a second later.
    ai.vaultgemma.core.RateLimit limit =
        ai.vaultgemma.core.RateLimit.builder().requestsPerMinute(60).build();
    try (InferenceClient client = traced(client(server).rateLimitPerEndpoint(limit)).build()) {
      client.chat(request("q1"));
      client.chat(request("q2"));
    }
    List<SpanData> calls = otel.named("chat m");
    assertThat(calls).hasSize(2);
    assertThat(calls.get(0).getEvents()).isEmpty();
    // The second span started at the wait, before its attempt: the attempt still gives it its
    // server, and the attempt is its child.
    assertThat(calls.get(1))
        .hasAttribute(SERVER_ADDRESS, server.getHostName())
        .hasAttribute(SERVER_PORT, (long) server.getPort());
    assertThat(otel.attempts().get(1)).hasParentSpanId(calls.get(1).getSpanId());
    assertThat(calls.get(1).getEvents())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getName()).isEqualTo(GenAiAttributes.EVENT_RATE_LIMIT);
              assertThat(e.getAttributes().get(GenAiAttributes.VAULTGEMMA_RATE_LIMIT_WAIT))
                  .isPositive()
                  .isLessThanOrEqualTo(1.0);
            });
  }

  @Test
  void anL1HitHasNoAttemptSpanNoServerAndLevelL1() {
    server.enqueue(chatOk("hello"));
    InferenceTracing tracing = InferenceTracing.builder(otel.sdk).traceCacheHits(true).build();
    try (InferenceClient client =
        client(server).addListenerFactory(tracing.listenerFactory()).build()) {
      client.chat(request("q"));
      client.chat(request("q"));
    }
    List<SpanData> calls = otel.named("chat m");
    assertThat(calls).hasSize(2);
    assertThat(otel.attempts()).hasSize(1);
    SpanData hit = calls.get(1);
    assertThat(hit)
        .hasAttribute(VAULTGEMMA_CACHE_LEVEL, "l1")
        .hasAttribute(GEN_AI_RESPONSE_ID, "c1");
    assertThat(hit.getAttributes().get(SERVER_ADDRESS)).isNull();
    assertThat(hit.getAttributes().get(SERVER_PORT)).isNull();
    // The tokens were spent by the first call; the hit spent none.
    assertThat(hit.getAttributes().get(GEN_AI_USAGE_INPUT_TOKENS)).isNull();
    assertThat(otel.attempts().get(0).getParentSpanId()).isEqualTo(calls.get(0).getSpanId());
  }

  @Test
  void byDefaultAnL1HitMakesNoSpanButIsCountedAndAMissSpanCoversItsAttempt() {
    server.enqueue(chatOk("hello"));
    ChatResponse replayed;
    try (InferenceClient client = traced(client(server)).build()) {
      client.chat(request("q"));
      client.chat(request("q"));
      List<String> chunks = new ArrayList<>();
      replayed =
          client
              .chatStream(
                  request("q"),
                  chunk -> {
                    String text = chunk.choices().get(0).delta().text();
                    if (text != null) {
                      chunks.add(text);
                    }
                  })
              .completion()
              .join();
      assertThat(String.join("", chunks)).isEqualTo("hello");
    }
    assertThat(replayed.text()).isEqualTo("hello");
    List<SpanData> calls = otel.named("chat m");
    assertThat(calls).hasSize(1); // the miss; neither hit (blocking, replayed stream)
    SpanData miss = calls.get(0);
    assertThat(miss).hasAttribute(VAULTGEMMA_CACHE_LEVEL, "miss");
    SpanData attempt = otel.attempts().get(0);
    assertThat(attempt.getParentSpanId()).isEqualTo(miss.getSpanId());
    // Started late, at the call's start: it still covers its attempt.
    assertThat(miss.getStartEpochNanos()).isLessThanOrEqualTo(attempt.getStartEpochNanos());
    assertThat(miss.getEndEpochNanos()).isGreaterThanOrEqualTo(attempt.getEndEpochNanos());
    MetricData duration = otel.metric(GenAiAttributes.METRIC_OPERATION_DURATION).orElseThrow();
    assertThat(duration.getHistogramData().getPoints())
        .anySatisfy(
            p -> {
              assertThat(p.getAttributes().get(VAULTGEMMA_CACHE_LEVEL)).isEqualTo("l1");
              assertThat(p.getCount()).isEqualTo(2);
            });
  }

  @Test
  void a400EndsTheCallSpanWithErrorStatusAndType() {
    server.enqueue(Payloads.error(400));
    try (InferenceClient client = traced(client(server)).build()) {
      assertThatThrownBy(() -> client.chat(request("q")))
          .isInstanceOf(InferenceHttpException.class);
    }
    SpanData call = otel.only("chat m");
    assertThat(call)
        .hasStatus(
            io.opentelemetry.sdk.trace.data.StatusData.create(
                StatusCode.ERROR, "InferenceHttpException"))
        .hasAttribute(ERROR_TYPE, "400")
        .hasAttribute(VAULTGEMMA_CACHE_LEVEL, "miss");
    assertThat(otel.attempts())
        .singleElement()
        .satisfies(
            a ->
                assertThat(a)
                    .hasAttribute(HTTP_RESPONSE_STATUS_CODE, 400L)
                    .hasAttribute(ERROR_TYPE, "400"));
  }

  @Test
  void aRefusedConnectionIsAnErrorOnTheAttemptAndTheCall() throws Exception {
    String url = server.url("/v1").toString();
    server.close(); // nothing listens there any more
    try (InferenceClient client =
        InferenceClient.builder()
            .baseUrl(url)
            .httpPool(
                ai.vaultgemma.pool.HttpPoolConfig.builder()
                    .retryPolicy(ai.vaultgemma.pool.RetryPolicy.none())
                    .build())
            .addListenerFactory(InferenceTracing.create(otel.sdk).listenerFactory())
            .build()) {
      assertThatThrownBy(() -> client.chat(request("q")))
          .isInstanceOf(ai.vaultgemma.core.InferenceException.class);
    }
    SpanData call = otel.only("chat m");
    assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(call.getAttributes().get(ERROR_TYPE)).startsWith("ai.vaultgemma.core.");
    assertThat(otel.attempts())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
              assertThat(a.getAttributes().get(ERROR_TYPE)).startsWith("java.");
              assertThat(a.getAttributes().get(HTTP_RESPONSE_STATUS_CODE)).isNull();
            });
  }

  @Test
  void aStreamSpanEndsAfterTheLastChunkAndRecordsTheFirst() throws Exception {
    server.enqueue(Payloads.sse("a", "b", "c"));
    List<Integer> callSpansSeenAtEachChunk = new CopyOnWriteArrayList<>();
    CompletableFuture<Integer> callSpansSeenAtComplete = new CompletableFuture<>();
    ChatStreamListener listener =
        new ChatStreamListener() {
          @Override
          public void onChunk(ChatChunk chunk) {
            callSpansSeenAtEachChunk.add(otel.named("chat m").size());
          }

          @Override
          public void onComplete(ChatResponse response) {
            callSpansSeenAtComplete.complete(otel.named("chat m").size());
          }
        };
    try (InferenceClient client = traced(client(server)).build()) {
      client.chatStream(request("q"), listener).completion().get(10, TimeUnit.SECONDS);
    }
    assertThat(callSpansSeenAtEachChunk).hasSize(4).containsOnly(0);
    assertThat(callSpansSeenAtComplete.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    SpanData call = otel.only("chat m");
    assertThat(call)
        .hasAttribute(VAULTGEMMA_CALL_MODE, "stream")
        .hasAttribute(VAULTGEMMA_STREAM_CHUNKS, 4L)
        .hasAttribute(GEN_AI_RESPONSE_FINISH_REASONS, List.of("length"))
        .hasAttribute(VAULTGEMMA_CACHE_LEVEL, "miss");
    Double ttfc = call.getAttributes().get(VAULTGEMMA_STREAM_TIME_TO_FIRST_CHUNK);
    assertThat(ttfc).isNotNull().isPositive();
    double callSeconds = (call.getEndEpochNanos() - call.getStartEpochNanos()) / 1e9;
    assertThat(ttfc).isLessThanOrEqualTo(callSeconds);
    assertThat(call.getEvents())
        .extracting(EventData::getName)
        .containsExactly(GenAiAttributes.EVENT_FIRST_CHUNK);
    // The attempt span ends at the response headers, inside the call span.
    assertThat(otel.attempts())
        .singleElement()
        .satisfies(a -> assertThat(a).hasParentSpanId(call.getSpanId()));
  }

  @Test
  void anAsyncCallKeepsTheCallersSpanAsParentAcrossThreads() throws Exception {
    server.enqueue(chatOk("hello"));
    Span caller = callerTracer().spanBuilder("handler").startSpan();
    try (InferenceClient client = traced(client(server)).build()) {
      CompletableFuture<ChatResponse> future;
      try (Scope ignored = caller.makeCurrent()) {
        future = client.chatAsync(request("q"));
      }
      future.get(10, TimeUnit.SECONDS);
    } finally {
      caller.end();
    }
    SpanData call = otel.only("chat m");
    assertThat(call)
        .hasParentSpanId(caller.getSpanContext().getSpanId())
        .hasAttribute(VAULTGEMMA_CALL_MODE, "async");
    assertThat(otel.attempts())
        .singleElement()
        .satisfies(a -> assertThat(a).hasParentSpanId(call.getSpanId()));
  }

  @Test
  void embeddingsAreAnEmbeddingsSpanWithInputTokensOnly() {
    server.enqueue(Payloads.embeddings());
    try (InferenceClient client = traced(client(server)).build()) {
      client.embed(EmbeddingRequest.of("e", "x"));
    }
    SpanData call = otel.only("embeddings e");
    assertThat(call)
        .hasAttribute(GEN_AI_OPERATION_NAME, "embeddings")
        .hasAttribute(GEN_AI_REQUEST_MODEL, "e")
        .hasAttribute(GEN_AI_USAGE_INPUT_TOKENS, 2L);
    assertThat(call.getAttributes().get(GEN_AI_USAGE_OUTPUT_TOKENS)).isNull();
    assertThat(otel.attempts())
        .singleElement()
        .satisfies(
            a ->
                assertThat(a)
                    .hasAttribute(URL_PATH, "/v1/embeddings")
                    .hasAttribute(URL_FULL, server.url("/v1/embeddings").toString()));
  }

  @Test
  void contentIsAbsentByDefault() {
    server.enqueue(chatOk("hello"));
    try (InferenceClient client = traced(client(server)).build()) {
      client.chat(request("my secret question"));
    }
    SpanData call = otel.only("chat m");
    assertThat(call.getAttributes().get(GEN_AI_INPUT_MESSAGES)).isNull();
    assertThat(call.getAttributes().get(GEN_AI_OUTPUT_MESSAGES)).isNull();
    assertThat(call.getAttributes().asMap().values())
        .noneMatch(v -> String.valueOf(v).contains("secret"));
    assertThat(call.getEvents()).isEmpty();
  }

  @Test
  void contentIsRecordedWhenOptedInAndCutToTheLimit() {
    server.enqueue(chatOk("hello"));
    InferenceTracing tracing =
        InferenceTracing.builder(otel.sdk).captureContent(true).maxContentLength(5).build();
    ChatRequest request =
        ChatRequest.builder()
            .model("m")
            .message(ChatMessage.system("Be terse"))
            .message(ChatMessage.user("Hello \"world\""))
            .build();
    try (InferenceClient client =
        client(server).addListenerFactory(tracing.listenerFactory()).build()) {
      client.chat(request);
    }
    assertThat(otel.only("chat m"))
        .hasAttribute(
            GEN_AI_INPUT_MESSAGES,
            "[{\"role\":\"system\",\"parts\":[{\"type\":\"text\",\"content\":\"Be te…\"}]},"
                + "{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Hello…\"}]}]")
        .hasAttribute(
            GEN_AI_OUTPUT_MESSAGES,
            "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"hello\"}],"
                + "\"finish_reason\":\"stop\"}]");
  }

  @Test
  void aStreamsAnswerIsRecordedAssembledWhenOptedIn() throws Exception {
    server.enqueue(Payloads.sse("Hel", "lo"));
    InferenceTracing tracing = InferenceTracing.builder(otel.sdk).captureContent(true).build();
    try (InferenceClient client =
        client(server).addListenerFactory(tracing.listenerFactory()).build()) {
      client.chatStream(request("q"), chunk -> {}).completion().get(10, TimeUnit.SECONDS);
    }
    assertThat(otel.only("chat m"))
        .hasAttribute(
            GEN_AI_OUTPUT_MESSAGES,
            "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"Hello\"}],"
                + "\"finish_reason\":\"length\"}]");
  }

  @Test
  void theProviderNameIsConfigurable() {
    server.enqueue(chatOk("hello"));
    InferenceTracing tracing = InferenceTracing.builder(otel.sdk).providerName("groq").build();
    try (InferenceClient client =
        client(server).addListenerFactory(tracing.listenerFactory()).build()) {
      client.chat(request("q"));
    }
    assertThat(otel.only("chat m")).hasAttribute(GEN_AI_PROVIDER_NAME, "groq");
  }

  @Test
  void aNoopOpenTelemetryLeavesTheClientsOwnTraceparent() throws Exception {
    server.enqueue(chatOk("hello"));
    try (InferenceClient client =
        client(server)
            .addListenerFactory(InferenceTracing.create(OpenTelemetry.noop()).listenerFactory())
            .build()) {
      client.chat(request("q"));
    }
    assertThat(server.takeRequest().getHeaders().get("traceparent"))
        .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
  }

  @Test
  void builderChecksItsValuesAndSaysWhichAndWhat() {
    assertThatThrownBy(() -> InferenceTracing.builder(otel.sdk).maxContentLength(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxContentLength must be >= 1 but was 0");
    assertThatThrownBy(() -> InferenceTracing.builder(otel.sdk).providerName(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("providerName must not be blank but was \" \"");
    assertThatThrownBy(() -> InferenceTracing.builder(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("openTelemetry");
    InferenceTracing tracing = InferenceTracing.create(otel.sdk);
    assertThat(tracing.captureContent()).isFalse();
    assertThat(tracing.maxContentLength()).isEqualTo(InferenceTracing.DEFAULT_MAX_CONTENT_LENGTH);
    assertThat(tracing.providerName()).isEqualTo("openai");
    assertThat(tracing.metrics()).isTrue();
    assertThat(tracing.traceCacheHits()).isFalse();
    assertThat(tracing.listenerFactory()).isSameAs(tracing.listenerFactory());
    assertThat(tracing)
        .hasToString(
            "InferenceTracing{captureContent=false, maxContentLength=4096, providerName=openai,"
                + " metrics=true, traceCacheHits=false}");
  }
}
