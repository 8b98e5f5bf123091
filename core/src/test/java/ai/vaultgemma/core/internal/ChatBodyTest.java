package ai.vaultgemma.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * One serialization serves the key and the wire: the body built from the canonical JSON is the same
 * JSON object as the request serialized on its own, for blocking and streamed calls, with and
 * without the fields a key leaves out.
 */
class ChatBodyTest {

  private static List<ChatRequest> requests() {
    ChatRequest plain =
        ChatRequest.builder().model("m").message(ChatMessage.user("hi")).temperature(0.2).build();
    return List.of(
        plain,
        plain.toBuilder().user("user \"7\"").build(),
        plain.toBuilder().stream(true).streamIncludeUsage(true).build(),
        plain.toBuilder()
            .extra("store", true)
            .extra("metadata", Map.of("b", "2", "a", "1"))
            .extra("service_tier", "flex")
            .extra("top_k", 40)
            .user("u")
            .build(),
        Json.MAPPER.readValue(
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"a\"}]}],\"stop\":[\"x\"],\"seed\":3,\"logit_bias\":{\"5\":1},"
                + "\"stream\":false,\"vendor\":{\"z\":1,\"a\":[1,2]}}",
            ChatRequest.class));
  }

  private static JsonNode tree(byte[] json) {
    return Json.MAPPER.readTree(new String(json, StandardCharsets.UTF_8));
  }

  @Test
  void theBodyIsTheRequestAsItWouldBeSerializedAlone() {
    for (ChatRequest r : requests()) {
      ChatBody body = ChatBody.of(r);
      assertThat(tree(body.wire(false)))
          .as("blocking body of %s", r)
          .isEqualTo(tree(Json.MAPPER.writeValueAsBytes(r.withStream(null))));
      assertThat(tree(body.wire(true)))
          .as("streamed body of %s", r)
          .isEqualTo(tree(Json.MAPPER.writeValueAsBytes(r.withStream(true))));
    }
  }

  @Test
  void withoutExcludedFieldsTheCanonicalBytesGoOnTheWireAsTheyAre() {
    ChatBody body = ChatBody.of(requests().get(0));
    assertThat(body.wire(false)).isSameAs(body.canonical());
    assertThat(body.canonical())
        .isEqualTo(CanonicalKeys.canonicalJson(requests().get(0)).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theKeyFromTheBodyIsTheKeyOfTheRequest() {
    for (ChatRequest r : requests()) {
      assertThat(CanonicalKeys.chatKey(ChatBody.of(r).canonical(), "http://h/v1", "s"))
          .isEqualTo(
              CanonicalKeys.chatKey(
                  CanonicalKeys.canonicalJson(r).getBytes(StandardCharsets.UTF_8),
                  "http://h/v1",
                  "s"));
    }
  }

  @Test
  void anotherModelNameMakesAnotherBody() {
    ChatBody body = ChatBody.of(requests().get(0));
    assertThat(body.withModel("m")).isSameAs(body);
    ChatBody other = body.withModel("served-name");
    assertThat(tree(other.wire(false)).get("model").asString()).isEqualTo("served-name");
    assertThat(other.request().messages()).isEqualTo(body.request().messages());
  }
}
