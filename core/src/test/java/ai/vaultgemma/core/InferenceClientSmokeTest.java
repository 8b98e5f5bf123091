package ai.vaultgemma.core;

import static org.assertj.core.api.Assertions.assertThat;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

class InferenceClientSmokeTest {

  private static final String COMPLETION =
      "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
          + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},"
          + "\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";

  @StartStop final MockWebServer server = new MockWebServer();

  @Test
  void secondIdenticalChatIsAnsweredFromTheCache() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "application/json")
            .body(COMPLETION)
            .build());
    try (InferenceClient client =
        InferenceClient.builder().baseUrl(server.url("/v1").toString()).apiKey("sk-x").build()) {
      ChatRequest request =
          ChatRequest.builder().model("m").message(ChatMessage.user("hello")).build();
      assertThat(client.chat(request).text()).isEqualTo("hi");
      assertThat(client.chat(request).text()).isEqualTo("hi");
      assertThat(server.getRequestCount()).isEqualTo(1);
      RecordedRequest sent = server.takeRequest();
      assertThat(sent.getHeaders().get("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
      HealthSnapshot health = client.health();
      assertThat(health.status()).isEqualTo(HealthSnapshot.Status.OK);
      assertThat(health.client().l1Hits()).isEqualTo(1);
      assertThat(health.toJson()).contains("\"inference_cache\":{\"hit_rate\":0.5");
    }
  }
}
