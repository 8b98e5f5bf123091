package ai.vaultgemma.spring.autoconfigure;

import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import mockwebserver3.MockResponse;

/** OpenAI-shaped bodies for MockWebServer. */
final class Payloads {
  private Payloads() {}

  static ChatRequest request(String prompt) {
    return ChatRequest.builder().model("m").message(ChatMessage.user(prompt)).build();
  }

  static MockResponse completion(String text) {
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "application/json")
        .body(completionJson(text))
        .build();
  }

  static String completionJson(String text) {
    return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
        + text
        + "\"},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";
  }
}
