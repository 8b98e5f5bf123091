package ai.vaultgemma.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DbPoolStatsTest {

  @Test
  void openIsInUsePlusIdle() {
    DbPoolStats stats = DbPoolStats.of(3, 9, 2, 25, 45, 4_500, 1);

    assertThat(stats.openConnections()).isEqualTo(12);
    assertThat(stats.inUse()).isEqualTo(3);
    assertThat(stats.idle()).isEqualTo(9);
    assertThat(stats.threadsAwaiting()).isEqualTo(2);
    assertThat(stats.maxOpen()).isEqualTo(25);
    assertThat(stats.totalAcquisitions()).isEqualTo(45);
    assertThat(stats.totalAcquisitionNanos()).isEqualTo(4_500);
    assertThat(stats.averageAcquisitionNanos()).isEqualTo(100.0);
    assertThat(stats.timeoutCount()).isEqualTo(1);
    assertThat(stats.toString())
        .isEqualTo(
            "DbPoolStats{open=12, inUse=3, idle=9, threadsAwaiting=2, maxOpen=25,"
                + " totalAcquisitions=45, totalAcquisitionNanos=4500, timeoutCount=1}");
  }

  @Test
  void emptyIsAllZeros() {
    assertThat(DbPoolStats.empty()).isEqualTo(DbPoolStats.of(0, 0, 0, 0, 0, 0, 0));
    assertThat(DbPoolStats.empty().averageAcquisitionNanos()).isZero();
  }

  @Test
  void valueEquality() {
    assertThat(DbPoolStats.of(1, 2, 3, 4, 5, 6, 7))
        .isEqualTo(DbPoolStats.of(1, 2, 3, 4, 5, 6, 7))
        .hasSameHashCodeAs(DbPoolStats.of(1, 2, 3, 4, 5, 6, 7))
        .isNotEqualTo(DbPoolStats.of(1, 2, 3, 4, 5, 6, 8));
  }

  @Test
  void negativeValuesAreRejectedByName() {
    assertThatThrownBy(() -> DbPoolStats.of(-1, 0, 0, 0, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("inUse must be >= 0 but was -1");
    assertThatThrownBy(() -> DbPoolStats.of(0, 0, 0, 0, 0, -5, 0))
        .hasMessage("totalAcquisitionNanos must be >= 0 but was -5");
  }

  @Test
  void healthValues() {
    DbHealth ok = DbHealth.healthy(Duration.ofMillis(3));
    DbHealth down = DbHealth.unhealthy("refused", Duration.ofMillis(500));

    assertThat(ok.isHealthy()).isTrue();
    assertThat(ok.reason()).isEmpty();
    assertThat(ok).hasToString("DbHealth{healthy, latency=PT0.003S}");
    assertThat(down.isHealthy()).isFalse();
    assertThat(down.reason()).isEqualTo("refused");
    assertThat(down).hasToString("DbHealth{unhealthy, reason=refused, latency=PT0.5S}");
    assertThat(down).isEqualTo(DbHealth.unhealthy("refused", Duration.ofMillis(500)));
    assertThatThrownBy(() -> DbHealth.unhealthy(null, Duration.ZERO))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("reason");
  }
}
