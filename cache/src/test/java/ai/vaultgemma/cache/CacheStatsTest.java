package ai.vaultgemma.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CacheStatsTest {

  @Test
  void scriptedSequence_givesExactStats() {
    FakeClock clock = new FakeClock();
    try (ResponseCache<String, String> cache =
        ResponseCache.create(
            CacheConfig.builder()
                .name("script")
                .maximumEntries(100)
                .defaultTtl(Duration.ofMinutes(10))
                .clock(clock)
                .executor(Runnable::run)
                .build())) {
      cache.put("a", "aa"); // 4 bytes
      cache.put("b", "bbbb");
      cache.put("a", "aaaa"); // replaced
      assertThat(cache.getIfPresent("a")).isEqualTo("aaaa"); // hit
      assertThat(cache.getIfPresent("b")).isEqualTo("bbbb"); // hit
      assertThat(cache.getIfPresent("c")).isNull(); // miss
      String loaded =
          cache.get(
              "c",
              k -> {
                clock.advance(Duration.ofMillis(5));
                return "cc";
              }); // miss + load of 5 ms
      assertThat(loaded).isEqualTo("cc");
      assertThat(cache.get("c", k -> "never")).isEqualTo("cc"); // hit
      assertThatThrownBy(
              () ->
                  cache.get(
                      "e",
                      k -> {
                        clock.advance(Duration.ofMillis(2));
                        throw new IllegalStateException("backend down");
                      }))
          .hasMessage("backend down"); // miss + failed load of 2 ms
      cache.invalidate("b"); // explicit
      cache.put("d", "dddddd", Duration.ofSeconds(1));
      clock.advance(Duration.ofSeconds(2));
      cache.cleanUp(); // d expired

      CacheStats stats = cache.stats();
      CacheStats expected =
          CacheStats.builder("script")
              .hitCount(3)
              .missCount(2 + 1)
              .loadSuccessCount(1)
              .loadFailureCount(1)
              .totalLoadTimeNanos(Duration.ofMillis(7).toNanos())
              .removalCount(RemovalCause.EXPLICIT, 1)
              .removalCount(RemovalCause.REPLACED, 1)
              .removalCount(RemovalCause.EXPIRED, 1)
              .removalCount(RemovalCause.SIZE, 0)
              .entries(2)
              .totalSizeBytes(8 + 4)
              .build();
      assertThat(stats).isEqualTo(expected);
      assertThat(stats.hitRate()).isEqualTo(0.5);
      assertThat(stats.missRate()).isEqualTo(0.5);
      assertThat(stats.requestCount()).isEqualTo(6);
      assertThat(stats.loadCount()).isEqualTo(2);
      assertThat(stats.averageLoadPenaltyNanos()).isEqualTo(3_500_000.0);
      assertThat(stats.evictionCount()).isEqualTo(1);
      assertThat(stats.totalSizeMb()).isEqualTo(12 / 1048576.0);
    }
  }

  @Test
  void recordStatsOff_countsNoLookups_butStillEntriesAndRemovals() {
    try (ResponseCache<String, String> cache =
        ResponseCache.create(CacheConfig.builder().recordStats(false).build())) {
      cache.put("a", "1");
      cache.getIfPresent("a");
      cache.get("b", k -> "2");
      cache.invalidate("a");
      CacheStats stats = cache.stats();
      assertThat(stats.requestCount()).isZero();
      assertThat(stats.loadCount()).isZero();
      assertThat(stats.totalLoadTimeNanos()).isZero();
      assertThat(stats.entries()).isEqualTo(1);
      assertThat(stats.removalCount(RemovalCause.EXPLICIT)).isEqualTo(1);
    }
  }

  @Test
  void empty_hasZeroRates() {
    CacheStats empty = CacheStats.empty("x");
    assertThat(empty.hitRate()).isZero();
    assertThat(empty.missRate()).isZero();
    assertThat(empty.averageLoadPenaltyNanos()).isZero();
    assertThat(empty.totalSizeMb()).isZero();
    assertThat(empty.name()).isEqualTo("x");
  }

  @Test
  void plusAndMinus_combineCounts() {
    CacheStats a =
        CacheStats.builder("a")
            .hitCount(3)
            .missCount(1)
            .removalCount(RemovalCause.SIZE, 4)
            .entries(10)
            .totalSizeBytes(100)
            .build();
    CacheStats b = CacheStats.builder("b").hitCount(Long.MAX_VALUE).missCount(2).entries(5).build();
    CacheStats sum = a.plus(b);
    assertThat(sum.name()).isEqualTo("a");
    assertThat(sum.hitCount()).isEqualTo(Long.MAX_VALUE);
    assertThat(sum.missCount()).isEqualTo(3);
    assertThat(sum.entries()).isEqualTo(15);
    assertThat(sum.removalCount(RemovalCause.SIZE)).isEqualTo(4);

    CacheStats delta = a.minus(CacheStats.builder("a").hitCount(1).missCount(5).build());
    assertThat(delta.hitCount()).isEqualTo(2);
    assertThat(delta.missCount()).isZero();
    assertThat(delta.entries()).isEqualTo(10);
    assertThat(delta.totalSizeBytes()).isEqualTo(100);
  }

  @Test
  void builder_rejectsNegativeCounts() {
    assertThatThrownBy(() -> CacheStats.builder("x").hitCount(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("hitCount must be >= 0 but was -1");
    assertThatThrownBy(() -> CacheStats.builder("x").removalCount(RemovalCause.SIZE, -2))
        .hasMessage("removalCount(SIZE) must be >= 0 but was -2");
  }

  @Test
  void valueSemantics() {
    CacheStats one = CacheStats.builder("x").hitCount(1).entries(2).build();
    CacheStats same = CacheStats.builder("x").hitCount(1).entries(2).build();
    assertThat(one).isEqualTo(same).hasSameHashCodeAs(same).isNotEqualTo(CacheStats.empty("x"));
    assertThat(one.toString()).contains("name=x", "hitCount=1", "hitRate=1.0", "entries=2");
  }
}
