package ai.vaultgemma.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.EmbeddingRequest;
import ai.vaultgemma.core.Tool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CanonicalKeysTest {

  private static final String URL = "http://localhost:8080/v1";

  /** The key of a request, as the request path computes it: from its canonical JSON. */
  private static String key(ChatRequest r, String baseUrl, String scope) {
    return CanonicalKeys.chatKey(CanonicalKeys.canonicalBytes(r), baseUrl, scope);
  }

  @Test
  void requestsBuiltInDifferentOrdersHashAlike() {
    Map<String, Object> schemaA = new LinkedHashMap<>();
    schemaA.put("type", "object");
    schemaA.put("properties", Map.of("b", Map.of("type", "string"), "a", Map.of("type", "int")));
    Map<String, Object> schemaB = new TreeMap<>(schemaA);
    ChatRequest a =
        ChatRequest.builder()
            .model("m")
            .message(ChatMessage.user("hi"))
            .temperature(0.5)
            .maxTokens(10)
            .extra("top_k", 5)
            .extra("min_p", 0.1)
            .tools(List.of(Tool.function("f", null, schemaA)))
            .build();
    ChatRequest b =
        ChatRequest.builder()
            .extra("min_p", 0.1)
            .tools(List.of(Tool.function("f", null, schemaB)))
            .maxTokens(10)
            .extra("top_k", 5)
            .temperature(0.5)
            .message(ChatMessage.user("hi"))
            .model("m")
            .build();
    assertThat(key(a, URL, "")).isEqualTo(key(b, URL, ""));
    assertThat(key(a, URL, "")).hasSize(64).matches("[0-9a-f]{64}");
  }

  @Test
  void canonicalJsonIsSortedAtEveryDepthWithoutWhitespace() {
    ChatRequest r =
        ChatRequest.builder()
            .model("m")
            .message(ChatMessage.user("hi"))
            .temperature(1.0)
            .extra("zeta", Map.of("y", 1, "x", 2))
            .extra("alpha", true)
            .build();
    assertThat(CanonicalKeys.canonicalJson(r))
        .isEqualTo(
            "{\"messages\":[{\"content\":\"hi\",\"role\":\"user\"}],\"model\":\"m\","
                + "\"temperature\":1.0,\"alpha\":true,\"zeta\":{\"x\":2,\"y\":1}}");
  }

  @Test
  void aChangedParameterChangesTheKey() {
    ChatRequest base = ChatRequest.builder().model("m").message(ChatMessage.user("hi")).build();
    String key = key(base, URL, "");
    assertThat(key(base.toBuilder().temperature(0.1).build(), URL, "")).isNotEqualTo(key);
    assertThat(key(base.toBuilder().model("m2").build(), URL, "")).isNotEqualTo(key);
    assertThat(key(base.toBuilder().messages(List.of(ChatMessage.user("hi!"))).build(), URL, ""))
        .isNotEqualTo(key);
    assertThat(key(base.toBuilder().extra("top_k", 1).build(), URL, "")).isNotEqualTo(key);
  }

  @Test
  void scopeAndBaseUrlChangeTheKey() {
    ChatRequest r = ChatRequest.builder().model("m").message(ChatMessage.user("hi")).build();
    String key = key(r, URL, "tenant-a");
    assertThat(key(r, URL, "tenant-b")).isNotEqualTo(key);
    assertThat(key(r, "http://other:8080/v1", "tenant-a")).isNotEqualTo(key);
    // Length prefixes: moving characters between base URL and scope cannot collide.
    assertThat(key(r, URL + "x", "y")).isNotEqualTo(key(r, URL, "xy"));
  }

  @Test
  void fieldsThatCannotChangeTheAnswerAreLeftOut() {
    ChatRequest r = ChatRequest.builder().model("m").message(ChatMessage.user("hi")).build();
    ChatRequest noisy =
        r.toBuilder().stream(true)
            .streamIncludeUsage(true)
            .user("end-user-42")
            .extra("store", true)
            .extra("metadata", Map.of("k", "v"))
            .build();
    assertThat(key(noisy, URL, "")).isEqualTo(key(r, URL, ""));
    assertThat(CanonicalKeys.canonicalJson(noisy))
        .doesNotContain("\"stream", "\"user\":", "store", "metadata");
  }

  @Test
  void embeddingKeyIsPerInputAndIgnoresEncoding() {
    EmbeddingRequest batch = EmbeddingRequest.of("e", List.of("a", "b"));
    EmbeddingRequest single = EmbeddingRequest.of("e", "a").withEncodingFormat("base64");
    String a = CanonicalKeys.embeddingKey(batch, "a", URL, "");
    assertThat(CanonicalKeys.embeddingKey(single, "a", URL, "")).isEqualTo(a);
    assertThat(CanonicalKeys.embeddingKey(batch, "b", URL, "")).isNotEqualTo(a);
    assertThat(CanonicalKeys.embeddingKey(batch.withDimensions(8), "a", URL, "")).isNotEqualTo(a);
    assertThat(CanonicalKeys.embeddingKey(batch, "a", URL, "t")).isNotEqualTo(a);
    ChatRequest chat = ChatRequest.builder().model("e").message(ChatMessage.user("a")).build();
    assertThat(key(chat, URL, "")).isNotEqualTo(a);
  }
}
