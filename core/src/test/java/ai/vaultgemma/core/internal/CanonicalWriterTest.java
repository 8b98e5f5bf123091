package ai.vaultgemma.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.ContentPart;
import ai.vaultgemma.core.ToolCall;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written canonical writer writes databind's canonical bytes for every request of the
 * common shape, so no cache key changes, and declines every other shape.
 */
class CanonicalWriterTest {

  private static ChatRequest.Builder base() {
    return ChatRequest.builder().model("m").message(ChatMessage.user("hi"));
  }

  private static List<ChatRequest> common() {
    List<ChatRequest> requests =
        new ArrayList<>(
            List.of(
                base().build(),
                base().temperature(0.2).build(),
                base().temperature(1.0).topP(0.1).maxTokens(7).maxCompletionTokens(8).build(),
                base()
                    .temperature(0.0)
                    .frequencyPenalty(-1.5)
                    .presencePenalty(1e-7)
                    .seed(-123L)
                    .build(),
                base().seed(12345678901234L).n(3).logprobs(true).topLogprobs(20).build(),
                base().stop("\n").build(),
                base().stop(List.of("END", "\u00e9\u4e2d\ud83d\ude00", "\"q\" \\ b/")).build(),
                base().parallelToolCalls(false).user("user-7").stream(true)
                    .streamIncludeUsage(true)
                    .build(),
                ChatRequest.builder()
                    .model("gemma \"3\" \u00e9")
                    .message(ChatMessage.system("Be terse.\tReally.\u0001\u001f\u007f\b\f\r"))
                    .message(ChatMessage.user("What is 2+2? \u2028 \uffff"))
                    .message(ChatMessage.assistant("4"))
                    .message(ChatMessage.of("developer", "d"))
                    .temperature(2.0)
                    .build(),
                Json.MAPPER.readValue(
                    "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"name\":\"ann\","
                        + "\"content\":\"x\"},{\"role\":\"assistant\",\"content\":null}],"
                        + "\"temperature\":0.30000000000000004,\"top_p\":1e-300}",
                    ChatRequest.class)));
    Random random = new Random(42);
    for (int i = 0; i < 200; i++) {
      requests.add(
          base()
              .temperature(random.nextDouble() * 2)
              .topP(random.nextBoolean() ? random.nextDouble() : null)
              .frequencyPenalty(random.nextDouble() * 4 - 2)
              .message(ChatMessage.user(randomText(random)))
              .build());
    }
    return requests;
  }

  private static String randomText(Random random) {
    StringBuilder b = new StringBuilder();
    int n = random.nextInt(20);
    for (int i = 0; i < n; i++) {
      int kind = random.nextInt(4);
      b.append(
          switch (kind) {
            case 0 -> (char) random.nextInt(0x80);
            case 1 -> (char) (0x80 + random.nextInt(0x780));
            case 2 -> (char) (0x800 + random.nextInt(0xD000));
            default -> "\ud83d\ude00";
          });
    }
    return b.toString();
  }

  private static final List<ChatRequest> OTHER =
      List.of(
          base().extra("top_k", 40).build(),
          base().extra("store", true).build(),
          ChatRequest.builder()
              .model("m")
              .message(ChatMessage.user(List.of(ContentPart.text("a"))))
              .build(),
          ChatRequest.builder()
              .model("m")
              .message(ChatMessage.assistant(List.of(ToolCall.function("id", "f", "{}"))))
              .build(),
          ChatRequest.builder().model("m").message(ChatMessage.tool("id", "r")).build(),
          base().responseFormat(Map.of("type", "json_object")).build(),
          base().logitBias(Map.of("50256", -100)).build());

  @Test
  void commonRequestsGetDatabindsCanonicalBytes() {
    for (ChatRequest r : common()) {
      byte[] fast = CanonicalWriter.write(r);
      assertThat(fast).as("%s", r).isNotNull();
      assertThat(new String(fast, StandardCharsets.UTF_8))
          .as("%s", r)
          .isEqualTo(CanonicalKeys.canonicalJson(r));
    }
  }

  @Test
  void otherRequestsAreLeftToDatabind() {
    for (ChatRequest r : OTHER) {
      assertThat(CanonicalWriter.write(r)).as("%s", r).isNull();
      assertThat(new String(CanonicalKeys.canonicalBytes(r), StandardCharsets.UTF_8))
          .isEqualTo(CanonicalKeys.canonicalJson(r));
    }
  }

  @Test
  void aLoneSurrogateIsLeftToDatabind() {
    assertThat(CanonicalWriter.write(base().message(ChatMessage.user("a\ud83d")).build())).isNull();
  }
}
