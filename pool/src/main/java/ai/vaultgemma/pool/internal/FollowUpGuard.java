package ai.vaultgemma.pool.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import okhttp3.Connection;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * The network interceptor that keeps OkHttp from re-sending a request on its own, so the {@link
 * RetryInterceptor} is the only source of re-sends.
 *
 * <p>OkHttp's {@code RetryAndFollowUpInterceptor} repeats a request by itself in three cases. Two
 * are switched off by {@code retryOnConnectionFailure(false)}, which the pool sets: recovery from a
 * connection failure, and a 408 without a positive {@code Retry-After}. The third is not: a 503
 * whose {@code Retry-After} reads as 0 is repeated at once whatever that setting says (and a 503 or
 * 408 whose {@code Retry-After} has more digits than an {@code int} makes OkHttp throw a {@code
 * NumberFormatException}). This interceptor sits between the server and that logic: on a 408 or 503
 * it moves {@code Retry-After} under {@link #HIDDEN_HEADER}, so OkHttp sees no instruction to
 * retry, and {@link #restore} puts it back before the retry policy reads the response. Responses of
 * other statuses pass untouched.
 *
 * <p>The first case, a connection failure, is taken over too: OkHttp used to re-send a request that
 * failed on a pooled connection (usually one the server had just closed). This guard remembers
 * which connections have carried a response, and when an exchange on such a connection fails before
 * any response arrived (not by a timeout or cancellation), it throws a {@link
 * StaleConnectionException} around the failure, so the retry policy can decide and count it.
 *
 * <p>Redirects, authentication challenges (none by default) and OkHttp's 421 handling for coalesced
 * HTTP/2 connections are follow-ups, not retries, and stay with OkHttp; each one is still a request
 * on the wire and counted as an attempt.
 */
public final class FollowUpGuard implements Interceptor {

  /**
   * The header that carries a hidden {@code Retry-After} between this guard and the retry stage.
   */
  public static final String HIDDEN_HEADER = "VaultGemma-Hidden-Retry-After";

  private static final String RETRY_AFTER = "Retry-After";

  /** Connections that have carried a response; weak keys, so closed connections drop out. */
  private final Map<Connection, Boolean> used = Collections.synchronizedMap(new WeakHashMap<>());

  @Override
  public Response intercept(Chain chain) throws IOException {
    Connection connection = chain.connection();
    boolean reused = connection != null && used.containsKey(connection);
    Response response;
    try {
      response = chain.proceed(chain.request());
    } catch (IOException e) {
      if (reused && !(e instanceof InterruptedIOException) && !chain.call().isCanceled()) {
        throw new StaleConnectionException(e);
      }
      throw e;
    }
    if (connection != null) {
      used.put(connection, Boolean.TRUE);
    }
    int code = response.code();
    if (code != 408 && code != 503) {
      return response;
    }
    List<String> values = response.headers(RETRY_AFTER);
    if (values.isEmpty()) {
      return response;
    }
    Response.Builder hidden = response.newBuilder().removeHeader(RETRY_AFTER);
    for (String value : values) {
      hidden.addHeader(HIDDEN_HEADER, value);
    }
    return hidden.build();
  }

  /**
   * Returns {@code response} with a hidden {@code Retry-After} put back, or {@code response} itself
   * when nothing was hidden.
   *
   * @param response a response that passed this guard
   * @return the response as the server sent its headers
   */
  public static Response restore(Response response) {
    List<String> values = response.headers(HIDDEN_HEADER);
    if (values.isEmpty()) {
      return response;
    }
    Response.Builder restored = response.newBuilder().removeHeader(HIDDEN_HEADER);
    for (String value : values) {
      restored.addHeader(RETRY_AFTER, value);
    }
    return restored.build();
  }
}
