package ai.vaultgemma.core.tier;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A loopback TCP proxy to a target server that a test switches between three behaviours, to play a
 * database that goes away in the two ways that matter and comes back:
 *
 * <ul>
 *   <li>{@link #forward()}: relays bytes both ways (the normal state);
 *   <li>{@link #refuse()}: closes every relayed connection and stops listening, so new connections
 *       are refused by the kernel ({@code Connection refused}), as for a stopped server;
 *   <li>{@link #swallow()}: keeps every connection open and accepts new ones, but relays nothing
 *       (bytes are read and discarded), as for a hung server or a network that drops packets: the
 *       client waits for answers that never come.
 * </ul>
 *
 * Going back to {@link #forward()} after {@link #swallow()} closes the swallowed connections (they
 * lost bytes, so the client must see them fail). Thread-safe; the port stays the same throughout.
 */
final class TcpForwarder implements AutoCloseable {

  private enum Mode {
    FORWARD,
    REFUSE,
    SWALLOW
  }

  private final String targetHost;
  private final int targetPort;
  private final int port;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "test-forwarder");
            t.setDaemon(true);
            return t;
          });
  private volatile Mode mode = Mode.FORWARD;
  private volatile ServerSocket server;
  private volatile boolean closed;

  TcpForwarder(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.server = listen(0);
    this.port = server.getLocalPort();
    ServerSocket s = server;
    threads.execute(() -> acceptLoop(s));
  }

  int port() {
    return port;
  }

  /** Relays again; connections that were swallowed are closed first. */
  synchronized void forward() throws IOException {
    Mode was = mode;
    if (was == Mode.SWALLOW) {
      closeAll();
    }
    if (was == Mode.REFUSE) {
      ServerSocket s = listen(port);
      server = s;
      threads.execute(() -> acceptLoop(s));
    }
    mode = Mode.FORWARD;
  }

  /** Stops listening and closes every connection: new connections are refused. */
  synchronized void refuse() throws IOException {
    if (mode == Mode.REFUSE) {
      return;
    }
    mode = Mode.REFUSE;
    server.close();
    closeAll();
  }

  /** Keeps and accepts connections but answers nothing. */
  synchronized void swallow() throws IOException {
    if (mode == Mode.REFUSE) {
      forward();
    }
    mode = Mode.SWALLOW;
  }

  /** As before the modes existed: every connection is closed, new ones are refused. */
  void cut() {
    try {
      refuse();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** As before the modes existed: nothing is relayed any more. */
  void stall() {
    try {
      swallow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** As before the modes existed: relays again. */
  void restore() {
    try {
      forward();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    mode = Mode.REFUSE;
    server.close();
    closeAll();
    threads.shutdownNow();
    try {
      if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
        throw new IllegalStateException("forwarder threads did not stop");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping the forwarder", e);
    }
  }

  private static ServerSocket listen(int port) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
    return s;
  }

  private void acceptLoop(ServerSocket s) {
    while (!s.isClosed() && !closed) {
      Socket client;
      try {
        client = s.accept();
      } catch (IOException e) {
        return; // closed: refusing, or the forwarder is closed
      }
      sockets.add(client);
      if (mode == Mode.SWALLOW) {
        threads.execute(() -> pump(client, null));
        continue;
      }
      try {
        Socket upstream = new Socket(targetHost, targetPort);
        sockets.add(upstream);
        threads.execute(() -> pump(client, upstream));
        threads.execute(() -> pump(upstream, client));
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  /** Copies {@code from} to {@code to} while forwarding; discards while swallowing. */
  private void pump(Socket from, @Nullable Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream()) {
      @Nullable OutputStream out = to == null ? null : to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) != -1) {
        if (out != null && mode == Mode.FORWARD) {
          out.write(buffer, 0, n);
          out.flush();
        }
      }
    } catch (IOException e) {
      // Either side closed: end the pair.
    } finally {
      closeQuietly(from);
      if (to != null) {
        closeQuietly(to);
      }
    }
  }

  private void closeAll() {
    for (Socket s : sockets) {
      closeQuietly(s);
    }
  }

  private void closeQuietly(Socket s) {
    sockets.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
