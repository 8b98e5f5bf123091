package ai.vaultgemma.pool.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;
import org.jspecify.annotations.Nullable;

/**
 * Makes a call interruptible: a thread blocked in a socket read does not notice {@link
 * Thread#interrupt()}, so this watch polls the threads that run calls and cancels the call of one
 * that was interrupted, which closes its socket and frees its connection. The caller then gets an
 * {@link InterruptedIOException} and keeps its interrupt flag.
 *
 * <p>A call is watched from the moment its first interceptor runs until its response body is closed
 * (or the call fails), so a body that stalls after the headers is covered too. The poll runs every
 * {@value #PERIOD_MILLIS} ms on one daemon thread per pool, only while calls are watched (the
 * thread stops after a second idle). Cost per call: one map entry and two small wrappers.
 */
public final class InterruptWatch implements Interceptor, AutoCloseable {
  static final long PERIOD_MILLIS = 20;

  private final Map<Call, Thread> watched = new ConcurrentHashMap<>();
  private final ScheduledThreadPoolExecutor timer;
  private final Object scheduling = new Object();
  private @Nullable ScheduledFuture<?> poll; // guarded by scheduling

  /**
   * Creates the watch.
   *
   * @param threadName the name of its poll thread
   */
  public InterruptWatch(String threadName) {
    this.timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    timer.setKeepAliveTime(1, TimeUnit.SECONDS);
    timer.allowCoreThreadTimeOut(true);
    timer.setRemoveOnCancelPolicy(true);
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Thread thread = Thread.currentThread();
    Call call = chain.call();
    if (thread.isInterrupted()) {
      call.cancel();
      throw new InterruptedIOException("interrupted before the request was sent");
    }
    watch(call, thread);
    Response response;
    try {
      response = chain.proceed(chain.request());
    } catch (IOException e) {
      unwatch(call);
      throw interrupted(thread, e);
    } catch (RuntimeException | Error e) {
      unwatch(call);
      throw e;
    }
    return response.newBuilder().body(new WatchedBody(response.body(), call, thread)).build();
  }

  private IOException interrupted(Thread thread, IOException e) {
    if (!thread.isInterrupted() || e instanceof InterruptedIOException) {
      return e;
    }
    InterruptedIOException interrupted = new InterruptedIOException("interrupted");
    interrupted.initCause(e);
    return interrupted;
  }

  private void watch(Call call, Thread thread) {
    watched.put(call, thread);
    synchronized (scheduling) {
      if (poll == null && !timer.isShutdown()) {
        poll =
            timer.scheduleWithFixedDelay(
                this::pollOnce, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
      }
    }
  }

  private void unwatch(Call call) {
    watched.remove(call);
  }

  private void pollOnce() {
    for (Map.Entry<Call, Thread> e : watched.entrySet()) {
      if (e.getValue().isInterrupted()) {
        e.getKey().cancel();
      }
    }
    synchronized (scheduling) {
      // Stop polling when idle; a call watched after this check schedules it again.
      if (watched.isEmpty() && poll != null) {
        poll.cancel(false);
        poll = null;
      }
    }
  }

  /** Returns how many calls are watched now (for tests and stats). */
  int watchedCount() {
    return watched.size();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  /** The response body, watched until it is closed; a read cut by an interrupt says so. */
  private final class WatchedBody extends ResponseBody {
    private final ResponseBody body;
    private final BufferedSource source;

    WatchedBody(ResponseBody body, Call call, Thread thread) {
      this.body = body;
      this.source =
          Okio.buffer(
              new ForwardingSource(body.source()) {
                @Override
                public long read(Buffer sink, long byteCount) throws IOException {
                  try {
                    return super.read(sink, byteCount);
                  } catch (IOException e) {
                    throw interrupted(thread, e);
                  }
                }

                @Override
                public void close() throws IOException {
                  unwatch(call);
                  super.close();
                }
              });
    }

    @Override
    public @Nullable MediaType contentType() {
      return body.contentType();
    }

    @Override
    public long contentLength() {
      return body.contentLength();
    }

    @Override
    public BufferedSource source() {
      return source;
    }
  }
}
