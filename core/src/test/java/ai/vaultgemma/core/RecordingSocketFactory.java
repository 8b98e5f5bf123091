package ai.vaultgemma.core;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.SocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * A socket factory for pgjdbc ({@code socketFactory} driver property) that records the thread of
 * every blocking database I/O: each connect, and each read from and write to a PostgreSQL socket.
 * pgjdbc does all of a connection's network work through the socket it gets here, so every JDBC
 * call that reaches the server (connect, execute, commit, a pool's validation query, a cancel) is
 * seen, with the JDBC method that caused it and a stack sample. JDBC calls that do no I/O (pgjdbc
 * prepares statements lazily) block nothing and are not recorded.
 *
 * <p>pgjdbc creates the factory by reflection, so it records into one static queue; a test clears
 * it before it starts and labels what it does with {@link #phase(String)}. Only connections made
 * with this factory are recorded. Thread-safe.
 */
public final class RecordingSocketFactory extends SocketFactory {

  /** What a recorded I/O was. */
  enum Kind {
    CONNECT,
    READ,
    WRITE
  }

  /**
   * One blocking I/O on a database socket.
   *
   * @param seq the order in which I/Os were recorded
   * @param phase the test's label when it happened
   * @param thread the name of the thread that did it
   * @param kind connect, read or write
   * @param jdbcCall the outermost pgjdbc frame, e.g. {@code PgConnection.commit}
   * @param from the first frame above pgjdbc and HikariCP, e.g. {@code
   *     JdbcSecondLevelStore.writeBatch}
   * @param stack the stack when it happened
   * @param waiters for I/O on pgjdbc's own connect thread, the threads waiting for it
   */
  @SuppressWarnings("ArrayRecordComponent") // a test record; the array is never changed
  record Io(
      long seq,
      String phase,
      String thread,
      Kind kind,
      String jdbcCall,
      String from,
      StackTraceElement[] stack,
      @Nullable Waiters waiters) {

    /**
     * The threads on whose behalf this I/O ran: the thread itself, or for pgjdbc's connect thread
     * the threads that waited for it (empty when they could not be found).
     */
    List<String> onBehalfOf() {
      Waiters w = waiters;
      return w == null ? List.of(thread) : w.names();
    }

    /** A line for an assertion message: phase, thread, call, and the first frames of the stack. */
    String describe(int frames) {
      StringBuilder s =
          new StringBuilder()
              .append('[')
              .append(phase)
              .append("] ")
              .append(kind)
              .append(" on thread \"")
              .append(thread)
              .append('"')
              .append(waiters == null ? "" : " for " + onBehalfOf())
              .append(" by ")
              .append(jdbcCall)
              .append(" from ")
              .append(from);
      for (int i = 0; i < Math.min(frames, stack.length); i++) {
        s.append("\n      at ").append(stack[i]);
      }
      return s.toString();
    }
  }

  /**
   * pgjdbc opens a connection on a thread of its own ({@value #CONNECT_THREAD}) when a login
   * timeout is set, which our DB pool always does, while the thread that asked for the connection
   * waits for it in {@code ConnectTask.getResult}. That waiting thread is the one the rule is
   * about, so I/O on the connect thread is attributed to it.
   */
  static final String CONNECT_THREAD = "PostgreSQL JDBC driver connection thread";

  /** The threads waiting for one pgjdbc connect thread, found once it does I/O. */
  static final class Waiters {
    private volatile List<String> names = List.of();

    List<String> names() {
      return names;
    }

    /** Finds the threads waiting in pgjdbc's {@code ConnectTask.getResult}, until some are. */
    void resolve() {
      if (!names.isEmpty()) {
        return;
      }
      List<String> found = new ArrayList<>();
      for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
        for (StackTraceElement frame : e.getValue()) {
          if (frame.getClassName().equals("org.postgresql.Driver$ConnectTask")
              && frame.getMethodName().equals("getResult")) {
            found.add(e.getKey().getName());
            break;
          }
        }
      }
      names = List.copyOf(found);
    }
  }

  private static final ThreadLocal<Waiters> WAITERS = ThreadLocal.withInitial(Waiters::new);

  private static final Queue<Io> RECORDED = new ConcurrentLinkedQueue<>();
  private static final AtomicLong SEQ = new AtomicLong();
  private static volatile String phase = "none";

  /** pgjdbc calls this constructor (it also tries one taking {@code Properties} or a String). */
  public RecordingSocketFactory() {}

  /** Forgets what was recorded and sets the phase to {@code phase}. */
  static void reset(String phase) {
    RECORDED.clear();
    RecordingSocketFactory.phase = phase;
  }

  /** Labels the I/Os recorded from now on. */
  static void phase(String name) {
    phase = name;
  }

  /** Returns what was recorded so far, in order. */
  static List<Io> recorded() {
    List<Io> all = new ArrayList<>(RECORDED);
    all.sort((a, b) -> Long.compare(a.seq(), b.seq()));
    return all;
  }

  static void record(Kind kind) {
    StackTraceElement[] stack = new Throwable().getStackTrace();
    int firstOutside = 0; // skip this class's own frames
    while (firstOutside < stack.length
        && stack[firstOutside].getClassName().startsWith(RecordingSocketFactory.class.getName())) {
      firstOutside++;
    }
    StackTraceElement[] trimmed = Arrays.copyOfRange(stack, firstOutside, stack.length);
    String jdbcCall = "(no pgjdbc frame)";
    String from = null;
    String pool = null; // HikariCP's own work (adding, validating) has no caller of ours
    for (int i = 0; i < trimmed.length && from == null; i++) {
      String cls = trimmed[i].getClassName();
      if (cls.startsWith("org.postgresql.")) {
        jdbcCall = simple(trimmed[i]);
      } else if (cls.startsWith("com.zaxxer.hikari.")) {
        pool = pool == null ? simple(trimmed[i]) : pool;
      } else if (!jdbcCall.startsWith("(") && !isPlumbing(cls)) {
        from = simple(trimmed[i]);
      }
    }
    if (from == null) {
      from = pool == null ? "(unknown)" : pool;
    }
    Waiters waiters = null;
    if (Thread.currentThread().getName().equals(CONNECT_THREAD)) {
      // The requester may not be waiting yet at the first connect; it is by the first read, which
      // needs the server's reply. All I/O of this thread shares the one holder.
      waiters = WAITERS.get();
      waiters.resolve();
    }
    RECORDED.add(
        new Io(
            SEQ.incrementAndGet(),
            phase,
            Thread.currentThread().getName(),
            kind,
            jdbcCall,
            from,
            trimmed,
            waiters));
  }

  private static boolean isPlumbing(String cls) {
    return cls.startsWith("org.postgresql.")
        || cls.startsWith("com.zaxxer.hikari.")
        || cls.startsWith("java.")
        || cls.startsWith("jdk.")
        || cls.startsWith("sun.");
  }

  private static String simple(StackTraceElement frame) {
    String cls = frame.getClassName();
    return cls.substring(cls.lastIndexOf('.') + 1) + "." + frame.getMethodName();
  }

  @Override
  public Socket createSocket() {
    return new RecordingSocket();
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    Socket s = new RecordingSocket();
    s.connect(new InetSocketAddress(host, port));
    return s;
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    Socket s = new RecordingSocket();
    s.bind(new InetSocketAddress(localHost, localPort));
    s.connect(new InetSocketAddress(host, port));
    return s;
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    Socket s = new RecordingSocket();
    s.connect(new InetSocketAddress(host, port));
    return s;
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    Socket s = new RecordingSocket();
    s.bind(new InetSocketAddress(localAddress, localPort));
    s.connect(new InetSocketAddress(address, port));
    return s;
  }

  /** A plain TCP socket whose connect and streams record the calling thread. */
  private static final class RecordingSocket extends Socket {
    private @Nullable InputStream in;
    private @Nullable OutputStream out;

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      record(Kind.CONNECT);
      super.connect(endpoint, timeout);
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
      InputStream s = in;
      if (s == null) {
        s = new RecordingInput(super.getInputStream());
        in = s;
      }
      return s;
    }

    @Override
    public synchronized OutputStream getOutputStream() throws IOException {
      OutputStream s = out;
      if (s == null) {
        s = new RecordingOutput(super.getOutputStream());
        out = s;
      }
      return s;
    }
  }

  private static final class RecordingInput extends FilterInputStream {
    RecordingInput(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      record(Kind.READ);
      return super.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      record(Kind.READ);
      return in.read(b, off, len);
    }
  }

  private static final class RecordingOutput extends FilterOutputStream {
    RecordingOutput(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      record(Kind.WRITE);
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      record(Kind.WRITE); // FilterOutputStream would write byte by byte; hand the array on whole
      out.write(b, off, len);
    }
  }
}
