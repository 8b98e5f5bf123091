package ai.vaultgemma.core.internal;

import ai.vaultgemma.cache.Sized;
import java.util.Objects;

/**
 * A cached answer with its size, measured once when it is stored (the length of its JSON, or four
 * bytes a float for a vector), so the cache's byte accounting is real without weighing on every
 * read.
 *
 * @param value the answer
 * @param sizeBytes its size in bytes
 * @param <T> the answer's type
 */
public record CachedValue<T>(T value, long sizeBytes) implements Sized {

  /** Checks the arguments. */
  public CachedValue {
    Objects.requireNonNull(value, "value");
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("sizeBytes must be >= 0 but was " + sizeBytes);
    }
  }
}
