package ai.vaultgemma.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.vaultgemma.core.internal.Json;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parses payloads written here in each server's shape (the corpus suite covers real ones). */
class ProtocolTypesTest {

  @Test
  void chatCompletionWithUsageDetailsAndVendorFields() throws Exception {
    String json =
        """
        {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-x",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Hi","refusal":null,
           "annotations":[]},"logprobs":null,"finish_reason":"stop","stop_reason":null}],
         "usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,
           "prompt_tokens_details":{"cached_tokens":3,"audio_tokens":0},
           "completion_tokens_details":{"reasoning_tokens":1,"audio_tokens":0,
             "accepted_prediction_tokens":0,"rejected_prediction_tokens":0},
           "prompt_cache_hit_tokens":3},
         "system_fingerprint":null,"service_tier":"default",
         "timings":{"prompt_n":9,"predicted_ms":12.5}}
        """;
    ChatResponse r = Json.MAPPER.readValue(json, ChatResponse.class);
    assertThat(r.text()).isEqualTo("Hi");
    assertThat(r.choices().get(0).finishReason()).isEqualTo("stop");
    assertThat(r.choices().get(0).extra()).containsEntry("stop_reason", null);
    assertThat(r.choices().get(0).message().extra()).containsKey("annotations");
    assertThat(r.usage().totalTokens()).isEqualTo(11);
    assertThat(r.usage().promptTokensDetails().cachedTokens()).isEqualTo(3);
    assertThat(r.usage().completionTokensDetails().reasoningTokens()).isEqualTo(1);
    assertThat(r.usage().extra()).containsEntry("prompt_cache_hit_tokens", 3);
    assertThat(r.extra()).containsKey("timings");
    assertThat(r.extra().get("timings")).isEqualTo(Map.of("prompt_n", 9, "predicted_ms", 12.5));
    assertThatThrownBy(() -> r.extra().put("x", 1))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(r), ChatResponse.class))
        .isEqualTo(r);
  }

  @Test
  void toolCallsAndLegacyFunctionCall() throws Exception {
    ChatResponse tools =
        Json.MAPPER.readValue(
            """
            {"choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant",
              "content":null,"tool_calls":[
                {"id":"call_a","type":"function","function":{"name":"f","arguments":"{\\"x\\":1}"}},
                {"index":1,"id":"365174485","type":"function","function":{"name":"g","arguments":"{}"}}]}}]}
            """,
            ChatResponse.class);
    List<ToolCall> calls = tools.choices().get(0).message().toolCalls();
    assertThat(calls).hasSize(2);
    assertThat(calls.get(0).function().arguments()).isEqualTo("{\"x\":1}");
    assertThat(calls.get(1).index()).isEqualTo(1);
    assertThat(tools.choices().get(0).message().content()).isNull();
    ChatResponse legacy =
        Json.MAPPER.readValue(
            """
            {"choices":[{"index":0,"finish_reason":"function_call","message":{"role":"assistant",
              "content":null,"function_call":{"name":"f","arguments":"{}"}}}]}
            """,
            ChatResponse.class);
    assertThat(legacy.choices().get(0).message().functionCall().name()).isEqualTo("f");
  }

  @Test
  void reasoningFieldsOfEachVendor() throws Exception {
    ChatMessage deepseek =
        Json.MAPPER.readValue(
            "{\"role\":\"assistant\",\"content\":\"4\",\"reasoning_content\":\"2+2\"}",
            ChatMessage.class);
    ChatMessage ollama =
        Json.MAPPER.readValue(
            "{\"role\":\"assistant\",\"content\":\"4\",\"reasoning\":\"2+2\"}", ChatMessage.class);
    assertThat(deepseek.reasoningContent()).isEqualTo("2+2");
    assertThat(ollama.reasoning()).isEqualTo("2+2");
  }

  @Test
  void embeddingsAsFloatsAndAsBase64ReadTheSameVector() throws Exception {
    float[] v = {0.25f, -1.5f, 3.0e-4f};
    ByteBuffer buf = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      buf.putFloat(f);
    }
    String b64 = Base64.getEncoder().encodeToString(buf.array());
    EmbeddingResponse floats =
        Json.MAPPER.readValue(
            "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
                + "\"embedding\":[0.25,-1.5,0.0003]}],\"model\":\"e\","
                + "\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}",
            EmbeddingResponse.class);
    EmbeddingResponse base64 =
        Json.MAPPER.readValue(
            "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
                + "\"embedding\":\""
                + b64
                + "\"}],\"model\":\"e\"}",
            EmbeddingResponse.class);
    assertThat(floats.data().get(0).vector()).containsExactly(v);
    assertThat(base64.data().get(0).vector()).containsExactly(v);
    assertThat(base64.data().get(0).extra()).containsEntry("object", "embedding");
    assertThat(floats.usage().promptTokens()).isEqualTo(2);
    assertThat(Json.MAPPER.writeValueAsString(base64.data().get(0))).contains("[0.25,-1.5,");
    assertThatThrownBy(() -> Embedding.decodeBase64("AAAAAAAA"))
        .hasMessageContaining("multiple of 4");
  }

  @Test
  void embeddingVectorsAreReturnedInInputOrder() {
    EmbeddingResponse r =
        new EmbeddingResponse(
            "list",
            List.of(Embedding.of(1, new float[] {1}), Embedding.of(0, new float[] {0})),
            "e",
            null,
            Map.of());
    assertThat(r.vectors()).extracting(Embedding::index).containsExactly(0, 1);
    float[] source = {1, 2};
    Embedding e = Embedding.of(0, source);
    source[0] = 9;
    e.vector()[1] = 9;
    assertThat(e.vector()).containsExactly(1, 2);
  }

  @Test
  void embeddingRequestSingleAndBatch() throws Exception {
    assertThat(Json.MAPPER.writeValueAsString(EmbeddingRequest.of("e", "one")))
        .isEqualTo("{\"model\":\"e\",\"input\":\"one\"}");
    EmbeddingRequest batch = EmbeddingRequest.of("e", List.of("a", "b")).withDimensions(8);
    assertThat(Json.MAPPER.writeValueAsString(batch.withEncodingFormat("base64")))
        .isEqualTo(
            "{\"model\":\"e\",\"input\":[\"a\",\"b\"],\"encoding_format\":\"base64\","
                + "\"dimensions\":8}");
    assertThat(batch.inputs()).containsExactly("a", "b");
    assertThatThrownBy(() -> EmbeddingRequest.of("e", List.of()))
        .hasMessage("input must not be empty but was []");
    assertThatThrownBy(() -> EmbeddingRequest.of(" ", "x"))
        .hasMessage("model must not be blank but was \" \"");
    assertThatThrownBy(() -> batch.withDimensions(0))
        .hasMessage("dimensions must be >= 1 but was 0");
  }

  @Test
  void modelListWithNullDataAndVendorFields() throws Exception {
    ModelList empty = Json.MAPPER.readValue("{\"object\":\"list\",\"data\":null}", ModelList.class);
    assertThat(empty.data()).isEmpty();
    ModelList list =
        Json.MAPPER.readValue(
            "{\"object\":\"list\",\"data\":[{\"id\":\"m\",\"object\":\"model\",\"created\":1,"
                + "\"owned_by\":\"vllm\",\"max_model_len\":8192,\"meta\":null}]}",
            ModelList.class);
    assertThat(list.data().get(0).ownedBy()).isEqualTo("vllm");
    assertThat(list.data().get(0).extra()).containsEntry("max_model_len", 8192);
    assertThat(list.data().get(0).extra()).containsKey("meta");
  }

  @Test
  void embeddingRequestBadInputIsNamed() {
    java.util.List<String> inputs = new java.util.ArrayList<>();
    inputs.add("a");
    inputs.add("b");
    inputs.add(null);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> EmbeddingRequest.of("e", inputs))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("input[2] must be a string but was null");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> EmbeddingRequest.of("e", "x").withEncodingFormat("int8"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("encoding_format must be \"float\" or \"base64\" but was \"int8\"");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> EmbeddingRequest.of("e", "x").withDimensions(0))
        .hasMessage("dimensions must be >= 1 but was 0");
    for (String field : EmbeddingRequest.WIRE_FIELDS) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  new EmbeddingRequest(
                      "e", "x", null, null, null, java.util.Map.of(field, "shadow")))
          .as(field)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "extra must not set \""
                  + field
                  + "\": it is a typed or transport-owned field; use its own setter instead");
    }
    EmbeddingRequest vendor =
        new EmbeddingRequest("e", "x", "base64", 8, null, java.util.Map.of("truncate", true));
    org.assertj.core.api.Assertions.assertThat(vendor.extra()).containsEntry("truncate", true);
  }
}
