package ai.vaultgemma.cache;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tukaani.xz.XZInputStream;

/** Replays key traces through our cache (as shipped) and through an exact LRU. */
final class TraceSimulator {
  private TraceSimulator() {}

  /** Reads an xz stream of big-endian 32-bit keys (the web12 format in SOURCES.md). */
  static int[] readIntTrace(Path file) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in =
            new DataInputStream(new BufferedInputStream(new XZInputStream(raw), 1 << 16))) {
      int[] keys = new int[1 << 17];
      int n = 0;
      while (true) {
        int key;
        try {
          key = in.readInt();
        } catch (EOFException end) {
          break;
        }
        if (n == keys.length) {
          keys = Arrays.copyOf(keys, n * 2);
        }
        keys[n++] = key;
      }
      return Arrays.copyOf(keys, n);
    }
  }

  /**
   * The hit rate of a {@link ResponseCache} configured as shipped ({@link CacheConfig#inference()}
   * with only the bound changed), every access a get-or-load.
   */
  static double oursHitRate(int[] trace, int capacity) {
    CacheConfig config = CacheConfig.inference().toBuilder().maximumEntries(capacity).build();
    try (ResponseCache<Integer, Integer> cache = ResponseCache.create(config)) {
      for (int key : trace) {
        cache.get(key, k -> k);
      }
      return cache.stats().hitRate();
    }
  }

  /** The hit rate of an exact LRU of the given capacity that admits every miss. */
  static double lruHitRate(int[] trace, int capacity) {
    Map<Integer, Boolean> lru =
        new LinkedHashMap<>(2 * capacity, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<Integer, Boolean> eldest) {
            return size() > capacity;
          }
        };
    long hits = 0;
    for (int key : trace) {
      if (lru.get(key) != null) {
        hits++;
      } else {
        lru.put(key, Boolean.TRUE);
      }
    }
    return trace.length == 0 ? 0.0 : (double) hits / trace.length;
  }
}
