package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.ChatChunk;
import ai.vaultgemma.core.InferenceException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * One call to the server that identical calls have joined. The leader publishes what it receives; a
 * joiner that subscribes late first gets the chunks so far, then the rest, in order, then the same
 * outcome. Everything happens under the flight's lock, so the order is the leader's order for every
 * subscriber; subscribers' callbacks must therefore be quick (they run on the leader's thread).
 * Chunks are kept until the flight ends: as many as one answer has.
 */
final class Flight {

  /** A joiner's end of the flight. */
  interface Subscriber {
    void onChunk(ChatChunk chunk);

    void onDone(Object value);

    void onFailure(InferenceException error);
  }

  private final List<ChatChunk> chunks = new ArrayList<>();
  // Copied on write: a subscriber may leave (cancel) from inside its own callback.
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private boolean abandoned;
  private boolean ended;
  private @Nullable Object value;
  private @Nullable InferenceException failure;

  /**
   * Joins the flight.
   *
   * @param subscriber the joiner
   * @return false when the flight was abandoned by its leader and takes no one (lead instead)
   */
  synchronized boolean subscribe(Subscriber subscriber) {
    if (abandoned) {
      return false;
    }
    for (ChatChunk chunk : chunks) {
      subscriber.onChunk(chunk);
    }
    if (ended) {
      if (value != null) {
        subscriber.onDone(value);
      } else {
        subscriber.onFailure(java.util.Objects.requireNonNull(failure));
      }
    } else {
      subscribers.add(subscriber);
    }
    return true;
  }

  synchronized void unsubscribe(Subscriber subscriber) {
    subscribers.remove(subscriber);
  }

  /**
   * Called when the leader is cancelled: with nobody else waiting the flight closes and its work
   * may stop; otherwise it goes on for the others.
   *
   * @return true if nobody else waits (the caller may stop the work)
   */
  synchronized boolean abandonIfAlone() {
    if (subscribers.isEmpty()) {
      abandoned = true;
      return true;
    }
    return false;
  }

  synchronized void chunk(ChatChunk chunk) {
    if (ended) {
      return;
    }
    chunks.add(chunk);
    for (Subscriber s : subscribers) {
      s.onChunk(chunk);
    }
  }

  synchronized void complete(Object answer) {
    if (ended) {
      return;
    }
    ended = true;
    value = answer;
    for (Subscriber s : subscribers) {
      s.onDone(answer);
    }
    subscribers.clear();
  }

  synchronized void fail(InferenceException error) {
    if (ended) {
      return;
    }
    ended = true;
    failure = error;
    for (Subscriber s : subscribers) {
      s.onFailure(error);
    }
    subscribers.clear();
  }
}
