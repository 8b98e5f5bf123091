package ai.vaultgemma.benchmarks.core;

import java.util.concurrent.Callable;

/**
 * {@link PairTimes#time} for benchmarks in other packages (JMH does not let an {@code AuxCounters}
 * state have a public method that is not a counter).
 */
public final class Interleave {
  private Interleave() {}

  /**
   * Runs one call of each contender in turn, timed into {@code t}; see {@link PairTimes#time}.
   *
   * @param t this iteration's counters
   * @param a contender {@code a}
   * @param b contender {@code b}
   * @param <T> what a call returns
   * @return what the second call returned
   * @throws Exception if a call fails
   */
  public static <T> T time(PairTimes t, Callable<T> a, Callable<T> b) throws Exception {
    return t.time(a, b);
  }
}
