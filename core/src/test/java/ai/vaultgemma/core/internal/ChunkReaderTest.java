package ai.vaultgemma.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.vaultgemma.core.ChatChunk;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The token reader takes the common chunk shapes and builds what databind builds from them; every
 * other shape is left to databind (null).
 */
class ChunkReaderTest {

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
          "  {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"name\":\"n\"}}]}  ");

  /** Shapes the reader leaves to databind. */
  private static final List<String> OTHER =
      List.of(
          "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
              + "\"id\":\"t\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}}]}",
          "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"logprobs\":"
              + "{\"content\":[]}}]}",
          "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,"
              + "\"total_tokens\":3}}",
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

  @Test
  void commonShapesReadAsDatabindReadsThem() {
    for (String data : COMMON) {
      ChatChunk fast = ChunkReader.read(data);
      assertThat(fast).as(data).isNotNull();
      assertThat(fast).as(data).isEqualTo(Json.reader(ChatChunk.class).readValue(data));
    }
  }

  @Test
  void otherShapesAreLeftToDatabind() {
    for (String data : OTHER) {
      assertThat(ChunkReader.read(data)).as(data).isNull();
    }
  }
}
