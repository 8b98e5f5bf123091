package ai.vaultgemma.opentelemetry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ContentPart;
import ai.vaultgemma.core.FunctionCall;
import ai.vaultgemma.core.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gen_ai.input.messages JSON: its shape, escaping and bounds. */
class InputMessagesTest {

  @Test
  void textIsEscapedAsJson() {
    assertThat(InputMessages.json(List.of(ChatMessage.user("a\"b\\c\nd\t\u0001")), 100))
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
    assertThat(InputMessages.json(List.of(call, answer), 100))
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
    assertThat(InputMessages.json(List.of(m), 100))
        .isEqualTo(
            "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"look\"},"
                + "{\"type\":\"image_url\"}]}]")
        .doesNotContain("base64");
  }

  @Test
  void aCutNeverSplitsASurrogatePair() {
    String s = "ab\uD83D\uDE00cd"; // a, b, one emoji (two chars), c, d
    StringBuilder out = new StringBuilder();
    InputMessages.string(out, s, 3);
    assertThat(out.toString()).isEqualTo("\"ab…\"");
  }

  @Test
  void onlyTheLastMessagesAreWrittenInOrder() {
    List<ChatMessage> many = new ArrayList<>();
    for (int i = 0; i < InputMessages.MAX_MESSAGES + 10; i++) {
      many.add(ChatMessage.user("m" + i));
    }
    String json = InputMessages.json(many, 100);
    assertThat(json).doesNotContain("\"m9\"").contains("\"m10\"").endsWith("\"m73\"}]}]");
    assertThat(json.split("\"role\"", -1)).hasSize(InputMessages.MAX_MESSAGES + 1);
  }
}
