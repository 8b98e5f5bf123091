package ai.vaultgemma.opentelemetry;

import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.pool.HttpPoolConfig;
import ai.vaultgemma.pool.RetryPolicy;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;

/** Server answers and a client wired to a MockWebServer, for the tracing tests. */
final class Payloads {
  private Payloads() {}

  /** A client on the server with no retries. */
  static InferenceClient.Builder client(MockWebServer server) {
    return InferenceClient.builder()
        .baseUrl(server.url("/v1").toString())
        .httpPool(HttpPoolConfig.builder().retryPolicy(RetryPolicy.none()).build())
        .shutdownTimeout(Duration.ofSeconds(10));
  }

  /** A client on the server that retries twice after 1 ms. */
  static InferenceClient.Builder retryingClient(MockWebServer server) {
    RetryPolicy fast =
        RetryPolicy.builder()
            .maxRetries(2)
            .backoff(Duration.ofMillis(1), 1.0, Duration.ofMillis(1))
            .build();
    return client(server).httpPool(HttpPoolConfig.builder().retryPolicy(fast).build());
  }

  static ChatRequest request(String prompt) {
    return ChatRequest.builder().model("m").message(ChatMessage.user(prompt)).build();
  }

  static MockResponse chatOk(String text) {
    return json(
        200,
        "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m-0613\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
            + text
            + "\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}");
  }

  static MockResponse error(int code) {
    return json(code, "{\"error\":{\"message\":\"status " + code + "\"}}");
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  static MockResponse embeddings() {
    return json(
        200,
        "{\"object\":\"list\",\"model\":\"e\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
            + "\"embedding\":[0.1,0.2]}],\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}");
  }

  /** An event stream: one chunk per piece, a finish chunk with usage, and {@code [DONE]}. */
  static MockResponse sse(String... pieces) {
    StringBuilder body = new StringBuilder();
    for (String piece : pieces) {
      body.append(
          "data: {\"id\":\"s1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
              + "\"model\":\"m-0613\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
              + "\"content\":\""
              + piece
              + "\"},\"finish_reason\":null}]}\n\n");
    }
    body.append(
            "data: {\"id\":\"s1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                + "\"model\":\"m-0613\",\"choices\":[{\"index\":0,\"delta\":{},"
                + "\"finish_reason\":\"length\"}]}\n\n")
        .append("data: [DONE]\n\n");
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "text/event-stream")
        .body(body.toString())
        .build();
  }
}
