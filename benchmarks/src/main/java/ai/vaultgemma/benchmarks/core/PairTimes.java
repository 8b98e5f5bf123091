package ai.vaultgemma.benchmarks.core;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The time two interleaved contenders spent, reset each iteration: JMH reports the fields as
 * secondary results ({@code aNanos}, {@code bNanos}, {@code pairs}), and their ratio is the pair's.
 * See {@link InterleavedBenchmark}.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class PairTimes {
  /** Nanoseconds spent in contender {@code a} this iteration. */
  public long aNanos;

  /** Nanoseconds spent in contender {@code b} this iteration. */
  public long bNanos;

  /** Pairs of calls made this iteration. */
  public long pairs;

  /** Starts an iteration's counts at zero. */
  @Setup(Level.Iteration)
  public void reset() {
    aNanos = 0;
    bNanos = 0;
    pairs = 0;
  }

  /**
   * Adds one pair's times.
   *
   * @param aFirst whether {@code a} ran first
   * @param start when the first call started
   * @param middle when the first call ended and the second started
   * @param end when the second call ended
   */
  void add(boolean aFirst, long start, long middle, long end) {
    if (aFirst) {
      aNanos += middle - start;
      bNanos += end - middle;
    } else {
      bNanos += middle - start;
      aNanos += end - middle;
    }
    pairs++;
  }
}
