package ai.vaultgemma.core;

import static ai.vaultgemma.core.InferenceClientPayloads.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bad input: an IllegalArgumentException naming field and value, and nothing sent. */
class InferenceClientValidationTest {

  @StartStop final MockWebServer server = new MockWebServer();

  @AfterEach
  void nothingReachedTheServer() {
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void blankModel() {
    try (InferenceClient client = client(server).build()) {
      assertThatThrownBy(
              () ->
                  client.chat(
                      ChatRequest.builder().model("  ").message(ChatMessage.user("x")).build()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("model")
          .hasMessageContaining("\"  \"");
      assertThatThrownBy(() -> client.embed(EmbeddingRequest.of(" ", "x")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("model");
    }
  }

  @Test
  void emptyOrNullMessages() {
    try (InferenceClient client = client(server).build()) {
      assertThatThrownBy(() -> client.chat(ChatRequest.builder().model("m").build()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("messages")
          .hasMessageContaining("[]");
      List<ChatMessage> withNull = new ArrayList<>();
      withNull.add(ChatMessage.user("x"));
      withNull.add(null);
      assertThatThrownBy(
              () -> client.chat(ChatRequest.builder().model("m").messages(withNull).build()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("messages[1]")
          .hasMessageContaining("null");
      assertThatThrownBy(() -> client.chat(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> client.chatAsync(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> client.embed(EmbeddingRequest.of("e", List.of())))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("input");
    }
  }

  @Test
  void nBelowOne() {
    try (InferenceClient client = client(server).build()) {
      for (int n : new int[] {0, -3}) {
        assertThatThrownBy(
                () ->
                    client.chat(
                        ChatRequest.builder()
                            .model("m")
                            .message(ChatMessage.user("x"))
                            .n(n)
                            .build()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("n must be >= 1")
            .hasMessageContaining(String.valueOf(n));
      }
    }
  }

  @Test
  void temperatureOutOfRange() {
    try (InferenceClient client = client(server).build()) {
      for (double t : new double[] {-0.1, 2.5}) {
        assertThatThrownBy(
                () ->
                    client.chatAsync(
                        ChatRequest.builder()
                            .model("m")
                            .message(ChatMessage.user("x"))
                            .temperature(t)
                            .build()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("temperature")
            .hasMessageContaining(String.valueOf(t));
      }
    }
  }

  @Test
  void malformedBaseUrl() {
    for (String url : new String[] {"localhost:8080/v1", "not a url", "http://h:0/v1"}) {
      assertThatThrownBy(() -> InferenceClient.builder().baseUrl(url))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("baseUrl")
          .hasMessageContaining(url);
    }
    // A query or fragment may hold a key: named, never shown.
    assertThatThrownBy(() -> InferenceClient.builder().baseUrl("http://h/v1#token=s3cr3t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http://h/v1#****")
        .hasMessageNotContaining("s3cr3t");
    assertThatThrownBy(() -> InferenceClient.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("baseUrl");
  }

  @Test
  void badCallOptionsAndScope() {
    assertThatThrownBy(() -> CallOptions.builder().ttl(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ttl")
        .hasMessageContaining("PT0S");
    assertThatThrownBy(() -> CallOptions.builder().ttl(Duration.ofDays(400)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT9600H");
    assertThatThrownBy(() -> CallOptions.builder().scope(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scope")
        .hasMessageContaining("\" \"");
    assertThatThrownBy(() -> InferenceClient.builder().cacheScope(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cacheScope");
    assertThatThrownBy(() -> InferenceClient.builder().shutdownTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shutdownTimeout")
        .hasMessageContaining("PT-1S");
  }

  @Test
  void rejectedCallsAreNotCountedAsBackendCalls() {
    try (InferenceClient client = client(server).build()) {
      assertThatThrownBy(() -> client.chat(ChatRequest.builder().model("m").n(0).build()))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(client.health().client().backendCalls()).isZero();
      assertThat(client.health().client().calls()).isZero();
    }
  }

  @Test
  void callOptionsAreValuesWithABuilderCopy() {
    CallOptions defaults = CallOptions.defaults();
    assertThat(defaults.skipCacheRead()).isFalse();
    assertThat(defaults.skipCacheWrite()).isFalse();
    assertThat(defaults.ttl()).isEmpty();
    assertThat(defaults.scope()).isEmpty();
    assertThat(defaults).isEqualTo(CallOptions.builder().build());
    assertThat(defaults.toString())
        .isEqualTo("CallOptions{skipCacheRead=false, skipCacheWrite=false}");

    CallOptions.Builder builder =
        CallOptions.builder().skipCacheRead(true).ttl(Duration.ofMinutes(5)).scope("tenant-1");
    CallOptions options = builder.build();
    builder.scope("tenant-2");
    assertThat(options.scope()).contains("tenant-1");
    assertThat(options.toBuilder().build()).isEqualTo(options).hasSameHashCodeAs(options);
    assertThat(options.toBuilder().skipCacheWrite(true).build()).isNotEqualTo(options);
    assertThat(options.toString())
        .isEqualTo(
            "CallOptions{skipCacheRead=true, skipCacheWrite=false, ttl=PT5M, scope=tenant-1}");
    assertThat(CallOptions.builder().ttl(CallOptions.MAXIMUM_TTL).build().ttl())
        .contains(CallOptions.MAXIMUM_TTL);
    String longest = "s".repeat(CallOptions.MAXIMUM_SCOPE_LENGTH);
    assertThat(CallOptions.builder().scope(longest).build().scope()).contains(longest);
    assertThatThrownBy(() -> CallOptions.builder().scope(longest + "s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 200 characters");
    assertThatThrownBy(() -> CallOptions.builder().scope(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("scope");
  }
}
