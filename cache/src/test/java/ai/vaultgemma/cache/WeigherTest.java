package ai.vaultgemma.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WeigherTest {

  @Test
  void standard_measuresBytesCharsAndSized() {
    Weigher weigher = Weigher.standard();
    assertThat(weigher.sizeBytes("k", new byte[42])).isEqualTo(42);
    assertThat(weigher.sizeBytes("k", "hello")).isEqualTo(10);
    assertThat(weigher.sizeBytes("k", java.nio.CharBuffer.wrap("abc"))).isEqualTo(6);
    assertThat(weigher.sizeBytes("k", (Sized) () -> 1234)).isEqualTo(1234);
    assertThat(weigher.sizeBytes("k", 17)).isEqualTo(Weigher.UNKNOWN);
  }

  @Test
  void none_measuresNothing() {
    assertThat(Weigher.none().sizeBytes("k", new byte[42])).isEqualTo(Weigher.UNKNOWN);
  }
}
