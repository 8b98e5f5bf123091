package ai.vaultgemma.pool;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import ai.vaultgemma.pool.internal.FollowUpGuard;
import ai.vaultgemma.pool.internal.HttpStatsRecorder;
import ai.vaultgemma.pool.internal.InterruptWatch;
import ai.vaultgemma.pool.internal.NoDelaySocketFactory;
import ai.vaultgemma.pool.internal.RetryInterceptor;
import ai.vaultgemma.pool.internal.RetryTrace;
import ai.vaultgemma.pool.internal.TlsMaterial;
import ai.vaultgemma.pool.internal.Urls;
import java.io.IOException;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * A pool of HTTP connections with retries, timeouts, TLS and statistics: one shared {@link
 * OkHttpClient} (one connection pool, one dispatcher) configured from an {@link HttpPoolConfig}.
 *
 * <p>What every call through this pool gets:
 *
 * <ul>
 *   <li>keep-alive reuse of up to {@link HttpPoolConfig#maxIdleConnections()} idle connections,
 *       HTTP/2 over TLS when the server offers it;
 *   <li>{@code TCP_NODELAY} on every socket, so small requests do not stall on Nagle's algorithm;
 *   <li>retries under the {@link RetryPolicy} (an application interceptor, first in the chain:
 *       interceptors you add with {@code okHttpClient().newBuilder()} run inside each attempt);
 *   <li>no other re-sends: OkHttp's own retries (after a connection failure, on a 408, on a 503
 *       with {@code Retry-After: 0}) are switched off, so the number of requests the server sees is
 *       the number the policy allows. Interceptors you add to a derived client see the {@code
 *       Retry-After} of a 408 or 503 under the header {@code VaultGemma-Hidden-Retry-After}
 *       (application interceptors) or as sent (network interceptors); callers see it as sent;
 *   <li>dispatcher limits ({@link HttpPoolConfig#maxRequests()}, {@link
 *       HttpPoolConfig#maxRequestsPerHost()}) sized so they do not queue the hundreds of concurrent
 *       streams an inference server batches; a concurrency limit belongs to the caller;
 *   <li>counting into {@link #stats()}.
 * </ul>
 *
 * <p>Thread-safe; share one pool per process (or per backend) as OkHttp advises for its client. The
 * pool owns its client: {@link #close()} shuts it down, after which clients derived with {@code
 * okHttpClient().newBuilder()} stop working too.
 *
 * <pre>{@code
 * try (HttpPool pool = HttpPool.create(HttpPoolConfig.defaults())) {
 *   Request request = new Request.Builder().url("http://localhost:8080/v1/models").build();
 *   try (Response response = pool.execute(request)) {
 *     String models = response.body().string();
 *   }
 *   double successRate = pool.stats().successRate();
 * }
 * }</pre>
 *
 * <h2>Failures</h2>
 *
 * <p>{@link #execute} returns every response that is not a retryable failure, 4xx included: the
 * caller reads the status and the error body. When the policy gives up on a retryable status,
 * {@link #execute} closes the last response and throws {@link HttpRetriesExhaustedException} with
 * its status, body and {@code Retry-After}; on a retryable I/O failure, the same exception with the
 * {@link IOException} as cause. Other I/O failures are thrown as they are. Calls made directly on
 * {@link #okHttpClient()} are retried alike, but receive the last response (or the last {@code
 * IOException}) instead of the exception.
 */
public final class HttpPool implements AutoCloseable {
  private static final AtomicInteger POOL_IDS = new AtomicInteger();

  /** Prefix of the names of the dispatcher threads this pool starts. */
  public static final String THREAD_NAME_PREFIX = "vaultgemma-http-";

  private final HttpPoolConfig config;
  private final HttpStatsRecorder recorder;
  private final ExecutorService executor;
  private final OkHttpClient client;
  private final OkHttpClient streamingClient;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final InterruptWatch interrupts;

  private HttpPool(HttpPoolConfig config, HttpEventListener listener) {
    this.config = config;
    this.recorder = new HttpStatsRecorder(listener);
    int poolId = POOL_IDS.incrementAndGet();
    this.executor = newExecutor(poolId);
    this.interrupts = new InterruptWatch(THREAD_NAME_PREFIX + poolId + "-interrupts");
    Dispatcher dispatcher = new Dispatcher(executor);
    dispatcher.setMaxRequests(config.maxRequests());
    dispatcher.setMaxRequestsPerHost(config.maxRequestsPerHost());
    OkHttpClient.Builder builder =
        new OkHttpClient.Builder()
            .dispatcher(dispatcher)
            .connectionPool(
                new ConnectionPool(
                    config.maxIdleConnections(),
                    config.keepAlive().toNanos(),
                    TimeUnit.NANOSECONDS))
            .socketFactory(new NoDelaySocketFactory())
            .connectTimeout(config.connectTimeout())
            .readTimeout(config.readTimeout())
            .writeTimeout(config.writeTimeout())
            .callTimeout(config.callTimeout())
            .protocols(
                config.http2()
                    ? List.of(Protocol.HTTP_2, Protocol.HTTP_1_1)
                    : List.of(Protocol.HTTP_1_1))
            .eventListenerFactory(recorder)
            // The retry policy is the only source of re-sends: OkHttp's own retries are off
            // (connection failures and 408 here, a 503 with Retry-After: 0 by FollowUpGuard).
            .retryOnConnectionFailure(false)
            .addInterceptor(interrupts)
            .addInterceptor(new RetryInterceptor(config.retryPolicy(), recorder, listener))
            .addNetworkInterceptor(new FollowUpGuard());
    TlsMaterial.Setup tls =
        TlsMaterial.build(
            config.trustedCertificatesPem(),
            config.trustSystemCertificates(),
            config.clientCertificatePem(),
            config.clientKeyPem());
    if (tls != null) {
      builder.sslSocketFactory(tls.socketFactory(), tls.trustManager());
    }
    this.client = builder.build();
    this.streamingClient =
        client
            .newBuilder()
            .callTimeout(Duration.ZERO)
            .readTimeout(config.streamIdleTimeout())
            .build();
  }

  /**
   * Creates a pool.
   *
   * @param config the configuration
   * @return a new pool; close it when done
   * @throws NullPointerException if {@code config} is null
   */
  public static HttpPool create(HttpPoolConfig config) {
    return create(config, HttpEventListener.NONE);
  }

  /**
   * Creates a pool that reports retries and call outcomes to {@code listener}.
   *
   * @param config the configuration
   * @param listener hears the pool's events; see {@link HttpEventListener} for its rules
   * @return a new pool; close it when done
   * @throws NullPointerException if an argument is null
   */
  public static HttpPool create(HttpPoolConfig config, HttpEventListener listener) {
    requireNonNull(config, "config");
    requireNonNull(listener, "listener");
    return new HttpPool(config, listener);
  }

  private static ExecutorService newExecutor(int poolId) {
    AtomicInteger threadIds = new AtomicInteger();
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            runnable -> {
              Thread thread =
                  new Thread(
                      runnable, THREAD_NAME_PREFIX + poolId + "-" + threadIds.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    return executor;
  }

  /**
   * Returns the configuration.
   *
   * @return the config this pool was created with
   */
  public HttpPoolConfig config() {
    return config;
  }

  /**
   * Returns the shared client for ordinary calls: call timeout, retries, stats and {@code
   * TCP_NODELAY} installed. Derive variants with {@code newBuilder()}; they share this pool's
   * connections and threads.
   *
   * @return the client
   */
  public OkHttpClient okHttpClient() {
    return client;
  }

  /**
   * Returns the client for streamed responses (server-sent events): same connections, dispatcher,
   * retries and stats, but no total call timeout, and a read timeout equal to {@link
   * HttpPoolConfig#streamIdleTimeout()}, so a long healthy stream is never cut while one that falls
   * silent fails with a {@link java.net.SocketTimeoutException}.
   *
   * @return the streaming client
   */
  public OkHttpClient streamingClient() {
    return streamingClient;
  }

  /**
   * Executes {@code request} on the calling thread. The caller closes the response.
   *
   * @param request the request; never logged with its headers
   * @return the response, of any status except a retryable one the policy gave up on
   * @throws NullPointerException if {@code request} is null
   * @throws IllegalStateException if the pool is closed
   * @throws HttpRetriesExhaustedException if the policy gave up on a retryable outcome
   * @throws IOException on a non-retryable I/O failure, a timeout or cancellation
   */
  public Response execute(Request request) throws IOException {
    return execute(client, request);
  }

  /**
   * Executes {@code request} on the calling thread with {@link #streamingClient()}. The caller
   * reads and closes the streamed body.
   *
   * @param request the request
   * @return the response
   * @throws NullPointerException if {@code request} is null
   * @throws IllegalStateException if the pool is closed
   * @throws HttpRetriesExhaustedException if the policy gave up on a retryable outcome
   * @throws IOException on a non-retryable I/O failure, a timeout or cancellation
   */
  public Response executeStreaming(Request request) throws IOException {
    return execute(streamingClient, request);
  }

  private Response execute(OkHttpClient with, Request request) throws IOException {
    requireNonNull(request, "request");
    checkOpen();
    RetryTrace trace = new RetryTrace();
    Call call = with.newCall(request.newBuilder().tag(RetryTrace.class, trace).build());
    Response response;
    try {
      response = call.execute();
    } catch (IOException e) {
      if (trace.exhausted()) {
        throw exhausted(request, trace, e);
      }
      throw e;
    }
    if (trace.exhausted()) {
      throw exhausted(request, trace, response);
    }
    return response;
  }

  /**
   * Executes {@code request} on the pool's dispatcher, within its per-host and total limits. The
   * caller closes the response; cancelling the future cancels the call.
   *
   * @param request the request
   * @return a future completed with the response, or exceptionally with {@link
   *     HttpRetriesExhaustedException} or an {@link IOException} as {@link #execute} would throw
   * @throws NullPointerException if {@code request} is null
   * @throws IllegalStateException if the pool is closed
   */
  public CompletableFuture<Response> executeAsync(Request request) {
    requireNonNull(request, "request");
    checkOpen();
    RetryTrace trace = new RetryTrace();
    Call call = client.newCall(request.newBuilder().tag(RetryTrace.class, trace).build());
    CompletableFuture<Response> future = new CompletableFuture<>();
    var unused =
        future.whenComplete(
            (response, failure) -> {
              if (future.isCancelled()) {
                call.cancel();
              }
            });
    call.enqueue(
        new Callback() {
          @Override
          public void onResponse(Call c, Response response) {
            if (trace.exhausted()) {
              future.completeExceptionally(exhausted(request, trace, response));
            } else if (!future.complete(response)) {
              response.close();
            }
          }

          @Override
          public void onFailure(Call c, IOException e) {
            future.completeExceptionally(trace.exhausted() ? exhausted(request, trace, e) : e);
          }
        });
    return future;
  }

  private static HttpRetriesExhaustedException exhausted(
      Request request, RetryTrace trace, IOException cause) {
    return new HttpRetriesExhaustedException(
        request.method(),
        Urls.redact(request.url()),
        cause,
        trace.attempts(),
        Duration.ofNanos(trace.waitedNanos()));
  }

  private static HttpRetriesExhaustedException exhausted(
      Request request, RetryTrace trace, Response response) {
    String body;
    try (response) {
      body = readCapped(response.body());
    } catch (IOException | RuntimeException e) {
      body = "";
    }
    long retryAfter = trace.retryAfterNanos();
    return new HttpRetriesExhaustedException(
        request.method(),
        Urls.redact(request.url()),
        response.code(),
        trace.attempts(),
        Duration.ofNanos(trace.waitedNanos()),
        body,
        retryAfter < 0 ? null : Duration.ofNanos(retryAfter));
  }

  private static String readCapped(ResponseBody body) throws IOException {
    BufferedSource source = body.source();
    // A UTF-8 char is at most 4 bytes: read enough bytes for the cap, then cut by characters.
    long limit = 4L * HttpRetriesExhaustedException.MAX_BODY_CHARS;
    source.request(limit);
    long available = Math.min(limit, source.getBuffer().size());
    MediaType contentType = body.contentType();
    Charset charset =
        contentType == null ? UTF_8 : requireNonNull(contentType.charset(UTF_8), "charset");
    String text = source.readString(available, charset);
    return text.length() > HttpRetriesExhaustedException.MAX_BODY_CHARS
        ? text.substring(0, HttpRetriesExhaustedException.MAX_BODY_CHARS)
        : text;
  }

  /**
   * Returns a snapshot of the counters; see {@link HttpPoolStats} for what each one counts.
   *
   * @return the snapshot
   */
  public HttpPoolStats stats() {
    return recorder.snapshot(client.connectionPool());
  }

  /**
   * Returns whether {@link #close()} was called.
   *
   * @return true once closed
   */
  public boolean isClosed() {
    return closed.get();
  }

  /**
   * Closes the pool: refuses new calls through the execute helpers, stops the dispatcher's threads
   * once running calls finish (queued asynchronous calls are cancelled), and closes idle
   * connections. Calls in progress finish normally. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Dispatcher dispatcher = client.dispatcher();
    for (Call queued : dispatcher.queuedCalls()) {
      queued.cancel();
    }
    executor.shutdown();
    interrupts.close();
    client.connectionPool().evictAll();
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("HttpPool is closed");
    }
  }

  @Override
  public String toString() {
    return "HttpPool{closed=" + closed.get() + ", " + config + '}';
  }
}
