package ai.vaultgemma.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CacheConfigTest {

  @Test
  void inferencePreset_isTheSeedsInferenceCache() {
    CacheConfig config = CacheConfig.inference();
    assertThat(config.name()).isEqualTo("inference");
    assertThat(config.maximumEntries()).hasValue(1000);
    assertThat(config.maximumBytes()).isEmpty();
    assertThat(config.defaultTtl()).isEqualTo(Duration.ofHours(1));
    assertThat(config.promptExpiry()).isTrue();
    assertThat(config.recordStats()).isTrue();
  }

  @Test
  void embeddingsPreset_isTheSeedsEmbeddingCache() {
    CacheConfig config = CacheConfig.embeddings();
    assertThat(config.name()).isEqualTo("embeddings");
    assertThat(config.maximumEntries()).hasValue(500);
    assertThat(config.defaultTtl()).isEqualTo(Duration.ofHours(24));
  }

  @Test
  void builder_withoutBound_defaultsToEntryBound() {
    CacheConfig config = CacheConfig.builder().build();
    assertThat(config.name()).isEqualTo(CacheConfig.DEFAULT_NAME);
    assertThat(config.maximumEntries()).hasValue(CacheConfig.DEFAULT_MAXIMUM_ENTRIES);
    assertThat(config.defaultTtl()).isEqualTo(CacheConfig.DEFAULT_TTL);
    assertThat(config.weigher()).isSameAs(Weigher.standard());
    assertThat(config.clock()).isSameAs(CacheClock.system());
    assertThat(config.promptExpiry()).isEqualTo(CacheConfig.DEFAULT_PROMPT_EXPIRY).isTrue();
    assertThat(config.recordStats()).isEqualTo(CacheConfig.DEFAULT_RECORD_STATS).isTrue();
  }

  @Test
  void toBuilder_copiesEverything_andLaterChangesDoNotLeak() {
    FakeClock clock = new FakeClock();
    CacheConfig.Builder builder =
        CacheConfig.builder()
            .name("x")
            .maximumEntries(7)
            .defaultTtl(Duration.ofMinutes(3))
            .promptExpiry(false)
            .recordStats(false)
            .clock(clock);
    CacheConfig config = builder.build();
    builder.name("changed");
    CacheConfig copy = config.toBuilder().build();
    assertThat(copy.name()).isEqualTo("x");
    assertThat(copy.maximumEntries()).hasValue(7);
    assertThat(copy.defaultTtl()).isEqualTo(Duration.ofMinutes(3));
    assertThat(copy.promptExpiry()).isFalse();
    assertThat(copy.recordStats()).isFalse();
    assertThat(copy.clock()).isSameAs(clock);
  }

  @Test
  void toBuilder_mayReplaceTheInheritedBound() {
    CacheConfig bytes = CacheConfig.inference().toBuilder().maximumBytes(1 << 20).build();
    assertThat(bytes.maximumBytes()).hasValue(1 << 20);
    assertThat(bytes.maximumEntries()).isEmpty();
    CacheConfig entries = CacheConfig.inference().toBuilder().maximumEntries(5000).build();
    assertThat(entries.maximumEntries()).hasValue(5000);
  }

  @Test
  void maximumEntries_mustBePositive() {
    assertThatThrownBy(() -> CacheConfig.builder().maximumEntries(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maximumEntries must be > 0 but was 0");
    assertThatThrownBy(() -> CacheConfig.builder().maximumEntries(-5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maximumEntries must be > 0 but was -5");
  }

  @Test
  void maximumBytes_mustBePositive() {
    assertThatThrownBy(() -> CacheConfig.builder().maximumBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maximumBytes must be > 0 but was 0");
  }

  @Test
  void bound_setTwice_failsNamingWhatWasThere() {
    assertThatThrownBy(() -> CacheConfig.builder().maximumEntries(10).maximumBytes(100))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "maximumEntries was already set to 10; cannot also set maximumBytes (a cache has one"
                + " bound)");
    assertThatThrownBy(() -> CacheConfig.builder().maximumBytes(100).maximumEntries(10))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("maximumBytes was already set to 100");
    assertThatThrownBy(() -> CacheConfig.builder().maximumEntries(10).maximumEntries(20))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("maximumEntries was already set to 10");
    assertThatThrownBy(() -> CacheConfig.inference().toBuilder().maximumBytes(9).maximumEntries(3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("maximumBytes was already set to 9");
  }

  @Test
  void defaultTtl_mustBePositiveAndSane() {
    assertThatThrownBy(() -> CacheConfig.builder().defaultTtl(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("defaultTtl must be > 0 but was PT0S");
    assertThatThrownBy(() -> CacheConfig.builder().defaultTtl(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("defaultTtl must be > 0 but was PT-1S");
    assertThatThrownBy(() -> CacheConfig.builder().defaultTtl(Duration.ofDays(366)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("defaultTtl must be <= PT8760H (365 days) but was PT8784H");
    assertThat(CacheConfig.builder().defaultTtl(Duration.ofDays(365)).build().defaultTtl())
        .isEqualTo(CacheConfig.MAXIMUM_TTL);
  }

  @Test
  void name_mustNotBeBlank() {
    assertThatThrownBy(() -> CacheConfig.builder().name(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must not be blank but was \" \"");
  }

  @Test
  void nullArguments_areNamed() {
    CacheConfig.Builder builder = CacheConfig.builder();
    assertThatThrownBy(() -> builder.name(nullOf())).hasMessage("name");
    assertThatThrownBy(() -> builder.defaultTtl(nullOf())).hasMessage("defaultTtl");
    assertThatThrownBy(() -> builder.clock(nullOf())).hasMessage("clock");
    assertThatThrownBy(() -> builder.weigher(nullOf())).hasMessage("weigher");
    assertThatThrownBy(() -> builder.executor(nullOf())).hasMessage("executor");
  }

  @Test
  void byteBound_withoutWeigher_failsAtBuild() {
    assertThatThrownBy(
            () -> CacheConfig.builder().maximumBytes(4096).weigher(Weigher.none()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("maximumBytes (4096) requires a weigher")
        .hasMessageContaining("weigher is Weigher.none()");
  }

  @Test
  void toString_showsTheSettings() {
    assertThat(CacheConfig.inference().toString())
        .isEqualTo(
            "CacheConfig{name=inference, maximumEntries=1000, defaultTtl=PT1H,"
                + " promptExpiry=true, recordStats=true, weigher=Weigher.standard()}");
  }

  @SuppressWarnings({"TypeParameterUnusedInFormals", "unchecked"})
  private static <T> T nullOf() {
    return (T) null;
  }
}
