package ai.vaultgemma.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import io.opentelemetry.semconv.UrlAttributes;
import io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Our attribute names against the constants OpenTelemetry publishes for the same conventions
 * version ({@code opentelemetry-semconv} and the alpha {@code -incubating}, test scope only).
 */
class GenAiAttributesTest {

  /** Attributes of type "any" in the conventions, which the Java constants leave out. */
  private static final Set<String> NOT_GENERATED =
      Set.of("gen_ai.input.messages", "gen_ai.output.messages");

  private static List<AttributeKey<?>> keysOf(Class<?> type) throws IllegalAccessException {
    List<AttributeKey<?>> keys = new ArrayList<>();
    for (Field f : type.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == AttributeKey.class) {
        keys.add((AttributeKey<?>) f.get(null));
      }
    }
    return keys;
  }

  @Test
  void everyConventionNameMatchesAPublishedConstantInNameAndType() throws Exception {
    List<AttributeKey<?>> published = new ArrayList<>();
    published.addAll(keysOf(GenAiIncubatingAttributes.class));
    published.addAll(keysOf(ServerAttributes.class));
    published.addAll(keysOf(HttpAttributes.class));
    published.addAll(keysOf(ErrorAttributes.class));
    published.addAll(keysOf(UrlAttributes.class));
    List<AttributeKey<?>> ours = keysOf(GenAiAttributes.class);
    assertThat(ours).hasSizeGreaterThan(25);
    for (AttributeKey<?> key : ours) {
      if (key.getKey().startsWith("vaultgemma.") || NOT_GENERATED.contains(key.getKey())) {
        continue;
      }
      // AttributeKey equality is name and type.
      assertThat(published).as("published constant for %s", key).contains(key);
    }
  }

  @Test
  void theKeysTheBriefNamesAreTheConventionsOwn() {
    assertThat(GenAiAttributes.GEN_AI_PROVIDER_NAME)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_PROVIDER_NAME);
    assertThat(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_USAGE_INPUT_TOKENS);
    assertThat(GenAiAttributes.GEN_AI_RESPONSE_FINISH_REASONS)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_RESPONSE_FINISH_REASONS);
    assertThat(GenAiAttributes.HTTP_REQUEST_RESEND_COUNT)
        .isEqualTo(HttpAttributes.HTTP_REQUEST_RESEND_COUNT);
    assertThat(GenAiAttributes.ERROR_TYPE).isEqualTo(ErrorAttributes.ERROR_TYPE);
    assertThat(GenAiAttributes.GEN_AI_INPUT_MESSAGES.getKey()).isEqualTo("gen_ai.input.messages");
    assertThat(GenAiAttributes.GEN_AI_OUTPUT_MESSAGES.getKey()).isEqualTo("gen_ai.output.messages");
  }

  @Test
  void theWellKnownValuesWeWriteAreTheConventionsOwn() {
    assertThat(InferenceTracing.DEFAULT_PROVIDER_NAME)
        .isEqualTo(GenAiIncubatingAttributes.GenAiProviderNameIncubatingValues.OPENAI);
    assertThat(ai.vaultgemma.core.InferenceCall.Operation.CHAT.semanticName())
        .isEqualTo(GenAiIncubatingAttributes.GenAiOperationNameIncubatingValues.CHAT);
    assertThat(ai.vaultgemma.core.InferenceCall.Operation.EMBEDDINGS.semanticName())
        .isEqualTo(GenAiIncubatingAttributes.GenAiOperationNameIncubatingValues.EMBEDDINGS);
    assertThat(GenAiIncubatingAttributes.GenAiTokenTypeIncubatingValues.INPUT).isEqualTo("input");
    assertThat(GenAiIncubatingAttributes.GenAiTokenTypeIncubatingValues.OUTPUT).isEqualTo("output");
  }
}
