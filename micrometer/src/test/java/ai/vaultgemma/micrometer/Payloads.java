package ai.vaultgemma.micrometer;

import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.pool.HttpPoolConfig;
import ai.vaultgemma.pool.RetryPolicy;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;

/** Server answers and a client wired to a MockWebServer, for the metrics tests. */
final class Payloads {
  private Payloads() {}

  /** The usage of {@link #chatOk}: 3 prompt tokens, 1 completion token. */
  static final String USAGE = "{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}";

  /** A client on the server with no retries, reporting to the metrics. */
  static InferenceClient.Builder client(MockWebServer server, InferenceMetrics metrics) {
    return InferenceClient.builder()
        .baseUrl(server.url("/v1").toString())
        .httpPool(HttpPoolConfig.builder().retryPolicy(RetryPolicy.none()).build())
        .shutdownTimeout(Duration.ofSeconds(10))
        .addListener(metrics.listener());
  }

  /** A retry policy that retries twice, 1 ms apart. */
  static HttpPoolConfig fastRetries() {
    return HttpPoolConfig.builder()
        .retryPolicy(
            RetryPolicy.builder()
                .maxRetries(2)
                .backoff(Duration.ofMillis(1), 1.0, Duration.ofMillis(1))
                .build())
        .build();
  }

  static ChatRequest request(String model, String prompt) {
    return ChatRequest.builder().model(model).message(ChatMessage.user(prompt)).build();
  }

  static MockResponse chatOk(String model) {
    return chatOk(model, USAGE);
  }

  static MockResponse chatOk(String responseModel, String usage) {
    return json(
        200,
        "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\""
            + responseModel
            + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
            + "\"hello\"},\"finish_reason\":\"stop\"}],\"usage\":"
            + usage
            + "}");
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  static MockResponse error(int code) {
    return json(code, "{\"error\":{\"message\":\"status " + code + "\"}}");
  }

  /** A whole event stream of three chunks, a finish chunk and {@code [DONE]}. */
  static MockResponse sse(String model) {
    StringBuilder body = new StringBuilder();
    for (String piece : new String[] {"a", "b", "c"}) {
      body.append("data: {\"id\":\"s1\",\"object\":\"chat.completion.chunk\",\"created\":1,")
          .append("\"model\":\"")
          .append(model)
          .append("\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"")
          .append(piece)
          .append("\"},\"finish_reason\":null}]}\n\n");
    }
    body.append("data: {\"id\":\"s1\",\"object\":\"chat.completion.chunk\",\"created\":1,")
        .append("\"model\":\"")
        .append(model)
        .append("\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n")
        .append("data: [DONE]\n\n");
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "text/event-stream")
        .body(body.toString())
        .build();
  }

  static MockResponse embeddings(String model, int inputs) {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < inputs; i++) {
      data.append(i == 0 ? "" : ",")
          .append("{\"object\":\"embedding\",\"index\":")
          .append(i)
          .append(",\"embedding\":[0.1,0.2,0.3]}");
    }
    return json(
        200,
        "{\"object\":\"list\",\"model\":\""
            + model
            + "\",\"data\":["
            + data
            + "],\"usage\":{\"prompt_tokens\":"
            + (inputs * 2)
            + ",\"total_tokens\":"
            + (inputs * 2)
            + "}}");
  }
}
