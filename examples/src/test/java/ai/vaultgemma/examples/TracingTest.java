package ai.vaultgemma.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Runs the {@link Tracing} example against the simulator and checks the spans it printed. */
class TracingTest {

  @Test
  void tracing_printsACallSpanWithAnAttemptThenAHitUnderTheHandlerSpan() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream original = System.out;
    try (SimulatedBackend backend = SimulatedBackend.start(Duration.ZERO, Duration.ZERO)) {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      Tracing.main(new String[] {backend.baseUrl(), "simulated-model"});
      assertThat(backend.chatRequests()).isEqualTo(1);
    } finally {
      System.setOut(original);
    }
    List<String> printed = out.toString(StandardCharsets.UTF_8).lines().toList();
    List<String> lines = printed.stream().filter(l -> l.startsWith("span ")).toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).startsWith("span POST kind=CLIENT").contains("status=200");
    assertThat(lines.get(1))
        .startsWith("span chat simulated-model kind=CLIENT")
        .contains("level=miss")
        .contains("input_tokens=");
    assertThat(lines.get(2)).startsWith("span chat simulated-model").contains("level=l1");
    assertThat(lines.get(3)).startsWith("span handle-request kind=INTERNAL");
    String handler = id(lines.get(3));
    String miss = id(lines.get(1));
    assertThat(parent(lines.get(0))).isEqualTo(miss);
    assertThat(parent(lines.get(1))).isEqualTo(handler);
    assertThat(parent(lines.get(2))).isEqualTo(handler);
    // One trace for all spans, and the client's log lines (JSON on stdout) carry it too.
    String trace = field(lines.get(3), "trace", 32);
    assertThat(lines).allMatch(l -> l.contains(" trace=" + trace + " "));
    List<String> logLines =
        printed.stream().filter(l -> l.contains("\"event\":\"inference\"")).toList();
    assertThat(logLines).hasSize(2).allMatch(l -> l.contains("\"trace_id\":\"" + trace + "\""));
  }

  private static String id(String line) {
    return field(line, "id", 16);
  }

  private static String parent(String line) {
    return field(line, "parent", 16);
  }

  private static String field(String line, String name, int hexDigits) {
    Matcher m = Pattern.compile(" " + name + "=([0-9a-f]{" + hexDigits + "})").matcher(line);
    assertThat(m.find()).as("%s in %s", name, line).isTrue();
    return m.group(1);
  }
}
