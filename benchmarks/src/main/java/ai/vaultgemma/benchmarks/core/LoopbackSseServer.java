package ai.vaultgemma.benchmarks.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An OpenAI-compatible streaming chat server on loopback: every request gets the same chat
 * completion as server-sent events, {@code chunks} {@code data:} events plus {@code data: [DONE]},
 * in an HTTP/1.1 chunked body on a keep-alive connection.
 *
 * <p>With a spread of zero the whole answer goes out in one write as soon as the request is read,
 * so a benchmark measures the client. With a positive spread the events are spaced evenly so that
 * event {@code i} (1-based) goes out {@code spread * i / chunks} after the request, and the answer
 * takes {@code spread} in all, like an inference server generating tokens.
 *
 * <p>How it works, and why it is cheap at a thousand connections: one thread runs a NIO selector
 * that accepts, reads requests and writes answers, and keeps the events still due in a priority
 * queue ordered by due time; the selector's timeout is the time to the next due event. There is no
 * thread per connection and no sleeping. Every resource is bounded: at most {@code maxConnections}
 * open connections (one more is accepted and closed at once, so the client sees the failure), a
 * request head and body of at most {@value #MAX_REQUEST_BYTES} bytes (a larger one closes the
 * connection), and at most one answer per connection in flight, since HTTP/1.1 clients do not
 * pipeline.
 *
 * <p>A request that does not ask for a stream ({@code "stream": true} in its body) gets a 400, so a
 * contender that silently fell back to a non-streaming call fails its check.
 *
 * <p>Thread safety: the counters may be read from any thread. {@link #close()} is idempotent and
 * waits at most {@value #CLOSE_WAIT_SECONDS} s for the server thread.
 */
final class LoopbackSseServer implements AutoCloseable {

  /** The largest request, head and body, the server reads before it gives up on a connection. */
  static final int MAX_REQUEST_BYTES = 16 * 1024;

  private static final int CLOSE_WAIT_SECONDS = 5;
  private static final int BACKLOG = 4096;
  private static final String TEXT_PREFIX = "tok";
  private static final Pattern STREAM_TRUE = Pattern.compile("\"stream\"\\s*:\\s*true");
  private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};
  private static final byte[] RESPONSE_HEAD =
      ascii(
          "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
              + "Transfer-Encoding: chunked\r\n\r\n");
  private static final byte[] NOT_STREAMING =
      ascii(
          "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 21\r\n\r\n"
              + "stream must be true\r\n");
  private static final byte[] LAST_CHUNK = ascii("0\r\n\r\n");

  private final int chunks;
  private final long spreadNanos;
  private final int maxConnections;
  private final ServerSocketChannel listener;
  private final Selector selector;
  private final Thread thread;

  /** The HTTP chunk of each SSE event, in order; the last one is {@code [DONE]}. */
  private final byte[][] events;

  /** The whole answer in one buffer, for a spread of zero. */
  private final byte[] wholeAnswer;

  private final String answerText;

  // Touched only by the server thread.
  private final PriorityQueue<Due> due =
      new PriorityQueue<>(Comparator.comparingLong(Due::atNanos));
  private final Set<Connection> connections = new HashSet<>();

  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong rejectedConnections = new AtomicLong();
  private final AtomicInteger streamsInFlight = new AtomicInteger();
  private final AtomicInteger peakStreamsInFlight = new AtomicInteger();
  private volatile boolean closed;
  private volatile @Nullable Throwable failure;

  private LoopbackSseServer(int chunks, Duration spread, int maxConnections) throws IOException {
    if (chunks < 1) {
      throw new IllegalArgumentException("chunks must be >= 1 but was " + chunks);
    }
    if (spread.isNegative()) {
      throw new IllegalArgumentException("spread must not be negative but was " + spread);
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be >= 1 but was " + maxConnections);
    }
    this.chunks = chunks;
    this.spreadNanos = spread.toNanos();
    this.maxConnections = maxConnections;
    this.events = new byte[chunks + 1][];
    StringBuilder text = new StringBuilder();
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    whole.writeBytes(RESPONSE_HEAD);
    for (int i = 0; i < chunks; i++) {
      String piece = TEXT_PREFIX + i + " ";
      text.append(piece);
      events[i] = httpChunk("data: " + chunkJson(i, piece, i == chunks - 1) + "\n\n");
      whole.writeBytes(events[i]);
    }
    events[chunks] = concat(httpChunk("data: [DONE]\n\n"), LAST_CHUNK);
    whole.writeBytes(events[chunks]);
    this.wholeAnswer = whole.toByteArray();
    this.answerText = text.toString();

    this.selector = Selector.open();
    this.listener = ServerSocketChannel.open();
    try {
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BACKLOG);
      listener.configureBlocking(false);
      listener.register(selector, SelectionKey.OP_ACCEPT);
    } catch (IOException e) {
      listener.close();
      selector.close();
      throw e;
    }
    this.thread = new Thread(this::run, "loopback-sse-server");
    thread.setDaemon(true);
  }

  /**
   * Starts a server on an ephemeral loopback port.
   *
   * @param chunks how many {@code data:} events with content each answer has (at least 1)
   * @param spread how long each answer takes from request to last event; zero for all at once
   * @param maxConnections the most connections open at once (at least 1)
   * @return the started server
   * @throws IOException if the port cannot be bound
   * @throws IllegalArgumentException if an argument is out of range
   */
  static LoopbackSseServer start(int chunks, Duration spread, int maxConnections)
      throws IOException {
    LoopbackSseServer server = new LoopbackSseServer(chunks, spread, maxConnections);
    server.thread.start();
    return server;
  }

  /**
   * Returns the OpenAI-style base URL, ending in {@code /v1}.
   *
   * @return for example {@code http://127.0.0.1:43121/v1}
   */
  String baseUrl() {
    try {
      InetSocketAddress address = (InetSocketAddress) listener.getLocalAddress();
      return "http://" + address.getAddress().getHostAddress() + ":" + address.getPort() + "/v1";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Returns the assistant text of every answer: the contents of all chunks, concatenated.
   *
   * @return {@code "tok0 tok1 ... "}
   */
  String answerText() {
    return answerText;
  }

  /**
   * Returns how many content chunks each answer has ({@code [DONE]} not counted).
   *
   * @return the chunk count
   */
  int chunks() {
    return chunks;
  }

  /**
   * Returns how many requests the server has read in full, answered or not.
   *
   * @return the request count since start
   */
  long requestCount() {
    return requests.get();
  }

  /**
   * Returns how many connections were closed at once because {@code maxConnections} were open.
   *
   * @return the count since start
   */
  long rejectedConnections() {
    return rejectedConnections.get();
  }

  /**
   * Returns the most answers in flight at once since the last {@link #resetPeak()}: what the server
   * saw of the client's concurrency.
   *
   * @return the peak count of streams between request and last event
   */
  int peakStreamsInFlight() {
    return peakStreamsInFlight.get();
  }

  /** Starts a new peak measurement from the streams in flight now. */
  void resetPeak() {
    peakStreamsInFlight.set(streamsInFlight.get());
  }

  /**
   * Throws if the server thread died.
   *
   * @throws IllegalStateException with the cause, if the server thread failed
   */
  void checkHealthy() {
    Throwable t = failure;
    if (t != null) {
      throw new IllegalStateException("loopback SSE server failed", t);
    }
  }

  /** Stops the server and closes every connection; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    selector.wakeup();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(CLOSE_WAIT_SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      while (!closed) {
        Due next = due.peek();
        if (next == null) {
          selector.select(); // until a connection is ready or close() wakes it
        } else {
          long waitNanos = next.atNanos() - System.nanoTime();
          if (waitNanos <= 0) {
            selector.selectNow();
          } else {
            // Round up, so the loop does not spin through the last partial millisecond.
            selector.select(TimeUnit.NANOSECONDS.toMillis(waitNanos + 999_999));
          }
        }
        for (SelectionKey key : selector.selectedKeys()) {
          handle(key);
        }
        selector.selectedKeys().clear();
        sendDue();
      }
    } catch (IOException | RuntimeException | Error e) {
      failure = e;
    } finally {
      shutDown();
    }
  }

  private void handle(SelectionKey key) throws IOException {
    if (!key.isValid()) {
      return;
    }
    if (key.isAcceptable()) {
      accept();
      return;
    }
    Connection c = (Connection) key.attachment();
    try {
      if (key.isWritable()) {
        c.flush();
      }
      if (key.isValid() && key.isReadable()) {
        c.read();
      }
    } catch (IOException e) {
      c.close(); // the client went away: its business, not a server failure
    }
  }

  private void accept() throws IOException {
    SocketChannel channel;
    while ((channel = listener.accept()) != null) {
      if (connections.size() >= maxConnections) {
        rejectedConnections.incrementAndGet();
        channel.close();
        continue;
      }
      try {
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        Connection c = new Connection(channel);
        c.key = channel.register(selector, SelectionKey.OP_READ, c);
        connections.add(c);
      } catch (IOException e) {
        channel.close(); // the client left before it was set up
      }
    }
  }

  private void sendDue() {
    long now = System.nanoTime();
    Due next;
    while ((next = due.peek()) != null && next.atNanos() <= now) {
      due.poll();
      Connection c = next.connection();
      if (c.open) {
        try {
          c.sendEvent(next.event());
        } catch (IOException e) {
          c.close();
        }
      }
    }
  }

  private void shutDown() {
    for (Connection c : new ArrayList<>(connections)) {
      c.close();
    }
    due.clear();
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    try {
      selector.close();
    } catch (IOException | ClosedSelectorException e) {
      // closing anyway
    }
  }

  private void streamStarted() {
    peakStreamsInFlight.accumulateAndGet(streamsInFlight.incrementAndGet(), Math::max);
  }

  /** An event due on a connection at a time. */
  private record Due(long atNanos, Connection connection, int event) {}

  /** One client connection; used only by the server thread. */
  private final class Connection {
    final SocketChannel channel;
    final ByteBuffer in = ByteBuffer.allocate(MAX_REQUEST_BYTES);
    final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    @Nullable SelectionKey key;
    boolean open = true;
    boolean answering;

    Connection(SocketChannel channel) {
      this.channel = channel;
    }

    void read() throws IOException {
      if (!in.hasRemaining()) {
        // More unread bytes than one request may have, sent while an answer is going out: a
        // pipelining or broken client. Reading nothing would leave the key ready and spin.
        close();
        return;
      }
      int n = channel.read(in);
      if (n < 0) {
        close();
        return;
      }
      nextRequest();
    }

    /** Answers the next request in the buffer, if one is complete and none is being answered. */
    void nextRequest() throws IOException {
      if (answering || !open) {
        return;
      }
      int headEnd = indexOf(in, HEAD_END);
      if (headEnd < 0) {
        if (!in.hasRemaining()) {
          close(); // a head larger than the buffer: not a client we benchmark
        }
        return;
      }
      String head = new String(in.array(), 0, headEnd, StandardCharsets.ISO_8859_1);
      int bodyStart = headEnd + HEAD_END.length;
      int length = contentLength(head);
      if (length < 0 || bodyStart + length > in.capacity()) {
        close(); // chunked request bodies and oversized bodies are not supported
        return;
      }
      if (in.position() < bodyStart + length) {
        return; // the body is still coming
      }
      String body = new String(in.array(), bodyStart, length, StandardCharsets.UTF_8);
      // Keep whatever follows this request for the next one.
      int end = bodyStart + length;
      in.flip();
      in.position(end);
      in.compact();
      requests.incrementAndGet();
      if (!STREAM_TRUE.matcher(body).find()) {
        enqueue(ByteBuffer.wrap(NOT_STREAMING));
        nextRequest();
        return;
      }
      answering = true;
      streamStarted();
      if (spreadNanos == 0) {
        sendWhole();
      } else {
        enqueue(ByteBuffer.wrap(RESPONSE_HEAD));
        long start = System.nanoTime();
        for (int i = 0; i < chunks; i++) {
          // The last content event and [DONE] go out together, at the end of the spread.
          due.add(new Due(start + spreadNanos * (i + 1) / chunks, this, i));
        }
      }
    }

    void sendWhole() throws IOException {
      enqueue(ByteBuffer.wrap(wholeAnswer));
      answered();
    }

    void sendEvent(int i) throws IOException {
      enqueue(ByteBuffer.wrap(events[i]));
      if (i == chunks - 1) {
        enqueue(ByteBuffer.wrap(events[chunks]));
        answered();
      }
    }

    private void answered() throws IOException {
      answering = false;
      streamsInFlight.decrementAndGet();
      nextRequest();
    }

    void enqueue(ByteBuffer buffer) throws IOException {
      out.add(buffer);
      flush();
    }

    void flush() throws IOException {
      while (!out.isEmpty()) {
        ByteBuffer head = out.peek();
        channel.write(head);
        if (head.hasRemaining()) {
          break;
        }
        out.poll();
      }
      SelectionKey k = key;
      if (open && k != null) {
        k.interestOps(out.isEmpty() ? SelectionKey.OP_READ : SelectionKey.OP_WRITE);
      }
    }

    void close() {
      if (!open) {
        return;
      }
      open = false;
      if (answering) {
        answering = false;
        streamsInFlight.decrementAndGet();
      }
      connections.remove(this);
      out.clear();
      try {
        channel.close(); // also cancels the key
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  private static int contentLength(String head) {
    int length = 0;
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      if (name.equals("content-length")) {
        try {
          length = Integer.parseInt(value);
        } catch (NumberFormatException e) {
          return -1;
        }
      } else if (name.equals("transfer-encoding")) {
        return -1;
      }
    }
    return length;
  }

  private static int indexOf(ByteBuffer buffer, byte[] needle) {
    byte[] a = buffer.array();
    int limit = buffer.position() - needle.length;
    outer:
    for (int i = 0; i <= limit; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (a[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static String chunkJson(int index, String content, boolean last) {
    String delta =
        index == 0
            ? "{\"role\":\"assistant\",\"content\":\"" + content + "\"}"
            : "{\"content\":\"" + content + "\"}";
    return "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1764115200,"
        + "\"model\":\"m\",\"system_fingerprint\":\"fp_bench\",\"choices\":[{\"index\":0,"
        + "\"delta\":"
        + delta
        + ",\"logprobs\":null,\"finish_reason\":"
        + (last ? "\"stop\"" : "null")
        + "}]}";
  }

  private static byte[] httpChunk(String data) {
    byte[] payload = data.getBytes(StandardCharsets.UTF_8);
    return concat(ascii(Integer.toHexString(payload.length) + "\r\n"), payload, ascii("\r\n"));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Returns a short description of the server's counters, for benchmark output.
   *
   * @return requests, peak streams in flight and rejected connections
   */
  String describe() {
    return String.format(
        Locale.ROOT,
        "%d requests, at most %d streams in flight at once, %d connections rejected",
        requests.get(),
        peakStreamsInFlight.get(),
        rejectedConnections.get());
  }
}
