package ai.vaultgemma.pool;

import static java.util.Objects.requireNonNull;

import ai.vaultgemma.pool.internal.Checks;
import ai.vaultgemma.pool.internal.RetryAfter;
import com.google.errorprone.annotations.CanIgnoreReturnValue;
import com.google.errorprone.annotations.Immutable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;

/**
 * When and how long the {@link HttpPool} waits before it tries a call again.
 *
 * <p>A policy retries a call whose outcome is retryable (a connect failure, or a status in {@link
 * #retryableStatuses()}: by default 408, 409, 429, 500, 502, 503 and 504) at most {@link
 * #maxRetries()} times. Other 4xx statuses are never retried. Before retry {@code n} (1-based) it
 * waits:
 *
 * <ol>
 *   <li>what the server asked for, when the response carries {@code retry-after-ms} (milliseconds)
 *       or {@code Retry-After} (seconds or an HTTP date), capped at {@link #maxServerWait()} so a
 *       {@code Retry-After: 86400} never parks a thread for a day;
 *   <li>otherwise the {@link Backoff} delay for {@code n}, which by default grows exponentially
 *       ({@code initial * multiplier^(n-1)}, at most {@code maxBackoff}) and is drawn with full
 *       jitter: uniformly in {@code [0, delay)}.
 * </ol>
 *
 * <p>No wait may end past the retry budget: the smaller of {@link #retryBudget()} and the call's
 * own timeout, both measured from the call's first attempt. When the next wait would cross it, the
 * policy stops and the caller gets the last outcome. A cancelled call stops retrying.
 *
 * <p>Time is read from an injectable {@link Clock} and waits go through an injectable {@link
 * Sleeper}, so tests can script time and never sleep.
 *
 * <p>Instances are immutable and thread-safe; build one with {@link #builder()} and derive a
 * variant with {@link #toBuilder()}:
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.builder()
 *     .maxRetries(5)
 *     .backoff(Duration.ofMillis(200), 2.0, Duration.ofSeconds(5))
 *     .maxServerWait(Duration.ofSeconds(30))
 *     .build();
 * }</pre>
 */
@Immutable
public final class RetryPolicy {

  /** Default {@link #maxRetries()}: 3 retries, so at most 4 attempts. */
  public static final int DEFAULT_MAX_RETRIES = 3;

  /** Default first backoff delay before jitter: 100 ms. */
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);

  /** Default growth factor of the backoff delay between retries: 2.0. */
  public static final double DEFAULT_BACKOFF_MULTIPLIER = 2.0;

  /** Default longest backoff delay before jitter: 10 seconds. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);

  /** Default cap on a single server-requested wait ({@code Retry-After}): 60 seconds. */
  public static final Duration DEFAULT_MAX_SERVER_WAIT = Duration.ofSeconds(60);

  /** Default total retry budget from the first attempt: 2 minutes (the call timeout may cut it). */
  public static final Duration DEFAULT_RETRY_BUDGET = Duration.ofMinutes(2);

  /** Default retryable statuses: 408, 409, 429, 500, 502, 503, 504. */
  public static final Set<Integer> DEFAULT_RETRYABLE_STATUSES =
      Set.of(408, 409, 429, 500, 502, 503, 504);

  /** Whether backoff delays are jittered over {@code [0, delay)}, by default: {@value}. */
  public static final boolean DEFAULT_FULL_JITTER = true;

  /** Whether I/O failures after connecting are retried, by default: {@value}. */
  public static final boolean DEFAULT_RETRY_ON_IO_FAILURE = false;

  /**
   * Whether a request sent on a pooled connection that the server had already closed is sent again
   * on a new one, by default: true (counted as a retry).
   */
  public static final boolean DEFAULT_RETRY_ON_STALE_CONNECTION = true;

  private static final RetryPolicy DEFAULTS = new Builder().build();
  private static final RetryPolicy NONE = new Builder().maxRetries(0).build();

  /**
   * The delay before a retry, before the server's {@code Retry-After} is considered: a function of
   * the retry number, in the way of Resilience4j's {@code IntervalFunction}.
   *
   * <p>Implementations must be thread-safe and side-effect free.
   */
  @Immutable
  @FunctionalInterface
  public interface Backoff {

    /**
     * Returns the delay before retry {@code retry}.
     *
     * @param retry the retry number, 1 for the first retry
     * @return the delay, never negative
     */
    Duration delay(int retry);

    /**
     * Returns an exponential backoff: {@code initial * multiplier^(retry-1)}, at most {@code max}.
     *
     * @param initial the first delay, positive
     * @param multiplier the growth factor, at least 1.0
     * @param max the largest delay, at least {@code initial}
     * @return the backoff function
     * @throws NullPointerException if {@code initial} or {@code max} is null
     * @throws IllegalArgumentException if a value is out of range
     */
    static Backoff exponential(Duration initial, double multiplier, Duration max) {
      requireNonNull(initial, "initial");
      requireNonNull(max, "max");
      Checks.positive("initialBackoff", initial);
      if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
        throw new IllegalArgumentException(
            "backoffMultiplier must be >= 1.0 but was " + multiplier);
      }
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException(
            "maxBackoff must be >= initialBackoff (" + initial + ") but was " + max);
      }
      Checks.atMost(
          "maxBackoff", max, Checks.MAX_NANOS, "the longest duration counted in nanoseconds");
      long initialNanos = initial.toNanos();
      long maxNanos = max.toNanos();
      return retry -> {
        double nanos = initialNanos * Math.pow(multiplier, Math.max(0, retry - 1));
        return Duration.ofNanos(nanos >= maxNanos ? maxNanos : (long) nanos);
      };
    }

    /**
     * Returns a backoff that always waits {@code delay}.
     *
     * @param delay the delay, zero or positive
     * @return the backoff function
     * @throws NullPointerException if {@code delay} is null
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    static Backoff fixed(Duration delay) {
      requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("delay must be >= 0 but was " + delay);
      }
      Checks.atMost(
          "delay", delay, Checks.MAX_NANOS, "the longest duration counted in nanoseconds");
      return retry -> delay;
    }
  }

  /**
   * Waits between attempts. The default, {@link #SYSTEM}, parks the calling thread and wakes up
   * early when the call is cancelled; tests inject one that records waits and returns at once.
   *
   * <p>Implementations must be thread-safe.
   */
  @FunctionalInterface
  public interface Sleeper {

    /** Sleeps on the calling thread with {@link Thread#sleep(long, int)}. */
    Sleeper SYSTEM =
        duration -> {
          long nanos = duration.toNanos();
          if (nanos > 0) {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
          }
        };

    /**
     * Waits for {@code duration}.
     *
     * @param duration how long to wait, zero or positive
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    void sleep(Duration duration) throws InterruptedException;
  }

  private final int maxRetries;
  private final Backoff backoff;
  private final boolean fullJitter;

  @SuppressWarnings("Immutable") // a source of randomness: thread-safe, state is not ours
  private final DoubleSupplier random;

  private final Duration maxServerWait;
  private final Duration retryBudget;

  @SuppressWarnings("Immutable") // Set.copyOf: unmodifiable
  private final Set<Integer> retryableStatuses;

  private final boolean retryOnIoFailure;
  private final boolean retryOnStaleConnection;

  @SuppressWarnings("Immutable") // Clock implementations are immutable by contract
  private final Clock clock;

  @SuppressWarnings("Immutable") // a strategy object, required to be thread-safe
  private final Sleeper sleeper;

  private RetryPolicy(Builder b) {
    this.maxRetries = b.maxRetries;
    this.backoff = b.backoff;
    this.fullJitter = b.fullJitter;
    this.random = b.random;
    this.maxServerWait = b.maxServerWait;
    this.retryBudget = b.retryBudget;
    this.retryableStatuses = Set.copyOf(b.retryableStatuses);
    this.retryOnIoFailure = b.retryOnIoFailure;
    this.retryOnStaleConnection = b.retryOnStaleConnection;
    this.clock = b.clock;
    this.sleeper = b.sleeper;
  }

  /**
   * Returns the default policy: {@value #DEFAULT_MAX_RETRIES} retries, exponential backoff from 100
   * ms doubling up to 10 s with full jitter, server waits capped at 60 s, a 2 minute budget.
   *
   * @return the default policy
   */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a policy that never retries.
   *
   * @return a policy with {@code maxRetries == 0}
   */
  public static RetryPolicy none() {
    return NONE;
  }

  /**
   * Returns a builder with the default values.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads the wait a server asks for, the way this policy reads it before a retry: {@code
   * retry-after-ms} (milliseconds, a non-negative decimal) wins; otherwise {@code Retry-After} as
   * delta-seconds (a fraction such as {@code 1.5} is honoured, as servers send it) or an HTTP-date.
   * Anything else asks for no wait. Very large values saturate.
   *
   * @param retryAfterMs the {@code retry-after-ms} header, or null when absent
   * @param retryAfter the {@code Retry-After} header, or null when absent
   * @param now the current time, for an HTTP-date
   * @return the wait (zero for a date in the past), or empty when the headers ask for none
   * @throws NullPointerException if {@code now} is null
   */
  public static Optional<Duration> serverWait(
      @Nullable String retryAfterMs, @Nullable String retryAfter, Instant now) {
    Objects.requireNonNull(now, "now");
    return Optional.ofNullable(RetryAfter.duration(retryAfterMs, retryAfter, now));
  }

  /**
   * Returns a builder holding this policy's values.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Returns the most retries after the first attempt.
   *
   * @return the maximum retries, zero or positive
   */
  public int maxRetries() {
    return maxRetries;
  }

  /**
   * Returns the backoff function (before jitter).
   *
   * @return the backoff
   */
  public Backoff backoff() {
    return backoff;
  }

  /**
   * Returns whether the backoff delay is drawn uniformly from {@code [0, delay)}.
   *
   * @return true for full jitter
   */
  public boolean fullJitter() {
    return fullJitter;
  }

  /**
   * Returns the cap on a single wait requested by the server.
   *
   * @return the cap
   */
  public Duration maxServerWait() {
    return maxServerWait;
  }

  /**
   * Returns the total time, from the first attempt, past which no wait may end.
   *
   * @return the budget
   */
  public Duration retryBudget() {
    return retryBudget;
  }

  /**
   * Returns the HTTP statuses that are retried.
   *
   * @return an unmodifiable set
   */
  public Set<Integer> retryableStatuses() {
    return retryableStatuses;
  }

  /**
   * Returns whether I/O failures after the connection was made (a reset, an early end of stream)
   * are retried too. Connect failures are always retryable; these others are off by default,
   * because the server may already have acted on a non-idempotent request.
   *
   * @return true if any I/O failure other than a timeout or cancellation is retried
   */
  public boolean retryOnIoFailure() {
    return retryOnIoFailure;
  }

  /**
   * Returns whether an attempt is retried when it failed on a pooled connection before any response
   * arrived (default true): most often the server closed the idle connection just before the
   * request went out (uvicorn, behind vLLM, closes idle connections after 5 s), so the server never
   * saw it. OkHttp used to re-send these by itself, uncounted; here the policy decides, and the
   * re-send counts as a retry within {@link #maxRetries()}. The same failure can mean a server that
   * received the request and died before answering; set false when that must never lead to a second
   * request.
   *
   * @return true if such attempts are retried
   */
  public boolean retryOnStaleConnection() {
    return retryOnStaleConnection;
  }

  /**
   * Returns the clock used for the retry budget and for {@code Retry-After} dates.
   *
   * @return the clock
   */
  public Clock clock() {
    return clock;
  }

  /**
   * Returns the sleeper used to wait between attempts.
   *
   * @return the sleeper
   */
  public Sleeper sleeper() {
    return sleeper;
  }

  /**
   * Returns whether a response with {@code status} may be retried.
   *
   * @param status an HTTP status code
   * @return true if {@code status} is in {@link #retryableStatuses()}
   */
  public boolean isRetryable(int status) {
    return retryableStatuses.contains(status);
  }

  /**
   * Returns whether an I/O failure may be retried: always for connect failures ({@link
   * ConnectException}, {@link NoRouteToHostException}), never for timeouts and cancellations
   * ({@link InterruptedIOException}), and for the rest only with {@link #retryOnIoFailure()}.
   *
   * @param failure the failure of an attempt
   * @return true if the attempt may be retried
   * @throws NullPointerException if {@code failure} is null
   */
  public boolean isRetryable(IOException failure) {
    requireNonNull(failure, "failure");
    if (failure instanceof ConnectException || failure instanceof NoRouteToHostException) {
      return true;
    }
    if (failure instanceof InterruptedIOException) {
      return false;
    }
    return retryOnIoFailure;
  }

  /**
   * Returns the backoff delay before retry {@code retry}, with jitter applied.
   *
   * @param retry the retry number, 1 for the first retry
   * @return the delay to wait
   * @throws IllegalArgumentException if {@code retry < 1}
   */
  public Duration backoffDelay(int retry) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry must be >= 1 but was " + retry);
    }
    Duration delay = backoff.delay(retry);
    if (!fullJitter || delay.isZero()) {
      return delay;
    }
    double r = random.getAsDouble();
    if (!(r >= 0.0 && r < 1.0)) {
      r = 0.0; // a misbehaving source must not stretch the wait
    }
    return Duration.ofNanos((long) (delay.toNanos() * r));
  }

  @Override
  public String toString() {
    return "RetryPolicy{maxRetries="
        + maxRetries
        + ", fullJitter="
        + fullJitter
        + ", maxServerWait="
        + maxServerWait
        + ", retryBudget="
        + retryBudget
        + ", retryableStatuses="
        + new TreeSet<>(retryableStatuses)
        + ", retryOnIoFailure="
        + retryOnIoFailure
        + ", retryOnStaleConnection="
        + retryOnStaleConnection
        + '}';
  }

  /**
   * Builds a {@link RetryPolicy}. Not thread-safe; each method checks its value at once.
   *
   * <p>Defaults: {@link #DEFAULT_MAX_RETRIES}, exponential {@link #DEFAULT_INITIAL_BACKOFF} x
   * {@link #DEFAULT_BACKOFF_MULTIPLIER} up to {@link #DEFAULT_MAX_BACKOFF}, full jitter, {@link
   * #DEFAULT_MAX_SERVER_WAIT}, {@link #DEFAULT_RETRY_BUDGET}, {@link #DEFAULT_RETRYABLE_STATUSES},
   * no retry on I/O failures other than connect failures, the system UTC clock and {@link
   * Sleeper#SYSTEM}.
   */
  public static final class Builder {
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private Backoff backoff =
        Backoff.exponential(
            DEFAULT_INITIAL_BACKOFF, DEFAULT_BACKOFF_MULTIPLIER, DEFAULT_MAX_BACKOFF);
    private boolean fullJitter = DEFAULT_FULL_JITTER;
    private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
    private Duration maxServerWait = DEFAULT_MAX_SERVER_WAIT;
    private Duration retryBudget = DEFAULT_RETRY_BUDGET;
    private Set<Integer> retryableStatuses = DEFAULT_RETRYABLE_STATUSES;
    private boolean retryOnIoFailure = DEFAULT_RETRY_ON_IO_FAILURE;
    private boolean retryOnStaleConnection = DEFAULT_RETRY_ON_STALE_CONNECTION;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.SYSTEM;

    private Builder() {}

    private Builder(RetryPolicy p) {
      maxRetries = p.maxRetries;
      backoff = p.backoff;
      fullJitter = p.fullJitter;
      random = p.random;
      maxServerWait = p.maxServerWait;
      retryBudget = p.retryBudget;
      retryableStatuses = p.retryableStatuses;
      retryOnIoFailure = p.retryOnIoFailure;
      retryOnStaleConnection = p.retryOnStaleConnection;
      clock = p.clock;
      sleeper = p.sleeper;
    }

    /**
     * Sets the most retries after the first attempt; 0 disables retrying.
     *
     * @param maxRetries zero or positive
     * @return this builder
     * @throws IllegalArgumentException if {@code maxRetries < 0}
     */
    @CanIgnoreReturnValue
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0) {
        throw new IllegalArgumentException("maxRetries must be >= 0 but was " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /**
     * Sets an exponential backoff.
     *
     * @param initial the first delay, positive
     * @param multiplier the growth factor, at least 1.0
     * @param max the largest delay, at least {@code initial}
     * @return this builder
     * @throws NullPointerException if {@code initial} or {@code max} is null
     * @throws IllegalArgumentException if a value is out of range
     */
    @CanIgnoreReturnValue
    public Builder backoff(Duration initial, double multiplier, Duration max) {
      this.backoff = Backoff.exponential(initial, multiplier, max);
      return this;
    }

    /**
     * Sets the backoff function.
     *
     * @param backoff the delay before each retry, before jitter
     * @return this builder
     * @throws NullPointerException if {@code backoff} is null
     */
    @CanIgnoreReturnValue
    public Builder backoff(Backoff backoff) {
      this.backoff = requireNonNull(backoff, "backoff");
      return this;
    }

    /**
     * Sets whether backoff delays are drawn uniformly from {@code [0, delay)} (default true), which
     * spreads out clients that failed together.
     *
     * @param fullJitter true to jitter
     * @return this builder
     */
    @CanIgnoreReturnValue
    public Builder fullJitter(boolean fullJitter) {
      this.fullJitter = fullJitter;
      return this;
    }

    /**
     * Sets the source of randomness for jitter; it must return values in {@code [0, 1)}.
     *
     * @param random a thread-safe source
     * @return this builder
     * @throws NullPointerException if {@code random} is null
     */
    @CanIgnoreReturnValue
    public Builder random(DoubleSupplier random) {
      this.random = requireNonNull(random, "random");
      return this;
    }

    /**
     * Sets the cap on a single server-requested wait.
     *
     * @param maxServerWait positive
     * @return this builder
     * @throws NullPointerException if {@code maxServerWait} is null
     * @throws IllegalArgumentException if not positive
     */
    @CanIgnoreReturnValue
    public Builder maxServerWait(Duration maxServerWait) {
      requireNonNull(maxServerWait, "maxServerWait");
      Checks.positive("maxServerWait", maxServerWait);
      this.maxServerWait = maxServerWait;
      return this;
    }

    /**
     * Sets the total time from the first attempt past which no wait may end. The call timeout, if
     * any, cuts it further.
     *
     * @param retryBudget positive
     * @return this builder
     * @throws NullPointerException if {@code retryBudget} is null
     * @throws IllegalArgumentException if not positive
     */
    @CanIgnoreReturnValue
    public Builder retryBudget(Duration retryBudget) {
      requireNonNull(retryBudget, "retryBudget");
      Checks.positive("retryBudget", retryBudget);
      this.retryBudget = retryBudget;
      return this;
    }

    /**
     * Sets the retryable HTTP statuses, replacing the defaults.
     *
     * @param statuses codes between 100 and 599
     * @return this builder
     * @throws NullPointerException if {@code statuses} is null
     * @throws IllegalArgumentException if a code is out of range
     */
    @CanIgnoreReturnValue
    public Builder retryableStatuses(int... statuses) {
      requireNonNull(statuses, "statuses");
      Set<Integer> copy = new TreeSet<>();
      for (int status : statuses) {
        if (status < 100 || status > 599) {
          throw new IllegalArgumentException(
              "retryableStatuses must be within 100..599 but was " + Arrays.toString(statuses));
        }
        copy.add(status);
      }
      this.retryableStatuses = Set.copyOf(copy);
      return this;
    }

    /**
     * Sets whether I/O failures after connecting are retried (default false); see {@link
     * RetryPolicy#isRetryable(IOException)}.
     *
     * @param retryOnIoFailure true to retry them
     * @return this builder
     */
    @CanIgnoreReturnValue
    public Builder retryOnIoFailure(boolean retryOnIoFailure) {
      this.retryOnIoFailure = retryOnIoFailure;
      return this;
    }

    /**
     * Sets whether an attempt that failed on a pooled connection before any response arrived is
     * retried (default true); see {@link RetryPolicy#retryOnStaleConnection()}.
     *
     * @param retryOnStaleConnection false to never re-send after such a failure
     * @return this builder
     */
    @CanIgnoreReturnValue
    public Builder retryOnStaleConnection(boolean retryOnStaleConnection) {
      this.retryOnStaleConnection = retryOnStaleConnection;
      return this;
    }

    /**
     * Sets the clock for the retry budget and {@code Retry-After} dates.
     *
     * @param clock the clock
     * @return this builder
     * @throws NullPointerException if {@code clock} is null
     */
    @CanIgnoreReturnValue
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets how the policy waits between attempts.
     *
     * @param sleeper the sleeper
     * @return this builder
     * @throws NullPointerException if {@code sleeper} is null
     */
    @CanIgnoreReturnValue
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * Returns a new immutable policy with this builder's values.
     *
     * @return the policy
     */
    public RetryPolicy build() {
      return new RetryPolicy(this);
    }
  }
}
