package ai.vaultgemma.core.tier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.vaultgemma.cache.SecondLevelStats;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class SharedTierConfigTest {

  @Test
  void defaultsAreTheDocumentedConstants() {
    SharedTierConfig c = SharedTierConfig.defaults();
    assertThat(c.tablePrefix()).isEqualTo("vg_");
    assertThat(c.readTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.readThreads()).isEqualTo(4);
    assertThat(c.readQueueCapacity()).isEqualTo(256);
    assertThat(c.writeQueueCapacity()).isEqualTo(1000);
    assertThat(c.writeQueueMaxBytes()).isEqualTo(32L << 20);
    assertThat(c.closeTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.logBatchSize()).isEqualTo(SharedTierConfig.DEFAULT_LOG_BATCH_SIZE);
    assertThat(c.storePromptText()).isFalse();
    assertThat(c.redactor()).isNull();
  }

  @Test
  void toBuilderCopiesAndBuildingDoesNotLeakLaterChanges() {
    SharedTierConfig.Builder b = SharedTierConfig.builder().tablePrefix("app_").logBatchSize(9);
    SharedTierConfig first = b.build();
    b.logBatchSize(10);
    assertThat(first.logBatchSize()).isEqualTo(9);
    SharedTierConfig copy = first.toBuilder().build();
    assertThat(copy.tablePrefix()).isEqualTo("app_");
    assertThat(copy.logBatchSize()).isEqualTo(9);
  }

  @Test
  void unsafePrefixIsRejectedNamingFieldAndValue() {
    for (String bad : new String[] {"vg; DROP TABLE x", "1abc", "Upper_", "", "a".repeat(41)}) {
      assertThatThrownBy(() -> SharedTierConfig.builder().tablePrefix(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("tablePrefix must be a safe SQL identifier")
          .hasMessageContaining("\"" + bad + "\"");
    }
    assertThat(SharedTierConfig.builder().tablePrefix("_a1_").build().tablePrefix())
        .isEqualTo("_a1_");
  }

  @Test
  void negativeOrZeroSizesAreRejectedNamingFieldAndValue() {
    assertThatThrownBy(() -> SharedTierConfig.builder().logBatchSize(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("logBatchSize must be > 0 but was -1");
    assertThatThrownBy(() -> SharedTierConfig.builder().purgeBatchSize(0))
        .hasMessage("purgeBatchSize must be > 0 but was 0");
    assertThatThrownBy(() -> SharedTierConfig.builder().logQueueCapacity(-5))
        .hasMessage("logQueueCapacity must be in [1, 16777216] but was -5");
    assertThatThrownBy(() -> SharedTierConfig.builder().writeQueueCapacity((1 << 24) + 1))
        .hasMessage("writeQueueCapacity must be in [1, 16777216] but was 16777217");
    assertThatThrownBy(() -> SharedTierConfig.builder().writeQueueMaxBytes(0))
        .hasMessage("writeQueueMaxBytes must be > 0 but was 0");
    assertThatThrownBy(() -> SharedTierConfig.builder().readThreads(0))
        .hasMessage("readThreads must be > 0 but was 0");
    assertThatThrownBy(() -> SharedTierConfig.builder().readQueueCapacity(-1))
        .hasMessage("readQueueCapacity must be > 0 but was -1");
    assertThatThrownBy(() -> SharedTierConfig.builder().closeTimeout(Duration.ZERO))
        .hasMessage("closeTimeout must be positive but was PT0S");
    assertThatThrownBy(() -> SharedTierConfig.builder().maxValueBytes(-2))
        .hasMessage("maxValueBytes must be > 0 but was -2");
    assertThatThrownBy(() -> SharedTierConfig.builder().compressionThresholdBytes(-3))
        .hasMessage("compressionThresholdBytes must be >= 0 but was -3");
    assertThatThrownBy(() -> SharedTierConfig.builder().readTimeout(Duration.ofMillis(-1)))
        .hasMessage("readTimeout must be positive but was PT-0.001S");
    assertThatThrownBy(() -> SharedTierConfig.builder().retryInterval(Duration.ZERO))
        .hasMessage("retryInterval must be positive but was PT0S");
    assertThatThrownBy(() -> SharedTierConfig.builder().logFlushInterval(Duration.ofSeconds(-1)))
        .hasMessage("logFlushInterval must not be negative but was PT-1S");
    assertThatThrownBy(() -> SharedTierConfig.builder().readTimeout(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("readTimeout");
  }

  @Test
  void promptTextIsOffUntilARedactorIsGivenAndToStringHidesTheFunction() {
    SharedTierConfig on =
        SharedTierConfig.builder().storePromptText(UnaryOperator.identity()).build();
    assertThat(on.storePromptText()).isTrue();
    assertThat(on.toString()).contains("storePromptText=true").doesNotContain("Lambda");
    assertThat(on.toBuilder().noPromptText().build().storePromptText()).isFalse();
  }

  @Test
  void unsupportedDatabaseUrlIsRejectedWithoutShowingThePassword() {
    try (HikariDataSource unused = new HikariDataSource()) {
      assertThatThrownBy(
              () ->
                  SharedTier.open(
                      unused,
                      "jdbc:mysql://app:hunter2@db:3306/x?password=hunter2",
                      SharedTierConfig.defaults()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("jdbcUrl must start with jdbc:postgresql: or jdbc:h2:")
          .hasMessageContaining("jdbc:mysql://app:****@db:3306/x?password=****")
          .hasMessageNotContaining("hunter2");
    }
  }

  @Test
  void storeRejectsCallerMistakes() {
    try (HikariDataSource unused = new HikariDataSource()) {
      unused.setJdbcUrl("jdbc:h2:mem:unused");
      try (SharedTier tier =
          SharedTier.open(unused, "jdbc:h2:mem:unused", SharedTierConfig.defaults())) {
        assertThatThrownBy(() -> tier.secondLevelStore().put("k", new byte[1], Duration.ZERO))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("ttl must be positive but was PT0S");
        assertThatThrownBy(() -> tier.secondLevelStore().get("k".repeat(513)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("key length must be <= 512 but was 513");
        assertThatThrownBy(() -> tier.secondLevelStore().get(null))
            .isInstanceOf(NullPointerException.class)
            .hasMessage("key");
      }
    }
  }

  @Test
  void logRecordValidatesAndToStringHidesText() {
    assertThatThrownBy(() -> InferenceLogRecord.builder().promptTokens(-1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("promptTokens must be >= 0 but was -1");
    assertThatThrownBy(() -> InferenceLogRecord.builder().status(1000).build())
        .hasMessage("status must be in [0, 999] but was 1000");
    InferenceLogRecord r =
        InferenceLogRecord.builder().promptText("my secret").responseText("answer").build();
    assertThat(r.toString()).contains("promptText=<9 chars>").doesNotContain("my secret");
  }

  @Test
  void secondLevelStatsRatesAndChecks() {
    SecondLevelStats s = new SecondLevelStats(3, 1, 0, 0, 0, 0, 0, null);
    assertThat(s.hitRate()).isEqualTo(0.75);
    assertThat(s.degraded()).isFalse();
    assertThat(SecondLevelStats.empty().hitRate()).isEqualTo(1.0);
    assertThat(new SecondLevelStats(0, 0, 0, 0, 0, 0, 0, "get failed").degraded()).isTrue();
    assertThatThrownBy(() -> new SecondLevelStats(-1, 0, 0, 0, 0, 0, 0, null))
        .hasMessage("hitCount must be >= 0 but was -1");
  }
}
