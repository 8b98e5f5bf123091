package ai.vaultgemma.core;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Hears what each call of an {@link InferenceClient} does, for metrics, tracing or audit: its start
 * and end (with the level that answered and the tokens used), each HTTP attempt and retry, and a
 * stream's first chunk and end. Install one with {@link InferenceClient.Builder#addListener} or,
 * for state per call, a {@link Factory} with {@link InferenceClient.Builder#addListenerFactory}.
 *
 * <p>Every method has an empty default, so a listener overrides what it needs and new events break
 * nothing. For one call the events come in this order, each at most once unless said otherwise:
 * {@code callStart}; {@code rateLimitWait} when a client-side rate limit holds the call back; for a
 * call that reaches the server, per attempt {@code attemptStart}, then {@code attemptEnd} or {@code
 * attemptFailed}, then {@code retryScheduled} when the retry policy sends again; for a stream
 * {@code firstChunk} and {@code streamEnd}; and last {@code callEnd}, always, exactly once. A call
 * answered from a cache, or by joining an identical call in flight, has no attempts of its own.
 *
 * <p><b>Rules.</b> Events come on whichever thread does the work: the caller's, OkHttp's, or the
 * client's own. Never on two threads at once for one call, but a listener shared by calls must be
 * thread-safe. Be fast and never block: some events come while a connection is held, and a cache
 * hit runs every call's events on the caller's thread. A listener cannot break a call: an exception
 * it throws is caught and logged at WARN, and the call goes on.
 */
public interface InferenceListener {

  /** A listener that hears nothing; a client without listeners costs nothing per call. */
  InferenceListener NONE = new InferenceListener() {};

  /**
   * A call began: it passed validation and is about to look in the caches.
   *
   * @param call the call
   */
  default void callStart(InferenceCall call) {}

  /**
   * A client-side rate limit (one whose action is {@code WAIT}) holds the call back before it goes
   * to the server: it is sent once the wait is over, unless it is cancelled or its deadline comes
   * first. Before the attempts it holds back; a call that falls back to another endpoint may wait
   * again for that endpoint's limit.
   *
   * @param call the call
   * @param wait how long the call waits
   */
  default void rateLimitWait(InferenceCall call, Duration wait) {}

  /**
   * An HTTP attempt is about to be sent. {@link HttpAttempt#header} may set a header on it, such as
   * a tracer's {@code traceparent}.
   *
   * @param call the call
   * @param attempt the attempt
   */
  default void attemptStart(InferenceCall call, HttpAttempt attempt) {}

  /**
   * An attempt got its response headers (for a stream, the body follows).
   *
   * @param call the call
   * @param attempt the attempt
   * @param status the HTTP status
   * @param latency from the attempt's start to its response headers
   */
  default void attemptEnd(InferenceCall call, HttpAttempt attempt, int status, Duration latency) {}

  /**
   * An attempt failed without a response: connect error, reset, timeout or cancel.
   *
   * @param call the call
   * @param attempt the attempt
   * @param failure what failed
   * @param latency from the attempt's start to the failure
   */
  default void attemptFailed(
      InferenceCall call, HttpAttempt attempt, IOException failure, Duration latency) {}

  /**
   * The retry policy will send another attempt after this one.
   *
   * @param call the call
   * @param attempt the attempt that just ended
   * @param reason why, a short bounded word: the status ({@code 503}) or the failure's class name
   *     ({@code SocketTimeoutException})
   * @param delay how long the client waits before the next attempt
   */
  default void retryScheduled(
      InferenceCall call, HttpAttempt attempt, String reason, Duration delay) {}

  /**
   * A stream's first chunk is about to reach the caller (live, joined or replayed from a cache).
   *
   * @param call the call
   * @param sinceStart from the call's start
   */
  default void firstChunk(InferenceCall call, Duration sinceStart) {}

  /**
   * A stream ended: its last chunk reached the caller, or it failed or was cancelled. Comes just
   * before {@link #callEnd}.
   *
   * @param call the call
   * @param chunks the chunks the caller got
   * @param sinceStart from the call's start
   */
  default void streamEnd(InferenceCall call, int chunks, Duration sinceStart) {}

  /**
   * The call ended, with an answer or a failure; the last event of every call. Comes before the
   * caller hears the outcome (before a blocking call returns or a future completes).
   *
   * @param call the call
   * @param outcome how it ended
   */
  default void callEnd(InferenceCall call, CallOutcome outcome) {}

  /**
   * Makes a listener per call, for listeners that keep state for one call (a span, a timer). Called
   * on the caller's thread as the call starts, so it can read the caller's context (such as
   * OpenTelemetry's current span). Must be fast and must not throw; a factory that throws is logged
   * and the call goes on without its listener.
   */
  @FunctionalInterface
  interface Factory {

    /** A factory that gives every call {@link #NONE}. */
    Factory NONE = call -> InferenceListener.NONE;

    /**
     * Returns the listener for this call.
     *
     * @param call the call that is starting
     * @return its listener, {@link InferenceListener#NONE} to hear nothing
     */
    InferenceListener create(InferenceCall call);
  }

  /**
   * Returns a factory that gives every call the same listener.
   *
   * @param listener the shared listener; thread-safe
   * @return the factory
   * @throws NullPointerException if {@code listener} is null
   */
  static Factory factory(InferenceListener listener) {
    Objects.requireNonNull(listener, "listener");
    return listener == NONE ? Factory.NONE : call -> listener;
  }

  /**
   * Returns a factory that gives each call one listener per factory, called in order: a listener
   * that throws is skipped for that event, the others still hear it.
   *
   * @param factories the factories, in the order their listeners hear each event
   * @return the composed factory; {@link Factory#NONE} for an empty list
   * @throws NullPointerException if the list or an element is null
   */
  static Factory compose(List<Factory> factories) {
    List<Factory> all = new ArrayList<>();
    for (Factory f : factories) {
      if (Objects.requireNonNull(f, "factories element") != Factory.NONE) {
        all.add(f);
      }
    }
    if (all.isEmpty()) {
      return Factory.NONE;
    }
    List<Factory> copy = List.copyOf(all);
    return copy.size() == 1
        ? copy.get(0)
        : new ai.vaultgemma.core.internal.Listeners.Composite(copy);
  }
}
