package ai.vaultgemma.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.vaultgemma.pool.internal.LatencyHistogram;
import org.junit.jupiter.api.Test;

class HttpPoolStatsTest {

  @Test
  void emptyHasNeutralRates() {
    HttpPoolStats empty = HttpPoolStats.empty();
    assertThat(empty.successRate()).isEqualTo(1.0);
    assertThat(empty.reuseRatio()).isZero();
    assertThat(empty.averageLatencyMillis()).isZero();
    assertThat(empty).isEqualTo(HttpPoolStats.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
  }

  @Test
  void derivedValues() {
    HttpPoolStats stats =
        HttpPoolStats.of(10, 14, 9, 1, 4, 50_000_000, 4_000_000, 9_000_000, 1, 9, 0, 1, 1);
    assertThat(stats.requestCount()).isEqualTo(10);
    assertThat(stats.attemptCount()).isEqualTo(14);
    assertThat(stats.retryCount()).isEqualTo(4);
    assertThat(stats.successRate()).isEqualTo(0.9);
    assertThat(stats.averageLatencyMillis()).isEqualTo(5.0);
    assertThat(stats.p50LatencyMillis()).isEqualTo(4.0);
    assertThat(stats.p99LatencyMillis()).isEqualTo(9.0);
    assertThat(stats.reuseRatio()).isEqualTo(0.9);
    assertThat(stats.toString())
        .contains("successRate=0.9", "reuseRatio=0.9", "retryCount=4", "attemptCount=14");
    assertThat(stats.hashCode())
        .isEqualTo(
            HttpPoolStats.of(10, 14, 9, 1, 4, 50_000_000, 4_000_000, 9_000_000, 1, 9, 0, 1, 1)
                .hashCode());
  }

  @Test
  void negativeCountsAreRejectedByName() {
    assertThatThrownBy(() -> HttpPoolStats.of(0, 0, 0, -3, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("failureCount must be >= 0 but was -3");
  }

  @Test
  void histogramQuantilesAreWithinFourPercent() {
    LatencyHistogram histogram = new LatencyHistogram();
    for (long micros = 1; micros <= 10_000; micros++) {
      histogram.record(micros * 1_000);
    }
    long[] q = histogram.quantiles(0.5, 0.99);
    assertThat((double) q[0]).isCloseTo(5_000_000, within(5_000_000 * 0.04));
    assertThat((double) q[1]).isCloseTo(9_900_000, within(9_900_000 * 0.04));
    assertThat(new LatencyHistogram().quantiles(0.5)).containsExactly(0);
  }
}
