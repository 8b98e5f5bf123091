package ai.vaultgemma.pool;

import static org.assertj.core.api.Assertions.assertThat;

import ai.vaultgemma.pool.internal.NoDelaySocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ServerSocketFactory;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * TCP_NODELAY is a socket option we set, not a timing we measure: these tests check the option on
 * the sockets OkHttp really uses. The one timing check is a generous bound (a median far below the
 * 40 ms Nagle + delayed-ACK stall), so a busy machine does not make it flaky; the real numbers are
 * in the JMH benchmark.
 */
class HttpTcpNoDelayTest {

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
      throw new UnsupportedOperationException();
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
      throw new UnsupportedOperationException();
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress address)
        throws IOException {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void theFactoryTurnsNagleOffOnEverySocketItMakes() throws Exception {
    NoDelaySocketFactory factory = new NoDelaySocketFactory();
    try (Socket socket = factory.createSocket()) {
      assertThat(socket.getTcpNoDelay()).isTrue();
    }
    try (HttpPool pool = HttpPool.create(HttpPoolConfig.defaults());
        Socket socket = pool.okHttpClient().socketFactory().createSocket()) {
      assertThat(socket.getTcpNoDelay()).isTrue();
      assertThat(pool.streamingClient().socketFactory())
          .isSameAs(pool.okHttpClient().socketFactory());
    }
  }

  @Test
  void smallPostsOnAPooledConnectionDoNotStallOnNagle() throws Exception {
    try (MockWebServer server = new MockWebServer();
        HttpPool pool = HttpPool.create(HttpPoolConfig.defaults())) {
      // MockWebServer leaves Nagle on for its side; a real inference server (uvicorn, Go) turns
      // it off. Without this the server's own header/body writes would stall on our delayed ACK.
      server.setServerSocketFactory(new NoDelayServerSocketFactory());
      server.start();
      List<Boolean> noDelay = new CopyOnWriteArrayList<>();
      OkHttpClient client =
          pool.okHttpClient()
              .newBuilder()
              .addNetworkInterceptor(
                  chain -> {
                    noDelay.add(chain.connection().socket().getTcpNoDelay());
                    return chain.proceed(chain.request());
                  })
              .build();
      int calls = 21;
      for (int i = 0; i < calls; i++) {
        server.enqueue(new MockResponse.Builder().body("{}").build());
      }
      List<Long> nanos = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        Request post =
            new Request.Builder()
                .url(server.url("/v1/embeddings"))
                .post(
                    RequestBody.create(
                        "{\"input\":\"hi " + i + "\"}", MediaType.get("application/json")))
                .build();
        long start = System.nanoTime();
        try (Response response = client.newCall(post).execute()) {
          response.body().string();
        }
        if (i > 0) { // the first call pays for the connection
          nanos.add(System.nanoTime() - start);
        }
      }
      assertThat(noDelay).hasSize(calls).containsOnly(true);
      assertThat(pool.stats().connectionsOpened()).isEqualTo(1);
      Collections.sort(nanos);
      Duration median = Duration.ofNanos(nanos.get(nanos.size() / 2));
      assertThat(median).isLessThan(Duration.ofMillis(30));
    }
  }
}
