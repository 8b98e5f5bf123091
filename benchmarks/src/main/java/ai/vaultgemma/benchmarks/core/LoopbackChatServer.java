package ai.vaultgemma.benchmarks.core;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An OpenAI-compatible server on loopback that answers every request at once with the same small
 * chat completion, so a benchmark measures the client and not the server.
 *
 * <p>Built on the JDK's {@code com.sun.net.httpserver.HttpServer} with the handler run on the
 * dispatcher thread (no hand-off). That server writes the response headers and the body in two
 * writes; without {@code -Dsun.net.httpserver.nodelay=true} Nagle's algorithm holds the second
 * write until the client's delayed ACK, about 40 ms per request. The benchmarks set the property
 * with {@code @Fork(jvmArgsAppend = ...)}; this class also sets it when it is absent, before the
 * first server is made, since the JDK reads it once.
 *
 * <p>Thread safety: the server is safe to call from any number of client threads. {@link #close()}
 * is idempotent.
 */
final class LoopbackChatServer implements AutoCloseable {

  /** The property the JDK server reads once to set TCP_NODELAY on accepted sockets. */
  static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

  /** The answer to every request: a typical small non-streaming chat completion. */
  static final String CHAT_COMPLETION =
      "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1764115200,"
          + "\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
          + "\"content\":\"Hello! How can I help you today?\"},\"logprobs\":null,"
          + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,"
          + "\"completion_tokens\":9,\"total_tokens\":18}}";

  /** The assistant text in {@link #CHAT_COMPLETION}, for sanity checks. */
  static final String ANSWER_TEXT = "Hello! How can I help you today?";

  private static final byte[] BODY = CHAT_COMPLETION.getBytes(StandardCharsets.UTF_8);

  static {
    if (System.getProperty(NODELAY_PROPERTY) == null) {
      System.setProperty(NODELAY_PROPERTY, "true");
    }
  }

  private final HttpServer server;
  private final AtomicLong requests = new AtomicLong();
  private boolean closed;

  private final long serviceNanos;

  private LoopbackChatServer(HttpServer server, Duration serviceTime) {
    this.server = server;
    this.serviceNanos = serviceTime.toNanos();
  }

  /**
   * Starts a server on an ephemeral loopback port.
   *
   * @return the started server
   * @throws IOException if the port cannot be bound
   */
  static LoopbackChatServer start() throws IOException {
    return start(Duration.ZERO);
  }

  /**
   * Starts a server that spends {@code serviceTime} on each answer, one answer at a time (it waits
   * on its one dispatcher thread, using no CPU), like a saturated inference server: its throughput
   * is at most one answer per service time, whatever the client does.
   *
   * @param serviceTime how long each answer takes
   * @return the started server
   * @throws IOException if the port cannot be bound
   */
  static LoopbackChatServer start(Duration serviceTime) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    LoopbackChatServer loopback = new LoopbackChatServer(server, serviceTime);
    server.createContext("/", loopback::answer);
    server.setExecutor(null); // run the handler on the dispatcher thread
    server.start();
    return loopback;
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      try (InputStream in = exchange.getRequestBody()) {
        in.transferTo(OutputStream.nullOutputStream()); // drain, so the connection is reused
      }
      requests.incrementAndGet();
      if (serviceNanos > 0) {
        LockSupport.parkNanos(serviceNanos);
      }
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, BODY.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(BODY);
      }
    }
  }

  /**
   * Returns the OpenAI-style base URL, ending in {@code /v1}.
   *
   * @return for example {@code http://127.0.0.1:43121/v1}
   */
  String baseUrl() {
    InetSocketAddress address = server.getAddress();
    return "http://" + address.getAddress().getHostAddress() + ":" + address.getPort() + "/v1";
  }

  /**
   * Returns how many requests the server has answered.
   *
   * @return the request count since start
   */
  long requestCount() {
    return requests.get();
  }

  /** Stops the server at once; idempotent. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      server.stop(0);
    }
  }
}
