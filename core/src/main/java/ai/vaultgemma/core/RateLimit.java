package ai.vaultgemma.core;

import com.google.errorprone.annotations.Immutable;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A client-side rate limit: requests and tokens per minute, and what a call does when it is over
 * the limit (wait, bounded by its deadline, or fail at once with a {@link
 * RateLimitExceededException} that names the limit and says when to retry). Set per scope (tenant)
 * with {@link InferenceClient.Builder#rateLimitPerScope} and per endpoint with {@link
 * InferenceClient.Builder#rateLimitPerEndpoint}. Limits live in the client's memory unless {@link
 * Builder#shared(boolean) shared}, when every client instance on the same shared tier counts
 * against one limit in its PostgreSQL database (see below).
 *
 * <pre>{@code
 * RateLimit tenant = RateLimit.builder()
 *     .requestsPerMinute(600)
 *     .tokensPerMinute(200_000)
 *     .whenExceeded(RateLimit.Action.REJECT)
 *     .build();
 * }</pre>
 *
 * <p>How it counts: each limit is a smooth rate (GCRA, the token bucket's exact twin) with a burst
 * of one second's worth: 600 requests per minute lets 10 through at once, then one every 100 ms. A
 * call's tokens are estimated before it is sent (a quarter of the characters of its messages or
 * inputs, plus its {@code max_tokens} or {@code max_completion_tokens}) and corrected from the
 * {@code usage} the server reports. A call larger than the burst passes when nothing is owed and
 * puts the limit in debt, so later calls wait. Only calls that go to a server count: cache hits and
 * joined calls do not.
 *
 * <p><b>Shared limits.</b> With {@code shared(true)} the cells live in the client's {@link
 * ai.vaultgemma.core.tier.SharedTier shared tier} (PostgreSQL; the client's build fails without a
 * tier, or on H2): each decision is one atomic statement per cell on the tier's threads (see {@link
 * ai.vaultgemma.core.tier.SharedRateLimits}), so instances on the same database and table prefix
 * share the limit of a scope (or of an endpoint, by its name). Time is the client's {@link
 * InferenceClient.Builder#clock(java.time.Clock) clock}, not the ticker: the instances' clocks must
 * agree to within the burst (one second). A decision takes at most the tier's read budget; when the
 * database does not decide in time, fails, or its breaker is open, the call is decided by this
 * instance's in-memory cell alone, so while that lasts the instances together may admit up to the
 * limit each. Those decisions are counted in {@link
 * ai.vaultgemma.core.tier.SharedRateLimitStats#fallbackCount()}.
 *
 * <p>Immutable and thread-safe.
 */
@Immutable
public final class RateLimit {

  /** What a call over the limit does. */
  public enum Action {
    /** Wait until the limit allows it, unless that is past the call's deadline (then reject). */
    WAIT,
    /** Fail at once with a {@link RateLimitExceededException}. */
    REJECT
  }

  private final long requestsPerMinute;
  private final long tokensPerMinute;
  private final Action action;
  private final boolean shared;

  @SuppressWarnings("Immutable") // a clock source, documented as thread-safe
  private final LongSupplier ticker;

  private RateLimit(Builder b) {
    this.requestsPerMinute = b.requestsPerMinute;
    this.tokensPerMinute = b.tokensPerMinute;
    this.action = b.action;
    this.shared = b.shared;
    this.ticker = b.ticker;
  }

  /**
   * Returns a builder with no limit set.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the requests allowed per minute, or 0 for no request limit. */
  public long requestsPerMinute() {
    return requestsPerMinute;
  }

  /** Returns the tokens allowed per minute, or 0 for no token limit. */
  public long tokensPerMinute() {
    return tokensPerMinute;
  }

  /** Returns what a call over the limit does. */
  public Action whenExceeded() {
    return action;
  }

  /**
   * Returns whether the limit is shared by every client instance on the same shared tier.
   *
   * @return true for a limit kept in the shared tier's database; false (default) for memory
   */
  public boolean shared() {
    return shared;
  }

  /** Returns the nanosecond time source (for tests; {@link System#nanoTime()} by default). */
  public LongSupplier ticker() {
    return ticker;
  }

  @Override
  public String toString() {
    return "RateLimit{requestsPerMinute="
        + requestsPerMinute
        + ", tokensPerMinute="
        + tokensPerMinute
        + ", whenExceeded="
        + action
        + (shared ? ", shared" : "")
        + "}";
  }

  /** Builds a {@link RateLimit}. Not thread-safe. */
  public static final class Builder {
    private long requestsPerMinute;
    private long tokensPerMinute;
    private Action action = Action.WAIT;
    private boolean shared;
    private LongSupplier ticker = System::nanoTime;

    private Builder() {}

    /**
     * Sets the requests allowed per minute.
     *
     * @param limit from 1 to 100,000,000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder requestsPerMinute(long limit) {
      this.requestsPerMinute = check("requestsPerMinute", limit);
      return this;
    }

    /**
     * Sets the tokens allowed per minute (prompt and completion).
     *
     * @param limit from 1 to 100,000,000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder tokensPerMinute(long limit) {
      this.tokensPerMinute = check("tokensPerMinute", limit);
      return this;
    }

    /**
     * Sets what a call over the limit does (default {@link Action#WAIT}).
     *
     * @param action wait or reject
     * @return this builder
     * @throws NullPointerException if {@code action} is null
     */
    public Builder whenExceeded(Action action) {
      this.action = Objects.requireNonNull(action, "action");
      return this;
    }

    /**
     * Sets whether the limit is shared by every client instance on the same shared tier (default
     * false: each client counts in its own memory). A shared limit needs the client's {@link
     * InferenceClient.Builder#sharedTier shared tier} on PostgreSQL, else the client's {@code
     * build()} fails naming the setting; it counts with the client's clock, not {@link #ticker}.
     *
     * @param shared true to keep the limit in the shared tier's database
     * @return this builder
     */
    public Builder shared(boolean shared) {
      this.shared = shared;
      return this;
    }

    /**
     * Sets the nanosecond time source the limit counts with (default {@link System#nanoTime()});
     * for tests that drive time. Waits still run on the client's timer in real time.
     *
     * @param ticker returns nanoseconds; thread-safe
     * @return this builder
     * @throws NullPointerException if {@code ticker} is null
     */
    public Builder ticker(LongSupplier ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    private static long check(String field, long limit) {
      if (limit < 1 || limit > 100_000_000L) {
        throw new IllegalArgumentException(
            field + " must be between 1 and 100000000 but was " + limit);
      }
      return limit;
    }

    /**
     * Builds the limit.
     *
     * @return the limit
     * @throws IllegalStateException if neither a request nor a token limit was set
     */
    public RateLimit build() {
      if (requestsPerMinute == 0 && tokensPerMinute == 0) {
        throw new IllegalStateException(
            "a RateLimit needs requestsPerMinute or tokensPerMinute (or both)");
      }
      return new RateLimit(this);
    }
  }
}
