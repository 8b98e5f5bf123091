package ai.vaultgemma.core.internal;

import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.ChatStreamListener;
import ai.vaultgemma.core.EmbeddingRequest;
import ai.vaultgemma.core.EmbeddingResponse;
import ai.vaultgemma.core.Endpoint;
import ai.vaultgemma.core.InferenceConnectionException;
import ai.vaultgemma.core.InferenceException;
import ai.vaultgemma.core.InferenceTimeoutException;
import ai.vaultgemma.core.InvalidResponseException;
import ai.vaultgemma.core.Model;
import ai.vaultgemma.core.ModelList;
import ai.vaultgemma.pool.HttpAttemptListener;
import ai.vaultgemma.pool.RetryPolicy;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The HTTP layer of the OpenAI-compatible protocol: builds requests, sends them through the
 * caller's OkHttp clients and turns answers into protocol types or typed exceptions. No caching,
 * retries or logging: those are the facade's.
 *
 * <p>Thread-safe and cheap; it owns nothing (the OkHttp clients belong to the caller, who closes
 * them). The API key is sent as {@code Authorization: Bearer} and never appears in {@link
 * #toString()}, in exception messages (a server that echoes it gets it replaced by {@code ****}),
 * or in URLs in messages (which carry scheme, host, port and path only).
 *
 * <p>Endpoints, relative to the base URL: {@code POST chat/completions}, {@code POST embeddings},
 * {@code GET models}. {@link #chatStream} sends {@code stream: true}; the other chat calls send the
 * request without {@code stream} and {@code stream_options}.
 */
public final class OpenAiTransport {

  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  private final OkHttpClient client;
  private final OkHttpClient streamingClient;
  private final HttpUrl baseUrl;
  private final String baseUrlText;
  private final @Nullable Supplier<String> apiKey;
  private final boolean fixedKey;
  private final @Nullable RetryPolicy retry;
  private final Clock clock;
  private final HttpUrl chatUrl;
  private final HttpUrl embeddingsUrl;
  private final HttpUrl modelsUrl;

  /**
   * Creates a transport.
   *
   * @param client the client for blocking and async calls
   * @param streamingClient the client for streams (its read timeout is the stream-idle timeout)
   * @param baseUrl the server's base URL, such as {@code http://localhost:8080/v1}
   * @param apiKey the API key, null for servers that need none
   * @param clock the clock for {@code Retry-After} dates
   * @throws IllegalArgumentException if the base URL is malformed or the API key is blank or holds
   *     characters a header cannot carry
   * @throws NullPointerException if a non-nullable argument is null
   */
  public OpenAiTransport(
      OkHttpClient client,
      OkHttpClient streamingClient,
      String baseUrl,
      @Nullable String apiKey,
      Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.streamingClient = Objects.requireNonNull(streamingClient, "streamingClient");
    this.baseUrl = parseBaseUrl(baseUrl);
    this.baseUrlText = stripSlash(this.baseUrl.toString());
    String key = checkApiKey(apiKey);
    this.apiKey = key == null ? null : () -> key;
    this.fixedKey = true;
    this.retry = null;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.chatUrl = endpoint("chat/completions");
    this.embeddingsUrl = endpoint("embeddings");
    this.modelsUrl = endpoint("models");
  }

  /**
   * Creates a transport for one endpoint, whose API key (or key supplier) is read per request.
   *
   * @param client the client for blocking and async calls
   * @param streamingClient the client for streams
   * @param endpoint the endpoint
   * @param clock the clock for {@code Retry-After} dates
   * @throws NullPointerException if an argument is null
   */
  public OpenAiTransport(
      OkHttpClient client, OkHttpClient streamingClient, Endpoint endpoint, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.streamingClient = Objects.requireNonNull(streamingClient, "streamingClient");
    this.baseUrl = parseBaseUrl(endpoint.baseUrl());
    this.baseUrlText = stripSlash(this.baseUrl.toString());
    this.apiKey = endpoint.apiKeySupplier();
    this.fixedKey = false;
    this.retry = null;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.chatUrl = endpoint("chat/completions");
    this.embeddingsUrl = endpoint("embeddings");
    this.modelsUrl = endpoint("models");
  }

  private OpenAiTransport(
      OpenAiTransport base, @Nullable Supplier<String> apiKey, @Nullable RetryPolicy retry) {
    this.client = base.client;
    this.streamingClient = base.streamingClient;
    this.baseUrl = base.baseUrl;
    this.baseUrlText = base.baseUrlText;
    this.apiKey = apiKey;
    this.fixedKey = apiKey == base.apiKey && base.fixedKey;
    this.retry = retry;
    this.clock = base.clock;
    this.chatUrl = base.chatUrl;
    this.embeddingsUrl = base.embeddingsUrl;
    this.modelsUrl = base.modelsUrl;
  }

  /**
   * Returns this transport with one call's overrides: its own API key and retry policy. Cheap; the
   * view shares everything else.
   *
   * @param apiKey the call's key (checked by the caller), or null to keep the endpoint's
   * @param retry the call's retry policy, or null to keep the HTTP pool's
   * @return the view, or this transport when nothing is overridden
   */
  public OpenAiTransport forCall(@Nullable String apiKey, @Nullable RetryPolicy retry) {
    if (apiKey == null && retry == null) {
      return this;
    }
    return new OpenAiTransport(this, apiKey == null ? this.apiKey : () -> apiKey, retry);
  }

  /**
   * Asks the server whether it is up: {@code GET models}, without retries, bounded by {@code
   * timeoutNanos}. Any HTTP answer but 5xx and 429 counts as up (a server without the route answers
   * 404 and is still serving).
   *
   * @param timeoutNanos the longest the probe may take
   * @return true when the server answered as up
   */
  public boolean probe(long timeoutNanos) {
    Request http;
    try {
      http =
          builder(modelsUrl, Map.of(), "application/json")
              .tag(RetryPolicy.class, RetryPolicy.none())
              .get()
              .build();
    } catch (InferenceException e) {
      return false; // a key supplier that fails; the calls will say why
    }
    try (Response response = call(client, http, timeoutNanos).execute()) {
      int code = response.code();
      return code < 500 && code != 429;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Creates a transport with one client for everything, no extra headers and the system clock.
   *
   * @param client the client
   * @param baseUrl the server's base URL
   * @param apiKey the API key, may be null
   * @return the transport
   * @throws IllegalArgumentException if the base URL or API key is invalid
   */
  public static OpenAiTransport create(
      OkHttpClient client, String baseUrl, @Nullable String apiKey) {
    return new OpenAiTransport(client, client, baseUrl, apiKey, Clock.systemUTC());
  }

  /**
   * Validates a base URL.
   *
   * @param baseUrl the text
   * @return the parsed URL
   * @throws IllegalArgumentException if it is not an absolute http(s) URL without credentials,
   *     query or fragment; see {@link BaseUrls#parse}
   * @throws NullPointerException if {@code baseUrl} is null
   */
  public static HttpUrl parseBaseUrl(String baseUrl) {
    return BaseUrls.parse(baseUrl);
  }

  private static @Nullable String checkApiKey(@Nullable String apiKey) {
    return BaseUrls.checkApiKey(apiKey);
  }

  private HttpUrl endpoint(String path) {
    return baseUrl.newBuilder().addPathSegments(path).build();
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /**
   * Returns the endpoint as messages name it: scheme, host and port, never credentials or path.
   *
   * @return such as {@code http://localhost:8080}
   */
  public String endpointName() {
    return baseUrl.scheme() + "://" + baseUrl.host() + ":" + baseUrl.port();
  }

  /**
   * Returns the base URL, normalized (no trailing slash). Part of every cache key.
   *
   * @return the base URL
   */
  public String baseUrl() {
    return baseUrlText;
  }

  /**
   * Returns the server's host, as tracing conventions name it ({@code server.address}).
   *
   * @return the host
   */
  public String host() {
    return baseUrl.host();
  }

  /**
   * Returns the server's port.
   *
   * @return the port
   */
  public int port() {
    return baseUrl.port();
  }

  /**
   * Returns the chat endpoint's URL (no user info or query: base URLs with either are refused).
   *
   * @return the URL
   */
  public String chatUrl() {
    return chatUrl.toString();
  }

  /**
   * Returns the embeddings endpoint's URL.
   *
   * @return the URL
   */
  public String embeddingsUrl() {
    return embeddingsUrl.toString();
  }

  /**
   * Returns the path of the chat endpoint.
   *
   * @return such as {@code /v1/chat/completions}
   */
  public String chatPath() {
    return chatUrl.encodedPath();
  }

  /**
   * Returns the path of the embeddings endpoint.
   *
   * @return such as {@code /v1/embeddings}
   */
  public String embeddingsPath() {
    return embeddingsUrl.encodedPath();
  }

  /**
   * Sends a blocking chat completion with extra headers for this call.
   *
   * @param request the request
   * @param headers headers for this call only
   * @param attempts hears each HTTP attempt, or null
   * @param timeoutNanos the call's deadline from now, or 0 for the client's call timeout
   * @return the answer
   * @throws InferenceException as {@link #chat(ChatBody, Map, HttpAttemptListener, long)}
   */
  public Wire<ChatResponse> chat(
      ChatBody request,
      Map<String, String> headers,
      @Nullable HttpAttemptListener attempts,
      long timeoutNanos) {
    Request http = post(chatUrl, request.wire(false), headers, attempts, "application/json");
    try (Response response = call(client, http, timeoutNanos).execute()) {
      return readWire(response, http, ChatResponse.class, "choices");
    } catch (IOException e) {
      throw ioFailure(http, e);
    }
  }

  /**
   * Sends a chat completion without blocking, with extra headers for this call.
   *
   * @param request the request
   * @param headers headers for this call only
   * @param attempts hears each HTTP attempt, or null
   * @param timeoutNanos the call's deadline from now, or 0 for the client's call timeout
   * @return the future answer
   */
  public CompletableFuture<Wire<ChatResponse>> chatAsync(
      ChatBody request,
      Map<String, String> headers,
      @Nullable HttpAttemptListener attempts,
      long timeoutNanos) {
    Request http = post(chatUrl, request.wire(false), headers, attempts, "application/json");
    Call call = call(client, http, timeoutNanos);
    CompletableFuture<Wire<ChatResponse>> future = new CompletableFuture<>();
    var unused =
        future.whenComplete(
            (r, t) -> {
              if (t instanceof CancellationException) {
                call.cancel();
              }
            });
    call.enqueue(
        new Callback() {
          @Override
          public void onFailure(Call c, IOException e) {
            future.completeExceptionally(ioFailure(http, e));
          }

          @Override
          public void onResponse(Call c, Response response) {
            try (response) {
              future.complete(readWire(response, http, ChatResponse.class, "choices"));
            } catch (IOException e) {
              future.completeExceptionally(ioFailure(http, e));
            } catch (RuntimeException e) {
              future.completeExceptionally(e);
            }
          }
        });
    return future;
  }

  /**
   * Streams a chat completion with extra headers for this call.
   *
   * @param request the request
   * @param listener receives the stream
   * @param headers headers for this call only
   * @param attempts hears each HTTP attempt, or null
   * @param timeoutNanos the call's deadline from now, or 0 for the client's call timeout
   * @return a handle to cancel the stream or wait for its end
   */
  public StreamCall chatStream(
      ChatBody request,
      ChatStreamListener listener,
      Map<String, String> headers,
      @Nullable HttpAttemptListener attempts,
      long timeoutNanos) {
    Objects.requireNonNull(listener, "listener");
    Request http = post(chatUrl, request.wire(true), headers, attempts, "text/event-stream");
    Call call = call(streamingClient, http, timeoutNanos);
    SseCall stream = new SseCall(this, call, http, listener);
    call.enqueue(stream);
    return stream;
  }

  /**
   * Computes embeddings with extra headers for this call.
   *
   * @param request the request
   * @param headers headers for this call only
   * @param attempts hears each HTTP attempt, or null
   * @param timeoutNanos the call's deadline from now, or 0 for the client's call timeout
   * @return the answer
   * @throws InferenceException as {@link #chat(ChatBody, Map, HttpAttemptListener, long)}
   */
  public EmbeddingResponse embed(
      EmbeddingRequest request,
      Map<String, String> headers,
      @Nullable HttpAttemptListener attempts,
      long timeoutNanos) {
    Request http =
        post(
            embeddingsUrl,
            Json.MAPPER.writeValueAsBytes(request),
            headers,
            attempts,
            "application/json");
    try (Response response = call(client, http, timeoutNanos).execute()) {
      return read(response, http, EmbeddingResponse.class, "data");
    } catch (IOException e) {
      throw ioFailure(http, e);
    }
  }

  /**
   * Lists the server's models.
   *
   * @param headers headers for this call only
   * @return the models
   * @throws InferenceException as {@link #chat(ChatBody, Map, HttpAttemptListener, long)}
   */
  public ModelList models(Map<String, String> headers) {
    Request http = builder(modelsUrl, headers, "application/json").get().build();
    try (Response response = client.newCall(http).execute()) {
      return read(response, http, ModelList.class, null);
    } catch (IOException e) {
      throw ioFailure(http, e);
    }
  }

  /**
   * Reads one model ({@code GET models/{id}}).
   *
   * @param id the model id
   * @return the model
   * @throws InferenceException as {@link #chat(ChatBody, Map, HttpAttemptListener, long)}; a 404
   *     for an unknown model
   * @throws NullPointerException if {@code id} is null
   */
  public Model model(String id) {
    Objects.requireNonNull(id, "id");
    HttpUrl url = modelsUrl.newBuilder().addPathSegment(id).build();
    Request http = builder(url, Map.of(), "application/json").get().build();
    try (Response response = client.newCall(http).execute()) {
      return read(response, http, Model.class, null);
    } catch (IOException e) {
      throw ioFailure(http, e);
    }
  }

  /**
   * A call whose whole run (retries, backoff, body or stream) ends at the caller's deadline: OkHttp
   * cancels it then and frees its connection. Zero keeps the client's own call timeout.
   */
  private static Call call(OkHttpClient client, Request http, long timeoutNanos) {
    Call call = client.newCall(http);
    if (timeoutNanos > 0) {
      call.timeout().timeout(timeoutNanos, TimeUnit.NANOSECONDS);
    }
    return call;
  }

  private Request post(
      HttpUrl url,
      byte[] json,
      Map<String, String> headers,
      @Nullable HttpAttemptListener attempts,
      String accept) {
    Request.Builder b = builder(url, headers, accept).post(RequestBody.create(json, JSON));
    if (attempts != null) {
      b.tag(HttpAttemptListener.class, attempts);
    }
    if (retry != null) {
      b.tag(RetryPolicy.class, retry);
    }
    return b.build();
  }

  private Request.Builder builder(HttpUrl url, Map<String, String> headers, String accept) {
    Request.Builder b = new Request.Builder().url(url).header("Accept", accept);
    if (apiKey != null) {
      b.header("Authorization", "Bearer " + currentKey(apiKey));
    }
    headers.forEach(b::header);
    return b;
  }

  /**
   * Reads the key for one request. A supplier that fails or returns a key a header cannot carry
   * fails this request only, with a message that names the endpoint and never the value.
   */
  private String currentKey(Supplier<String> supplier) {
    if (fixedKey) {
      return supplier.get();
    }
    String key;
    try {
      key = supplier.get();
    } catch (RuntimeException e) {
      throw new InferenceException(
          "apiKey supplier of endpoint " + endpointName() + " threw " + e.getClass().getName(),
          null);
    }
    if (key == null) {
      throw new InferenceException(
          "apiKey supplier of endpoint " + endpointName() + " returned null", null);
    }
    try {
      BaseUrls.checkApiKey(key);
    } catch (IllegalArgumentException e) {
      throw new InferenceException(
          "apiKey supplier of endpoint " + endpointName() + ": " + e.getMessage(), null);
    }
    return key;
  }

  /** The key a request carries, to keep it out of messages made from the server's answer. */
  static @Nullable String secretOf(Request http) {
    String auth = http.header("Authorization");
    if (auth == null) {
      return null;
    }
    return auth.startsWith("Bearer ") ? auth.substring("Bearer ".length()) : auth;
  }

  private <T> T read(Response response, Request http, Class<T> type, @Nullable String required)
      throws IOException {
    return readWire(response, http, type, required).value();
  }

  private <T> Wire<T> readWire(
      Response response, Request http, Class<T> type, @Nullable String required)
      throws IOException {
    byte[] bytes = response.body().bytes();
    return new Wire<>(decode(response, http, type, required, bytes), bytes);
  }

  private <T> T decode(
      Response response, Request http, Class<T> type, @Nullable String required, byte[] bytes) {
    if (response.isSuccessful()
        && (type == ChatResponse.class || type == EmbeddingResponse.class)) {
      // The hot path: bind the bytes straight to the record, one pass. Anything unusual (not
      // JSON, an error payload behind a 200, no choices or data) goes the careful way below,
      // which builds the exact exception.
      try {
        Object common = type == ChatResponse.class ? ShapeReader.answer(bytes) : null;
        T value = common != null ? type.cast(common) : Json.reader(type).<T>readValue(bytes);
        if (plainAnswer(value)) {
          return value;
        }
      } catch (JacksonException | IllegalArgumentException e) {
        // fall through to the careful path for the precise message
      }
    }
    String body = new String(bytes, StandardCharsets.UTF_8);
    if (!response.isSuccessful()) {
      throw httpError(response, http, body);
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (JacksonException e) {
      throw invalid(response, http, body, "is not JSON", e);
    }
    if (root == null || !root.isObject()) {
      throw invalid(response, http, body, "is not a JSON object", null);
    }
    if (ErrorParser.isErrorPayload(root)) {
      throw httpError(response, http, body);
    }
    if (required != null && (root.get(required) == null || !root.get(required).isArray())) {
      throw invalid(response, http, body, "has no \"" + required + "\" array", null);
    }
    try {
      return Json.MAPPER.treeToValue(root, type);
    } catch (JacksonException | IllegalArgumentException e) {
      throw invalid(response, http, body, "is not a valid " + type.getSimpleName(), e);
    }
  }

  /** True for an answer that has its choices (or vectors) and no error fields. */
  private static boolean plainAnswer(Object value) {
    if (value instanceof ChatResponse chat) {
      return !chat.choices().isEmpty()
          && !"error".equals(chat.object())
          && chat.extra().get("error") == null;
    }
    if (value instanceof EmbeddingResponse embeddings) {
      return !embeddings.data().isEmpty()
          && !"error".equals(embeddings.object())
          && embeddings.extra().get("error") == null;
    }
    return false;
  }

  InferenceException httpError(Response response, Request http, String body) {
    return ErrorParser.httpError(
        http.method(),
        http.url().encodedPath(),
        response.code(),
        response.header("Content-Type"),
        body,
        response::header,
        secretOf(http),
        clock.instant());
  }

  static InvalidResponseException invalid(
      Response response, Request http, String body, String what, @Nullable Throwable cause) {
    return new InvalidResponseException(
        http.method()
            + " "
            + http.url().encodedPath()
            + ": HTTP "
            + response.code()
            + " body "
            + what
            + " (content-type "
            + response.header("Content-Type")
            + ", "
            + body.length()
            + " chars)",
        cause);
  }

  static InferenceException ioFailure(Request http, IOException e) {
    HttpUrl u = http.url();
    String where =
        http.method() + " " + u.scheme() + "://" + u.host() + ":" + u.port() + u.encodedPath();
    boolean timeout =
        e instanceof SocketTimeoutException
            || (e instanceof InterruptedIOException
                && "timeout".equals(String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT)));
    if (timeout) {
      return new InferenceTimeoutException(where + " timed out: " + e.getMessage(), e);
    }
    return new InferenceConnectionException(where + " failed: " + e, e);
  }

  /**
   * An answer and the bytes it was decoded from, so the cache can store what came off the wire.
   *
   * @param value the decoded answer
   * @param bytes the body as the server sent it
   * @param <T> the answer's type
   */
  @SuppressWarnings("ArrayRecordComponent") // the bytes are handed over, never shared or changed
  public record Wire<T>(T value, byte[] bytes) {}

  @Override
  public String toString() {
    return "OpenAiTransport{baseUrl="
        + baseUrlText
        + ", apiKey="
        + (apiKey == null ? "none" : "****")
        + "}";
  }
}
