package ai.vaultgemma.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ai.vaultgemma.core.ChatChunk;
import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.ChatStreamListener;
import ai.vaultgemma.core.EmbeddingRequest;
import ai.vaultgemma.core.EmbeddingResponse;
import ai.vaultgemma.core.InferenceConnectionException;
import ai.vaultgemma.core.InferenceException;
import ai.vaultgemma.core.InferenceHttpException;
import ai.vaultgemma.core.InferenceTimeoutException;
import ai.vaultgemma.core.InvalidResponseException;
import ai.vaultgemma.core.ModelList;
import ai.vaultgemma.core.RateLimitedException;
import ai.vaultgemma.core.StreamErrorException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class OpenAiTransportTest {

  private static final String KEY = "sk-live-abcdef123456";
  private static final String COMPLETION =
      "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
          + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},"
          + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,"
          + "\"total_tokens\":2}}";

  @StartStop final MockWebServer server = new MockWebServer();

  private final OkHttpClient client = new OkHttpClient.Builder().build();

  @AfterEach
  void releaseClient() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  private static final Map<String, String> HEADERS =
      Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

  private OpenAiTransport transport() {
    return new OpenAiTransport(
        client, client, server.url("/v1").toString(), KEY, Clock.systemUTC());
  }

  private static ChatRequest request() {
    return ChatRequest.builder()
        .model("m")
        .message(ChatMessage.user("hello"))
        .streamIncludeUsage(true)
        .build();
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .addHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  private static MockResponse sse(String body) {
    return new MockResponse.Builder()
        .addHeader("Content-Type", "text/event-stream")
        .body(body)
        .build();
  }

  private static String event(String data) {
    return "data: " + data + "\n\n";
  }

  private static String delta(String content, @Nullable String finish) {
    return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
        + content
        + "\"},\"finish_reason\":"
        + (finish == null ? "null" : "\"" + finish + "\"")
        + "}]}";
  }

  @Test
  void chatPostsJsonWithBearerAndExtraHeadersAndWithoutStreamFields() throws Exception {
    server.enqueue(json(200, COMPLETION));
    ChatResponse response =
        transport()
            .chat(
                ChatBody.of(request()),
                Map.of("x-call", "1", "traceparent", HEADERS.get("traceparent")),
                null,
                0)
            .value();
    assertThat(response.text()).isEqualTo("Hi");
    RecordedRequest recorded = server.takeRequest();
    assertThat(recorded.getMethod()).isEqualTo("POST");
    assertThat(recorded.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
    assertThat(recorded.getHeaders().get("Authorization")).isEqualTo("Bearer " + KEY);
    assertThat(recorded.getHeaders().get("traceparent")).startsWith("00-0af7");
    assertThat(recorded.getHeaders().get("x-call")).isEqualTo("1");
    assertThat(recorded.getHeaders().get("Content-Type")).startsWith("application/json");
    JsonNode body = Json.MAPPER.readTree(recorded.getBody().utf8());
    assertThat(body.get("model").asString()).isEqualTo("m");
    assertThat(body.get("stream")).isNull();
    assertThat(body.get("stream_options")).isNull();
  }

  @Test
  void noApiKeyMeansNoAuthorizationHeader() throws Exception {
    server.enqueue(json(200, COMPLETION));
    OpenAiTransport.create(client, server.url("/v1/").toString(), null)
        .chat(ChatBody.of(request()), HEADERS, null, 0)
        .value();
    assertThat(server.takeRequest().getHeaders().get("Authorization")).isNull();
  }

  @Test
  void chatAsyncCompletesAndFailsTyped() throws Exception {
    server.enqueue(json(200, COMPLETION));
    server.enqueue(
        json(404, "{\"error\":{\"message\":\"no such model\",\"code\":\"model_not_found\"}}"));
    assertThat(
            transport()
                .chatAsync(ChatBody.of(request()), HEADERS, null, 0)
                .thenApply(OpenAiTransport.Wire::value)
                .get(5, TimeUnit.SECONDS)
                .text())
        .isEqualTo("Hi");
    CompletableFuture<ChatResponse> failed =
        transport()
            .chatAsync(ChatBody.of(request()), HEADERS, null, 0)
            .thenApply(OpenAiTransport.Wire::value);
    assertThatThrownBy(() -> failed.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(InferenceHttpException.class)
        .hasMessageContaining("HTTP 404")
        .hasMessageContaining("no such model");
  }

  @Test
  void streamDeliversChunksInOrderAndTheAssembledAnswer() throws Exception {
    server.enqueue(
        sse(
            ": keep-alive comment\n\n"
                + event(delta("a", null))
                + event("{\"type\":\"ping\"}")
                + event(delta("b", null))
                + event(delta("c", "stop"))
                + event(
                    "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                        + "\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,"
                        + "\"completion_tokens\":3,\"total_tokens\":4}}")
                + event("[DONE]")));
    List<String> seen = new CopyOnWriteArrayList<>();
    CompletableFuture<ChatResponse> completed = new CompletableFuture<>();
    StreamCall call =
        transport()
            .chatStream(
                ChatBody.of(request()),
                new ChatStreamListener() {
                  @Override
                  public void onChunk(ChatChunk chunk) {
                    seen.add(
                        chunk.choices().isEmpty()
                            ? "usage"
                            : chunk.choices().get(0).delta().text());
                  }

                  @Override
                  public void onComplete(ChatResponse response) {
                    completed.complete(response);
                  }
                },
                HEADERS,
                null,
                0);
    ChatResponse response = call.completion().get(5, TimeUnit.SECONDS);
    assertThat(seen).containsExactly("a", "b", "c", "usage");
    assertThat(response.text()).isEqualTo("abc");
    assertThat(response.usage().totalTokens()).isEqualTo(4);
    assertThat(completed.get(5, TimeUnit.SECONDS)).isEqualTo(response);
    RecordedRequest recorded = server.takeRequest();
    JsonNode body = Json.MAPPER.readTree(recorded.getBody().utf8());
    assertThat(body.get("stream").asBoolean()).isTrue();
    assertThat(body.get("stream_options").get("include_usage").asBoolean()).isTrue();
    assertThat(recorded.getHeaders().get("Accept")).isEqualTo("text/event-stream");
  }

  @Test
  void multiByteCharactersSplitAcrossNetworkChunksAndCrlfFramingSurvive() throws Exception {
    String body =
        (event(delta("日本", null))
                + event(delta("語 🌍", null))
                + event(delta("!", "stop"))
                + event("[DONE]"))
            .replace("\n", "\r\n");
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "text/event-stream; charset=utf-8")
            .chunkedBody(body, 3)
            .build());
    List<String> seen = new CopyOnWriteArrayList<>();
    StreamCall call =
        transport()
            .chatStream(
                ChatBody.of(request()),
                chunk -> seen.add(chunk.choices().get(0).delta().text()),
                HEADERS,
                null,
                0);
    assertThat(call.completion().get(5, TimeUnit.SECONDS).text()).isEqualTo("日本語 🌍!");
    assertThat(seen).containsExactly("日本", "語 🌍", "!");
  }

  @Test
  void streamErrorsReachTheListenerTyped() throws Exception {
    server.enqueue(json(401, "{\"message\":\"Unauthorized\",\"request_id\":\"r1\"}"));
    server.enqueue(
        sse(
            event(delta("a", null))
                + "event: error\ndata: {\"error\":{\"message\":\"boom\"}}\n\n"));
    server.enqueue(sse(event(delta("a", null))));
    assertThat(
            failure(transport().chatStream(ChatBody.of(request()), chunk -> {}, HEADERS, null, 0)))
        .isInstanceOf(InferenceHttpException.class)
        .hasMessageContaining("HTTP 401")
        .hasMessageContaining("Unauthorized");
    assertThat(
            failure(transport().chatStream(ChatBody.of(request()), chunk -> {}, HEADERS, null, 0)))
        .isInstanceOf(StreamErrorException.class)
        .hasMessageContaining("boom");
    assertThat(
            failure(transport().chatStream(ChatBody.of(request()), chunk -> {}, HEADERS, null, 0)))
        .isInstanceOf(InvalidResponseException.class)
        .hasMessageContaining("without [DONE]");
  }

  @Test
  void streamAnsweredWithJsonErrorInsteadOfEventsIsTyped() throws Exception {
    server.enqueue(json(200, "{\"object\":\"error\",\"message\":\"no streaming\",\"code\":400}"));
    server.enqueue(json(200, COMPLETION));
    assertThat(
            failure(transport().chatStream(ChatBody.of(request()), chunk -> {}, HEADERS, null, 0)))
        .isInstanceOf(InferenceHttpException.class)
        .hasMessageContaining("no streaming");
    assertThat(
            failure(transport().chatStream(ChatBody.of(request()), chunk -> {}, HEADERS, null, 0)))
        .isInstanceOf(InvalidResponseException.class)
        .hasMessageContaining("is not text/event-stream");
  }

  @Test
  void aThrowingListenerCancelsTheStream() throws Exception {
    server.enqueue(sse(event(delta("a", null)) + event(delta("b", "stop")) + event("[DONE]")));
    List<InferenceException> errors = new CopyOnWriteArrayList<>();
    StreamCall call =
        transport()
            .chatStream(
                ChatBody.of(request()),
                new ChatStreamListener() {
                  @Override
                  public void onChunk(ChatChunk chunk) {
                    throw new IllegalStateException("consumer bug");
                  }

                  @Override
                  public void onError(InferenceException error) {
                    errors.add(error);
                  }
                },
                HEADERS,
                null,
                0);
    Throwable failure = failure(call);
    assertThat(failure).hasMessageContaining("listener threw");
    assertThat(failure.getCause()).hasMessage("consumer bug");
    assertThat(errors).containsExactly((InferenceException) failure);
  }

  @Test
  void cancelStopsDeliveryAndCancelsTheCompletion() throws Exception {
    StringBuilder body = new StringBuilder(event(delta("first", null)));
    for (int i = 0; i < 200; i++) {
      body.append(event(delta("more", null)));
    }
    body.append(event(delta("", "stop"))).append(event("[DONE]"));
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "text/event-stream")
            .body(body.toString())
            .throttleBody(256, 50, TimeUnit.MILLISECONDS)
            .build());
    List<ChatChunk> seen = new CopyOnWriteArrayList<>();
    CompletableFuture<StreamCall> self = new CompletableFuture<>();
    StreamCall call =
        transport()
            .chatStream(
                ChatBody.of(request()),
                chunk -> {
                  seen.add(chunk);
                  self.join().cancel();
                },
                HEADERS,
                null,
                0);
    self.complete(call);
    assertThatThrownBy(() -> call.completion().get(5, TimeUnit.SECONDS))
        .isInstanceOf(CancellationException.class);
    assertThat(call.isCancelled()).isTrue();
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> seen.size() == 1);
  }

  @Test
  void streamIdleTimeoutIsATimeout() throws Exception {
    OkHttpClient streaming = client.newBuilder().readTimeout(Duration.ofMillis(200)).build();
    OpenAiTransport transport =
        new OpenAiTransport(
            client, streaming, server.url("/v1").toString(), KEY, Clock.systemUTC());
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "text/event-stream")
            .body(event(delta("a", null)) + event("[DONE]"))
            .bodyDelay(3, TimeUnit.SECONDS)
            .build());
    assertThat(failure(transport.chatStream(ChatBody.of(request()), chunk -> {}, HEADERS, null, 0)))
        .isInstanceOf(InferenceTimeoutException.class)
        .hasMessageContaining("/v1/chat/completions");
  }

  @Test
  void embedSendsInputsAndReadsBase64() throws Exception {
    server.enqueue(
        json(
            200,
            "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
                + "\"embedding\":\"AACAPwAAAMA=\"},{\"object\":\"embedding\",\"index\":1,"
                + "\"embedding\":[0.5,0.25]}],\"model\":\"e\",\"usage\":{\"prompt_tokens\":2,"
                + "\"total_tokens\":2}}"));
    EmbeddingResponse r =
        transport()
            .embed(
                EmbeddingRequest.of("e", List.of("a", "b")).withEncodingFormat("base64"),
                HEADERS,
                null,
                0);
    assertThat(r.vectors().get(0).vector()).containsExactly(1.0f, -2.0f);
    assertThat(r.vectors().get(1).vector()).containsExactly(0.5f, 0.25f);
    RecordedRequest recorded = server.takeRequest();
    assertThat(recorded.getUrl().encodedPath()).isEqualTo("/v1/embeddings");
    assertThat(recorded.getBody().utf8())
        .isEqualTo("{\"model\":\"e\",\"input\":[\"a\",\"b\"],\"encoding_format\":\"base64\"}");
  }

  @Test
  void modelsAndOneModel() throws Exception {
    server.enqueue(json(200, "{\"object\":\"list\",\"data\":null}"));
    server.enqueue(json(200, "{\"id\":\"m/x\",\"object\":\"model\",\"owned_by\":\"me\"}"));
    ModelList list = transport().models(HEADERS);
    assertThat(list.data()).isEmpty();
    assertThat(transport().model("m/x").ownedBy()).isEqualTo("me");
    assertThat(server.takeRequest().getUrl().encodedPath()).isEqualTo("/v1/models");
    RecordedRequest one = server.takeRequest();
    assertThat(one.getMethod()).isEqualTo("GET");
    assertThat(one.getUrl().encodedPath()).isEqualTo("/v1/models/m%2Fx");
  }

  @Test
  void rateLimitWithRetryAfter() {
    server.enqueue(
        new MockResponse.Builder()
            .code(429)
            .addHeader("Content-Type", "application/json")
            .addHeader("retry-after", "7")
            .body(
                "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\","
                    + "\"code\":\"rate_limit_exceeded\"}}")
            .build());
    assertThatThrownBy(() -> transport().chat(ChatBody.of(request()), HEADERS, null, 0).value())
        .isInstanceOf(RateLimitedException.class)
        .satisfies(
            e -> {
              RateLimitedException r = (RateLimitedException) e;
              assertThat(r.retryAfter()).hasValue(Duration.ofSeconds(7));
              assertThat(r.code()).hasValue("rate_limit_exceeded");
              assertThat(r.status()).isEqualTo(429);
            });
  }

  @Test
  void errorBodyWithStatus200IsAnHttpError() {
    server.enqueue(
        json(
            200,
            "{\"object\":\"error\",\"message\":\"The model does not support Embeddings API\","
                + "\"type\":\"BadRequestError\",\"param\":null,\"code\":400}"));
    assertThatThrownBy(() -> transport().embed(EmbeddingRequest.of("e", "x"), HEADERS, null, 0))
        .isInstanceOf(InferenceHttpException.class)
        .hasMessage(
            "POST /v1/embeddings failed with HTTP 200 (error body): The model does not support"
                + " Embeddings API (type=BadRequestError, code=400)");
  }

  @Test
  void bodiesThatAreNotThePromisedJsonAreInvalidResponses() {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "text/html")
            .body("<html>secret answer text</html>")
            .build());
    server.enqueue(json(200, "{\"id\":\"x\"}"));
    assertThatThrownBy(() -> transport().chat(ChatBody.of(request()), HEADERS, null, 0).value())
        .isInstanceOf(InvalidResponseException.class)
        .hasMessageContaining("POST /v1/chat/completions: HTTP 200 body is not JSON")
        .hasMessageNotContaining("secret answer text");
    assertThatThrownBy(() -> transport().chat(ChatBody.of(request()), HEADERS, null, 0).value())
        .isInstanceOf(InvalidResponseException.class)
        .hasMessageContaining("has no \"choices\" array");
  }

  @Test
  void timeoutAndConnectionFailureAreTyped() throws Exception {
    OkHttpClient impatient = client.newBuilder().readTimeout(Duration.ofMillis(100)).build();
    server.enqueue(
        new MockResponse.Builder().body(COMPLETION).headersDelay(2, TimeUnit.SECONDS).build());
    assertThatThrownBy(
            () ->
                OpenAiTransport.create(impatient, server.url("/v1").toString(), KEY)
                    .chat(ChatBody.of(request()), HEADERS, null, 0)
                    .value())
        .isInstanceOf(InferenceTimeoutException.class)
        .hasMessageContaining("/v1/chat/completions timed out");
    MockWebServer closed = new MockWebServer();
    closed.start();
    String url = closed.url("/v1").toString();
    closed.close();
    assertThatThrownBy(
            () ->
                OpenAiTransport.create(client, url, KEY)
                    .chat(ChatBody.of(request()), HEADERS, null, 0)
                    .value())
        .isInstanceOf(InferenceConnectionException.class)
        .hasMessageNotContaining(KEY);
  }

  @Test
  void badBaseUrlsAndKeysAreRejectedWithoutShowingSecrets() {
    assertThatThrownBy(() -> OpenAiTransport.create(client, "localhost:8080/v1", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("baseUrl must be an absolute http or https URL but was \"localhost:8080/v1\"");
    assertThatThrownBy(() -> OpenAiTransport.create(client, "ftp://host/v1", null))
        .hasMessageContaining("baseUrl");
    assertThatThrownBy(() -> OpenAiTransport.create(client, "http://u:hunter2@host/v1", null))
        .hasMessageContaining("baseUrl must not carry credentials (value hidden)")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> OpenAiTransport.create(client, "http://host/v1?x=1", null))
        .hasMessageContaining("query");
    assertThatThrownBy(() -> OpenAiTransport.create(client, "http://host/v1", "  "))
        .hasMessage("apiKey must not be blank (value hidden)");
    assertThatThrownBy(() -> OpenAiTransport.create(client, "http://host/v1", "sk-a\nb"))
        .hasMessageContaining("value hidden")
        .hasMessageNotContaining("sk-a");
  }

  @Test
  void toStringHidesTheKeyAndBaseUrlIsNormalized() {
    OpenAiTransport t = OpenAiTransport.create(client, "http://host:1234/v1/", KEY);
    assertThat(t.toString()).doesNotContain(KEY).contains("apiKey=****");
    assertThat(t.baseUrl()).isEqualTo("http://host:1234/v1");
  }

  private static Throwable failure(StreamCall call) throws Exception {
    try {
      call.completion().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the stream should have failed");
  }
}
