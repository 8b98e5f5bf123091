package ai.vaultgemma.benchmarks.core;

import java.util.concurrent.Callable;
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
   * Runs one call of each contender, {@code a} first on even pairs and {@code b} first on odd ones,
   * and adds each call's time to its counter.
   *
   * @param a contender {@code a}
   * @param b contender {@code b}
   * @param <T> what a call returns
   * @return what the second call returned, for the benchmark to return
   * @throws Exception if a call fails
   */
  <T> T time(Callable<T> a, Callable<T> b) throws Exception {
    boolean aFirst = (pairs & 1) == 0;
    long start = System.nanoTime();
    T unused = aFirst ? a.call() : b.call();
    long middle = System.nanoTime();
    T second = aFirst ? b.call() : a.call();
    long end = System.nanoTime();
    if (aFirst) {
      aNanos += middle - start;
      bNanos += end - middle;
    } else {
      bNanos += middle - start;
      aNanos += end - middle;
    }
    pairs++;
    return second;
  }
}
