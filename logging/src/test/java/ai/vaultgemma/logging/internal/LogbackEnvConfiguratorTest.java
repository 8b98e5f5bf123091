package ai.vaultgemma.logging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.vaultgemma.logging.StructuredLogger;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.Appender;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

class LogbackEnvConfiguratorTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final LoggerContext context = newContext();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final Map<String, String> env = new HashMap<>();
  private final Map<String, String> properties = new HashMap<>();
  private final Map<String, URL> resources = new HashMap<>();

  @AfterEach
  void stop() {
    context.stop();
  }

  private static LoggerContext newContext() {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter());
    context.start();
    return context;
  }

  private ExecutionStatus configure() {
    LogbackEnvConfigurator configurator =
        new LogbackEnvConfigurator(env::get, properties::get, resources::get, out);
    configurator.setContext(context);
    return configurator.configure(context);
  }

  private StructuredLogger logger() {
    return StructuredLogger.of(context.getLogger("app.Service"));
  }

  private List<String> lines() {
    List<String> lines = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isEmpty()) {
        lines.add(line);
      }
    }
    return lines;
  }

  private List<JsonNode> json() {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : lines()) {
      nodes.add(MAPPER.readTree(line));
    }
    return nodes;
  }

  @Test
  void noEnv_configuresJsonAtInfo() {
    assertThat(configure()).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

    logger().debug("hidden");
    logger().info("shown");

    List<JsonNode> lines = json();
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0).get("message").asString()).isEqualTo("shown");
    assertThat(lines.get(0).get("time").asString())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("vaultgemma")).isNotNull();
  }

  @Test
  void logLevel_debugShowsDebug_errorHidesInfo() {
    env.put("LOG_LEVEL", "debug");
    configure();
    logger().debug("shown");
    assertThat(lines()).hasSize(1);

    LoggerContext other = newContext();
    try {
      ByteArrayOutputStream otherOut = new ByteArrayOutputStream();
      env.put("LOG_LEVEL", "error");
      LogbackEnvConfigurator configurator =
          new LogbackEnvConfigurator(env::get, properties::get, resources::get, otherOut);
      configurator.setContext(other);
      configurator.configure(other);
      StructuredLogger log = StructuredLogger.of(other.getLogger("x"));
      log.info("hidden");
      log.warn("hidden");
      log.error("shown");
      assertThat(otherOut.toString(StandardCharsets.UTF_8))
          .contains("shown")
          .doesNotContain("hidden");
    } finally {
      other.stop();
    }
  }

  @Test
  void logLevel_invalid_warnsOnceThenUsesInfo() {
    env.put("LOG_LEVEL", "verbose");
    configure();
    logger().debug("hidden");
    logger().info("shown");

    List<JsonNode> lines = json();
    assertThat(lines).hasSize(2);
    JsonNode warning = lines.get(0);
    assertThat(warning.get("level").asString()).isEqualTo("WARN");
    assertThat(warning.get("logger").asString()).isEqualTo("ai.vaultgemma.logging");
    assertThat(warning.get("message").asString())
        .contains("LOG_LEVEL")
        .contains("\"verbose\"")
        .contains("using info");
    assertThat(lines.get(1).get("message").asString()).isEqualTo("shown");
  }

  @Test
  void invalidValue_warningShowsEvenWhenRootLevelIsOff() {
    env.put("LOG_LEVEL", "off");
    env.put("LOG_TIME_FORMAT", "epoch");
    configure();
    logger().error("hidden");

    List<JsonNode> lines = json();
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0).get("message").asString())
        .contains("LOG_TIME_FORMAT")
        .contains("\"epoch\"");
  }

  @Test
  void logFormat_console_writesReadableLines() {
    env.put("LOG_FORMAT", "console");
    env.put("LOG_CALLER", "true");
    configure();
    logger().inference("vaultgemma-1b", "chat", 42, 180, false, "u 7");
    logger().info("two\nlines");

    List<String> lines = lines();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0))
        .matches(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z INFO  app\\.Service - inference .*")
        .contains(" event=inference model=vaultgemma-1b domain=chat tokens_used=42")
        .contains(" cache_hit=false user_id=\"u 7\"")
        .endsWith(
            "(LogbackEnvConfiguratorTest.java:" + lineOf("inference(\"vaultgemma-1b\"") + ")");
    assertThat(lines.get(1)).contains(" - two\\nlines");
    assertThat(lines.get(0).trim()).doesNotStartWith("{");
  }

  @Test
  void logFormat_console_hostileValuesStayOnOneLine() {
    env.put("LOG_FORMAT", "console");
    configure();
    logger()
        .atInfo()
        .field("note", "a\nfake=1 \"q\" \\ end")
        .field("empty", "")
        .field("password", "hunter2")
        .log("m");

    List<String> lines = lines();
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0))
        .contains(" note=\"a\\nfake=1 \\\"q\\\" \\\\ end\"")
        .contains(" empty=\"\"")
        .contains(" password=[REDACTED]")
        .doesNotContain("hunter2");
  }

  @Test
  void logFormat_invalid_warnsAndUsesJson() {
    env.put("LOG_FORMAT", "pretty");
    configure();
    logger().info("shown");

    List<JsonNode> lines = json();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0).get("message").asString())
        .isEqualTo("LOG_FORMAT must be one of json, console but was \"pretty\"; using json");
  }

  @Test
  void logTimeFormat_unix_isANumberWithMicroseconds() {
    env.put("LOG_TIME_FORMAT", "unix");
    long before = System.currentTimeMillis();
    configure();
    logger().info("shown");
    long after = System.currentTimeMillis();

    JsonNode time = json().get(0).get("time");
    assertThat(time.isNumber()).isTrue();
    assertThat(lines().get(0)).containsPattern("\"time\":\\d{10}\\.\\d{6}[,}]");
    long millis = time.decimalValue().movePointRight(3).longValue();
    assertThat(millis).isBetween(before, after);
  }

  @Test
  void logTimeFormat_unix_inConsole() {
    env.put("LOG_TIME_FORMAT", "unix");
    env.put("LOG_FORMAT", "console");
    env.put("LOG_CALLER", "true");
    configure();
    logger().info("shown");

    assertThat(lines().get(0)).matches("\\d{10}\\.\\d{6} INFO  app\\.Service - shown .*");
  }

  @Test
  void applicationLogbackXml_winsAndNothingIsTouched() throws IOException {
    for (String name : List.of("logback.xml", "logback-test.xml")) {
      resources.clear();
      resources.put(name, new URL("file:/app/" + name));

      assertThat(configure()).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
      assertThat(appenders(context)).isEmpty();
    }
    resources.clear();
    properties.put("logback.configurationFile", "/etc/app/logback.xml");
    assertThat(configure()).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    assertThat(appenders(context)).isEmpty();
  }

  @Test
  void realAutoConfig_usesThisModuleWithoutAnAppConfig() throws Exception {
    LoggerContext fresh = newContext();
    try {
      new ContextInitializer(fresh).autoConfig();
      assertThat(appenders(fresh)).containsExactly("vaultgemma");
    } finally {
      fresh.stop();
    }
  }

  @Test
  void realAutoConfig_applicationFileWins(@TempDir Path dir) throws Exception {
    Path xml = dir.resolve("logback.xml");
    Files.writeString(
        xml,
        "<configuration><appender name=\"APP\" class=\"ch.qos.logback.core.read.ListAppender\"/>"
            + "<root level=\"WARN\"><appender-ref ref=\"APP\"/></root></configuration>");
    String previous = System.getProperty("logback.configurationFile");
    System.setProperty("logback.configurationFile", xml.toString());
    LoggerContext fresh = newContext();
    try {
      new ContextInitializer(fresh).autoConfig();
      assertThat(appenders(fresh)).containsExactly("APP");
    } finally {
      fresh.stop();
      if (previous == null) {
        System.clearProperty("logback.configurationFile");
      } else {
        System.setProperty("logback.configurationFile", previous);
      }
    }
  }

  private static List<String> appenders(LoggerContext context) {
    List<String> names = new ArrayList<>();
    Iterator<Appender<ch.qos.logback.classic.spi.ILoggingEvent>> it =
        context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
    while (it.hasNext()) {
      names.add(it.next().getName());
    }
    return names;
  }

  private static int lineOf(String fragment) {
    try {
      List<String> source =
          Files.readAllLines(
              Path.of(
                  "src/test/java/ai/vaultgemma/logging/internal/LogbackEnvConfiguratorTest.java"));
      for (int i = 0; i < source.size(); i++) {
        if (source.get(i).contains(fragment) && !source.get(i).contains("lineOf")) {
          return i + 1;
        }
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("not found: " + fragment);
  }
}
