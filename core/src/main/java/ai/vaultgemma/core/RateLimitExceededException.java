package ai.vaultgemma.core;

import java.time.Duration;
import java.util.Objects;

/**
 * A call was over a client-side {@link RateLimit} and was not sent: the limit rejects, or waiting
 * for it would end past the call's deadline. The message names the limit and when to retry, such as
 * {@code rate limit scope "tenant-a" requests per minute (600) exceeded; retry after 95ms}.
 *
 * <p>Immutable. Not the server's 429, which is a {@link RateLimitedException}.
 */
public class RateLimitExceededException extends InferenceException {
  private static final long serialVersionUID = 1L;

  private final String limit;
  private final Duration retryAfter;

  /**
   * Creates an exception.
   *
   * @param message the full message
   * @param limit which limit, such as {@code scope "tenant-a" requests per minute (600)}
   * @param retryAfter how long until the limit would let the call through
   */
  public RateLimitExceededException(String message, String limit, Duration retryAfter) {
    super(message);
    this.limit = Objects.requireNonNull(limit, "limit");
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
  }

  /**
   * Returns which limit was exceeded.
   *
   * @return such as {@code endpoint http://vllm-1:8000 tokens per minute (100000)}
   */
  public String limit() {
    return limit;
  }

  /**
   * Returns how long until the limit would let this call through, as things stood.
   *
   * @return the wait
   */
  public Duration retryAfter() {
    return retryAfter;
  }
}
