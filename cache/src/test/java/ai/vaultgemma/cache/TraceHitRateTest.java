package ai.vaultgemma.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Our cache, as shipped, against exact LRU: on the real web12 trace when {@code
 * VAULTGEMMA_TRACES_DIR} names its folder, and always on a generated trace of the same shape
 * (popular keys plus one-off keys).
 */
class TraceHitRateTest {
  private static final String TRACES_DIR = "VAULTGEMMA_TRACES_DIR";
  private static final int[] CAPACITIES = {500, 1000, 5000};

  @Test
  @EnabledIfEnvironmentVariable(
      named = TRACES_DIR,
      matches = ".*\\S.*",
      disabledReason =
          "NOT RUN: VAULTGEMMA_TRACES_DIR is not set. Set it to the folder holding web12.trace.xz"
              + " (see cache/README.md) to compare the cache with LRU on the real trace.")
  void web12_oursBeatsLruAtEveryCapacity() throws IOException {
    Path dir = Path.of(System.getenv(TRACES_DIR).strip());
    Path file = dir.resolve("web12.trace.xz");
    assertThat(Files.isRegularFile(file))
        .as("%s=%s is set but %s does not exist", TRACES_DIR, dir, file)
        .isTrue();
    int[] trace = TraceSimulator.readIntTrace(file);
    assertThat(trace).as("web12 accesses (SOURCES.md)").hasSize(95_607);
    // The LRU baseline reproduces the figures published in SOURCES.md.
    assertThat(100 * TraceSimulator.lruHitRate(trace, 500)).isCloseTo(55.78, within(0.01));
    assertThat(100 * TraceSimulator.lruHitRate(trace, 5000)).isCloseTo(80.70, within(0.01));
    for (int capacity : CAPACITIES) {
      double ours = TraceSimulator.oursHitRate(trace, capacity);
      double lru = TraceSimulator.lruHitRate(trace, capacity);
      System.out.printf("web12 @ %d: ours %.2f %% LRU %.2f %%%n", capacity, 100 * ours, 100 * lru);
      assertThat(ours).as("hit rate at %d entries (LRU %.4f)", capacity, lru).isGreaterThan(lru);
    }
  }

  @Test
  void syntheticTrace_oursBeatsLruAtEveryCapacity() {
    int[] trace = syntheticTrace(300_000, 20_000, 0.3, 42);
    for (int capacity : CAPACITIES) {
      double ours = TraceSimulator.oursHitRate(trace, capacity);
      double lru = TraceSimulator.lruHitRate(trace, capacity);
      assertThat(ours).as("hit rate at %d entries (LRU %.4f)", capacity, lru).isGreaterThan(lru);
    }
  }

  @Test
  void lruSimulator_isExactOnAHandTrace() {
    // capacity 2: 1m 2m 1h 3m(evicts 2) 2m(evicts 1) 3h 1m -> 2 hits of 7
    int[] trace = {1, 2, 1, 3, 2, 3, 1};
    assertThat(TraceSimulator.lruHitRate(trace, 2)).isEqualTo(2.0 / 7);
  }

  /**
   * Popular keys drawn from a Zipf(1.0) law over {@code popularKeys}, mixed with a share of keys
   * seen once (scans), which flush an LRU but not a frequency-aware cache.
   */
  private static int[] syntheticTrace(int length, int popularKeys, double oneOffShare, long seed) {
    Random random = new Random(seed);
    double[] cdf = new double[popularKeys];
    double total = 0;
    for (int i = 0; i < popularKeys; i++) {
      total += 1.0 / (i + 1);
      cdf[i] = total;
    }
    int[] trace = new int[length];
    int nextOneOff = popularKeys;
    for (int i = 0; i < length; i++) {
      if (random.nextDouble() < oneOffShare) {
        trace[i] = nextOneOff++;
      } else {
        int index = java.util.Arrays.binarySearch(cdf, random.nextDouble() * total);
        trace[i] = index >= 0 ? index : -index - 1;
      }
    }
    return trace;
  }
}
