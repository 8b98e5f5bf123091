package ai.vaultgemma.benchmarks.cache;

import ai.vaultgemma.cache.CacheConfig;
import ai.vaultgemma.cache.ResponseCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tukaani.xz.XZInputStream;

/**
 * Replays the two real traces (web12, scarab-recs; see {@code /work/shared/traces/SOURCES.md})
 * through our cache as shipped, raw Caffeine (default asynchronous maintenance and synchronous
 * maintenance) and an exact LRU, at 500, 1000 and 5000 entries, and prints the hit rates next to
 * the optimal (OPT) figures from SOURCES.md. Also writes them as JSON.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar
 * ai.vaultgemma.benchmarks.cache.HitRateSimulation [tracesDir] [out.json]}. The traces folder comes
 * from the argument or {@code VAULTGEMMA_TRACES_DIR}; the JSON goes to {@code
 * benchmarks/target/hitrate.json} unless given.
 */
public final class HitRateSimulation {
  private static final int[] CAPACITIES = {500, 1000, 5000};
  private static final int RUNS = 3;

  private HitRateSimulation() {}

  /** One trace: its file, how to read one key, and the OPT and LRU figures from SOURCES.md. */
  private record TraceSpec(String name, String file, int keyBytes, double[] opt, double[] lru) {}

  private static final List<TraceSpec> TRACES =
      List.of(
          new TraceSpec(
              "web12",
              "web12.trace.xz",
              4,
              new double[] {71.82, 77.75, 85.61},
              new double[] {55.78, 64.73, 80.70}),
          new TraceSpec(
              "scarab-recs",
              "scarab-recs.trace.xz",
              8,
              new double[] {39.15, 44.91, 59.72},
              new double[] {22.13, 26.96, 41.20}));

  /** The policies compared, in column order. */
  private enum Policy {
    OURS("ours (as shipped)"),
    CAFFEINE_ASYNC("raw Caffeine, default async maintenance"),
    CAFFEINE_SYNC("raw Caffeine, sync maintenance"),
    LRU("exact LRU");

    final String label;

    Policy(String label) {
      this.label = label;
    }
  }

  /**
   * Runs the simulation.
   *
   * @param args optional traces folder, then optional JSON output path
   * @throws IOException if a trace cannot be read or the JSON cannot be written
   */
  public static void main(String[] args) throws IOException {
    String dirArg = args.length > 0 ? args[0] : System.getenv("VAULTGEMMA_TRACES_DIR");
    if (dirArg == null || dirArg.isBlank()) {
      System.err.println(
          "usage: HitRateSimulation <tracesDir> [out.json]  (or set VAULTGEMMA_TRACES_DIR)");
      System.exit(2);
      return;
    }
    Path dir = Path.of(dirArg.strip());
    Path out = Path.of(args.length > 1 ? args[1] : "benchmarks/target/hitrate.json");

    StringBuilder json = new StringBuilder();
    json.append("{\n  \"unit\": \"percent\",\n  \"runs\": ").append(RUNS);
    json.append(",\n  \"note\": \"ours and raw Caffeine: mean of ").append(RUNS);
    json.append(" runs (asynchronous maintenance varies slightly); OPT and LRU reference values")
        .append(" from SOURCES.md\",\n  \"traces\": [");
    String traceSep = "\n";
    StringBuilder shortfalls = new StringBuilder();
    System.out.printf(
        Locale.ROOT,
        "%-12s %8s %10s %10s %10s %10s %10s %10s%n",
        "trace",
        "entries",
        "ours",
        "caffeine",
        "caff-sync",
        "LRU",
        "OPT",
        "ours-LRU");
    for (TraceSpec spec : TRACES) {
      long[] trace = read(dir.resolve(spec.file()), spec.keyBytes());
      json.append(traceSep).append("    {\"name\": \"").append(spec.name()).append("\", ");
      json.append("\"accesses\": ").append(trace.length).append(", \"points\": [");
      traceSep = ",\n";
      String pointSep = "\n";
      for (int c = 0; c < CAPACITIES.length; c++) {
        int capacity = CAPACITIES[c];
        double[] rates = new double[Policy.values().length];
        for (Policy policy : Policy.values()) {
          rates[policy.ordinal()] = 100 * hitRate(policy, trace, capacity);
        }
        System.out.printf(
            Locale.ROOT,
            "%-12s %8d %9.2f%% %9.2f%% %9.2f%% %9.2f%% %9.2f%% %+9.2f%n",
            spec.name(),
            capacity,
            rates[0],
            rates[1],
            rates[2],
            rates[3],
            spec.opt()[c],
            rates[0] - rates[3]);
        if (rates[Policy.OURS.ordinal()] <= rates[Policy.LRU.ordinal()]) {
          shortfalls.append(
              String.format(
                  Locale.ROOT,
                  "%n  %s @ %d: ours %.2f%% <= LRU %.2f%%",
                  spec.name(),
                  capacity,
                  rates[Policy.OURS.ordinal()],
                  rates[Policy.LRU.ordinal()]));
        }
        json.append(pointSep).append("      {\"capacity\": ").append(capacity);
        pointSep = ",\n";
        for (Policy policy : Policy.values()) {
          json.append(", \"")
              .append(policy.name().toLowerCase(Locale.ROOT))
              .append("\": ")
              .append(String.format(Locale.ROOT, "%.2f", rates[policy.ordinal()]));
        }
        json.append(String.format(Locale.ROOT, ", \"opt\": %.2f", spec.opt()[c]));
        json.append(String.format(Locale.ROOT, ", \"lru_sources\": %.2f}", spec.lru()[c]));
      }
      json.append("\n    ]}");
    }
    System.out.println(
        shortfalls.length() == 0
            ? "ours beats exact LRU at every point"
            : "ours does NOT beat exact LRU at:" + shortfalls);
    json.append("\n  ],\n  \"labels\": {");
    String labelSep = "";
    for (Policy policy : Policy.values()) {
      json.append(labelSep)
          .append('"')
          .append(policy.name().toLowerCase(Locale.ROOT))
          .append("\": \"")
          .append(policy.label)
          .append('"');
      labelSep = ", ";
    }
    json.append(", \"opt\": \"Belady optimum (SOURCES.md)\"}\n}\n");
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(out, json.toString(), StandardCharsets.UTF_8);
    System.out.println("wrote " + out);
  }

  private static double hitRate(Policy policy, long[] trace, int capacity) {
    switch (policy) {
      case LRU:
        return lru(trace, capacity);
      case OURS:
      case CAFFEINE_ASYNC:
      case CAFFEINE_SYNC:
        double sum = 0;
        for (int run = 0; run < RUNS; run++) {
          sum += policy == Policy.OURS ? ours(trace, capacity) : caffeine(trace, capacity, policy);
        }
        return sum / RUNS;
    }
    throw new AssertionError(policy);
  }

  private static double ours(long[] trace, int capacity) {
    CacheConfig config = CacheConfig.inference().toBuilder().maximumEntries(capacity).build();
    try (ResponseCache<Long, Long> cache = ResponseCache.create(config)) {
      for (long key : trace) {
        cache.get(key, k -> k);
      }
      return cache.stats().hitRate();
    }
  }

  private static double caffeine(long[] trace, int capacity, Policy policy) {
    Caffeine<Object, Object> builder = Caffeine.newBuilder().maximumSize(capacity).recordStats();
    if (policy == Policy.CAFFEINE_SYNC) {
      builder.executor(Runnable::run);
    }
    Cache<Long, Long> cache = builder.build();
    for (long key : trace) {
      var unused = cache.get(key, k -> k);
    }
    return cache.stats().hitRate();
  }

  private static double lru(long[] trace, int capacity) {
    Map<Long, Boolean> lru =
        new LinkedHashMap<>(2 * capacity, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > capacity;
          }
        };
    long hits = 0;
    for (long key : trace) {
      if (lru.get(key) != null) {
        hits++;
      } else {
        lru.put(key, Boolean.TRUE);
      }
    }
    return (double) hits / trace.length;
  }

  private static long[] read(Path file, int keyBytes) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + " not found; see SOURCES.md for where to get the traces");
    }
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in =
            new DataInputStream(new BufferedInputStream(new XZInputStream(raw), 1 << 16))) {
      long[] keys = new long[1 << 17];
      int n = 0;
      while (true) {
        long key;
        try {
          key = keyBytes == 4 ? in.readInt() : in.readLong();
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
}
