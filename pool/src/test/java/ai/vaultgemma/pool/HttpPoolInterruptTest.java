package ai.vaultgemma.pool;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A blocking call can be interrupted: a thread stuck in a socket read does not notice an interrupt
 * by itself, so the pool cancels the call of an interrupted thread, whether it waits for the
 * headers or for the rest of a body.
 */
class HttpPoolInterruptTest {
  private ServerSocket server;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private final CountDownLatch requestRead = new CountDownLatch(1);
  private final CountDownLatch headersArrived = new CountDownLatch(1);
  private HttpPool pool;

  @BeforeEach
  void start() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    pool = HttpPool.create(HttpPoolConfig.builder().retryPolicy(RetryPolicy.none()).build());
  }

  @AfterEach
  void stop() throws IOException {
    pool.close();
    server.close();
    for (Socket s : accepted) {
      s.close();
    }
  }

  /** Accepts one connection, reads the request head, writes {@code answer}, then stays silent. */
  private void serveThenStall(String answer) {
    Thread t =
        new Thread(
            () -> {
              try {
                Socket socket = server.accept();
                accepted.add(socket);
                var in = socket.getInputStream();
                int matched = 0;
                byte[] end = "\r\n\r\n".getBytes(US_ASCII);
                while (matched < end.length) {
                  int b = in.read();
                  if (b < 0) {
                    return;
                  }
                  matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
                }
                requestRead.countDown();
                OutputStream out = socket.getOutputStream();
                out.write(answer.getBytes(US_ASCII));
                out.flush();
              } catch (IOException e) {
                // the test closed the server
              }
            },
            "stalling-server");
    t.setDaemon(true);
    t.start();
  }

  private CompletableFuture<Throwable> callOnOwnThread(Thread[] caller, boolean readBody) {
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    caller[0] =
        new Thread(
            () -> {
              Request request =
                  new Request.Builder().url("http://127.0.0.1:" + server.getLocalPort()).build();
              try (Response response = pool.okHttpClient().newCall(request).execute()) {
                headersArrived.countDown();
                if (readBody) {
                  response.body().bytes();
                }
                outcome.complete(new AssertionError("the call ended without an interrupt"));
              } catch (IOException e) {
                outcome.complete(
                    Thread.currentThread().isInterrupted()
                        ? e
                        : new AssertionError("the interrupt flag was cleared", e));
              }
            },
            "caller");
    caller[0].start();
    return outcome;
  }

  @Test
  void aCallWaitingForItsHeadersEndsWhenItsThreadIsInterrupted() throws Exception {
    serveThenStall("");
    Thread[] caller = new Thread[1];
    CompletableFuture<Throwable> outcome = callOnOwnThread(caller, false);
    assertThat(requestRead.await(10, TimeUnit.SECONDS)).isTrue();
    caller[0].interrupt();
    assertThat(outcome.get(10, TimeUnit.SECONDS))
        .isInstanceOf(InterruptedIOException.class)
        .hasMessageContaining("interrupted");
  }

  @Test
  void aCallReadingAStalledBodyEndsWhenItsThreadIsInterrupted() throws Exception {
    serveThenStall("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b");
    Thread[] caller = new Thread[1];
    CompletableFuture<Throwable> outcome = callOnOwnThread(caller, true);
    assertThat(requestRead.await(10, TimeUnit.SECONDS)).isTrue();
    // The headers have arrived: the caller is now in the body read, which stalls.
    assertThat(headersArrived.await(10, TimeUnit.SECONDS)).isTrue();
    caller[0].interrupt();
    assertThat(outcome.get(10, TimeUnit.SECONDS))
        .isInstanceOf(InterruptedIOException.class)
        .hasMessageContaining("interrupted");
  }

  @Test
  void anAlreadyInterruptedThreadSendsNothing() throws Exception {
    Request request =
        new Request.Builder().url("http://127.0.0.1:" + server.getLocalPort()).build();
    Thread.currentThread().interrupt();
    try {
      pool.okHttpClient().newCall(request).execute().close();
      throw new AssertionError("sent");
    } catch (InterruptedIOException expected) {
      assertThat(expected).hasMessageContaining("interrupted before the request was sent");
    } finally {
      assertThat(Thread.interrupted()).isTrue();
    }
    assertThat(pool.stats().attemptCount()).isZero();
  }
}
