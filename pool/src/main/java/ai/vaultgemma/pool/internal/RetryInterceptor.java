package ai.vaultgemma.pool.internal;

import ai.vaultgemma.pool.HttpAttemptListener;
import ai.vaultgemma.pool.HttpEventListener;
import ai.vaultgemma.pool.RetryPolicy;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application interceptor that retries a call under a {@link RetryPolicy}.
 *
 * <p>Per attempt: proceed; a non-retryable outcome goes straight back to the caller. A retryable
 * one is retried after the server's requested wait (capped) or the jittered backoff, unless the
 * retries are used up, the wait would end past the budget (the smaller of the policy's budget and
 * the call timeout, from the first attempt), the request body cannot be replayed, or the call was
 * cancelled. Then the caller gets the last real outcome: the last response, body unread, so the
 * server's error and {@code Retry-After} can be read; or the last {@link IOException}. Only {@code
 * IOException}s leave this method: a {@code RuntimeException} from an interceptor would be lost on
 * OkHttp's dispatcher threads for enqueued calls.
 *
 * <p>This is the only stage that re-sends: the pool switches OkHttp's own retries off ({@code
 * retryOnConnectionFailure(false)} and {@link FollowUpGuard}), and each response is passed through
 * {@link FollowUpGuard#restore} first, so the policy reads the {@code Retry-After} the server sent.
 *
 * <p>When the request carries a {@link RetryTrace} tag, the attempts, the time waited and whether
 * the policy gave up are written to it; when it carries an {@link HttpAttemptListener}, that hears
 * each attempt, its outcome and each retry, and may put headers on each attempt. A {@link
 * RetryPolicy} tag replaces the pool's policy for that request (a per-call override).
 */
public final class RetryInterceptor implements Interceptor {
  private static final Logger log = LoggerFactory.getLogger(RetryInterceptor.class);
  private static final long CANCEL_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final RetryPolicy policy;
  private final HttpStatsRecorder stats;
  private final HttpEventListener listener;

  /**
   * Creates the interceptor.
   *
   * @param policy when to retry
   * @param stats counts retries
   * @param listener hears about retries
   */
  public RetryInterceptor(RetryPolicy policy, HttpStatsRecorder stats, HttpEventListener listener) {
    this.policy = policy;
    this.stats = stats;
    this.listener = listener;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    Call call = chain.call();
    RetryTrace trace = request.tag(RetryTrace.class);
    HttpAttemptListener attempts = request.tag(HttpAttemptListener.class);
    // A call may carry its own policy as a tag (a per-call override); otherwise the pool's.
    RetryPolicy tagged = request.tag(RetryPolicy.class);
    RetryPolicy policy = tagged != null ? tagged : this.policy;
    RequestBody body = request.body();
    boolean replayable = body == null || !(body.isOneShot() || body.isDuplex());
    Clock clock = policy.clock();
    long startMillis = clock.millis();
    long budgetMillis = policy.retryBudget().toMillis();
    long callTimeoutNanos = call.timeout().timeoutNanos();
    if (callTimeoutNanos > 0) {
      budgetMillis = Math.min(budgetMillis, TimeUnit.NANOSECONDS.toMillis(callTimeoutNanos));
    }
    long maxServerWaitNanos = policy.maxServerWait().toNanos();

    for (int attempt = 1; ; attempt++) {
      if (trace != null) {
        trace.attempt(attempt);
      }
      Response response = null;
      IOException failure = null;
      boolean stale = false;
      Request sent = attempts == null ? request : AttemptEvents.start(attempts, attempt, request);
      long attemptStart = attempts == null ? 0 : System.nanoTime();
      try {
        response = FollowUpGuard.restore(chain.proceed(sent));
      } catch (StaleConnectionException e) {
        failure = e.failure();
        stale = true;
      } catch (IOException e) {
        failure = e;
      }
      if (attempts != null) {
        AttemptEvents.end(attempts, attempt, response, failure, System.nanoTime() - attemptStart);
      }

      boolean retryable =
          response != null
              ? policy.isRetryable(response.code())
              : (stale && policy.retryOnStaleConnection()) || policy.isRetryable(failure);
      if (!retryable || call.isCanceled()) {
        return outcome(response, failure);
      }

      long retryAfterNanos = response != null ? RetryAfter.nanos(response.headers(), clock) : -1;
      long waitNanos =
          retryAfterNanos >= 0
              ? Math.min(retryAfterNanos, maxServerWaitNanos)
              : policy.backoffDelay(attempt).toNanos();
      long elapsedMillis = clock.millis() - startMillis;
      boolean withinBudget =
          elapsedMillis + TimeUnit.NANOSECONDS.toMillis(waitNanos) < budgetMillis;
      if (attempt > policy.maxRetries() || !withinBudget || !replayable) {
        if (trace != null) {
          trace.exhausted(retryAfterNanos);
        }
        return outcome(response, failure);
      }

      int status = response != null ? response.code() : -1;
      if (response != null) {
        response.close();
      }
      stats.recordRetry();
      notifyRetry(request, attempt, status, failure, waitNanos);
      if (attempts != null) {
        AttemptEvents.retry(attempts, attempt, status, failure, waitNanos);
      }
      sleep(policy, call, waitNanos);
      if (trace != null) {
        trace.waited(waitNanos);
      }
      if (call.isCanceled()) {
        IOException canceled = new IOException("Canceled");
        if (failure != null) {
          canceled.addSuppressed(failure);
        }
        throw canceled;
      }
    }
  }

  private static Response outcome(@Nullable Response response, @Nullable IOException failure)
      throws IOException {
    if (response != null) {
      return response;
    }
    if (failure != null) {
      throw failure;
    }
    throw new IllegalStateException("neither response nor failure"); // unreachable
  }

  private static void sleep(RetryPolicy policy, Call call, long waitNanos) throws IOException {
    if (waitNanos <= 0) {
      return;
    }
    RetryPolicy.Sleeper sleeper = policy.sleeper();
    try {
      if (sleeper != RetryPolicy.Sleeper.SYSTEM) {
        sleeper.sleep(Duration.ofNanos(waitNanos));
        return;
      }
      // The system sleeper wakes up now and then, so a cancelled call stops waiting soon.
      long deadline = System.nanoTime() + waitNanos;
      for (long left = waitNanos; left > 0 && !call.isCanceled(); ) {
        sleeper.sleep(Duration.ofNanos(Math.min(left, CANCEL_CHECK_NANOS)));
        left = deadline - System.nanoTime();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException ioe = new InterruptedIOException("interrupted while waiting to retry");
      ioe.initCause(e);
      throw ioe;
    }
  }

  private void notifyRetry(
      Request request, int attempt, int status, @Nullable IOException failure, long waitNanos) {
    String url = Urls.redact(request.url());
    if (log.isDebugEnabled()) {
      log.debug(
          "retrying {} {} after attempt {} ({}) in {} ms",
          request.method(),
          url,
          attempt,
          failure != null ? failure.getClass().getSimpleName() : "status " + status,
          TimeUnit.NANOSECONDS.toMillis(waitNanos));
    }
    try {
      listener.retryScheduled(
          request.method(), url, attempt, status, failure, Duration.ofNanos(waitNanos));
    } catch (RuntimeException e) {
      log.warn("HttpEventListener.retryScheduled threw; ignored", e);
    }
  }
}
