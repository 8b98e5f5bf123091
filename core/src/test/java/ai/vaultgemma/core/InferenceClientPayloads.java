package ai.vaultgemma.core;

import ai.vaultgemma.pool.HttpPoolConfig;
import ai.vaultgemma.pool.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Payloads written for the facade tests, and a client builder wired to a MockWebServer. */
final class InferenceClientPayloads {
  static final ObjectMapper JSON = new ObjectMapper();

  private InferenceClientPayloads() {}

  /** A client on the server with no retries, so failures do not wait. */
  static InferenceClient.Builder client(MockWebServer server) {
    return InferenceClient.builder()
        .baseUrl(server.url("/v1").toString())
        .httpPool(HttpPoolConfig.builder().retryPolicy(RetryPolicy.none()).build())
        .shutdownTimeout(Duration.ofSeconds(10));
  }

  static ChatRequest request(String prompt) {
    return ChatRequest.builder().model("m").message(ChatMessage.user(prompt)).build();
  }

  static String completion(String text) {
    return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
        + quote(text)
        + "},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";
  }

  static MockResponse json(String body) {
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  static MockResponse chatOk(String text) {
    return json(completion(text));
  }

  static MockResponse error(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  static String chunk(String json) {
    return "data: " + json + "\n\n";
  }

  static String deltaChunk(String content) {
    return chunk(
        "{\"id\":\"s1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":"
            + quote(content)
            + "},\"finish_reason\":null}]}");
  }

  static String finishChunk() {
    return chunk(
        "{\"id\":\"s1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
  }

  /** A whole event stream: one chunk per piece, a finish chunk and {@code [DONE]}. */
  static MockResponse sse(String... pieces) {
    StringBuilder body = new StringBuilder();
    for (String piece : pieces) {
      body.append(deltaChunk(piece));
    }
    body.append(finishChunk()).append("data: [DONE]\n\n");
    return sseBody(body.toString());
  }

  static MockResponse sseBody(String body) {
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "text/event-stream")
        .body(body)
        .build();
  }

  /** The vector the embedding dispatcher answers for an input: a function of its text. */
  static float[] vectorOf(String input) {
    return new float[] {input.length(), Math.floorMod(input.hashCode(), 1000), 0.5f};
  }

  static String embeddings(List<String> inputs) {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < inputs.size(); i++) {
      float[] v = vectorOf(inputs.get(i));
      if (i > 0) {
        data.append(',');
      }
      data.append("{\"object\":\"embedding\",\"index\":")
          .append(i)
          .append(",\"embedding\":[")
          .append(v[0])
          .append(',')
          .append(v[1])
          .append(',')
          .append(v[2])
          .append("]}");
    }
    return "{\"object\":\"list\",\"model\":\"e\",\"data\":["
        + data
        + "],\"usage\":{\"prompt_tokens\":"
        + inputs.size()
        + ",\"total_tokens\":"
        + inputs.size()
        + "}}";
  }

  /** The {@code input} array of a recorded embeddings request. */
  static List<String> inputsOf(RecordedRequest request) {
    JsonNode body = JSON.readTree(request.getBody().utf8());
    JsonNode input = body.get("input");
    List<String> inputs = new ArrayList<>();
    if (input.isArray()) {
      input.forEach(n -> inputs.add(n.asString()));
    } else {
      inputs.add(input.asString());
    }
    return inputs;
  }

  /** A dispatcher that answers every embeddings request with {@link #vectorOf} per input. */
  static Dispatcher embeddingDispatcher() {
    return dispatcher(r -> json(embeddings(inputsOf(r))));
  }

  static Dispatcher dispatcher(Function<RecordedRequest, MockResponse> answer) {
    return new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return answer.apply(request);
      }
    };
  }

  /** A dispatcher that holds each answer until {@code release} opens (at most 30 s). */
  static Dispatcher heldUntil(CountDownLatch release, MockResponse response) {
    return new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
        if (!release.await(30, TimeUnit.SECONDS)) {
          return error(504, "{\"error\":{\"message\":\"test latch never opened\"}}");
        }
        return response;
      }
    };
  }

  static String quote(String text) {
    return JSON.writeValueAsString(text);
  }
}
