package ai.vaultgemma.pool.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * Makes plain sockets with {@code TCP_NODELAY} on. OkHttp 5 leaves Nagle's algorithm on, and a
 * small request written in two segments then waits for the peer's delayed ACK (about 40 ms on Linux
 * loopback). TLS sockets are layered over these, so they inherit the option.
 */
public final class NoDelaySocketFactory extends SocketFactory {
  private final SocketFactory delegate;

  /** Creates a factory over the JDK's default socket factory. */
  public NoDelaySocketFactory() {
    this(SocketFactory.getDefault());
  }

  /**
   * Creates a factory over {@code delegate}.
   *
   * @param delegate makes the sockets
   */
  public NoDelaySocketFactory(SocketFactory delegate) {
    this.delegate = delegate;
  }

  @Override
  public Socket createSocket() throws IOException {
    return noDelay(delegate.createSocket());
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return noDelay(delegate.createSocket(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return noDelay(delegate.createSocket(host, port, localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return noDelay(delegate.createSocket(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return noDelay(delegate.createSocket(address, port, localAddress, localPort));
  }

  private static Socket noDelay(Socket socket) throws IOException {
    socket.setTcpNoDelay(true);
    return socket;
  }
}
