package ai.vaultgemma.pool.internal;

import ai.vaultgemma.pool.HttpAttemptListener;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a request's {@link HttpAttemptListener}, so that a listener that throws never breaks the
 * request, and the headers it sets reach only the attempt it set them for.
 */
final class AttemptEvents {
  private static final Logger log = LoggerFactory.getLogger(AttemptEvents.class);

  /** Headers a listener must not touch: the credentials and the framing are the transport's. */
  private static final Set<String> RESERVED =
      Set.of("authorization", "proxy-authorization", "host", "content-length", "content-type");

  private AttemptEvents() {}

  /**
   * Announces an attempt; returns the request to send, with the listener's headers if any. The
   * request is copied only when the listener sets a header, and then once, straight into its
   * builder (which checks each name and value without echoing the value).
   */
  static Request start(HttpAttemptListener listener, int attempt, Request request) {
    Request.Builder[] copy = {null};
    boolean[] sent = {false};
    try {
      listener.attemptStart(
          attempt,
          (name, value) -> {
            if (sent[0]) {
              throw new IllegalStateException(
                  "header " + name + ": attempt " + attempt + " was already sent");
            }
            if (name == null || RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
              throw new IllegalArgumentException(
                  "header " + name + ": set by the transport, not by a listener");
            }
            if (copy[0] == null) {
              copy[0] = request.newBuilder();
            }
            copy[0].header(name, value);
          });
    } catch (RuntimeException e) {
      log.warn("HttpAttemptListener.attemptStart threw; ignored", e);
    }
    sent[0] = true;
    return copy[0] == null ? request : copy[0].build();
  }

  /** Reports how an attempt ended. */
  static void end(
      HttpAttemptListener listener,
      int attempt,
      @Nullable Response response,
      @Nullable IOException failure,
      long latencyNanos) {
    try {
      if (response != null) {
        listener.attemptEnd(attempt, response.code(), latencyNanos);
      } else if (failure != null) {
        listener.attemptFailed(attempt, failure, latencyNanos);
      }
    } catch (RuntimeException e) {
      log.warn("HttpAttemptListener attempt end threw; ignored", e);
    }
  }

  /** Reports a scheduled retry. */
  static void retry(
      HttpAttemptListener listener,
      int attempt,
      int status,
      @Nullable IOException failure,
      long waitNanos) {
    try {
      listener.retryScheduled(attempt, status, failure, Duration.ofNanos(waitNanos));
    } catch (RuntimeException e) {
      log.warn("HttpAttemptListener.retryScheduled threw; ignored", e);
    }
  }
}
