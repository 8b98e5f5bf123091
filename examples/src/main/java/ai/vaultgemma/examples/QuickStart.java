package ai.vaultgemma.examples;

import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.InferenceClient;

/**
 * Quick start: one chat, the same chat again (a cache hit), then the health JSON.
 *
 * <p>Run against any OpenAI-compatible server: {@code QuickStart http://localhost:8080/v1 [model]}.
 * The API key, if the server needs one, comes from {@code INFERENCE_API_KEY}.
 */
public final class QuickStart {
  private QuickStart() {}

  /**
   * Runs the example.
   *
   * @param args the base URL, and optionally the model
   */
  public static void main(String[] args) {
    String baseUrl = args.length > 0 ? args[0] : InferenceClient.DEFAULT_BASE_URL;
    String model = args.length > 1 ? args[1] : "vaultgemma-1b";
    InferenceClient.Builder builder = InferenceClient.builder().baseUrl(baseUrl);
    String apiKey = System.getenv(InferenceClient.ENV_API_KEY);
    if (apiKey != null && !apiKey.isBlank()) {
      builder.apiKey(apiKey);
    }
    try (InferenceClient client = builder.build()) {
      ChatRequest request =
          ChatRequest.builder()
              .model(model)
              .message(ChatMessage.system("You answer in one sentence."))
              .message(ChatMessage.user("What does a response cache save?"))
              .temperature(0.0)
              .build();

      long start = System.nanoTime();
      ChatResponse first = client.chat(request);
      long firstMicros = (System.nanoTime() - start) / 1_000;

      start = System.nanoTime();
      ChatResponse second = client.chat(request); // same request: answered from the cache
      long secondMicros = (System.nanoTime() - start) / 1_000;

      System.out.println("answer:       " + first.text());
      System.out.println("first call:   " + firstMicros + " us (server)");
      System.out.println(
          "second call:  " + secondMicros + " us (cache hit: " + second.text() + ")");
      System.out.println("health:       " + client.health().toJson());
    }
  }
}
