package ai.vaultgemma.benchmarks.http;

import ai.vaultgemma.pool.HttpPool;
import ai.vaultgemma.pool.HttpPoolConfig;
import ai.vaultgemma.pool.RetryPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One small JSON POST on loopback, answered by MockWebServer with a small JSON body:
 *
 * <ul>
 *   <li>{@code plainPooledOurs}: through {@link HttpPool} (retry interceptor, stats listener,
 *       TCP_NODELAY) on a kept-alive connection;
 *   <li>{@code plainPooledBareOkHttp}: a bare shared {@link OkHttpClient} with only TCP_NODELAY
 *       added, so the difference is the cost of our layer;
 *   <li>{@code plainNewConnection}: a client that keeps no idle connection, so every request opens
 *       (and closes) a TCP connection;
 *   <li>{@code tlsPooledOurs} / {@code tlsNewConnection}: the same over TLS with a test CA (HTTP/2
 *       by ALPN), where a new connection also pays a TLS handshake.
 * </ul>
 *
 * <p>Both ends set TCP_NODELAY (the server through its socket factory, as production servers do),
 * so no number includes a 40 ms Nagle and delayed-ACK stall.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HttpPoolBenchmark {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final RequestBody BODY =
      RequestBody.create("{\"model\":\"vaultgemma-1b\",\"input\":\"hello\"}", JSON);

  // Set in setUp(); JMH never calls a benchmark method before it.
  private MockWebServer plainServer;
  private MockWebServer tlsServer;
  private HttpPool ours;
  private HttpPool oursTls;
  private OkHttpClient bare;
  private OkHttpClient unpooled;
  private OkHttpClient unpooledTls;
  private Request plainRequest;
  private Request tlsRequest;

  /** Starts both servers and builds the clients. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    MockResponse answer =
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body("{\"object\":\"list\",\"data\":[]}")
            .build();
    Dispatcher constant =
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return answer;
          }
        };

    HeldCertificate ca =
        new HeldCertificate.Builder().commonName("bench CA").certificateAuthority(0).build();
    plainServer = new MockWebServer();
    plainServer.setDispatcher(constant);
    plainServer.setServerSocketFactory(new NoDelayServerSocketFactory());
    plainServer.start();
    tlsServer = new MockWebServer();
    tlsServer.setDispatcher(constant);
    tlsServer.setServerSocketFactory(new NoDelayServerSocketFactory());
    tlsServer.start();
    HeldCertificate serverCert =
        new HeldCertificate.Builder()
            .addSubjectAlternativeName(tlsServer.getHostName())
            .addSubjectAlternativeName("localhost")
            .signedBy(ca)
            .build();
    tlsServer.useHttps(
        new HandshakeCertificates.Builder()
            .heldCertificate(serverCert, ca.certificate())
            .build()
            .sslSocketFactory());

    HttpPoolConfig config = HttpPoolConfig.builder().retryPolicy(RetryPolicy.defaults()).build();
    ours = HttpPool.create(config);
    oursTls =
        HttpPool.create(config.toBuilder().trustedCertificatesPem(ca.certificatePem()).build());
    SocketFactory noDelay = ours.okHttpClient().socketFactory();
    bare = new OkHttpClient.Builder().socketFactory(noDelay).build();
    unpooled =
        new OkHttpClient.Builder()
            .socketFactory(noDelay)
            .connectionPool(new ConnectionPool(0, 1, TimeUnit.NANOSECONDS))
            .build();
    unpooledTls =
        oursTls
            .okHttpClient()
            .newBuilder()
            .connectionPool(new ConnectionPool(0, 1, TimeUnit.NANOSECONDS))
            .build();
    plainRequest = new Request.Builder().url(plainServer.url("/v1/embeddings")).post(BODY).build();
    tlsRequest = new Request.Builder().url(tlsServer.url("/v1/embeddings")).post(BODY).build();
  }

  /** MockWebServer keeps every request it saw; drop them between iterations. */
  @TearDown(Level.Iteration)
  public void drain() throws InterruptedException {
    while (plainServer.takeRequest(0, TimeUnit.MILLISECONDS) != null) {
      // drained
    }
    while (tlsServer.takeRequest(0, TimeUnit.MILLISECONDS) != null) {
      // drained
    }
  }

  /** Stops clients and servers. */
  @TearDown(Level.Trial)
  public void tearDown() {
    ours.close();
    oursTls.close();
    for (OkHttpClient client : new OkHttpClient[] {bare, unpooled}) {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
    plainServer.close();
    tlsServer.close();
  }

  /** Through our pool, on a kept-alive connection. */
  @Benchmark
  public int plainPooledOurs() throws IOException {
    try (Response response = ours.execute(plainRequest)) {
      return response.body().bytes().length;
    }
  }

  /** Through a bare shared OkHttp client (TCP_NODELAY only), on a kept-alive connection. */
  @Benchmark
  public int plainPooledBareOkHttp() throws IOException {
    try (Response response = bare.newCall(plainRequest).execute()) {
      return response.body().bytes().length;
    }
  }

  /** A new TCP connection for every request. */
  @Benchmark
  public int plainNewConnection() throws IOException {
    try (Response response = unpooled.newCall(plainRequest).execute()) {
      return response.body().bytes().length;
    }
  }

  /** Through our pool over TLS, on a kept-alive connection. */
  @Benchmark
  public int tlsPooledOurs() throws IOException {
    try (Response response = oursTls.execute(tlsRequest)) {
      return response.body().bytes().length;
    }
  }

  /** A new TCP connection and TLS handshake for every request. */
  @Benchmark
  public int tlsNewConnection() throws IOException {
    try (Response response = unpooledTls.newCall(tlsRequest).execute()) {
      return response.body().bytes().length;
    }
  }

  /** Accepts sockets with TCP_NODELAY on, as production HTTP servers do. */
  static final class NoDelayServerSocketFactory extends ServerSocketFactory {
    @Override
    public ServerSocket createServerSocket() throws IOException {
      return new ServerSocket() {
        @Override
        public Socket accept() throws IOException {
          Socket socket = super.accept();
          socket.setTcpNoDelay(true);
          return socket;
        }
      };
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
      throw new UnsupportedOperationException("unused by MockWebServer");
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
      throw new UnsupportedOperationException("unused by MockWebServer");
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress address)
        throws IOException {
      throw new UnsupportedOperationException("unused by MockWebServer");
    }
  }
}
