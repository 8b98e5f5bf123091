package ai.vaultgemma.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.logging.InferenceEvent;
import ai.vaultgemma.logging.LogPolicy;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code vaultgemma.logging.*}: the client's structured events go to the named logger under the
 * configured policy, and without the properties the client logs as it does without Spring. Events
 * are captured with a logback {@link ListAppender}.
 */
class LoggingPropertiesTest {

  private static final String APP_LOGGER = "app.inference";

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(VaultGemmaAutoConfiguration.class));

  private final MockWebServer server = new MockWebServer();
  private final Logger appLogger = (Logger) LoggerFactory.getLogger(APP_LOGGER);
  private final Logger clientLogger = (Logger) LoggerFactory.getLogger(InferenceClient.class);
  private final ListAppender<ILoggingEvent> appLogs = new ListAppender<>();
  private final ListAppender<ILoggingEvent> clientLogs = new ListAppender<>();
  private @Nullable Level appLevel;
  private @Nullable Level clientLevel;

  @BeforeEach
  void start() throws Exception {
    server.start();
    appLevel = appLogger.getLevel();
    clientLevel = clientLogger.getLevel();
    appLogger.setLevel(Level.INFO);
    clientLogger.setLevel(Level.INFO);
    appLogs.start();
    clientLogs.start();
    appLogger.addAppender(appLogs);
    clientLogger.addAppender(clientLogs);
  }

  @AfterEach
  void stop() {
    appLogger.detachAppender(appLogs);
    clientLogger.detachAppender(clientLogs);
    appLogger.setLevel(appLevel);
    clientLogger.setLevel(clientLevel);
    server.close();
  }

  private static Map<String, @Nullable Object> fields(ILoggingEvent event) {
    Map<String, @Nullable Object> fields = new HashMap<>();
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs != null) {
      pairs.forEach(kv -> fields.put(kv.key, kv.value));
    }
    return fields;
  }

  private static List<Map<String, @Nullable Object>> inferenceEvents(
      ListAppender<ILoggingEvent> logs) {
    return logs.list.stream()
        .map(LoggingPropertiesTest::fields)
        .filter(f -> "inference".equals(f.get("event")))
        .toList();
  }

  @Test
  void withoutLoggingProperties_theClientLogsAsWithoutSpring() {
    server.enqueue(Payloads.completion("hello"));
    runner
        .withPropertyValues("vaultgemma.base-url=" + server.url("/v1"))
        .run(
            context -> {
              InferenceClient client = context.getBean(InferenceClient.class);
              assertThat(client.logger().slf4jLogger().getName())
                  .isEqualTo(InferenceClient.class.getName());
              assertThat(client.logger().policy()).isEqualTo(LogPolicy.defaults());

              client.chat(Payloads.request("a private question"));
              assertThat(inferenceEvents(clientLogs)).hasSize(1);
              assertThat(inferenceEvents(clientLogs).get(0))
                  .containsEntry("model", "m")
                  .doesNotContainKey("prompt");
              assertThat(appLogs.list).isEmpty();
            });
  }

  @Test
  void loggingProperties_sendTheEventsToTheNamedLogger_underTheConfiguredPolicy() {
    server.enqueue(Payloads.completion("hello"));
    runner
        .withPropertyValues(
            "vaultgemma.base-url=" + server.url("/v1"),
            "vaultgemma.logging.logger-name=" + APP_LOGGER,
            "vaultgemma.logging.redacted-names=session_cookie,tenant_secret_id",
            "vaultgemma.logging.log-text=true",
            "vaultgemma.logging.max-text-length=5")
        .run(
            context -> {
              InferenceClient client = context.getBean(InferenceClient.class);
              LogPolicy policy = client.logger().policy();
              assertThat(policy.logText()).isTrue();
              assertThat(policy.maxTextLength()).isEqualTo(5);
              assertThat(policy.redactedNames())
                  .containsAll(LogPolicy.DEFAULT_REDACTED_NAMES)
                  .contains("session_cookie", "tenant_secret_id");

              client.chat(Payloads.request("a private question"));
              assertThat(inferenceEvents(appLogs)).hasSize(1);
              assertThat(inferenceEvents(appLogs).get(0)).containsEntry("model", "m");
              assertThat(clientLogs.list).isEmpty();

              // The client's logger writes prompt text, cut to max-text-length, in the inference
              // event. (Core does not yet hand a call's prompt to the event; see the README.)
              client.logger().inference(InferenceEvent.builder("m").prompt("hello world").build());
              assertThat(inferenceEvents(appLogs).get(1)).containsEntry("prompt", "hello…");
            });
  }

  @Test
  void logTextOff_byDefault_evenWithAnotherLoggerName() {
    runner
        .withPropertyValues("vaultgemma.logging.logger-name=" + APP_LOGGER)
        .run(
            context -> {
              InferenceClient client = context.getBean(InferenceClient.class);
              assertThat(client.logger().slf4jLogger().getName()).isEqualTo(APP_LOGGER);
              assertThat(client.logger().policy()).isEqualTo(LogPolicy.defaults());
              client.logger().inference(InferenceEvent.builder("m").prompt("hello world").build());
              assertThat(inferenceEvents(appLogs).get(0)).doesNotContainKey("prompt");
            });
  }
}
