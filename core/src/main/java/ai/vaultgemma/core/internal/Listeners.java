package ai.vaultgemma.core.internal;

import ai.vaultgemma.core.CallOutcome;
import ai.vaultgemma.core.HttpAttempt;
import ai.vaultgemma.core.InferenceCall;
import ai.vaultgemma.core.InferenceListener;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes listeners safe to call: a listener that throws is logged at WARN and the call goes on, and
 * composed listeners each hear every event whatever the others do.
 */
public final class Listeners {
  private static final Logger log = LoggerFactory.getLogger(Listeners.class);

  private Listeners() {}

  /**
   * Makes the listener of one call, never throwing.
   *
   * @param factory the client's factory
   * @param call the call
   * @return a listener whose methods never throw; {@link InferenceListener#NONE} when there is none
   */
  public static InferenceListener create(InferenceListener.Factory factory, InferenceCall call) {
    if (factory == InferenceListener.Factory.NONE) {
      return InferenceListener.NONE;
    }
    if (factory instanceof Composite composite) {
      return composite.create(call); // already guarded, element by element
    }
    return guard(createOne(factory, call));
  }

  private static InferenceListener createOne(
      InferenceListener.Factory factory, InferenceCall call) {
    try {
      InferenceListener listener = factory.create(call);
      return listener == null ? InferenceListener.NONE : listener;
    } catch (RuntimeException e) {
      log.warn("InferenceListener.Factory.create threw; the call goes on without it", e);
      return InferenceListener.NONE;
    }
  }

  private static InferenceListener guard(InferenceListener listener) {
    return listener == InferenceListener.NONE ? listener : new Guarded(List.of(listener));
  }

  /** Several factories; each call gets one listener from each. */
  public static final class Composite implements InferenceListener.Factory {
    private final List<InferenceListener.Factory> factories;

    /**
     * Creates the composite.
     *
     * @param factories the factories, in order, none {@link InferenceListener.Factory#NONE}
     */
    public Composite(List<InferenceListener.Factory> factories) {
      this.factories = List.copyOf(factories);
    }

    @Override
    public InferenceListener create(InferenceCall call) {
      List<InferenceListener> listeners = new ArrayList<>(factories.size());
      for (InferenceListener.Factory factory : factories) {
        InferenceListener listener = Listeners.create(factory, call);
        if (listener != InferenceListener.NONE) {
          listeners.add(listener);
        }
      }
      if (listeners.isEmpty()) {
        return InferenceListener.NONE;
      }
      return listeners.size() == 1 ? listeners.get(0) : new Guarded(listeners);
    }
  }

  /** Calls each listener in turn; one that throws is logged and the next still hears the event. */
  private static final class Guarded implements InferenceListener {
    private final List<InferenceListener> listeners;

    Guarded(List<InferenceListener> listeners) {
      this.listeners = listeners;
    }

    /** Runs one event on every listener; one that throws is logged and skipped. */
    private void each(String event, Consumer<InferenceListener> call) {
      for (InferenceListener l : listeners) {
        try {
          call.accept(l);
        } catch (RuntimeException e) {
          log.warn("InferenceListener.{} threw; ignored", event, e);
        }
      }
    }

    @Override
    public void callStart(InferenceCall call) {
      each("callStart", l -> l.callStart(call));
    }

    @Override
    public void attemptStart(InferenceCall call, HttpAttempt attempt) {
      each("attemptStart", l -> l.attemptStart(call, attempt));
    }

    @Override
    public void attemptEnd(InferenceCall call, HttpAttempt attempt, int status, Duration latency) {
      each("attemptEnd", l -> l.attemptEnd(call, attempt, status, latency));
    }

    @Override
    public void attemptFailed(
        InferenceCall call, HttpAttempt attempt, IOException failure, Duration latency) {
      each("attemptFailed", l -> l.attemptFailed(call, attempt, failure, latency));
    }

    @Override
    public void retryScheduled(
        InferenceCall call, HttpAttempt attempt, String reason, Duration delay) {
      each("retryScheduled", l -> l.retryScheduled(call, attempt, reason, delay));
    }

    @Override
    public void firstChunk(InferenceCall call, Duration sinceStart) {
      each("firstChunk", l -> l.firstChunk(call, sinceStart));
    }

    @Override
    public void streamEnd(InferenceCall call, int chunks, Duration sinceStart) {
      each("streamEnd", l -> l.streamEnd(call, chunks, sinceStart));
    }

    @Override
    public void callEnd(InferenceCall call, CallOutcome outcome) {
      each("callEnd", l -> l.callEnd(call, outcome));
    }
  }
}
