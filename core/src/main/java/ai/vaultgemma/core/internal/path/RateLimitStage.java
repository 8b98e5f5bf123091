package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.InferenceCall;
import ai.vaultgemma.core.InferenceException;
import ai.vaultgemma.core.Usage;
import ai.vaultgemma.core.tier.SharedRateLimits;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Charges a call that goes to a server to the client-side rate limits of its scope and of the
 * endpoint the route stage picked; a call over a limit waits (on the client's timer, never on a
 * thread we do not own; a blocking caller sleeps on its own thread) or fails with a {@link
 * ai.vaultgemma.core.RateLimitExceededException}. When the answer reports its usage, the token
 * charge is corrected.
 *
 * <p>Shared limits are decided by the shared tier on its own threads: a blocking caller waits for
 * the decision on its own thread (at most the tier's read budget; the JDBC never runs on it), and
 * an async or streamed call goes on from the decision on the client's executor, never on a tier
 * thread.
 */
public final class RateLimitStage implements Stage {
  /** The longest a blocking caller waits for a shared decision whose tier timer did not fire. */
  private static final Duration MAX_DECISION_WAIT = Duration.ofMinutes(1);

  private final RateLimiter limiter;
  private final ScheduledExecutorService timer;

  /**
   * Creates the stage.
   *
   * @param limiter the limits
   * @param timer ends waits
   */
  public RateLimitStage(RateLimiter limiter, ScheduledExecutorService timer) {
    this.limiter = limiter;
    this.timer = timer;
  }

  @Override
  public void run(Exchange exchange, Receiver receiver, Chain next) {
    Route route = Objects.requireNonNull(exchange.route(), "route");
    long estimate = limiter.countsTokens() ? estimate(exchange) : 0;
    RateLimiter.Request request =
        limiter.request(exchange.scope(), route, estimate, exchange.nanosLeft());
    SharedRateLimits shared = limiter.shared();
    if (shared == null || !request.needsShared()) {
      go(exchange, receiver, next, limiter.reserveLocally(request));
      return;
    }
    // The database decides on the tier's threads, within the tier's read budget; the future is
    // never exceptional and completes empty when the database could not decide (then memory does).
    CompletableFuture<Optional<SharedRateLimits.Decision>> decision =
        shared.decideAsync(request.charges(), limiter.nowEpochNanos());
    if (exchange.mode() == InferenceCall.Mode.BLOCKING) {
      // The caller's own thread waits; the JDBC runs on a tier thread.
      go(exchange, receiver, next, limiter.settle(request, await(decision)));
      return;
    }
    var unused =
        decision.whenCompleteAsync(
            (d, e) -> {
              RateLimiter.Ticket ticket;
              try {
                ticket = limiter.settle(request, d == null ? Optional.empty() : d); // never null
              } catch (RuntimeException failure) {
                if (!exchange.isCancelled()) {
                  receiver.onFailure(Failures.of(failure));
                }
                return;
              }
              if (exchange.isCancelled()) {
                limiter.refund(ticket); // the database may have charged it: give it back
                return;
              }
              go(exchange, receiver, next, ticket);
            },
            exchange.executor());
  }

  /** Waits for a shared decision, which completes within the tier's read budget. */
  private static Optional<SharedRateLimits.Decision> await(
      CompletableFuture<Optional<SharedRateLimits.Decision>> decision) {
    try {
      // The tier's timer completes it at the budget; this bound only covers a stopped timer.
      return decision.get(MAX_DECISION_WAIT.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InferenceException("interrupted while waiting for a shared rate limit", e);
    } catch (ExecutionException | TimeoutException e) {
      return Optional.empty();
    }
  }

  /** Sends the call now, or after the wait its charge asks for. */
  private void go(Exchange exchange, Receiver receiver, Chain next, RateLimiter.Ticket ticket) {
    Receiver r = limiter.countsTokens() ? new Correcting(receiver, ticket) : receiver;
    long wait = ticket.waitNanos;
    if (wait <= 0) {
      next.proceed(exchange, r);
      return;
    }
    exchange.listener().rateLimitWait(exchange, Duration.ofNanos(wait)); // guarded: never throws
    if (exchange.mode() == InferenceCall.Mode.BLOCKING) {
      try {
        TimeUnit.NANOSECONDS.sleep(wait); // the caller's own thread
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        limiter.refund(ticket); // never sent: the calls after it need not wait for it
        receiver.onFailure(new InferenceException("interrupted while waiting for a rate limit", e));
        return;
      }
      next.proceed(exchange, r);
      return;
    }
    var unused =
        timer.schedule(
            () -> {
              try {
                exchange
                    .executor()
                    .execute(
                        () -> {
                          if (exchange.isCancelled()) {
                            limiter.refund(ticket); // cancelled or past its deadline meanwhile
                          } else {
                            next.proceed(exchange, r);
                          }
                        });
              } catch (RejectedExecutionException e) {
                limiter.refund(ticket);
                receiver.onFailure(new InferenceException("client closed while waiting", e));
              }
            },
            wait,
            TimeUnit.NANOSECONDS);
  }

  /** A rough count: a quarter of the characters, plus the completion the request allows. */
  static long estimate(Exchange exchange) {
    long chars = 0;
    long completion = 0;
    ChatRequest chat = exchange.chatRequest();
    if (chat != null) {
      for (ChatMessage m : chat.messages()) {
        Object content = m.content();
        chars += content == null ? 0 : String.valueOf(content).length();
      }
      Integer max =
          chat.maxCompletionTokens() != null ? chat.maxCompletionTokens() : chat.maxTokens();
      completion = max == null ? 0 : max;
    } else {
      for (String input : exchange.requireEmbeddings().inputs()) {
        chars += input.length();
      }
    }
    return (chars + 3) / 4 + completion;
  }

  /** Corrects the token charge from the usage the answer reports. */
  private final class Correcting extends ForwardingReceiver {
    private final RateLimiter.Ticket ticket;

    Correcting(Receiver downstream, RateLimiter.Ticket ticket) {
      super(downstream);
      this.ticket = ticket;
    }

    @Override
    public void onDone(Exchange exchange) {
      Usage usage = exchange.usage();
      if (usage == null && exchange.operation() == InferenceCall.Operation.CHAT) {
        Object value = exchange.units().get(0).value();
        usage = value instanceof ChatResponse response ? response.usage() : null;
      }
      if (usage != null) {
        limiter.correct(ticket, usage.totalTokens());
      }
      downstream.onDone(exchange);
    }
  }
}
