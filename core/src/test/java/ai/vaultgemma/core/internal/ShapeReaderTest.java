package ai.vaultgemma.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.vaultgemma.core.ChatChunk;
import ai.vaultgemma.core.ChatResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The token reader takes the common answer and chunk shapes and builds what databind builds from
 * them; every other shape is left to databind (null).
 */
class ShapeReaderTest {

  /** Shapes as OpenAI, vLLM, llama.cpp, Ollama and LocalAI send them (written for this test). */
  private static final List<String> COMMON =
      List.of(
          "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1764115200,"
              + "\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_1\",\"service_tier\":"
              + "\"default\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
              + "\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],"
              + "\"usage\":null}",
          "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
              + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\\u00e9\\n\\\"lo\\\"\"},"
              + "\"finish_reason\":null}]}",
          "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
              + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
          "{\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":"
              + "{\"reasoning_content\":\"think\",\"content\":null}}]}",
          "{\"choices\":[{\"delta\":{\"reasoning\":\"r\",\"role\":\"assistant\"},\"index\":1},"
              + "{\"index\":0,\"delta\":null,\"finish_reason\":\"length\"}],\"created\":null}",
          "{\"id\":\"c\",\"choices\":[]}",
          "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,"
              + "\"total_tokens\":3}}",
          "  {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"name\":\"n\"}}]}  ");

  /** Shapes the reader leaves to databind. */
  private static final List<String> OTHER =
      List.of(
          "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
              + "\"id\":\"t\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}}]}",
          "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"logprobs\":"
              + "{\"content\":[]}}]}",
          "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}],"
              + "\"x_groq\":{\"id\":\"req\"}}",
          "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":[{\"type\":\"text\","
              + "\"text\":\"a\"}]}}]}",
          "{\"id\":\"c\",\"created\":\"1\",\"choices\":[]}",
          "{\"id\":\"c\",\"choices\":[{\"index\":99999999999,\"delta\":{}}]}",
          "{\"error\":{\"message\":\"boom\"}}",
          "{\"id\":\"c\",\"choices\":[]} trailing",
          "{\"id\":\"c\",\"choices\":[",
          "[1,2]",
          "not json");

  /** Answers as the same servers send them (written for this test). */
  private static final List<String> COMMON_ANSWERS =
      List.of(
          "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1764115200,"
              + "\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
              + "\"content\":\"Hello! How can I help you today?\"},\"logprobs\":null,"
              + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,"
              + "\"completion_tokens\":9,\"total_tokens\":18}}",
          "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"qwen3\","
              + "\"system_fingerprint\":\"b1\",\"service_tier\":\"default\",\"choices\":[{\"index\":0,"
              + "\"message\":{\"role\":\"assistant\",\"content\":\"42\",\"reasoning_content\":"
              + "\"think \\u00e9\",\"refusal\":null},\"finish_reason\":\"length\"},{\"index\":1,"
              + "\"message\":{\"role\":\"assistant\",\"content\":null,\"reasoning\":\"r\"},"
              + "\"finish_reason\":null}],\"usage\":null}",
          "{\"choices\":[{\"message\":{\"content\":\"x\"}}]}");

  /** Answers the reader leaves to databind. */
  private static final List<String> OTHER_ANSWERS =
      List.of(
          "{\"id\":\"c\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
              + "\"tool_calls\":[{\"id\":\"t\",\"type\":\"function\",\"function\":{\"name\":\"f\","
              + "\"arguments\":\"{}\"}}]},\"finish_reason\":\"tool_calls\"}]}",
          "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,"
              + "\"total_tokens\":12,\"prompt_tokens_details\":{\"cached_tokens\":4}}}",
          "{\"id\":\"c\",\"choices\":[],\"timings\":{\"predicted_ms\":1.5}}",
          "{\"id\":\"c\",\"choices\":[{\"index\":0,\"message\":{\"content\":\"a\"},"
              + "\"logprobs\":{\"content\":[]}}]}",
          "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":1.5}}",
          "{\"error\":{\"message\":\"boom\"}}",
          "{\"id\":\"c\"} {}",
          "");

  @Test
  void commonAnswersReadAsDatabindReadsThem() {
    for (String data : COMMON_ANSWERS) {
      ChatResponse fast = ShapeReader.answer(data.getBytes(StandardCharsets.UTF_8));
      assertThat(fast).as(data).isNotNull();
      assertThat(fast).as(data).isEqualTo(Json.reader(ChatResponse.class).readValue(data));
    }
  }

  @Test
  void otherAnswersAreLeftToDatabind() {
    for (String data : OTHER_ANSWERS) {
      assertThat(ShapeReader.answer(data.getBytes(StandardCharsets.UTF_8))).as(data).isNull();
    }
  }

  @Test
  void commonShapesReadAsDatabindReadsThem() {
    for (String data : COMMON) {
      ChatChunk fast = ShapeReader.chunk(data);
      assertThat(fast).as(data).isNotNull();
      assertThat(fast).as(data).isEqualTo(Json.reader(ChatChunk.class).readValue(data));
    }
  }

  @Test
  void otherShapesAreLeftToDatabind() {
    for (String data : OTHER) {
      assertThat(ShapeReader.chunk(data)).as(data).isNull();
    }
  }
}
