package ai.vaultgemma.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.vaultgemma.core.internal.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ChatRequestTest {

  private static ChatRequest.Builder valid() {
    return ChatRequest.builder().model("m").message(ChatMessage.user("hi"));
  }

  @Test
  void blankModelIsRejectedNamingFieldAndValue() {
    assertThatThrownBy(() -> valid().model("  ").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("model must not be blank but was \"  \"");
    assertThatThrownBy(() -> ChatRequest.builder().message(ChatMessage.user("x")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("model must not be blank but was null");
  }

  @Test
  void emptyOrNullMessagesAreRejected() {
    assertThatThrownBy(() -> ChatRequest.builder().model("m").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("messages must not be empty but was []");
    assertThatThrownBy(
            () ->
                new ChatRequest(
                    "m", null, null, null, null, null, null, null, null, null, null, null, null,
                    null, null, null, null, null, null, null, null, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("messages must not be empty but was null");
    List<ChatMessage> withNull = new ArrayList<>();
    withNull.add(ChatMessage.user("a"));
    withNull.add(null);
    assertThatThrownBy(() -> ChatRequest.builder().model("m").messages(withNull).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("messages[1] must not be null but was null");
  }

  @Test
  void outOfRangeParametersAreRejectedNamingFieldAndValue() {
    assertThatThrownBy(() -> valid().temperature(2.5).build())
        .hasMessage("temperature must be between 0 and 2 but was 2.5");
    assertThatThrownBy(() -> valid().temperature(-0.1).build())
        .hasMessage("temperature must be between 0 and 2 but was -0.1");
    assertThatThrownBy(() -> valid().temperature(Double.NaN).build())
        .hasMessage("temperature must be between 0 and 2 but was NaN");
    assertThatThrownBy(() -> valid().topP(1.5).build())
        .hasMessage("top_p must be between 0 and 1 but was 1.5");
    assertThatThrownBy(() -> valid().n(0).build()).hasMessage("n must be >= 1 but was 0");
    assertThatThrownBy(() -> valid().n(-3).build()).hasMessage("n must be >= 1 but was -3");
    assertThatThrownBy(() -> valid().maxTokens(-1).build())
        .hasMessage("max_tokens must be >= 0 but was -1");
    assertThatThrownBy(() -> valid().maxCompletionTokens(-5).build())
        .hasMessage("max_completion_tokens must be >= 0 but was -5");
    assertThatThrownBy(() -> valid().presencePenalty(3.0).build())
        .hasMessage("presence_penalty must be between -2 and 2 but was 3.0");
    assertThatThrownBy(() -> valid().topLogprobs(21).build())
        .hasMessage("top_logprobs must be between 0 and 20 but was 21");
    assertThatThrownBy(() -> valid().toolChoice(42).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tool_choice");
  }

  @Test
  void boundaryValuesAreAccepted() {
    ChatRequest r = valid().temperature(0.0).topP(1.0).n(1).maxTokens(0).build();
    assertThat(r.temperature()).isZero();
    assertThat(valid().temperature(2.0).build().temperature()).isEqualTo(2.0);
  }

  @Test
  void serializesSnakeCaseWithoutNullsAndWithVendorFieldsAtTopLevel() {
    ChatRequest r =
        valid()
            .maxTokens(5)
            .topP(0.5)
            .stop(List.of("a", "b"))
            .responseFormat(Map.of("type", "json_object"))
            .tools(List.of(Tool.function("get", "gets", Map.of("type", "object"))))
            .toolChoice("auto")
            .extra("top_k", 40)
            .build();
    JsonNode json = Json.MAPPER.valueToTree(r);
    assertThat(json.get("max_tokens").asInt()).isEqualTo(5);
    assertThat(json.get("top_p").asDouble()).isEqualTo(0.5);
    assertThat(json.get("stop").isArray()).isTrue();
    assertThat(json.get("top_k").asInt()).isEqualTo(40);
    assertThat(json.get("extra")).isNull();
    assertThat(json.get("temperature")).isNull();
    assertThat(json.get("tools").get(0).get("function").get("name").asString()).isEqualTo("get");
    assertThat(json.get("messages").get(0).get("content").asString()).isEqualTo("hi");
    assertThat(json.get("messages").get(0).get("tool_calls")).isNull();
    assertThat(Json.MAPPER.treeToValue(json, ChatRequest.class)).isEqualTo(r);
  }

  @Test
  void stopIsAStringOrAList() {
    assertThat(Json.MAPPER.valueToTree(valid().stop("END").build()).get("stop").asString())
        .isEqualTo("END");
    assertThatThrownBy(
            () ->
                Json.MAPPER.readValue(
                    "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                        + "\"stop\":[1]}",
                    ChatRequest.class))
        .hasMessageContaining("stop[0] must be a string");
  }

  @Test
  void toBuilderCopiesAndWithStreamDropsStreamOptionsWhenNotStreaming() {
    ChatRequest r = valid().streamIncludeUsage(true).stream(true).seed(7L).build();
    assertThat(r.toBuilder().build()).isEqualTo(r);
    ChatRequest plain = r.withStream(null);
    assertThat(plain.stream()).isNull();
    assertThat(plain.streamOptions()).isNull();
    assertThat(plain.seed()).isEqualTo(7L);
    assertThat(r.withStream(true)).isSameAs(r);
  }

  @Test
  void builderChangesAfterBuildDoNotLeakIn() {
    ChatRequest.Builder b = valid();
    ChatRequest first = b.build();
    b.message(ChatMessage.user("again"));
    assertThat(first.messages()).hasSize(1);
    assertThatThrownBy(() -> first.messages().add(ChatMessage.user("x")))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void multiPartContentRoundTrips() throws Exception {
    ChatMessage m =
        ChatMessage.user(
            List.of(ContentPart.text("look: "), ContentPart.imageUrl("data:image/png;base64,AA")));
    String json = Json.MAPPER.writeValueAsString(m);
    assertThat(json).contains("\"image_url\":{\"url\":\"data:image/png;base64,AA\"}");
    ChatMessage back = Json.MAPPER.readValue(json, ChatMessage.class);
    assertThat(back).isEqualTo(m);
    assertThat(back.text()).isEqualTo("look: ");
    assertThat(back.contentParts())
        .extracting(ContentPart::type)
        .containsExactly("text", "image_url");
  }

  @Test
  void everyDocumentedRangeIsEnforcedAtBothEnds() {
    assertThatThrownBy(() -> valid().frequencyPenalty(-2.01).build())
        .hasMessage("frequency_penalty must be between -2 and 2 but was -2.01");
    assertThatThrownBy(() -> valid().frequencyPenalty(Double.POSITIVE_INFINITY).build())
        .hasMessage("frequency_penalty must be between -2 and 2 but was Infinity");
    assertThatThrownBy(() -> valid().presencePenalty(-2.5).build())
        .hasMessage("presence_penalty must be between -2 and 2 but was -2.5");
    assertThatThrownBy(() -> valid().topP(-0.01).build())
        .hasMessage("top_p must be between 0 and 1 but was -0.01");
    assertThatThrownBy(() -> valid().topP(Double.NaN).build())
        .hasMessage("top_p must be between 0 and 1 but was NaN");
    assertThatThrownBy(() -> valid().topLogprobs(-1).build())
        .hasMessage("top_logprobs must be between 0 and 20 but was -1");
    assertThatThrownBy(() -> valid().n(Integer.MIN_VALUE).build())
        .hasMessage("n must be >= 1 but was -2147483648");
    ChatRequest edges =
        valid()
            .frequencyPenalty(-2.0)
            .presencePenalty(2.0)
            .topP(0.0)
            .topLogprobs(20)
            .logitBias(Map.of("1", -100, "2", 100, "3", 0))
            .build();
    assertThat(edges.logitBias()).containsEntry("1", -100).containsEntry("2", 100);
  }

  @Test
  void logitBiasValuesAndKeysAreChecked() {
    assertThatThrownBy(() -> valid().logitBias(Map.of("50256", 101)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("logit_bias[\"50256\"] must be between -100 and 100 but was 101");
    assertThatThrownBy(() -> valid().logitBias(Map.of("7", -101)).build())
        .hasMessage("logit_bias[\"7\"] must be between -100 and 100 but was -101");
    assertThatThrownBy(() -> valid().logitBias(Map.of("7", Integer.MAX_VALUE)).build())
        .hasMessage("logit_bias[\"7\"] must be between -100 and 100 but was 2147483647");
    Map<String, Integer> nullValue = new java.util.HashMap<>();
    nullValue.put("42", null);
    assertThatThrownBy(() -> valid().logitBias(nullValue).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("logit_bias[\"42\"] must be between -100 and 100 but was null");
    Map<String, Integer> nullKey = new java.util.HashMap<>();
    nullKey.put(null, 5);
    assertThatThrownBy(() -> valid().logitBias(nullKey).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("logit_bias keys must be token ids (digits) but was null");
    for (String key : new String[] {"", "hello", "-5", "1.5", " 3", "0x10"}) {
      assertThatThrownBy(() -> valid().logitBias(Map.of(key, 5)).build())
          .as(key)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("logit_bias keys must be token ids (digits) but was \"" + key + "\"");
    }
    assertThatThrownBy(
            () ->
                Json.MAPPER.readValue(
                    "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                        + "\"logit_bias\":{\"11\":250}}",
                    ChatRequest.class))
        .hasMessageContaining("logit_bias[\"11\"] must be between -100 and 100 but was 250");
  }

  @Test
  void extraCannotShadowATypedOrTransportOwnedField() {
    for (String field : ChatRequest.WIRE_FIELDS) {
      assertThatThrownBy(() -> valid().extra(field, "x"))
          .as(field)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "extra must not set \""
                  + field
                  + "\": it is a typed or transport-owned field; use its own setter instead");
    }
    for (String field : new String[] {"model", "messages", "stream", "stream_options", "n"}) {
      assertThatThrownBy(
              () ->
                  new ChatRequest(
                      "m",
                      List.of(ChatMessage.user("x")),
                      null,
                      null,
                      null,
                      null,
                      null,
                      null,
                      null,
                      null,
                      null,
                      null,
                      null,
                      null,
                      null,
                      null,
                      null,
                      null,
                      null,
                      null,
                      null,
                      Map.of(field, true)))
          .as(field)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("extra must not set \"" + field + "\"");
    }
    assertThatThrownBy(() -> valid().extra(" ", 1))
        .hasMessage("extra field names must not be blank but was \" \"");
    assertThatThrownBy(() -> valid().extra("", 1))
        .hasMessage("extra field names must not be blank but was \"\"");
    // Vendor fields, and names that only look alike, are fine.
    ChatRequest ok =
        valid()
            .extra("top_k", 40)
            .extra("maxTokens", 1)
            .extra("chat_template_kwargs", Map.of())
            .build();
    assertThat(ok.extra()).containsKeys("top_k", "maxTokens", "chat_template_kwargs");
  }

  @Test
  void nullListElementsAreNamedWithTheirIndex() {
    List<Tool> tools = new ArrayList<>();
    tools.add(Tool.function("a", "a", Map.of("type", "object")));
    tools.add(null);
    assertThatThrownBy(() -> valid().tools(tools).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tools[1] must not be null but was null");
    List<String> stops = new ArrayList<>();
    stops.add("a");
    stops.add("b");
    stops.add(null);
    assertThatThrownBy(() -> valid().stop(stops).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("stop[2] must be a string but was null");
    List<ChatMessage> messages = new ArrayList<>();
    messages.add(ChatMessage.user("a"));
    messages.add(ChatMessage.user("b"));
    messages.add(null);
    assertThatThrownBy(() -> ChatRequest.builder().model("m").messages(messages).build())
        .hasMessage("messages[2] must not be null but was null");
    List<ToolCall> calls = new ArrayList<>();
    calls.add(null);
    assertThatThrownBy(() -> ChatMessage.assistant(calls))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tool_calls[0] must not be null but was null");
    List<ContentPart> parts = new ArrayList<>();
    parts.add(ContentPart.text("a"));
    parts.add(null);
    assertThatThrownBy(() -> ChatMessage.user(parts))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("content[1] must be a content part");
  }
}
