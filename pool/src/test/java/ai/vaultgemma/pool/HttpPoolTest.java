package ai.vaultgemma.pool;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpPoolTest {
  private static final MediaType JSON = MediaType.get("application/json");

  private final MockWebServer server = new MockWebServer();
  private final HttpTestTime time = new HttpTestTime();
  private final List<HttpPool> pools = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server.start();
  }

  @AfterEach
  void stop() {
    pools.forEach(HttpPool::close);
    server.close();
  }

  private HttpPool pool(HttpPoolConfig.Builder config) {
    return pool(config, HttpEventListener.NONE);
  }

  private HttpPool pool(HttpPoolConfig.Builder config, HttpEventListener listener) {
    HttpPool pool = HttpPool.create(config.build(), listener);
    pools.add(pool);
    return pool;
  }

  private HttpPool poolWithFakeTime() {
    return pool(HttpPoolConfig.builder().retryPolicy(time.policy().build()));
  }

  private Request get(String path) {
    return new Request.Builder().url(server.url(path)).build();
  }

  private static MockResponse status(int code) {
    return new MockResponse.Builder().code(code).body("status " + code).build();
  }

  @Test
  void sequentialRequestsReuseOneConnection() throws Exception {
    HttpPool pool = poolWithFakeTime();
    for (int i = 0; i < 100; i++) {
      server.enqueue(new MockResponse.Builder().body("ok " + i).build());
    }
    for (int i = 0; i < 100; i++) {
      try (Response response = pool.execute(get("/v1/models"))) {
        assertThat(response.body().string()).isEqualTo("ok " + i);
      }
    }
    for (int i = 0; i < 100; i++) {
      assertThat(server.takeRequest().getConnectionIndex()).isZero();
    }
    HttpPoolStats stats = pool.stats();
    assertThat(stats.requestCount()).isEqualTo(100);
    assertThat(stats.successCount()).isEqualTo(100);
    assertThat(stats.failureCount()).isZero();
    assertThat(stats.successRate()).isEqualTo(1.0);
    assertThat(stats.connectionsOpened()).isEqualTo(1);
    assertThat(stats.connectionsReused()).isEqualTo(99);
    assertThat(stats.reuseRatio()).isEqualTo(0.99);
    assertThat(stats.inFlight()).isZero();
    assertThat(stats.openConnections()).isEqualTo(1);
    assertThat(stats.idleConnections()).isEqualTo(1);
    assertThat(stats.averageLatencyMillis()).isPositive();
    assertThat(stats.p50LatencyMillis()).isPositive();
    assertThat(stats.p99LatencyMillis()).isGreaterThanOrEqualTo(stats.p50LatencyMillis());
  }

  @Test
  void concurrentCallsNeverExceedThePerHostLimitAtTheServer() throws Exception {
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger maxConcurrent = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            try {
              release.await(10, TimeUnit.SECONDS);
              return new MockResponse.Builder().body("ok").build();
            } finally {
              concurrent.decrementAndGet();
            }
          }
        });
    HttpPool pool =
        pool(
            HttpPoolConfig.builder()
                .maxRequests(8)
                .maxRequestsPerHost(2)
                .retryPolicy(time.policy().build()));
    List<CompletableFuture<Response>> futures = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      futures.add(pool.executeAsync(get("/slow/" + i)));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> concurrent.get() == 2);
    assertThat(pool.okHttpClient().dispatcher().queuedCallsCount()).isEqualTo(4);
    // Hold the server busy for a while: the limit must hold for the whole time.
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> concurrent.get() <= 2);
    release.countDown();
    for (CompletableFuture<Response> future : futures) {
      try (Response response = future.get(5, TimeUnit.SECONDS)) {
        assertThat(response.body().string()).isEqualTo("ok");
      }
    }
    assertThat(maxConcurrent.get()).isEqualTo(2);
    assertThat(server.getRequestCount()).isEqualTo(6);
  }

  @Test
  void twoServiceUnavailableThenOkSucceedsWithTwoRetries() throws Exception {
    HttpPool pool = poolWithFakeTime();
    server.enqueue(status(503));
    server.enqueue(status(503));
    server.enqueue(new MockResponse.Builder().body("answer").build());
    try (Response response =
        pool.execute(
            new Request.Builder()
                .url(server.url("/v1/chat/completions"))
                .post(RequestBody.create("{\"model\":\"m\"}", JSON))
                .build())) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.body().string()).isEqualTo("answer");
    }
    assertThat(server.getRequestCount()).isEqualTo(3);
    for (int i = 0; i < 3; i++) {
      assertThat(server.takeRequest().getBody().utf8()).isEqualTo("{\"model\":\"m\"}");
    }
    // backoff 100 ms then 200 ms, each with jitter 0.5
    assertThat(time.waits).containsExactly(Duration.ofMillis(50), Duration.ofMillis(100));
    HttpPoolStats stats = pool.stats();
    assertThat(stats.retryCount()).isEqualTo(2);
    assertThat(stats.requestCount()).isEqualTo(1);
    assertThat(stats.successCount()).isEqualTo(1);
  }

  @Test
  void badRequestAndUnauthorizedAreNotRetried() throws Exception {
    HttpPool pool = poolWithFakeTime();
    server.enqueue(status(400));
    server.enqueue(status(401));
    try (Response response = pool.execute(get("/a"))) {
      assertThat(response.code()).isEqualTo(400);
      assertThat(response.body().string()).isEqualTo("status 400");
    }
    try (Response response = pool.execute(get("/b"))) {
      assertThat(response.code()).isEqualTo(401);
    }
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(time.waits).isEmpty();
    assertThat(pool.stats().retryCount()).isZero();
    assertThat(pool.stats().failureCount()).isEqualTo(2);
  }

  @Test
  void exhaustedRetriesThrowTheTypedExceptionWithFourAttempts() {
    HttpPool pool = poolWithFakeTime();
    for (int i = 0; i < 4; i++) {
      server.enqueue(
          new MockResponse.Builder()
              .code(503)
              .body("{\"error\":{\"message\":\"overloaded " + i + "\"}}")
              .build());
    }
    assertThatThrownBy(() -> pool.execute(get("/v1/chat/completions")))
        .isInstanceOfSatisfying(
            HttpRetriesExhaustedException.class,
            e -> {
              assertThat(e.attempts()).isEqualTo(4);
              assertThat(e.lastStatus()).hasValue(503);
              assertThat(e.totalWaited()).isEqualTo(Duration.ofMillis(50 + 100 + 200));
              assertThat(e.lastResponseBody())
                  .isEqualTo("{\"error\":{\"message\":\"overloaded 3\"}}");
              assertThat(e.retryAfter()).isEmpty();
              assertThat(e.getCause()).isNull();
              assertThat(e)
                  .hasMessage(
                      "GET http://"
                          + server.getHostName()
                          + ":"
                          + server.getPort()
                          + "/... failed after 4 attempts (last status 503, waited 350 ms)");
            });
    assertThat(server.getRequestCount()).isEqualTo(4);
    assertThat(pool.stats().retryCount()).isEqualTo(3);
    assertThat(pool.stats().failureCount()).isEqualTo(1);
    assertThat(pool.stats().inFlight()).isZero();
  }

  @Test
  void exhaustedRetriesThroughTheRawClientHandBackTheLastResponse() throws Exception {
    HttpPool pool = poolWithFakeTime();
    for (int i = 0; i < 4; i++) {
      server.enqueue(
          new MockResponse.Builder()
              .code(429)
              .addHeader("Retry-After", "1")
              .body("slow down " + i)
              .build());
    }
    try (Response response = pool.okHttpClient().newCall(get("/raw")).execute()) {
      assertThat(response.code()).isEqualTo(429);
      assertThat(response.header("Retry-After")).isEqualTo("1");
      assertThat(response.body().string()).isEqualTo("slow down 3");
    }
    assertThat(time.waits)
        .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  @Test
  void exhaustedRetriesCompleteTheAsyncFutureWithTheTypedException() {
    HttpPool pool = poolWithFakeTime();
    for (int i = 0; i < 4; i++) {
      server.enqueue(status(502));
    }
    CompletableFuture<Response> future = pool.executeAsync(get("/async"));
    assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            HttpRetriesExhaustedException.class,
            e -> {
              assertThat(e.attempts()).isEqualTo(4);
              assertThat(e.lastStatus()).hasValue(502);
              assertThat(e.lastResponseBody()).isEqualTo("status 502");
            });
  }

  @Test
  void retryAfterSecondsIsWaitedExactly() throws Exception {
    assertServerWait(
        new MockResponse.Builder().code(429).addHeader("Retry-After", "2").build(),
        HttpPoolConfig.builder(),
        Duration.ofSeconds(2));
  }

  @Test
  void retryAfterHttpDateIsWaitedUntilThatDate() throws Exception {
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            HttpTestTime.START.plusSeconds(7).atOffset(ZoneOffset.UTC));
    assertServerWait(
        new MockResponse.Builder().code(503).addHeader("Retry-After", date).build(),
        HttpPoolConfig.builder(),
        Duration.ofSeconds(7));
  }

  @Test
  void retryAfterMsWinsOverRetryAfter() throws Exception {
    assertServerWait(
        new MockResponse.Builder()
            .code(429)
            .addHeader("retry-after-ms", "1500")
            .addHeader("Retry-After", "2")
            .build(),
        HttpPoolConfig.builder(),
        Duration.ofMillis(1500));
  }

  @Test
  void aDayLongRetryAfterIsCappedAtMaxServerWait() throws Exception {
    assertServerWait(
        new MockResponse.Builder().code(429).addHeader("Retry-After", "86400").build(),
        HttpPoolConfig.builder()
            .retryPolicy(time.policy().maxServerWait(Duration.ofSeconds(10)).build()),
        Duration.ofSeconds(10));
  }

  private void assertServerWait(
      MockResponse first, HttpPoolConfig.Builder config, Duration expected) throws Exception {
    if (config.build().retryPolicy() == RetryPolicy.defaults()) {
      config.retryPolicy(time.policy().build());
    }
    HttpPool pool = pool(config);
    server.enqueue(first);
    server.enqueue(new MockResponse.Builder().body("ok").build());
    try (Response response = pool.execute(get("/wait"))) {
      assertThat(response.code()).isEqualTo(200);
    }
    assertThat(time.waits).containsExactly(expected);
  }

  @Test
  void aWaitThatWouldPassTheCallDeadlineIsNotStarted() {
    HttpPool pool =
        pool(
            HttpPoolConfig.builder()
                .callTimeout(Duration.ofSeconds(3))
                .retryPolicy(time.policy().build()));
    server.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", "5").build());
    assertThatThrownBy(() -> pool.execute(get("/deadline")))
        .isInstanceOfSatisfying(
            HttpRetriesExhaustedException.class,
            e -> {
              assertThat(e.attempts()).isEqualTo(1);
              assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(5));
              assertThat(e.totalWaited()).isZero();
            });
    assertThat(time.waits).isEmpty();
  }

  @Test
  void theRetryBudgetBoundsTheSumOfWaits() {
    HttpPool pool =
        pool(
            HttpPoolConfig.builder()
                .retryPolicy(
                    time.policy()
                        .maxRetries(10)
                        .fullJitter(false)
                        .backoff(RetryPolicy.Backoff.fixed(Duration.ofSeconds(1)))
                        .retryBudget(Duration.ofMillis(2500))
                        .build()));
    for (int i = 0; i < 4; i++) {
      server.enqueue(status(500));
    }
    assertThatThrownBy(() -> pool.execute(get("/budget")))
        .isInstanceOfSatisfying(
            HttpRetriesExhaustedException.class, e -> assertThat(e.attempts()).isEqualTo(3));
    assertThat(time.waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  @Test
  void aCancelledCallStopsRetrying() {
    AtomicReference<@Nullable Call> call = new AtomicReference<>();
    HttpPool pool =
        pool(
            HttpPoolConfig.builder()
                .retryPolicy(
                    time.policy()
                        .sleeper(
                            wait -> {
                              time.sleep(wait);
                              Call c = call.get();
                              if (c != null) {
                                c.cancel();
                              }
                            })
                        .build()));
    for (int i = 0; i < 4; i++) {
      server.enqueue(status(503));
    }
    Call c = pool.okHttpClient().newCall(get("/cancel"));
    call.set(c);
    assertThatThrownBy(c::execute).isInstanceOf(IOException.class).hasMessage("Canceled");
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(time.waits).hasSize(1);
  }

  @Test
  void cancellingDuringARealBackoffWakesTheWaitingCallUp() throws Exception {
    CountDownLatch retryScheduled = new CountDownLatch(1);
    HttpPool pool =
        pool(
            HttpPoolConfig.builder()
                .retryPolicy(
                    RetryPolicy.builder()
                        .fullJitter(false)
                        .backoff(RetryPolicy.Backoff.fixed(Duration.ofSeconds(20)))
                        .build()),
            new HttpEventListener() {
              @Override
              public void retryScheduled(
                  String method,
                  String redactedUrl,
                  int attempt,
                  int status,
                  @Nullable IOException failure,
                  Duration wait) {
                retryScheduled.countDown();
              }
            });
    server.enqueue(status(503));
    CompletableFuture<Response> future = pool.executeAsync(get("/long-wait"));
    assertThat(retryScheduled.await(5, TimeUnit.SECONDS)).isTrue();
    long start = System.nanoTime();
    future.cancel(true);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> pool.okHttpClient().dispatcher().runningCallsCount() == 0);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void cancellingTheAsyncFutureCancelsTheCall() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            release.await(10, TimeUnit.SECONDS);
            return new MockResponse.Builder().body("late").build();
          }
        });
    HttpPool pool = poolWithFakeTime();
    CompletableFuture<Response> future = pool.executeAsync(get("/never"));
    await().until(() -> pool.okHttpClient().dispatcher().runningCallsCount() == 1);
    future.cancel(true);
    await().until(() -> pool.okHttpClient().dispatcher().runningCallsCount() == 0);
    release.countDown();
    assertThat(pool.stats().failureCount()).isEqualTo(1);
  }

  @Test
  void connectionRefusedIsRetriedThenReportedWithTheIoCause() throws Exception {
    MockWebServer closed = new MockWebServer();
    closed.start();
    okhttp3.HttpUrl url = closed.url("/refused");
    closed.close();
    HttpPool pool = poolWithFakeTime();
    assertThatThrownBy(() -> pool.execute(new Request.Builder().url(url).build()))
        .isInstanceOfSatisfying(
            HttpRetriesExhaustedException.class,
            e -> {
              assertThat(e.attempts()).isEqualTo(4);
              assertThat(e.lastStatus()).isEmpty();
              assertThat(e.getCause()).isInstanceOf(ConnectException.class);
              assertThat(e.getMessage()).contains("last failure ConnectException");
            });
    assertThat(time.waits).hasSize(3);
    assertThat(pool.stats().failureCount()).isEqualTo(1);
    assertThat(pool.stats().retryCount()).isEqualTo(3);
  }

  @Test
  void aResetMidBodyFailsTheReadAndCountsAsFailure() throws Exception {
    HttpPool pool = poolWithFakeTime();
    server.enqueue(
        new MockResponse.Builder()
            .body("x".repeat(256 * 1024))
            .onResponseBody(new SocketEffect.CloseSocket(true, false, false))
            .build());
    try (Response response = pool.execute(get("/reset"))) {
      assertThat(response.code()).isEqualTo(200);
      assertThatThrownBy(() -> response.body().string()).isInstanceOf(IOException.class);
    }
    await().until(() -> pool.stats().failureCount() == 1);
    assertThat(pool.stats().successCount()).isZero();
    assertThat(time.waits).isEmpty();
  }

  @Test
  void aStreamThatFallsSilentFailsAfterTheStreamIdleTimeout() throws Exception {
    HttpPool pool =
        pool(
            HttpPoolConfig.builder()
                .streamIdleTimeout(Duration.ofMillis(300))
                .retryPolicy(time.policy().build()));
    server.enqueue(
        new MockResponse.Builder()
            .body("data: 1\n\ndata: 2\n\n")
            .throttleBody(9, 3, TimeUnit.SECONDS)
            .build());
    try (Response response = pool.executeStreaming(get("/sse"))) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.body().source().readUtf8Line()).isEqualTo("data: 1");
      assertThatThrownBy(() -> response.body().string()).isInstanceOf(SocketTimeoutException.class);
    }
  }

  @Test
  void aSlowSteadyStreamOutlivesTheCallTimeoutOnTheStreamingClient() throws Exception {
    HttpPool pool =
        pool(
            HttpPoolConfig.builder()
                .callTimeout(Duration.ofMillis(400))
                .streamIdleTimeout(Duration.ofSeconds(5))
                .retryPolicy(time.policy().build()));
    String body = "data: tok\n\n".repeat(10);
    MockResponse slow =
        new MockResponse.Builder().body(body).throttleBody(11, 100, MILLISECONDS).build();
    server.enqueue(slow);
    server.enqueue(slow);
    long start = System.nanoTime();
    try (Response response = pool.executeStreaming(get("/stream"))) {
      assertThat(response.body().string()).isEqualTo(body);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("the stream ran longer than the call timeout")
        .isGreaterThan(Duration.ofMillis(400));
    // The same stream through the ordinary client is cut by its call timeout.
    assertThatThrownBy(
            () -> {
              try (Response response = pool.execute(get("/stream"))) {
                response.body().string();
              }
            })
        .isInstanceOf(InterruptedIOException.class);
  }

  @Test
  void secretsNeverReachExceptionsListenersOrToString() {
    List<String> seen = new CopyOnWriteArrayList<>();
    HttpPool pool =
        pool(
            HttpPoolConfig.builder().retryPolicy(time.policy().maxRetries(1).build()),
            new HttpEventListener() {
              @Override
              public void retryScheduled(
                  String method,
                  String redactedUrl,
                  int attempt,
                  int status,
                  @Nullable IOException failure,
                  Duration wait) {
                seen.add(method + " " + redactedUrl + " " + attempt + " " + status + " " + wait);
              }

              @Override
              public void callEnd(String method, String redactedUrl, int status, long latency) {
                seen.add(method + " " + redactedUrl + " " + status);
              }
            });
    server.enqueue(status(503));
    server.enqueue(status(503));
    Request request =
        new Request.Builder()
            .url(server.url("/v1/chat?api_key=sk-secret-in-query"))
            .header("Authorization", "Bearer sk-secret-header")
            .build();
    assertThatThrownBy(() -> pool.execute(request))
        .isInstanceOf(HttpRetriesExhaustedException.class)
        .satisfies(
            e ->
                assertThat(e.toString())
                    .doesNotContain("sk-secret")
                    .doesNotContain("Authorization"));
    String base = "http://" + server.getHostName() + ":" + server.getPort() + "/...";
    assertThat(seen).containsExactly("GET " + base + " 1 503 PT0.05S", "GET " + base + " 503");
    assertThat(pool.toString() + pool.stats() + pool.config()).doesNotContain("sk-secret");
  }

  @Test
  void aThrowingListenerDoesNotBreakTheCall() throws Exception {
    HttpPool pool =
        pool(
            HttpPoolConfig.builder().retryPolicy(time.policy().build()),
            new HttpEventListener() {
              @Override
              public void callEnd(String method, String redactedUrl, int status, long latency) {
                throw new IllegalStateException("listener bug");
              }
            });
    server.enqueue(new MockResponse.Builder().body("fine").build());
    try (Response response = pool.execute(get("/x"))) {
      assertThat(response.body().string()).isEqualTo("fine");
    }
    assertThat(pool.stats().successCount()).isEqualTo(1);
  }

  @Test
  void idleConnectionsAreClosedAfterKeepAlive() throws Exception {
    HttpPool pool =
        pool(
            HttpPoolConfig.builder()
                .keepAlive(Duration.ofMillis(200))
                .retryPolicy(time.policy().build()));
    server.enqueue(new MockResponse.Builder().body("ok").build());
    try (Response response = pool.execute(get("/idle"))) {
      response.body().string();
    }
    assertThat(pool.stats().idleConnections()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> pool.stats().openConnections() == 0);
  }

  @Test
  void withNoRetriesARetryableStatusFailsAfterOneAttempt() {
    HttpPool pool = pool(HttpPoolConfig.builder().retryPolicy(RetryPolicy.none()));
    server.enqueue(status(503));
    assertThatThrownBy(() -> pool.execute(get("/once")))
        .isInstanceOfSatisfying(
            HttpRetriesExhaustedException.class,
            e -> {
              assertThat(e.attempts()).isEqualTo(1);
              assertThat(e.totalWaited()).isZero();
              assertThat(e).hasMessageContaining("failed after 1 attempt (last status 503");
            });
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void closeLeavesNoConnectionOrThreadBehindAndIsIdempotent() throws Exception {
    HttpPool pool = poolWithFakeTime();
    for (int i = 0; i < 4; i++) {
      server.enqueue(new MockResponse.Builder().body("ok").build());
    }
    List<CompletableFuture<Response>> futures = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      futures.add(pool.executeAsync(get("/bg/" + i)));
    }
    for (CompletableFuture<Response> future : futures) {
      try (Response response = future.get(5, TimeUnit.SECONDS)) {
        response.body().string();
      }
    }
    assertThat(pool.stats().openConnections()).isPositive();
    assertThat(livePoolThreads()).isPositive();

    pool.close();
    pool.close();

    assertThat(pool.isClosed()).isTrue();
    assertThat(pool.okHttpClient().connectionPool().connectionCount()).isZero();
    assertThat(pool.stats().openConnections()).isZero();
    await().atMost(Duration.ofSeconds(5)).until(() -> livePoolThreads() == 0);
    assertThatThrownBy(() -> pool.execute(get("/after")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("HttpPool is closed");
    assertThatThrownBy(() -> pool.executeAsync(get("/after")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("HttpPool is closed");
  }

  private static long livePoolThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(HttpPool.THREAD_NAME_PREFIX))
        .count();
  }
}
