package ai.vaultgemma.pool;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * Thrown by {@link HttpPool#execute} and {@link HttpPool#executeAsync} when a call ended on a
 * retryable outcome and the {@link RetryPolicy} gave up: it ran out of retries, or the next wait
 * would have crossed the retry budget or the call's deadline.
 *
 * <p>It carries the last status (or, for I/O failures, the last {@link IOException} as its cause),
 * the number of attempts, the total time waited between them, the last response's body (at most
 * {@value #MAX_BODY_CHARS} characters, so a caller can parse the server's error) and its
 * server-requested wait. The message names the method and the redacted URL (scheme, host, port);
 * never a header, query string or body.
 */
public final class HttpRetriesExhaustedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Most characters of the last response body kept by the exception. */
  public static final int MAX_BODY_CHARS = 64 * 1024;

  private final int lastStatus;
  private final int attempts;
  private final long totalWaitedNanos;
  private final String lastResponseBody;
  private final long retryAfterNanos;

  /**
   * Creates an exception for a call whose last attempt got a response.
   *
   * @param method the HTTP method
   * @param redactedUrl the URL without path or query
   * @param lastStatus the last status
   * @param attempts attempts made, at least 1
   * @param totalWaited total time waited between attempts
   * @param lastResponseBody the last response body, possibly truncated
   * @param retryAfter the last server-requested wait, or null
   * @throws NullPointerException if a required argument is null
   */
  public HttpRetriesExhaustedException(
      String method,
      String redactedUrl,
      int lastStatus,
      int attempts,
      Duration totalWaited,
      String lastResponseBody,
      @Nullable Duration retryAfter) {
    super(
        message(
            requireNonNull(method, "method"),
            requireNonNull(redactedUrl, "redactedUrl"),
            attempts,
            requireNonNull(totalWaited, "totalWaited"),
            "last status " + lastStatus));
    this.lastStatus = lastStatus;
    this.attempts = attempts;
    this.totalWaitedNanos = totalWaited.toNanos();
    this.lastResponseBody = requireNonNull(lastResponseBody, "lastResponseBody");
    this.retryAfterNanos = retryAfter == null ? -1 : retryAfter.toNanos();
  }

  /**
   * Creates an exception for a call whose last attempt failed with an I/O error.
   *
   * @param method the HTTP method
   * @param redactedUrl the URL without path or query
   * @param cause the last failure
   * @param attempts attempts made, at least 1
   * @param totalWaited total time waited between attempts
   * @throws NullPointerException if an argument is null
   */
  public HttpRetriesExhaustedException(
      String method, String redactedUrl, IOException cause, int attempts, Duration totalWaited) {
    super(
        message(
            requireNonNull(method, "method"),
            requireNonNull(redactedUrl, "redactedUrl"),
            attempts,
            requireNonNull(totalWaited, "totalWaited"),
            "last failure " + requireNonNull(cause, "cause").getClass().getSimpleName()),
        cause);
    this.lastStatus = -1;
    this.attempts = attempts;
    this.totalWaitedNanos = totalWaited.toNanos();
    this.lastResponseBody = "";
    this.retryAfterNanos = -1;
  }

  private static String message(
      String method, String url, int attempts, Duration waited, String last) {
    return method
        + " "
        + url
        + " failed after "
        + attempts
        + (attempts == 1 ? " attempt (" : " attempts (")
        + last
        + ", waited "
        + waited.toMillis()
        + " ms)";
  }

  /**
   * Returns the status of the last attempt, or empty if it failed with an I/O error ({@link
   * #getCause()}).
   *
   * @return the last status
   */
  public OptionalInt lastStatus() {
    return lastStatus < 0 ? OptionalInt.empty() : OptionalInt.of(lastStatus);
  }

  /**
   * Returns the attempts made, the first one included: with 3 retries, 4.
   *
   * @return at least 1
   */
  public int attempts() {
    return attempts;
  }

  /**
   * Returns the total time waited between attempts (the waits asked of the sleeper).
   *
   * @return zero or more
   */
  public Duration totalWaited() {
    return Duration.ofNanos(totalWaitedNanos);
  }

  /**
   * Returns the body of the last response, decoded as its charset (UTF-8 by default) and cut to
   * {@value #MAX_BODY_CHARS} characters; empty for I/O failures.
   *
   * @return the body text
   */
  public String lastResponseBody() {
    return lastResponseBody;
  }

  /**
   * Returns the wait the last response asked for ({@code retry-after-ms} or {@code Retry-After}),
   * before the policy's cap, if it asked.
   *
   * @return the requested wait
   */
  public Optional<Duration> retryAfter() {
    return retryAfterNanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(retryAfterNanos));
  }
}
