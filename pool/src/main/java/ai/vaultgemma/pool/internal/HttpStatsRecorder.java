package ai.vaultgemma.pool.internal;

import ai.vaultgemma.pool.HttpEventListener;
import ai.vaultgemma.pool.HttpPoolStats;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.util.concurrent.atomic.LongAdder;
import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.ConnectionPool;
import okhttp3.EventListener;
import okhttp3.Protocol;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts what the pool's calls do, from OkHttp's {@link EventListener} (one small listener per call
 * holds the call's start time and last status) and from the retry interceptor. Counters are {@link
 * LongAdder}s, so recording never contends; {@link #snapshot} reads them one by one.
 */
public final class HttpStatsRecorder implements EventListener.Factory {
  private static final Logger log = LoggerFactory.getLogger(HttpStatsRecorder.class);

  private final LongAdder started = new LongAdder();
  private final LongAdder attempts = new LongAdder();
  private final LongAdder succeeded = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder latencyNanos = new LongAdder();
  private final LongAdder opened = new LongAdder();
  private final LongAdder reused = new LongAdder();
  private final LatencyHistogram histogram = new LatencyHistogram();
  private final HttpEventListener listener;

  /**
   * Creates a recorder that also forwards call outcomes to {@code listener}.
   *
   * @param listener the user's listener, or {@link HttpEventListener#NONE}
   */
  public HttpStatsRecorder(HttpEventListener listener) {
    this.listener = listener;
  }

  @Override
  public EventListener create(Call call) {
    return new PerCall();
  }

  /** Counts one retry. */
  public void recordRetry() {
    retries.increment();
  }

  /**
   * Returns the counters now, with the pool's connection counts.
   *
   * @param pool the connection pool
   * @return the snapshot
   */
  public HttpPoolStats snapshot(ConnectionPool pool) {
    long failures = failed.sum();
    long successes = succeeded.sum();
    long requests = started.sum();
    long[] q = histogram.quantiles(0.50, 0.99);
    int open = pool.connectionCount();
    int idle = Math.min(open, pool.idleConnectionCount());
    return HttpPoolStats.of(
        requests,
        attempts.sum(),
        successes,
        failures,
        retries.sum(),
        latencyNanos.sum(),
        q[0],
        q[1],
        opened.sum(),
        reused.sum(),
        Math.max(0, requests - successes - failures),
        open,
        idle);
  }

  private void finish(long nanos) {
    latencyNanos.add(nanos);
    histogram.record(nanos);
  }

  /** Per-call state; OkHttp calls one call's events in order, never concurrently. */
  private final class PerCall extends EventListener {
    private volatile long startNanos;
    private volatile long headersNanos;
    private volatile int status = -1;
    private volatile boolean connectedAnew;

    @Override
    public void callStart(Call call) {
      startNanos = System.nanoTime();
      started.increment();
    }

    @Override
    public void connectEnd(
        Call call, InetSocketAddress address, Proxy proxy, @Nullable Protocol protocol) {
      opened.increment();
      connectedAnew = true;
    }

    @Override
    public void connectionAcquired(Call call, Connection connection) {
      if (connectedAnew) {
        connectedAnew = false;
      } else {
        reused.increment();
      }
    }

    @Override
    public void requestHeadersStart(Call call) {
      attempts.increment(); // one per request written to a connection, re-sends included
    }

    @Override
    public void responseHeadersEnd(Call call, Response response) {
      headersNanos = System.nanoTime();
      status = response.code();
    }

    @Override
    public void callEnd(Call call) {
      long latency = (status < 0 ? System.nanoTime() : headersNanos) - startNanos;
      if (status >= 0 && status < 400) {
        succeeded.increment();
      } else {
        failed.increment();
      }
      finish(latency);
      if (listener == HttpEventListener.NONE) {
        return; // nobody hears it: skip the redacted URL, a string built per call
      }
      try {
        listener.callEnd(
            call.request().method(), Urls.redact(call.request().url()), status, latency);
      } catch (RuntimeException e) {
        log.warn("HttpEventListener.callEnd threw; ignored", e);
      }
    }

    @Override
    public void callFailed(Call call, IOException ioe) {
      long latency = System.nanoTime() - startNanos;
      failed.increment();
      finish(latency);
      if (listener == HttpEventListener.NONE) {
        return;
      }
      try {
        listener.callFailed(
            call.request().method(), Urls.redact(call.request().url()), ioe, latency);
      } catch (RuntimeException e) {
        log.warn("HttpEventListener.callFailed threw; ignored", e);
      }
    }
  }
}
