package ai.vaultgemma.core.internal;

import ai.vaultgemma.core.CallOutcome;
import ai.vaultgemma.core.HttpAttempt;
import ai.vaultgemma.core.InferenceCall;
import ai.vaultgemma.core.InferenceListener;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
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
      return composite.create(call); // already guarded
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
    return listener == InferenceListener.NONE
        ? listener
        : new Guarded(new InferenceListener[] {listener});
  }

  /**
   * Several factories; each call gets one listener from each, all behind one guard (not a guard per
   * listener inside another around them: each call allocated both, each event walked both).
   */
  public static final class Composite implements InferenceListener.Factory {
    private final InferenceListener.Factory[] factories;

    /**
     * Creates the composite.
     *
     * @param factories the factories, in order, none {@link InferenceListener.Factory#NONE}
     */
    public Composite(List<InferenceListener.Factory> factories) {
      this.factories = factories.toArray(new InferenceListener.Factory[0]);
    }

    @Override
    public InferenceListener create(InferenceCall call) {
      InferenceListener[] made = new InferenceListener[factories.length];
      int n = 0;
      for (InferenceListener.Factory factory : factories) {
        InferenceListener listener = createOne(factory, call);
        if (listener != InferenceListener.NONE) {
          made[n++] = listener;
        }
      }
      if (n == 0) {
        return InferenceListener.NONE;
      }
      return new Guarded(n == made.length ? made : Arrays.copyOf(made, n));
    }
  }

  /**
   * Calls each listener in turn; one that throws is logged and the next still hears the event.
   *
   * <p>Each event is a plain loop, not a shared helper taking a lambda: the lambda was allocated
   * per event and its call site was megamorphic across the events, and interleaved benchmarks
   * showed the composite of two listeners costing a miss more than both listeners' own work.
   */
  private static final class Guarded implements InferenceListener {
    private final InferenceListener[] listeners;

    Guarded(InferenceListener[] listeners) {
      this.listeners = listeners;
    }

    private static void threw(String event, RuntimeException e) {
      log.warn("InferenceListener.{} threw; ignored", event, e);
    }

    @Override
    public void callStart(InferenceCall call) {
      for (InferenceListener l : listeners) {
        try {
          l.callStart(call);
        } catch (RuntimeException e) {
          threw("callStart", e);
        }
      }
    }

    @Override
    public void rateLimitWait(InferenceCall call, Duration wait) {
      for (InferenceListener l : listeners) {
        try {
          l.rateLimitWait(call, wait);
        } catch (RuntimeException e) {
          threw("rateLimitWait", e);
        }
      }
    }

    @Override
    public void attemptStart(InferenceCall call, HttpAttempt attempt) {
      for (InferenceListener l : listeners) {
        try {
          l.attemptStart(call, attempt);
        } catch (RuntimeException e) {
          threw("attemptStart", e);
        }
      }
    }

    @Override
    public void attemptEnd(InferenceCall call, HttpAttempt attempt, int status, Duration latency) {
      for (InferenceListener l : listeners) {
        try {
          l.attemptEnd(call, attempt, status, latency);
        } catch (RuntimeException e) {
          threw("attemptEnd", e);
        }
      }
    }

    @Override
    public void attemptFailed(
        InferenceCall call, HttpAttempt attempt, IOException failure, Duration latency) {
      for (InferenceListener l : listeners) {
        try {
          l.attemptFailed(call, attempt, failure, latency);
        } catch (RuntimeException e) {
          threw("attemptFailed", e);
        }
      }
    }

    @Override
    public void retryScheduled(
        InferenceCall call, HttpAttempt attempt, String reason, Duration delay) {
      for (InferenceListener l : listeners) {
        try {
          l.retryScheduled(call, attempt, reason, delay);
        } catch (RuntimeException e) {
          threw("retryScheduled", e);
        }
      }
    }

    @Override
    public void firstChunk(InferenceCall call, Duration sinceStart) {
      for (InferenceListener l : listeners) {
        try {
          l.firstChunk(call, sinceStart);
        } catch (RuntimeException e) {
          threw("firstChunk", e);
        }
      }
    }

    @Override
    public void streamEnd(InferenceCall call, int chunks, Duration sinceStart) {
      for (InferenceListener l : listeners) {
        try {
          l.streamEnd(call, chunks, sinceStart);
        } catch (RuntimeException e) {
          threw("streamEnd", e);
        }
      }
    }

    @Override
    public void callEnd(InferenceCall call, CallOutcome outcome) {
      for (InferenceListener l : listeners) {
        try {
          l.callEnd(call, outcome);
        } catch (RuntimeException e) {
          threw("callEnd", e);
        }
      }
    }
  }
}
