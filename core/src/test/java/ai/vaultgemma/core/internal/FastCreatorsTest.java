package ai.vaultgemma.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ai.vaultgemma.core.ChatChunk;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.EmbeddingResponse;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/** Records built through the fast creators are the records databind builds, errors included. */
class FastCreatorsTest {

  /** The wire settings without the fast creators. */
  private static final ObjectMapper PLAIN =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .changeDefaultPropertyInclusion(
              incl -> incl.withValueInclusion(JsonInclude.Include.NON_NULL))
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  private static final String COMPLETION =
      "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1764115200,\"model\":\"m\","
          + "\"system_fingerprint\":\"fp\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
          + "\"assistant\",\"content\":null,\"reasoning_content\":\"r\",\"tool_calls\":[{\"id\":"
          + "\"t\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}],"
          + "\"vendor\":{\"x\":1}},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}],"
          + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12,"
          + "\"prompt_tokens_details\":{\"cached_tokens\":4},\"completion_tokens_details\":"
          + "{\"reasoning_tokens\":2}},\"timings\":{\"predicted_ms\":1.5}}";

  private static final String CHUNK =
      "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
          + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"He\"},\"finish_reason\":null}]}";

  private static final String EMBEDDINGS =
      "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":"
          + "[0.5,-1.25]}],\"model\":\"e\",\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}";

  @Test
  void recordsReadAlikeWithAndWithoutThem() {
    assertThat(Json.MAPPER.readValue(COMPLETION, ChatResponse.class))
        .isEqualTo(PLAIN.readValue(COMPLETION, ChatResponse.class));
    assertThat(Json.MAPPER.readValue(CHUNK, ChatChunk.class))
        .isEqualTo(PLAIN.readValue(CHUNK, ChatChunk.class));
    EmbeddingResponse fast = Json.MAPPER.readValue(EMBEDDINGS, EmbeddingResponse.class);
    EmbeddingResponse plain = PLAIN.readValue(EMBEDDINGS, EmbeddingResponse.class);
    assertThat(fast.vectors().get(0).vector()).containsExactly(plain.vectors().get(0).vector());
    assertThat(fast.usage()).isEqualTo(plain.usage());
  }

  @Test
  void aRecordThatRejectsItsArgumentsFailsAsItDidWithout() {
    String invalid = "{\"model\":\"m\",\"messages\":[],\"temperature\":9.5}";
    Throwable fast = catchThrowable(() -> Json.MAPPER.readValue(invalid, ChatRequest.class));
    Throwable plain = catchThrowable(() -> PLAIN.readValue(invalid, ChatRequest.class));
    assertThat(plain).isNotNull();
    assertThat(fast).isNotNull().hasSameClassAs(plain).hasMessage(plain.getMessage());
    assertThat(fast.getCause()).hasSameClassAs(plain.getCause());
  }
}
