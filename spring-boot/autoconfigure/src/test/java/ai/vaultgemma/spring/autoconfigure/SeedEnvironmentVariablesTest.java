package ai.vaultgemma.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import ai.vaultgemma.core.InferenceClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The seed's environment variables keep working under Spring, below the {@code vaultgemma.*}
 * properties; relaxed binding gives each property an environment variable too. The variables come
 * from a {@link SystemEnvironmentPropertySource}, the kind Spring reads the process environment
 * with.
 */
class SeedEnvironmentVariablesTest {

  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void startServer() throws Exception {
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private static ApplicationContextRunner withEnv(Map<String, String> variables) {
    Map<String, Object> env = new HashMap<>(variables);
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(VaultGemmaAutoConfiguration.class))
        .withInitializer(
            context ->
                context
                    .getEnvironment()
                    .getPropertySources()
                    .addFirst(new SystemEnvironmentPropertySource("test-systemEnvironment", env)));
  }

  @Test
  void seedVariables_configureTheClient() throws Exception {
    withEnv(
            Map.of(
                "INFERENCE_BASE_URL", server.url("/v1").toString(),
                "INFERENCE_API_KEY", "sk-from-env",
                "INFERENCE_CACHE_CAPACITY", "77",
                "INFERENCE_CACHE_TTL_HOURS", "5",
                "HTTP_TIMEOUT_SECONDS", "12",
                "HTTP_MAX_IDLE_CONNS", "3"))
        .run(
            context -> {
              InferenceClient client = context.getBean(InferenceClient.class);
              assertThat(client.baseUrl()).isEqualTo(server.url("/v1").toString());
              assertThat(client.inferenceCache().config().maximumEntries()).hasValue(77);
              assertThat(client.inferenceCache().config().defaultTtl())
                  .isEqualTo(Duration.ofHours(5));
              assertThat(client.httpPool().config().callTimeout())
                  .isEqualTo(Duration.ofSeconds(12));
              assertThat(client.httpPool().config().maxIdleConnections()).isEqualTo(3);
              server.enqueue(Payloads.completion("ok"));
              client.chat(Payloads.request("hi"));
              assertThat(server.takeRequest().getHeaders().get("Authorization"))
                  .isEqualTo("Bearer sk-from-env");
            });
  }

  @Test
  void properties_winOverSeedVariables() {
    withEnv(
            Map.of(
                "INFERENCE_BASE_URL",
                "http://from-env.invalid/v1",
                "INFERENCE_CACHE_CAPACITY",
                "77"))
        .withPropertyValues(
            "vaultgemma.base-url=http://from-props.invalid/v1",
            "vaultgemma.cache.inference.capacity=5")
        .run(
            context -> {
              InferenceClient client = context.getBean(InferenceClient.class);
              assertThat(client.baseUrl()).isEqualTo("http://from-props.invalid/v1");
              assertThat(client.inferenceCache().config().maximumEntries()).hasValue(5);
            });
  }

  @Test
  void relaxedBinding_givesEveryPropertyAVariable() {
    withEnv(
            Map.of(
                "VAULTGEMMA_BASE_URL", "http://relaxed.invalid/v1",
                "VAULTGEMMA_CACHE_INFERENCE_CAPACITY", "9",
                "VAULTGEMMA_HTTP_CONNECT_TIMEOUT", "4s"))
        .run(
            context -> {
              InferenceClient client = context.getBean(InferenceClient.class);
              assertThat(client.baseUrl()).isEqualTo("http://relaxed.invalid/v1");
              assertThat(client.inferenceCache().config().maximumEntries()).hasValue(9);
              assertThat(client.httpPool().config().connectTimeout())
                  .isEqualTo(Duration.ofSeconds(4));
            });
  }

  @Test
  void badSeedVariable_failsStartup_withTheSeedsMessage() {
    withEnv(Map.of("INFERENCE_CACHE_TTL_HOURS", "1h"))
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .hasStackTraceContaining(
                      "INFERENCE_CACHE_TTL_HOURS must be a positive integer but was \"1h\"");
            });
  }

  @Test
  void sharedTierOff_bySeedVariable_evenWithADatabase() {
    withEnv(
            Map.of(
                "POSTGRES_DSN", "postgres://app@127.0.0.1:1/app",
                "VAULTGEMMA_SHARED_TIER", "off"))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              InferenceClient client = context.getBean(InferenceClient.class);
              assertThat(client.dbPool()).isPresent(); // fail-fast is off: the pool starts anyway
              assertThat(client.sharedTier()).isEmpty();
            });
  }
}
