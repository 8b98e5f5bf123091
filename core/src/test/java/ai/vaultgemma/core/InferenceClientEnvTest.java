package ai.vaultgemma.core;

import static ai.vaultgemma.core.InferenceClientPayloads.chatOk;
import static ai.vaultgemma.core.InferenceClientPayloads.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code fromEnv(Function)}: good values change the client, bad ones name variable and value. */
class InferenceClientEnvTest {
  private static final String KEY = "sk-live-Zq8TopSecretKey";

  @StartStop final MockWebServer server = new MockWebServer();

  @Test
  void goodValuesConfigureTheClient() throws Exception {
    server.enqueue(chatOk("from env"));
    Map<String, String> env = new HashMap<>();
    env.put("INFERENCE_BASE_URL", server.url("/v1/").toString());
    env.put("INFERENCE_API_KEY", KEY);
    env.put("INFERENCE_CACHE_CAPACITY", "7");
    env.put("INFERENCE_CACHE_TTL_HOURS", "2");
    env.put("HTTP_MAX_IDLE_CONNS", "3");
    env.put("HTTP_TIMEOUT_SECONDS", "9");
    try (InferenceClient client = InferenceClient.fromEnv(env::get)) {
      assertThat(client.baseUrl()).isEqualTo(server.url("/v1").toString());
      assertThat(client.inferenceCache().config().maximumEntries()).hasValue(7);
      assertThat(client.inferenceCache().config().defaultTtl()).isEqualTo(Duration.ofHours(2));
      assertThat(client.httpPool().config().maxIdleConnections()).isEqualTo(3);
      assertThat(client.httpPool().config().callTimeout()).isEqualTo(Duration.ofSeconds(9));
      assertThat(client.dbPool()).isEmpty();
      assertThat(client.toString()).doesNotContain(KEY).contains("apiKey=****");

      assertThat(client.chat(request("hi")).text()).isEqualTo("from env");
      RecordedRequest sent = server.takeRequest();
      assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
      assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer " + KEY);
    }
  }

  @Test
  void unsetVariablesGiveTheDefaults() {
    try (InferenceClient client = InferenceClient.fromEnv(name -> null)) {
      assertThat(client.baseUrl()).isEqualTo(InferenceClient.DEFAULT_BASE_URL);
      assertThat(client.inferenceCache().config().maximumEntries()).hasValue(1000);
      assertThat(client.inferenceCache().config().defaultTtl()).isEqualTo(Duration.ofHours(1));
      assertThat(client.toString()).contains("apiKey=none");
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "INFERENCE_BASE_URL|not a url",
        "INFERENCE_BASE_URL|ftp://example.com/v1",
        "INFERENCE_BASE_URL|http://example.com:99999/v1",
        "INFERENCE_CACHE_CAPACITY|lots",
        "INFERENCE_CACHE_CAPACITY|0",
        "INFERENCE_CACHE_CAPACITY|-5",
        "INFERENCE_CACHE_TTL_HOURS|1h",
        "INFERENCE_CACHE_TTL_HOURS|0",
        "INFERENCE_CACHE_TTL_HOURS|99999999",
        "HTTP_MAX_IDLE_CONNS|many",
        "HTTP_MAX_IDLE_CONNS|-1",
        "HTTP_TIMEOUT_SECONDS|30s",
        "HTTP_TIMEOUT_SECONDS|0",
      })
  void badValueNamesTheVariableAndTheValue(String variable, String value) {
    Map<String, String> env = new HashMap<>();
    env.put("INFERENCE_API_KEY", KEY);
    env.put(variable, value);
    assertThatThrownBy(() -> InferenceClient.fromEnv(env::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(variable)
        .hasMessageContaining(value)
        .hasMessageNotContaining(KEY);
  }

  @Test
  void aBaseUrlWithAKeyInItsQueryNamesTheVariableButNeverTheKey() {
    Map<String, String> env = new HashMap<>();
    env.put("INFERENCE_BASE_URL", "https://x.openai.azure.com/openai?api-key=s3cr3tAzureKey");
    assertThatThrownBy(() -> InferenceClient.fromEnv(env::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("INFERENCE_BASE_URL")
        .hasMessageContaining("https://x.openai.azure.com/openai?****")
        .hasMessageNotContaining("s3cr3tAzureKey");
  }

  @Test
  void badApiKeyNamesTheVariableButNeverTheValue() {
    String badKey = "sk-has a-space-Secret77";
    assertThatThrownBy(() -> InferenceClient.fromEnv(Map.of("INFERENCE_API_KEY", badKey)::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("INFERENCE_API_KEY")
        .hasMessageNotContaining("Secret77")
        .hasMessageNotContaining(badKey);
    assertThatThrownBy(() -> InferenceClient.fromEnv(Map.of("INFERENCE_API_KEY", "  ")::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("INFERENCE_API_KEY");
  }

  @Test
  void baseUrlWithCredentialsIsRejectedWithoutEchoingThem() {
    String url = "http://admin:hunter2pw@example.com/v1";
    assertThatThrownBy(() -> InferenceClient.fromEnv(Map.of("INFERENCE_BASE_URL", url)::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("INFERENCE_BASE_URL")
        .hasMessageNotContaining("hunter2pw")
        .satisfies(e -> assertThat(e.getCause()).hasMessageNotContaining("hunter2pw"));
  }

  @Test
  void badSharedTierSwitchNamesTheVariable() {
    Map<String, String> env =
        Map.of("POSTGRES_DSN", "postgres://app@127.0.0.1:1/app", "VAULTGEMMA_SHARED_TIER", "maybe");
    assertThatThrownBy(() -> InferenceClient.fromEnv(env::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("VAULTGEMMA_SHARED_TIER")
        .hasMessageContaining("maybe");
  }

  @Test
  void badDbVariableNamesTheVariableAndTheValue() {
    Map<String, String> env =
        Map.of("POSTGRES_DSN", "postgres://app@127.0.0.1:1/app", "DB_MAX_OPEN_CONNS", "ten");
    assertThatThrownBy(() -> InferenceClient.fromEnv(env::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DB_MAX_OPEN_CONNS")
        .hasMessageContaining("ten");
  }

  @Test
  void apiKeyNeverAppearsInToStringOfClientOrBuilder() {
    InferenceClient.Builder builder =
        InferenceClient.builderFromEnv(
            Map.of("INFERENCE_API_KEY", KEY, "INFERENCE_BASE_URL", server.url("/v1").toString())
                ::get);
    assertThat(builder.toString()).doesNotContain(KEY).contains("****");
    try (InferenceClient client = builder.build()) {
      assertThat(client.toString()).doesNotContain(KEY);
      assertThat(client.newBuilder().toString()).doesNotContain(KEY);
      assertThat(client.health().toJson()).doesNotContain(KEY);
    }
  }
}
