package ai.vaultgemma.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.vaultgemma.cache.RecordingListener.Removal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Single-threaded behaviour, with a fake clock and maintenance on the calling thread. */
class ResponseCacheTest {
  private final FakeClock clock = new FakeClock();
  private final RecordingListener<String, String> listener = new RecordingListener<>();
  private ResponseCache<String, String> cache = create(CacheConfig.builder().maximumEntries(100));

  private ResponseCache<String, String> create(CacheConfig.Builder builder) {
    ResponseCache<String, String> created =
        ResponseCache.create(
            builder
                .name("test")
                .defaultTtl(Duration.ofMinutes(10))
                .clock(clock)
                .executor(Runnable::run)
                .build());
    created.addListener(listener);
    return created;
  }

  @AfterEach
  void closeCache() {
    cache.close();
  }

  @Test
  void put_thenGet_returnsValue() {
    cache.put("a", "1");
    assertThat(cache.getIfPresent("a")).isEqualTo("1");
    assertThat(cache.getIfPresent("b")).isNull();
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void get_expiredEntry_isAbsent_andLeavesOnCleanUpWithCauseExpired() {
    cache.put("a", "1");
    clock.advance(Duration.ofMinutes(10).minusNanos(1));
    assertThat(cache.getIfPresent("a")).isEqualTo("1");
    clock.advance(Duration.ofNanos(1));
    assertThat(cache.getIfPresent("a")).isNull();
    cache.cleanUp();
    assertThat(cache.size()).isZero();
    assertThat(listener.removals).containsExactly(new Removal<>("a", "1", RemovalCause.EXPIRED));
  }

  @Test
  void expiry_withoutAccess_removesEntryAndNotifies() {
    cache.put("a", "1");
    cache.put("b", "2");
    clock.advance(Duration.ofHours(1));
    // No read of "a" or "b": maintenance alone must find and remove them.
    cache.cleanUp();
    assertThat(cache.size()).isZero();
    assertThat(cache.stats().entries()).isZero();
    assertThat(listener.removals)
        .containsExactlyInAnyOrder(
            new Removal<>("a", "1", RemovalCause.EXPIRED),
            new Removal<>("b", "2", RemovalCause.EXPIRED));
  }

  @Test
  void perEntryTtl_beatsDefault_inBothDirections() {
    cache.put("short", "s", Duration.ofSeconds(30));
    cache.put("long", "l", Duration.ofHours(2));
    cache.put("default", "d");
    clock.advance(Duration.ofSeconds(31));
    cache.cleanUp();
    assertThat(cache.getIfPresent("short")).isNull();
    assertThat(cache.getIfPresent("default")).isEqualTo("d");
    clock.advance(Duration.ofMinutes(30));
    cache.cleanUp();
    assertThat(cache.getIfPresent("default")).isNull();
    assertThat(cache.getIfPresent("long")).isEqualTo("l");
    clock.advance(Duration.ofHours(2));
    cache.cleanUp();
    assertThat(cache.getIfPresent("long")).isNull();
    assertThat(listener.removals)
        .extracting(Removal::key)
        .containsExactly("short", "default", "long");
    assertThat(listener.removals).allMatch(r -> r.cause() == RemovalCause.EXPIRED);
  }

  @Test
  void reads_doNotExtendTtl_butRewritesRestartIt() {
    cache.put("a", "1");
    cache.put("b", "1");
    clock.advance(Duration.ofMinutes(9));
    assertThat(cache.getIfPresent("a")).isEqualTo("1");
    cache.put("b", "2");
    clock.advance(Duration.ofMinutes(2));
    assertThat(cache.getIfPresent("a")).isNull();
    assertThat(cache.getIfPresent("b")).isEqualTo("2");
  }

  @Test
  void putWithTtl_thenPlainPut_returnsToDefaultTtl() {
    cache.put("a", "1", Duration.ofSeconds(5));
    cache.put("a", "2");
    clock.advance(Duration.ofMinutes(1));
    assertThat(cache.getIfPresent("a")).isEqualTo("2");
  }

  @Test
  void putWithTtl_outOfRange_failsNamingTtl() {
    assertThatThrownBy(() -> cache.put("a", "1", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl must be > 0 but was PT0S");
    assertThatThrownBy(() -> cache.put("a", "1", Duration.ofDays(400)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl must be <= PT8760H (365 days) but was PT9600H");
    assertThat(cache.getIfPresent("a")).isNull();
  }

  @Test
  void replace_notifiesReplacedWithOldValue() {
    cache.put("a", "1");
    cache.put("a", "2", Duration.ofMinutes(1));
    cache.put("a", "3");
    assertThat(listener.removals)
        .containsExactly(
            new Removal<>("a", "1", RemovalCause.REPLACED),
            new Removal<>("a", "2", RemovalCause.REPLACED));
    assertThat(cache.stats().removalCount(RemovalCause.REPLACED)).isEqualTo(2);
  }

  @Test
  void putSameInstance_isNotAReplacement() {
    String value = "1";
    cache.put("a", value);
    cache.put("a", value);
    assertThat(listener.removals).isEmpty();
  }

  @Test
  void invalidate_andInvalidateAll_notifyExplicit() {
    cache.put("a", "1");
    cache.put("b", "2");
    cache.put("c", "3");
    cache.invalidate("a");
    cache.invalidate("missing");
    assertThat(listener.removals).containsExactly(new Removal<>("a", "1", RemovalCause.EXPLICIT));
    cache.invalidateAll();
    assertThat(cache.size()).isZero();
    assertThat(listener.removals)
        .containsExactlyInAnyOrder(
            new Removal<>("a", "1", RemovalCause.EXPLICIT),
            new Removal<>("b", "2", RemovalCause.EXPLICIT),
            new Removal<>("c", "3", RemovalCause.EXPLICIT));
    assertThat(cache.stats().removalCount(RemovalCause.EXPLICIT)).isEqualTo(3);
  }

  @Test
  void overCapacity_evictsWithCauseSize() {
    cache.close();
    cache = create(CacheConfig.builder().maximumEntries(10));
    for (int i = 0; i < 50; i++) {
      cache.put("k" + i, "v" + i);
    }
    cache.cleanUp();
    assertThat(cache.size()).isEqualTo(10);
    assertThat(listener.removals).hasSize(40).allMatch(r -> r.cause() == RemovalCause.SIZE);
    assertThat(cache.stats().removalCount(RemovalCause.SIZE)).isEqualTo(40);
    assertThat(cache.stats().evictionCount()).isEqualTo(40);
  }

  @Test
  void putOverExpiredEntry_reportsTheOldOneExpired() {
    cache.put("a", "1");
    clock.advance(Duration.ofHours(1));
    cache.put("a", "2");
    cache.cleanUp();
    assertThat(cache.getIfPresent("a")).isEqualTo("2");
    assertThat(listener.removals).containsExactly(new Removal<>("a", "1", RemovalCause.EXPIRED));
    assertThat(cache.stats().removalCount(RemovalCause.EXPIRED)).isEqualTo(1);
    assertThat(cache.stats().removalCount(RemovalCause.REPLACED)).isZero();
  }

  @Test
  void throwingListener_isIsolated() {
    AtomicInteger calls = new AtomicInteger();
    cache.addListener(
        (k, v, cause) -> {
          calls.incrementAndGet();
          throw new IllegalStateException("listener bug");
        });
    RecordingListener<String, String> after = new RecordingListener<>();
    cache.addListener(after);
    cache.put("a", "1");
    cache.put("a", "2");
    cache.invalidate("a");
    assertThat(calls).hasValue(2);
    assertThat(after.removals).hasSize(2);
    assertThat(cache.getIfPresent("a")).isNull();
  }

  @Test
  void listeners_runOnTheConfiguredExecutor_andNothingIsDispatchedWithoutOne() {
    List<Runnable> queued = new ArrayList<>();
    ResponseCache<String, String> queuedCache =
        ResponseCache.create(
            CacheConfig.builder().maximumEntries(2).clock(clock).executor(queued::add).build());
    try (queuedCache) {
      queuedCache.put("a", "1");
      queuedCache.put("a", "2");
      assertThat(queued).isEmpty(); // no listener: no task for the replacement
      RecordingListener<String, String> late = new RecordingListener<>();
      queuedCache.addListener(late);
      queuedCache.put("a", "3");
      queuedCache.invalidate("a");
      assertThat(late.removals).isEmpty(); // not called inline
      assertThat(queued).hasSize(2);
      queued.forEach(Runnable::run);
      assertThat(late.removals)
          .containsExactly(
              new Removal<>("a", "2", RemovalCause.REPLACED),
              new Removal<>("a", "3", RemovalCause.EXPLICIT));
    }
  }

  @Test
  void aListenerThatHearsOnlyEvictions_costsNoHandOffForOtherRemovals() {
    List<Runnable> queued = new ArrayList<>();
    ResponseCache<String, String> queuedCache =
        ResponseCache.create(
            CacheConfig.builder().maximumEntries(1).clock(clock).executor(queued::add).build());
    try (queuedCache) {
      List<RemovalCause> heard = new ArrayList<>();
      queuedCache.addListener(
          new EvictionListener<String, String>() {
            @Override
            public boolean hears(RemovalCause cause) {
              return cause.wasEvicted();
            }

            @Override
            public void onRemoval(String key, String value, RemovalCause cause) {
              heard.add(cause);
            }
          });
      queuedCache.put("a", "1");
      queuedCache.put("a", "2"); // replaced
      queuedCache.invalidate("a"); // explicit
      queuedCache.put("b", "1");
      queuedCache.invalidateAll(); // explicit
      assertThat(queued).as("nothing handed to the executor").isEmpty();

      queuedCache.put("c", "1");
      queuedCache.put("d", "1"); // evicts one of them: size
      queuedCache.cleanUp();
      assertThat(queued).hasSize(1);
      queued.forEach(Runnable::run);
      assertThat(heard).containsExactly(RemovalCause.SIZE);
    }
  }

  @Test
  void aListenerWhoseHearsThrows_hearsTheRemoval_andTheCacheGoesOn() {
    List<RemovalCause> heard = new ArrayList<>();
    cache.addListener(
        new EvictionListener<String, String>() {
          @Override
          public boolean hears(RemovalCause cause) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void onRemoval(String key, String value, RemovalCause cause) {
            heard.add(cause);
          }
        });
    cache.put("a", "1");
    cache.invalidate("a");
    assertThat(heard).containsExactly(RemovalCause.EXPLICIT);
    assertThat(listener.removals).containsExactly(new Removal<>("a", "1", RemovalCause.EXPLICIT));
  }

  @Test
  void removeListener_stopsNotifications() {
    assertThat(cache.removeListener(listener)).isTrue();
    assertThat(cache.removeListener(listener)).isFalse();
    cache.put("a", "1");
    cache.invalidate("a");
    assertThat(listener.removals).isEmpty();
  }

  @Test
  void byteBound_evictsToStayWithinBytes_andStatsReportBytes() {
    cache.close();
    cache = create(CacheConfig.builder().maximumBytes(1000));
    String value = "x".repeat(50); // 100 bytes by the standard weigher
    for (int i = 0; i < 30; i++) {
      cache.put("k" + i, value + i);
    }
    cache.cleanUp();
    CacheStats stats = cache.stats();
    assertThat(stats.totalSizeBytes()).isLessThanOrEqualTo(1000).isGreaterThan(800);
    assertThat(stats.entries()).isEqualTo(cache.size());
    assertThat(stats.removalCount(RemovalCause.SIZE)).isEqualTo(30 - stats.entries());
  }

  @Test
  void byteBound_unmeasurableValue_isRefusedNamingItsType() {
    ResponseCache<String, Object> objects =
        ResponseCache.create(CacheConfig.builder().name("objs").maximumBytes(1000).build());
    try (objects) {
      assertThatThrownBy(() -> objects.put("a", 42))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cache 'objs' has maximumBytes=1000")
          .hasMessageContaining("java.lang.Integer");
      assertThatThrownBy(() -> objects.get("b", k -> 43))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("java.lang.Integer");
      assertThat(objects.getIfPresent("a")).isNull();
      assertThat(objects.getIfPresent("b")).isNull();
      objects.put("c", (Sized) () -> 10);
      assertThat(objects.stats().totalSizeBytes()).isEqualTo(10);
    }
  }

  @Test
  void entryBound_unmeasurableValue_countsZeroBytes() {
    ResponseCache<String, Object> objects =
        ResponseCache.create(CacheConfig.builder().maximumEntries(10).build());
    try (objects) {
      objects.put("a", 42);
      objects.put("b", new byte[7]);
      assertThat(objects.stats().totalSizeBytes()).isEqualTo(7);
      assertThat(objects.stats().entries()).isEqualTo(2);
    }
  }

  @Test
  void nullArguments_areRejectedByName() {
    assertThatThrownBy(() -> cache.getIfPresent(nullOf())).hasMessage("key");
    assertThatThrownBy(() -> cache.put(nullOf(), "v")).hasMessage("key");
    assertThatThrownBy(() -> cache.put("k", nullOf())).hasMessage("value");
    assertThatThrownBy(() -> cache.put("k", "v", nullOf())).hasMessage("ttl");
    assertThatThrownBy(() -> cache.get("k", nullOf())).hasMessage("loader");
    assertThatThrownBy(() -> cache.invalidate(nullOf())).hasMessage("key");
    assertThatThrownBy(() -> cache.addListener(nullOf())).hasMessage("listener");
  }

  @Test
  void loaderReturningNull_failsAndCachesNothing() {
    assertThatThrownBy(() -> cache.get("a", k -> nullOf()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("loader returned null for a key of cache 'test'");
    assertThat(cache.getIfPresent("a")).isNull();
    assertThat(cache.stats().loadFailureCount()).isEqualTo(1);
  }

  @Test
  void close_isIdempotent_discardsEntries_andRefusesUse() {
    cache.put("a", "1");
    cache.close();
    cache.close();
    assertThat(cache.size()).isZero();
    assertThat(listener.removals).isEmpty();
    assertThatThrownBy(() -> cache.getIfPresent("a"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("cache 'test' is closed");
    assertThatThrownBy(() -> cache.put("a", "1")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> cache.get("a", k -> "1")).isInstanceOf(IllegalStateException.class);
    assertThat(cache.stats().entries()).isZero();
  }

  @SuppressWarnings({"TypeParameterUnusedInFormals", "unchecked"})
  private static <T> T nullOf() {
    return (T) null;
  }
}
