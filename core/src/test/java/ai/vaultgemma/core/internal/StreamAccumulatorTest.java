package ai.vaultgemma.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.vaultgemma.core.ChatChunk;
import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.InvalidResponseException;
import ai.vaultgemma.core.StreamErrorException;
import ai.vaultgemma.core.ToolCall;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamAccumulatorTest {

  private final StreamAccumulator acc =
      new StreamAccumulator("POST", "/v1/chat/completions", "sk-secret");

  private static String chunk(String choices) {
    return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":5,\"model\":\"m\","
        + "\"choices\":"
        + choices
        + "}";
  }

  private List<ChatChunk> feed(String... data) {
    List<ChatChunk> out = new ArrayList<>();
    for (String d : data) {
      ChatChunk c = acc.onEvent(null, d);
      if (c != null) {
        out.add(c);
      }
    }
    return out;
  }

  @Test
  void deltasInOrderUsageOnlyChunkAndDone() {
    List<ChatChunk> chunks =
        feed(
            chunk("[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]"),
            chunk("[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]"),
            chunk("[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":null}]"),
            chunk("[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]"),
            "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":5,\"model\":\"m\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,"
                + "\"total_tokens\":5},\"obfuscation\":\"xyz\"}",
            "[DONE]",
            chunk("[{\"index\":0,\"delta\":{\"content\":\"ignored\"}}]"));
    assertThat(chunks).hasSize(5);
    assertThat(chunks.get(1).choices().get(0).delta().text()).isEqualTo("Hel");
    assertThat(chunks.get(4).choices()).isEmpty();
    assertThat(acc.isDone()).isTrue();
    ChatResponse r = acc.finish();
    assertThat(r.text()).isEqualTo("Hello");
    assertThat(r.id()).isEqualTo("c1");
    assertThat(r.object()).isEqualTo("chat.completion");
    assertThat(r.choices().get(0).finishReason()).isEqualTo("stop");
    assertThat(r.choices().get(0).message().role()).isEqualTo("assistant");
    assertThat(r.usage().totalTokens()).isEqualTo(5);
    assertThat(r.extra()).doesNotContainKey("obfuscation");
  }

  @Test
  void keepAlivesArePassedOver() {
    assertThat(acc.onEvent(null, "{\"type\": \"ping\"}")).isNull();
    assertThat(acc.onEvent("ping", "{}")).isNull();
    assertThat(acc.onEvent(null, "  ")).isNull();
    assertThat(acc.chunkCount()).isZero();
  }

  @Test
  void toolCallDeltasMergeByIndex() {
    feed(
        chunk(
            "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":["
                + "{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"f\","
                + "\"arguments\":\"\"}}]}}]"),
        chunk(
            "[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
                + "\"{\\\"x\\\":\"}}]}}]"),
        chunk(
            "[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\","
                + "\"type\":\"function\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]}}]"),
        chunk(
            "[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
                + "\"1}\"}}]}}]"),
        chunk("[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]"),
        "[DONE]");
    List<ToolCall> calls = acc.finish().choices().get(0).message().toolCalls();
    assertThat(calls).hasSize(2);
    assertThat(calls.get(0).id()).isEqualTo("call_a");
    assertThat(calls.get(0).function().name()).isEqualTo("f");
    assertThat(calls.get(0).function().arguments()).isEqualTo("{\"x\":1}");
    assertThat(calls.get(1).id()).isEqualTo("call_b");
    assertThat(calls.get(1).function().arguments()).isEqualTo("{}");
    assertThat(acc.finish().choices().get(0).message().content()).isNull();
  }

  @Test
  void refusalReasoningAndSeveralChoices() {
    feed(
        chunk("[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"refusal\":\"I can\"}}]"),
        chunk("[{\"index\":0,\"delta\":{\"refusal\":\"not.\"}}]"),
        chunk("[{\"index\":1,\"delta\":{\"reasoning_content\":\"think \"}}]"),
        chunk("[{\"index\":1,\"delta\":{\"reasoning_content\":\"hard\",\"content\":null}}]"),
        chunk("[{\"index\":1,\"delta\":{\"reasoning\":\"r\",\"content\":\"A\"}}]"),
        chunk(
            "[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"},"
                + "{\"index\":1,\"delta\":{},\"finish_reason\":\"stop\"}]"),
        "[DONE]");
    ChatResponse r = acc.finish();
    assertThat(r.choices()).hasSize(2);
    ChatMessage first = r.choices().get(0).message();
    ChatMessage second = r.choices().get(1).message();
    assertThat(first.refusal()).isEqualTo("I cannot.");
    assertThat(first.content()).isNull();
    assertThat(second.reasoningContent()).isEqualTo("think hard");
    assertThat(second.reasoning()).isEqualTo("r");
    assertThat(second.text()).isEqualTo("A");
  }

  @Test
  void errorPayloadInsideTheStreamIsTyped() {
    feed(chunk("[{\"index\":0,\"delta\":{\"content\":\"x\"}}]"));
    assertThatThrownBy(
            () ->
                acc.onEvent(
                    null,
                    "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\","
                        + "\"param\":null,\"code\":null}}"))
        .isInstanceOf(StreamErrorException.class)
        .hasMessage(
            "POST /v1/chat/completions: error event in stream: The server had an error"
                + " (type=server_error)")
        .satisfies(e -> assertThat(((StreamErrorException) e).type()).hasValue("server_error"));
  }

  @Test
  void namedErrorEventIsTyped() {
    assertThatThrownBy(
            () ->
                acc.onEvent(
                    "error",
                    "{\"error\":{\"message\":\"Tool call validation failed\","
                        + "\"code\":\"tool_use_failed\",\"status_code\":400}}"))
        .isInstanceOf(StreamErrorException.class)
        .satisfies(
            e -> {
              StreamErrorException s = (StreamErrorException) e;
              assertThat(s.code()).hasValue("tool_use_failed");
              assertThat(s.status()).isEqualTo(400);
              assertThat(s.payloadStatus()).hasValue(400);
            });
  }

  @Test
  void endWithoutDoneIsBrokenUnlessEveryChoiceFinished() {
    feed(chunk("[{\"index\":0,\"delta\":{\"content\":\"partial\"}}]"));
    assertThatThrownBy(acc::finish)
        .isInstanceOf(InvalidResponseException.class)
        .hasMessage(
            "POST /v1/chat/completions: stream ended without [DONE] after 1 chunks and before"
                + " every choice had a finish_reason");
    // TGI 2.x and Cerebras end without [DONE] once every choice has a finish_reason.
    feed(chunk("[{\"index\":0,\"delta\":{\"content\":\"</s>\"},\"finish_reason\":\"eos_token\"}]"));
    assertThat(acc.finish().text()).isEqualTo("partial</s>");
  }

  @Test
  void emptyFinishReasonIsNotAFinish() {
    feed(
        chunk(
            "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"a\"},"
                + "\"finish_reason\":\"\"}]"));
    assertThatThrownBy(acc::finish).isInstanceOf(InvalidResponseException.class);
  }

  @Test
  void emptyStreamIsBroken() {
    assertThatThrownBy(acc::finish).isInstanceOf(InvalidResponseException.class);
  }

  @Test
  void dataThatIsNotAChunkIsInvalid() {
    assertThatThrownBy(() -> acc.onEvent(null, "not json"))
        .isInstanceOf(InvalidResponseException.class)
        .hasMessage("POST /v1/chat/completions: stream event 1 is not JSON");
    assertThatThrownBy(() -> acc.onEvent(null, "[1,2]"))
        .isInstanceOf(InvalidResponseException.class)
        .hasMessageContaining("not a JSON object");
  }
}
