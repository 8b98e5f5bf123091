package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.tier.CacheLevel;
import org.jspecify.annotations.Nullable;

/**
 * One cacheable part of a call: the whole answer of a chat call, or one input of an embedding call.
 * Stages fill it once; a filled unit is never changed again. Its fields are written by one stage
 * and read after the receiver's {@code onDone}, which happens-after the write (futures, locks or
 * the same thread carry the edge).
 */
public final class Unit {
  private final String key;
  private final @Nullable String input;
  private volatile @Nullable Object value;
  private volatile CacheLevel level = CacheLevel.MISS;
  private volatile byte @Nullable [] wire;
  private volatile boolean joining;

  Unit(String key, @Nullable String input) {
    this.key = key;
    this.input = input;
  }

  /** The cache key. */
  public String key() {
    return key;
  }

  /** The embedding input this unit stands for; null for a chat call. */
  public @Nullable String input() {
    return input;
  }

  /** The value once filled: a {@code ChatResponse} or a {@code float[]}. */
  public @Nullable Object value() {
    return value;
  }

  /** Where the value came from. */
  public CacheLevel level() {
    return level;
  }

  /** The bytes the value was decoded from, when the server sent them; for the L2 write. */
  public byte @Nullable [] wire() {
    return wire;
  }

  /** True once a stage has filled the unit. */
  public boolean isFilled() {
    return value != null;
  }

  /** Marks the unit as answered by an identical call in flight: later stages leave it alone. */
  void joining() {
    this.joining = true;
  }

  /** True while the unit still needs a stage below the join to answer it. */
  public boolean isPending() {
    return value == null && !joining;
  }

  /**
   * Fills the unit.
   *
   * @param value the value
   * @param level where it came from
   * @param wire the bytes it was decoded from, or null
   */
  public void fill(Object value, CacheLevel level, byte @Nullable [] wire) {
    this.wire = wire;
    this.level = level;
    this.value = value;
  }
}
