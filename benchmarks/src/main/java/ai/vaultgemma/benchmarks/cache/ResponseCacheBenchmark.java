package ai.vaultgemma.benchmarks.cache;

import ai.vaultgemma.cache.CacheConfig;
import ai.vaultgemma.cache.ResponseCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Scheduler;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of get-hit, put (replacing), and an 80/20 read/write mix at 1 and 2 threads, for:
 *
 * <ul>
 *   <li>{@code ours}: {@link ResponseCache} as shipped ({@code CacheConfig.inference()} with the
 *       bound raised so the key set fits);
 *   <li>{@code caffeine}: raw Caffeine with the same features (size bound, per-entry expiry,
 *       scheduler, stats, maintenance on the calling thread), so the gap is the wrapper's cost;
 *   <li>{@code caffeineDefault}: raw Caffeine as most people write it (size bound, fixed
 *       expire-after-write, stats, default asynchronous maintenance);
 *   <li>{@code lru}: the seed's design, a {@code LinkedHashMap} in access order behind one lock.
 * </ul>
 *
 * <p>Keys are 8192 boxed integers, visited in a pre-drawn random order; every key is cached, so
 * reads are hits and writes replace.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ResponseCacheBenchmark {
  private static final int KEYS = 1 << 13;
  private static final int ORDER = 1 << 16;
  private static final int CAPACITY = 2 * KEYS;

  /** The implementation under test. */
  @Param({"ours", "caffeine", "caffeineDefault", "lru"})
  public String impl = "ours";

  private final Integer[] keys = new Integer[KEYS];
  private final String[] values = new String[KEYS];
  private final int[] order = new int[ORDER];
  private Adapter cache = new LruAdapter(CAPACITY);

  /** The minimal interface the benchmarks need from each implementation. */
  private interface Adapter extends AutoCloseable {
    @Nullable String get(Integer key);

    void put(Integer key, String value);

    @Override
    void close();
  }

  /** Per-thread position in the shared random order. */
  @State(Scope.Thread)
  public static class Cursor {
    int next = ThreadLocalRandom.current().nextInt(ORDER);
  }

  /** Builds the cache under test and fills it with every key. */
  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < KEYS; i++) {
      keys[i] = i;
      values[i] = "response-" + i;
    }
    for (int i = 0; i < ORDER; i++) {
      order[i] = random.nextInt(KEYS);
    }
    cache =
        switch (impl) {
          case "ours" -> new OursAdapter();
          case "caffeine" -> new CaffeineAdapter(sameFeaturesCaffeine());
          case "caffeineDefault" ->
              new CaffeineAdapter(
                  Caffeine.newBuilder()
                      .maximumSize(CAPACITY)
                      .expireAfterWrite(Duration.ofHours(1))
                      .recordStats()
                      .build());
          case "lru" -> new LruAdapter(CAPACITY);
          default ->
              throw new IllegalArgumentException("impl must be a known name but was " + impl);
        };
    for (int i = 0; i < KEYS; i++) {
      cache.put(keys[i], values[i]);
    }
  }

  /** Releases the cache. */
  @TearDown(Level.Trial)
  public void tearDown() {
    cache.close();
  }

  private int nextIndex(Cursor cursor) {
    int index = order[cursor.next & (ORDER - 1)];
    cursor.next++;
    return index;
  }

  private @Nullable String getHit(Cursor cursor) {
    return cache.get(keys[nextIndex(cursor)]);
  }

  private void put(Cursor cursor) {
    int index = nextIndex(cursor);
    cache.put(keys[index], values[index]);
  }

  private @Nullable String readWrite(Cursor cursor) {
    int index = nextIndex(cursor);
    if ((cursor.next % 5) == 0) {
      cache.put(keys[index], values[index]);
      return null;
    }
    return cache.get(keys[index]);
  }

  /**
   * A read of a cached key, one thread.
   *
   * @param cursor the thread's position
   * @return the value, for the blackhole
   */
  @Benchmark
  @Threads(1)
  public @Nullable String getHit1(Cursor cursor) {
    return getHit(cursor);
  }

  /**
   * A read of a cached key, two threads.
   *
   * @param cursor the thread's position
   * @return the value, for the blackhole
   */
  @Benchmark
  @Threads(2)
  public @Nullable String getHit2(Cursor cursor) {
    return getHit(cursor);
  }

  /**
   * A write replacing a cached key, one thread.
   *
   * @param cursor the thread's position
   */
  @Benchmark
  @Threads(1)
  public void put1(Cursor cursor) {
    put(cursor);
  }

  /**
   * A write replacing a cached key, two threads.
   *
   * @param cursor the thread's position
   */
  @Benchmark
  @Threads(2)
  public void put2(Cursor cursor) {
    put(cursor);
  }

  /**
   * Four reads to one write, one thread.
   *
   * @param cursor the thread's position
   * @return the value read, if any, for the blackhole
   */
  @Benchmark
  @Threads(1)
  public @Nullable String readWrite1(Cursor cursor) {
    return readWrite(cursor);
  }

  /**
   * Four reads to one write, two threads.
   *
   * @param cursor the thread's position
   * @return the value read, if any, for the blackhole
   */
  @Benchmark
  @Threads(2)
  public @Nullable String readWrite2(Cursor cursor) {
    return readWrite(cursor);
  }

  private static Cache<Integer, String> sameFeaturesCaffeine() {
    long ttlNanos = Duration.ofHours(1).toNanos();
    return Caffeine.newBuilder()
        .maximumSize(CAPACITY)
        .executor(Runnable::run)
        .scheduler(Scheduler.systemScheduler())
        .recordStats()
        .expireAfter(
            new Expiry<Integer, String>() {
              @Override
              public long expireAfterCreate(Integer key, String value, long currentTime) {
                return ttlNanos;
              }

              @Override
              public long expireAfterUpdate(
                  Integer key, String value, long currentTime, long currentDuration) {
                return ttlNanos;
              }

              @Override
              public long expireAfterRead(
                  Integer key, String value, long currentTime, long currentDuration) {
                return currentDuration;
              }
            })
        .build();
  }

  private static final class OursAdapter implements Adapter {
    private final ResponseCache<Integer, String> cache =
        ResponseCache.create(CacheConfig.inference().toBuilder().maximumEntries(CAPACITY).build());

    @Override
    public @Nullable String get(Integer key) {
      return cache.getIfPresent(key);
    }

    @Override
    public void put(Integer key, String value) {
      cache.put(key, value);
    }

    @Override
    public void close() {
      cache.close();
    }
  }

  private static final class CaffeineAdapter implements Adapter {
    private final Cache<Integer, String> cache;

    CaffeineAdapter(Cache<Integer, String> cache) {
      this.cache = cache;
    }

    @Override
    public @Nullable String get(Integer key) {
      return cache.getIfPresent(key);
    }

    @Override
    public void put(Integer key, String value) {
      cache.put(key, value);
    }

    @Override
    public void close() {
      cache.invalidateAll();
    }
  }

  private static final class LruAdapter implements Adapter {
    private final Map<Integer, String> map;

    LruAdapter(int capacity) {
      this.map =
          Collections.synchronizedMap(
              new LinkedHashMap<>(2 * capacity, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<Integer, String> eldest) {
                  return size() > capacity;
                }
              });
    }

    @Override
    public @Nullable String get(Integer key) {
      return map.get(key);
    }

    @Override
    public void put(Integer key, String value) {
      map.put(key, value);
    }

    @Override
    public void close() {
      map.clear();
    }
  }
}
