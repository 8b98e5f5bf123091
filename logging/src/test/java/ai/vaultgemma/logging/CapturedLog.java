package ai.vaultgemma.logging;

import ai.vaultgemma.logging.internal.LogbackSetup;
import ch.qos.logback.classic.LoggerContext;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A private logback context set up exactly as the zero-config setup does, writing into memory. Each
 * line is parsed with Jackson, so a line that is not one valid JSON object fails the test.
 */
final class CapturedLog {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private final LoggerContext context = new LoggerContext();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  CapturedLog(LogOutput output) {
    context.setName("captured");
    context.setMDCAdapter(MDC.getMDCAdapter());
    context.start();
    LogbackSetup.install(context, output, out);
  }

  static CapturedLog json() {
    return new CapturedLog(LogOutput.builder().includeCaller(true).build());
  }

  StructuredLogger logger() {
    return StructuredLogger.of(context.getLogger("test.Logger"));
  }

  String text() {
    return out.toString(StandardCharsets.UTF_8);
  }

  List<String> rawLines() {
    List<String> lines = new ArrayList<>();
    for (String line : text().split("\n", -1)) {
      if (!line.isEmpty()) {
        lines.add(line);
      }
    }
    return lines;
  }

  List<JsonNode> lines() {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : rawLines()) {
      JsonNode node = MAPPER.readTree(line);
      if (!node.isObject()) {
        throw new AssertionError("not a JSON object: " + line);
      }
      nodes.add(node);
    }
    return nodes;
  }

  JsonNode single() {
    List<JsonNode> lines = lines();
    if (lines.size() != 1) {
      throw new AssertionError("expected one line but got " + lines.size() + ":\n" + text());
    }
    return lines.get(0);
  }

  void stop() {
    context.stop();
  }
}
