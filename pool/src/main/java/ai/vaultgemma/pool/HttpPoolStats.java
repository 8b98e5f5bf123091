package ai.vaultgemma.pool;

import com.google.errorprone.annotations.Immutable;
import java.util.Objects;

/**
 * A point-in-time snapshot of an {@link HttpPool}'s counters, read from its OkHttp event listener
 * and retry interceptor.
 *
 * <p>What each counter counts:
 *
 * <ul>
 *   <li>{@link #requestCount()}: calls started (one per {@code Call}, however many attempts);
 *   <li>{@link #attemptCount()}: requests written to a connection, that is the requests a server
 *       can see: the first attempt of each call, each retry the policy made, and OkHttp's
 *       follow-ups (redirects); an attempt that failed before a connection was ready (connection
 *       refused) is not one. No other re-sends happen (see {@link HttpPool}), so with every
 *       connection succeeding and no redirects, {@code attemptCount == requestCount + retryCount};
 *   <li>{@link #successCount()}: calls that completed, body included, with a final status below
 *       400;
 *   <li>{@link #failureCount()}: calls that failed with an I/O error (connect, timeout, reset,
 *       cancel) or completed with a final status of 400 or more;
 *   <li>{@link #retryCount()}: re-sends the retry policy decided on (one per wait-and-try-again,
 *       whether or not the new attempt reached a connection); it is the only source of re-sends;
 *   <li>latency: from call start to the final response's headers (time to first byte, so a long
 *       stream does not inflate it), or to the failure; p50 and p99 come from a log-scale histogram
 *       and are accurate to about 5 %;
 *   <li>{@link #connectionsOpened()} / {@link #connectionsReused()}: connections a call set up anew
 *       vs took from the pool;
 *   <li>{@link #inFlight()}: calls started but not yet ended or failed;
 *   <li>{@link #openConnections()} / {@link #idleConnections()}: the connection pool right now.
 * </ul>
 *
 * <p>Counters are read one after another while calls go on, so they are consistent only
 * approximately (a call may be counted as started but not yet in flight). Immutable and
 * thread-safe.
 */
@Immutable
public final class HttpPoolStats {
  private static final HttpPoolStats EMPTY =
      new HttpPoolStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  private final long requestCount;
  private final long attemptCount;
  private final long successCount;
  private final long failureCount;
  private final long retryCount;
  private final long totalLatencyNanos;
  private final long p50LatencyNanos;
  private final long p99LatencyNanos;
  private final long connectionsOpened;
  private final long connectionsReused;
  private final long inFlight;
  private final int openConnections;
  private final int idleConnections;

  private HttpPoolStats(
      long requestCount,
      long attemptCount,
      long successCount,
      long failureCount,
      long retryCount,
      long totalLatencyNanos,
      long p50LatencyNanos,
      long p99LatencyNanos,
      long connectionsOpened,
      long connectionsReused,
      long inFlight,
      int openConnections,
      int idleConnections) {
    this.requestCount = requestCount;
    this.attemptCount = attemptCount;
    this.successCount = successCount;
    this.failureCount = failureCount;
    this.retryCount = retryCount;
    this.totalLatencyNanos = totalLatencyNanos;
    this.p50LatencyNanos = p50LatencyNanos;
    this.p99LatencyNanos = p99LatencyNanos;
    this.connectionsOpened = connectionsOpened;
    this.connectionsReused = connectionsReused;
    this.inFlight = inFlight;
    this.openConnections = openConnections;
    this.idleConnections = idleConnections;
  }

  /**
   * Returns a snapshot of the given values.
   *
   * @param requestCount calls started
   * @param attemptCount requests written to a connection
   * @param successCount calls completed with a status below 400
   * @param failureCount calls failed or completed with a status of 400 or more
   * @param retryCount retries made
   * @param totalLatencyNanos summed latency of completed and failed calls
   * @param p50LatencyNanos median latency
   * @param p99LatencyNanos 99th percentile latency
   * @param connectionsOpened new connections
   * @param connectionsReused pooled connections taken
   * @param inFlight calls in progress
   * @param openConnections connections in the pool now
   * @param idleConnections idle connections in the pool now
   * @return the snapshot
   * @throws IllegalArgumentException if a count is negative
   */
  public static HttpPoolStats of(
      long requestCount,
      long attemptCount,
      long successCount,
      long failureCount,
      long retryCount,
      long totalLatencyNanos,
      long p50LatencyNanos,
      long p99LatencyNanos,
      long connectionsOpened,
      long connectionsReused,
      long inFlight,
      int openConnections,
      int idleConnections) {
    long[] values = {
      requestCount,
      attemptCount,
      successCount,
      failureCount,
      retryCount,
      totalLatencyNanos,
      p50LatencyNanos,
      p99LatencyNanos,
      connectionsOpened,
      connectionsReused,
      inFlight,
      openConnections,
      idleConnections
    };
    String[] names = {
      "requestCount",
      "attemptCount",
      "successCount",
      "failureCount",
      "retryCount",
      "totalLatencyNanos",
      "p50LatencyNanos",
      "p99LatencyNanos",
      "connectionsOpened",
      "connectionsReused",
      "inFlight",
      "openConnections",
      "idleConnections"
    };
    for (int i = 0; i < values.length; i++) {
      if (values[i] < 0) {
        throw new IllegalArgumentException(names[i] + " must be >= 0 but was " + values[i]);
      }
    }
    return new HttpPoolStats(
        requestCount,
        attemptCount,
        successCount,
        failureCount,
        retryCount,
        totalLatencyNanos,
        p50LatencyNanos,
        p99LatencyNanos,
        connectionsOpened,
        connectionsReused,
        inFlight,
        openConnections,
        idleConnections);
  }

  /**
   * Returns a snapshot with every count at zero.
   *
   * @return the empty snapshot
   */
  public static HttpPoolStats empty() {
    return EMPTY;
  }

  /**
   * Returns the calls started.
   *
   * @return zero or more
   */
  public long requestCount() {
    return requestCount;
  }

  /**
   * Returns the requests written to a connection: what servers saw, first attempts, retries and
   * redirects included.
   *
   * @return zero or more
   */
  public long attemptCount() {
    return attemptCount;
  }

  /**
   * Returns the calls completed with a final status below 400.
   *
   * @return zero or more
   */
  public long successCount() {
    return successCount;
  }

  /**
   * Returns the calls that failed or completed with a final status of 400 or more.
   *
   * @return zero or more
   */
  public long failureCount() {
    return failureCount;
  }

  /**
   * Returns the re-sends the retry policy decided on, the only re-sends the pool makes.
   *
   * @return zero or more
   */
  public long retryCount() {
    return retryCount;
  }

  /**
   * Returns {@code successCount / (successCount + failureCount)}, or 1.0 when no call has finished
   * (as Caffeine's {@code hitRate} does for no requests).
   *
   * @return a ratio in {@code [0, 1]}
   */
  public double successRate() {
    long finished = saturatedAdd(successCount, failureCount);
    return finished == 0 ? 1.0 : (double) successCount / finished;
  }

  /**
   * Returns the mean latency of finished calls in milliseconds, or 0 when none finished.
   *
   * @return zero or more
   */
  public double averageLatencyMillis() {
    long finished = saturatedAdd(successCount, failureCount);
    return finished == 0 ? 0.0 : totalLatencyNanos / 1e6 / finished;
  }

  /**
   * Returns the summed latency of finished calls.
   *
   * @return nanoseconds
   */
  public long totalLatencyNanos() {
    return totalLatencyNanos;
  }

  /**
   * Returns the median latency in milliseconds (about 5 % accurate), or 0 when none finished.
   *
   * @return zero or more
   */
  public double p50LatencyMillis() {
    return p50LatencyNanos / 1e6;
  }

  /**
   * Returns the 99th percentile latency in milliseconds (about 5 % accurate).
   *
   * @return zero or more
   */
  public double p99LatencyMillis() {
    return p99LatencyNanos / 1e6;
  }

  /**
   * Returns the connections set up anew.
   *
   * @return zero or more
   */
  public long connectionsOpened() {
    return connectionsOpened;
  }

  /**
   * Returns the times a call took a pooled connection.
   *
   * @return zero or more
   */
  public long connectionsReused() {
    return connectionsReused;
  }

  /**
   * Returns {@code reused / (opened + reused)}, or 0 when no connection was used: 100 sequential
   * calls on one keep-alive connection give 0.99.
   *
   * @return a ratio in {@code [0, 1]}
   */
  public double reuseRatio() {
    long total = saturatedAdd(connectionsOpened, connectionsReused);
    return total == 0 ? 0.0 : (double) connectionsReused / total;
  }

  /**
   * Returns the calls started but not finished.
   *
   * @return zero or more
   */
  public long inFlight() {
    return inFlight;
  }

  /**
   * Returns the connections in the pool when the snapshot was taken, in use or idle.
   *
   * @return zero or more
   */
  public int openConnections() {
    return openConnections;
  }

  /**
   * Returns the idle connections in the pool when the snapshot was taken.
   *
   * @return zero or more
   */
  public int idleConnections() {
    return idleConnections;
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof HttpPoolStats s)) {
      return false;
    }
    return requestCount == s.requestCount
        && attemptCount == s.attemptCount
        && successCount == s.successCount
        && failureCount == s.failureCount
        && retryCount == s.retryCount
        && totalLatencyNanos == s.totalLatencyNanos
        && p50LatencyNanos == s.p50LatencyNanos
        && p99LatencyNanos == s.p99LatencyNanos
        && connectionsOpened == s.connectionsOpened
        && connectionsReused == s.connectionsReused
        && inFlight == s.inFlight
        && openConnections == s.openConnections
        && idleConnections == s.idleConnections;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        requestCount,
        attemptCount,
        successCount,
        failureCount,
        retryCount,
        totalLatencyNanos,
        p50LatencyNanos,
        p99LatencyNanos,
        connectionsOpened,
        connectionsReused,
        inFlight,
        openConnections,
        idleConnections);
  }

  @Override
  public String toString() {
    return "HttpPoolStats{requestCount="
        + requestCount
        + ", attemptCount="
        + attemptCount
        + ", successCount="
        + successCount
        + ", failureCount="
        + failureCount
        + ", retryCount="
        + retryCount
        + ", successRate="
        + successRate()
        + ", averageLatencyMillis="
        + averageLatencyMillis()
        + ", p50LatencyMillis="
        + p50LatencyMillis()
        + ", p99LatencyMillis="
        + p99LatencyMillis()
        + ", connectionsOpened="
        + connectionsOpened
        + ", connectionsReused="
        + connectionsReused
        + ", reuseRatio="
        + reuseRatio()
        + ", inFlight="
        + inFlight
        + ", openConnections="
        + openConnections
        + ", idleConnections="
        + idleConnections
        + '}';
  }
}
