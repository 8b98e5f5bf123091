package ai.vaultgemma.benchmarks;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor under every cache key: SHA-256 of a typical canonical chat request (about 600 bytes),
 * with a fresh {@link MessageDigest} per call against a reused one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Sha256Benchmark {

  private byte[] request = new byte[0];
  private MessageDigest reused = newDigest();

  /** Builds the request bytes once per trial. */
  @Setup
  public void setUp() {
    StringBuilder json = new StringBuilder("{\"messages\":[");
    for (int i = 0; i < 4; i++) {
      json.append("{\"content\":\"Summarise the quarterly report for region ")
          .append(i)
          .append(" in three bullet points.\",\"role\":\"user\"},");
    }
    json.append("{\"content\":\"ok\",\"role\":\"assistant\"}],\"model\":\"vaultgemma-1b\"")
        .append(",\"temperature\":0.2}");
    request = json.toString().getBytes(StandardCharsets.UTF_8);
    reused = newDigest();
  }

  /** A new digest per call, as a naive key function does. */
  @Benchmark
  public byte[] freshDigest() {
    return newDigest().digest(request);
  }

  /** One digest per thread, reset by {@code digest()}. */
  @Benchmark
  public byte[] reusedDigest() {
    return reused.digest(request);
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
