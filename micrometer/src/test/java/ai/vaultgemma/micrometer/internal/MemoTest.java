package ai.vaultgemma.micrometer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MemoTest {

  @Test
  void aSnapshotIsReusedUntilItIsAsOldAsTheMaxAge() {
    AtomicLong now = new AtomicLong(1_000);
    AtomicInteger taken = new AtomicInteger();
    Memo<String, String> memo = new Memo<>(s -> s + taken.incrementAndGet(), 100, now::get);
    assertThat(memo.get("x")).isEqualTo("x1");
    now.addAndGet(99);
    assertThat(memo.get("x")).isEqualTo("x1");
    now.addAndGet(1);
    assertThat(memo.get("x")).isEqualTo("x2");
  }

  @Test
  void aMaxAgeOfZeroTakesASnapshotOnEveryRead() {
    AtomicInteger taken = new AtomicInteger();
    Memo<String, Integer> memo = new Memo<>(s -> taken.incrementAndGet(), 0, () -> 5L);
    assertThat(memo.get("x")).isEqualTo(1);
    assertThat(memo.get("x")).isEqualTo(2);
  }
}
