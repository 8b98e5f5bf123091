package ai.vaultgemma.opentelemetry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.vaultgemma.core.ChatChoice;
import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ContentPart;
import ai.vaultgemma.core.FunctionCall;
import ai.vaultgemma.core.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gen_ai.input.messages and gen_ai.output.messages JSON: shape, escaping and bounds. */
class MessagesJsonTest {

  @Test
  void textIsEscapedAsJson() {
    assertThat(MessagesJson.input(List.of(ChatMessage.user("a\"b\\c\nd\t\u0001")), 100))
        .isEqualTo(
            "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":"
                + "\"a\\\"b\\\\c\\nd\\t\\u0001\"}]}]");
  }

  @Test
  void toolCallsAndToolResponsesHaveTheirConventionParts() {
    ChatMessage call =
        ChatMessage.assistant(
            List.of(
                new ToolCall(
                    0,
                    "call_1",
                    "function",
                    new FunctionCall("weather", "{\"city\":\"Paris\"}", Map.of()),
                    Map.of())));
    ChatMessage answer = ChatMessage.tool("call_1", "rainy");
    assertThat(MessagesJson.input(List.of(call, answer), 100))
        .isEqualTo(
            "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"tool_call\",\"id\":\"call_1\","
                + "\"name\":\"weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}]},"
                + "{\"role\":\"tool\",\"parts\":[{\"type\":\"tool_call_response\","
                + "\"id\":\"call_1\",\"response\":\"rainy\"}]}]");
  }

  @Test
  void nonTextPartsAreWrittenAsTheirTypeAlone() {
    ChatMessage m =
        ChatMessage.user(
            List.of(ContentPart.text("look"), ContentPart.imageUrl("data:image/png;base64,AAAA")));
    assertThat(MessagesJson.input(List.of(m), 100))
        .isEqualTo(
            "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"look\"},"
                + "{\"type\":\"image_url\"}]}]")
        .doesNotContain("base64");
  }

  @Test
  void aCutNeverSplitsASurrogatePair() {
    String s = "ab\uD83D\uDE00cd"; // a, b, one emoji (two chars), c, d
    StringBuilder out = new StringBuilder();
    MessagesJson.string(out, s, 3);
    assertThat(out.toString()).isEqualTo("\"ab…\"");
  }

  @Test
  void onlyTheLastMessagesAreWrittenInOrder() {
    List<ChatMessage> many = new ArrayList<>();
    for (int i = 0; i < MessagesJson.MAX_MESSAGES + 10; i++) {
      many.add(ChatMessage.user("m" + i));
    }
    String json = MessagesJson.input(many, 100);
    assertThat(json).doesNotContain("\"m9\"").contains("\"m10\"").endsWith("\"m73\"}]}]");
    assertThat(json.split("\"role\"", -1)).hasSize(MessagesJson.MAX_MESSAGES + 1);
  }

  @Test
  void anAnswersChoicesAreOutputMessagesWithTheirFinishReasons() {
    ChatChoice text =
        new ChatChoice(0, ChatMessage.assistant("It is \"sunny\""), "stop", null, Map.of());
    ChatChoice tool =
        new ChatChoice(
            1,
            ChatMessage.assistant(
                List.of(
                    new ToolCall(
                        0,
                        "call_9",
                        "function",
                        new FunctionCall("weather", "{}", Map.of()),
                        Map.of()))),
            "tool_calls",
            null,
            Map.of());
    ChatChoice none = new ChatChoice(2, null, null, null, Map.of());
    assertThat(MessagesJson.output(List.of(text, tool, none), 8))
        .isEqualTo(
            "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":"
                + "\"It is \\\"s…\"}],\"finish_reason\":\"stop\"},"
                + "{\"role\":\"assistant\",\"parts\":[{\"type\":\"tool_call\",\"id\":\"call_9\","
                + "\"name\":\"weather\",\"arguments\":\"{}\"}],\"finish_reason\":\"tool_calls\"},"
                + "{\"role\":\"assistant\",\"parts\":[],\"finish_reason\":null}]");
  }
}
