package ai.vaultgemma.pool;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ai.vaultgemma.pool.internal.FollowUpGuard;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The retry policy is the only source of re-sends: the number of requests a server sees is the
 * number the policy allows, and {@link HttpPoolStats} counts each of them.
 */
class HttpPoolWireRetryTest {
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

  private HttpPool pool(RetryPolicy.Builder policy) {
    HttpPool pool = HttpPool.create(HttpPoolConfig.builder().retryPolicy(policy.build()).build());
    pools.add(pool);
    return pool;
  }

  private RetryPolicy.Builder none() {
    return time.policy().maxRetries(0);
  }

  private static MockResponse status(int code, String retryAfter) {
    MockResponse.Builder builder = new MockResponse.Builder().code(code).body("status " + code);
    if (retryAfter != null) {
      builder.addHeader("Retry-After", retryAfter);
    }
    return builder.build();
  }

  /** Calls through the raw client, which hands back the last response instead of throwing. */
  private static Response rawCall(HttpPool pool, HttpUrl url) throws IOException {
    return pool.okHttpClient().newCall(new Request.Builder().url(url).build()).execute();
  }

  private static void assertWire(HttpPool pool, long calls, long attempts, long retries) {
    HttpPoolStats stats = pool.stats();
    assertThat(stats.requestCount()).as("calls").isEqualTo(calls);
    assertThat(stats.attemptCount()).as("attempts on the wire").isEqualTo(attempts);
    assertThat(stats.retryCount()).as("retries").isEqualTo(retries);
  }

  @Test
  void noRetriesSendsA503WithRetryAfterZeroOnce() throws Exception {
    HttpPool pool = pool(none());
    server.enqueue(status(503, "0"));
    server.enqueue(status(200, null));
    try (Response response = rawCall(pool, server.url("/v1/chat/completions"))) {
      assertThat(response.code()).isEqualTo(503);
      assertThat(response.header("Retry-After")).as("the caller sees it as sent").isEqualTo("0");
      assertThat(response.header(FollowUpGuard.HIDDEN_HEADER)).isNull();
      assertThat(response.body().string()).isEqualTo("status 503");
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertWire(pool, 1, 1, 0);
  }

  @Test
  void noRetriesSendsA408OnceWithOrWithoutRetryAfter() throws Exception {
    HttpPool pool = pool(none());
    server.enqueue(status(408, null));
    server.enqueue(status(408, "0"));
    server.enqueue(status(200, null));
    server.enqueue(status(200, null));
    try (Response response = rawCall(pool, server.url("/a"))) {
      assertThat(response.code()).isEqualTo(408);
    }
    try (Response response = rawCall(pool, server.url("/b"))) {
      assertThat(response.code()).isEqualTo(408);
      assertThat(response.header("Retry-After")).isEqualTo("0");
    }
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertWire(pool, 2, 2, 0);
  }

  @Test
  void noRetriesThroughTheExecuteHelpersSendsOnceSyncAndAsync() throws Exception {
    HttpPool pool = pool(none());
    for (int i = 0; i < 4; i++) {
      server.enqueue(status(503, "0"));
    }
    Request request = new Request.Builder().url(server.url("/x")).build();
    assertThatThrownBy(() -> pool.execute(request))
        .isInstanceOfSatisfying(
            HttpRetriesExhaustedException.class,
            e -> {
              assertThat(e.attempts()).isEqualTo(1);
              assertThat(e.retryAfter()).hasValue(Duration.ZERO);
            });
    CompletableFuture<Response> async = pool.executeAsync(request);
    assertThatThrownBy(() -> async.get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(HttpRetriesExhaustedException.class);
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertWire(pool, 2, 2, 0);
  }

  @Test
  void theDefaultPolicySendsA503WithRetryAfterZeroFourTimesNotEight() throws Exception {
    HttpPool pool = pool(time.policy());
    for (int i = 0; i < 8; i++) {
      server.enqueue(status(503, "0"));
    }
    try (Response response = rawCall(pool, server.url("/v1/chat/completions"))) {
      assertThat(response.code()).isEqualTo(503);
      assertThat(response.header("Retry-After")).isEqualTo("0");
    }
    assertThat(server.getRequestCount()).isEqualTo(1 + RetryPolicy.DEFAULT_MAX_RETRIES);
    assertWire(pool, 1, 4, 3);
    assertThat(time.waits).as("Retry-After 0 means no wait").isEmpty();
  }

  @Test
  void theDefaultPolicySendsA408FourTimesAndWaitsAsAsked() throws Exception {
    HttpPool pool = pool(time.policy());
    for (int i = 0; i < 3; i++) {
      server.enqueue(status(408, "1"));
    }
    server.enqueue(status(200, null));
    try (Response response = rawCall(pool, server.url("/slow"))) {
      assertThat(response.code()).isEqualTo(200);
    }
    assertThat(server.getRequestCount()).isEqualTo(4);
    assertWire(pool, 1, 4, 3);
    assertThat(time.waits)
        .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  @Test
  void aRefusedConnectionIsRetriedByThePolicyButNeverReachesTheWire() throws Exception {
    MockWebServer closed = new MockWebServer();
    closed.start();
    HttpUrl url = closed.url("/refused");
    closed.close();
    HttpPool pool = pool(time.policy());
    assertThatThrownBy(() -> pool.execute(new Request.Builder().url(url).build()))
        .isInstanceOf(HttpRetriesExhaustedException.class);
    assertWire(pool, 1, 0, 3);
  }

  @Test
  void aConnectionResetAfterTheRequestIsSentOnceWithoutRetries() throws Exception {
    try (RawServer raw = new RawServer(Drop.RESET)) {
      HttpPool pool = pool(none());
      assertThatThrownBy(() -> rawCall(pool, raw.url())).isInstanceOf(IOException.class);
      assertThat(raw.requests.get()).isEqualTo(1);
      assertWire(pool, 1, 1, 0);
    }
  }

  @Test
  void aDisconnectAfterTheRequestIsSentOnceUnderTheDefaultPolicy() throws Exception {
    // The default policy does not re-send a request the server may have processed.
    try (RawServer raw = new RawServer(Drop.CLOSE)) {
      HttpPool pool = pool(time.policy());
      assertThatThrownBy(() -> rawCall(pool, raw.url())).isInstanceOf(IOException.class);
      assertThat(raw.requests.get()).isEqualTo(1);
      assertWire(pool, 1, 1, 0);
    }
  }

  @Test
  void aConnectionResetIsResentExactlyAsOftenAsThePolicyAllows() throws Exception {
    try (RawServer raw = new RawServer(Drop.RESET)) {
      HttpPool pool = pool(time.policy().maxRetries(2).retryOnIoFailure(true));
      assertThatThrownBy(() -> pool.execute(new Request.Builder().url(raw.url()).build()))
          .isInstanceOfSatisfying(
              HttpRetriesExhaustedException.class, e -> assertThat(e.attempts()).isEqualTo(3));
      assertThat(raw.requests.get()).isEqualTo(3);
      assertWire(pool, 1, 3, 2);
    }
  }

  @Test
  void theDefaultDispatcherDoesNotCapConcurrentCallsToOneHost() throws Exception {
    int calls = 50; // OkHttp's own per-host default is 5, the old pool default 10
    AtomicInteger concurrent = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            concurrent.incrementAndGet();
            try {
              release.await(10, TimeUnit.SECONDS);
              return new MockResponse.Builder().body("ok").build();
            } finally {
              concurrent.decrementAndGet();
            }
          }
        });
    HttpPool pool = HttpPool.create(HttpPoolConfig.defaults());
    pools.add(pool);
    assertThat(pool.okHttpClient().dispatcher().getMaxRequestsPerHost())
        .isEqualTo(HttpPoolConfig.DEFAULT_MAX_REQUESTS_PER_HOST);
    List<CompletableFuture<Response>> futures = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      futures.add(pool.executeAsync(new Request.Builder().url(server.url("/" + i)).build()));
    }
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> concurrent.get() == calls);
      assertThat(pool.okHttpClient().dispatcher().queuedCallsCount()).isZero();
    } finally {
      release.countDown();
    }
    for (CompletableFuture<Response> future : futures) {
      try (Response response = future.get(10, TimeUnit.SECONDS)) {
        assertThat(response.code()).isEqualTo(200);
      }
    }
    assertWire(pool, calls, calls, 0);
  }

  @Test
  void aPooledConnectionTheServerDroppedIsResentOnceAsACountedRetry() throws Exception {
    try (RawServer raw = new RawServer(Drop.AFTER_ONE_ANSWER)) {
      HttpPool pool = pool(time.policy());
      try (Response first = rawCall(pool, raw.url())) {
        assertThat(first.body().string()).isEqualTo("ok");
      }
      // The second call takes the pooled connection, which the server drops after reading the
      // request; the policy re-sends it on a new connection.
      try (Response second = rawCall(pool, raw.url())) {
        assertThat(second.body().string()).isEqualTo("ok");
      }
      assertThat(raw.requests.get()).isEqualTo(3);
      assertWire(pool, 2, 3, 1);
      assertThat(time.waits).hasSize(1);
    }
  }

  @Test
  void aPooledConnectionTheServerDroppedIsNotResentWithoutRetries() throws Exception {
    for (RetryPolicy.Builder policy :
        List.of(none(), time.policy().retryOnStaleConnection(false))) {
      try (RawServer raw = new RawServer(Drop.AFTER_ONE_ANSWER)) {
        HttpPool pool = pool(policy);
        try (Response first = rawCall(pool, raw.url())) {
          assertThat(first.body().string()).isEqualTo("ok");
        }
        assertThatThrownBy(() -> rawCall(pool, raw.url()))
            .isInstanceOf(IOException.class)
            .isNotInstanceOf(ai.vaultgemma.pool.internal.StaleConnectionException.class);
        assertThat(raw.requests.get()).isEqualTo(2);
        assertWire(pool, 2, 2, 0);
      }
    }
  }

  /** How {@link RawServer} drops a connection. */
  private enum Drop {
    /** After reading a request: a TCP reset. */
    RESET,
    /** After reading a request: an orderly close (the client reads end of stream). */
    CLOSE,
    /** Answers the first request on a connection and keeps it; drops it after the second. */
    AFTER_ONE_ANSWER
  }

  /**
   * A loopback HTTP server that reads each request's head, counts it and drops the connection as
   * {@link Drop} says. One accepting thread serving one connection at a time, ended by {@link
   * #close()}.
   */
  private static final class RawServer implements AutoCloseable {
    final AtomicInteger requests = new AtomicInteger();
    private final ServerSocket socket;
    private final Thread thread;
    private volatile @Nullable Socket current;

    RawServer(Drop drop) throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      thread =
          new Thread(
              () -> {
                while (!socket.isClosed()) {
                  try (Socket client = socket.accept()) {
                    current = client;
                    readHead(client.getInputStream());
                    requests.incrementAndGet();
                    if (drop == Drop.AFTER_ONE_ANSWER) {
                      OutputStream out = client.getOutputStream();
                      out.write(
                          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(US_ASCII));
                      out.flush();
                      readHead(client.getInputStream());
                      requests.incrementAndGet();
                    }
                    if (drop == Drop.RESET) {
                      client.setSoLinger(true, 0); // close sends RST
                    }
                  } catch (IOException e) {
                    // closed by close(), or the client went away: accept the next one
                  }
                }
              },
              "raw-loopback-server");
      thread.setDaemon(true);
      thread.start();
    }

    HttpUrl url() {
      return new HttpUrl.Builder()
          .scheme("http")
          .host(socket.getInetAddress().getHostAddress())
          .port(socket.getLocalPort())
          .addPathSegment("v1")
          .build();
    }

    private static void readHead(InputStream in) throws IOException {
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          throw new SocketException("end of stream in request head: " + head);
        }
        head.append(new String(new byte[] {(byte) b}, US_ASCII));
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
      Socket client = current;
      if (client != null) {
        client.close(); // a kept-alive connection would hold the thread in a read
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> !thread.isAlive());
    }
  }
}
