package ai.vaultgemma.core.tier.internal;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * A bounded, lock-free queue for many producers and one consumer, on a ring of slots.
 *
 * <p>Why not {@code ArrayBlockingQueue}: its {@code offer} takes a lock that every request thread
 * would contend for on the hot path (one log row per call, cache hits included), and signals a
 * condition. Here a producer claims a sequence number with one CAS on {@code producerIndex} (only
 * while there is room: {@code producerIndex - consumerIndex < capacity}), then publishes the
 * element into its slot with a release store; nothing is allocated. The consumer reads the slot at
 * {@code consumerIndex}; a null slot below {@code producerIndex} means a producer claimed it and is
 * about to publish, so the consumer spins briefly. The consumer clears the slot before advancing
 * {@code consumerIndex} (a release store), so a producer that sees room never overwrites an unread
 * element.
 *
 * <p>{@link #offer} is safe from any thread; {@link #poll} and {@link #drainTo} from one thread at
 * a time only (the consumer, or whoever holds the caller's lock after the consumer stopped).
 */
final class BoundedMpscQueue<E> {

  private final int capacity;
  private final int mask;
  private final AtomicReferenceArray<@Nullable E> slots;
  private final AtomicLong producerIndex = new AtomicLong();
  private final AtomicLong consumerIndex = new AtomicLong();

  BoundedMpscQueue(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be > 0 but was " + capacity);
    }
    this.capacity = capacity;
    int size = Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
    if (size < capacity) {
      size = capacity; // capacity 1
    }
    this.mask = size - 1;
    this.slots = new AtomicReferenceArray<>(size);
  }

  /** Adds {@code e} if there is room; never blocks, never allocates. */
  boolean offer(E e) {
    long p;
    do {
      p = producerIndex.get();
      if (p - consumerIndex.get() >= capacity) {
        return false;
      }
    } while (!producerIndex.compareAndSet(p, p + 1));
    slots.setRelease((int) (p & mask), e);
    return true;
  }

  /** Removes the oldest element, or returns null when empty. Consumer only. */
  @Nullable E poll() {
    long c = consumerIndex.get();
    int i = (int) (c & mask);
    E e = slots.getAcquire(i);
    if (e == null) {
      if (c == producerIndex.get()) {
        return null;
      }
      do { // claimed but not yet published: the producer is between its CAS and its store
        Thread.onSpinWait();
        e = slots.getAcquire(i);
      } while (e == null);
    }
    slots.setPlain(i, null);
    consumerIndex.setRelease(c + 1);
    return e;
  }

  /** Moves up to {@code max} elements into {@code to}; returns how many. Consumer only. */
  int drainTo(List<? super E> to, int max) {
    int n = 0;
    while (n < max) {
      E e = poll();
      if (e == null) {
        break;
      }
      to.add(e);
      n++;
    }
    return n;
  }

  /** Returns whether the queue looks empty; exact from the consumer. */
  boolean isEmpty() {
    return producerIndex.get() == consumerIndex.get();
  }

  /** Returns the number of elements, approximately under concurrency. */
  int size() {
    long size = producerIndex.get() - consumerIndex.get();
    return (int) Math.max(0, Math.min(capacity, size));
  }
}
