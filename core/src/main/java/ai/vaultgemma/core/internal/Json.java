package ai.vaultgemma.core.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one Jackson 3 mapper of the wire layer. Thread-safe and shared: Jackson mappers are immutable
 * in version 3 and caching their serializers is what makes them fast.
 *
 * <p>Wire names are snake_case (OpenAI's), absent ({@code null}) values are not written, unknown
 * properties never fail (the protocol records keep them in their {@code extra} maps) and a JSON
 * {@code null} for a primitive reads as 0. Records are written in component order (Jackson 3's
 * creator-first default), so request bodies read naturally: {@code model} first.
 */
public final class Json {

  /** The mapper for request bodies and response parsing. */
  public static final ObjectMapper MAPPER = base().build();

  private static final ClassValue<ObjectReader> READERS =
      new ClassValue<>() {
        @Override
        protected ObjectReader computeValue(Class<?> type) {
          return MAPPER.readerFor(type);
        }
      };

  private Json() {}

  /**
   * Returns the mapper's reader for a type, made once: it keeps the type's deserializer, which
   * {@code MAPPER.readValue(bytes, type)} looks up again on every call.
   *
   * @param type the type to read
   * @return the reader
   */
  public static ObjectReader reader(Class<?> type) {
    return READERS.get(type);
  }

  /**
   * A builder with the wire settings, for mappers that need more (the canonical key mapper).
   *
   * @return a new builder
   */
  static JsonMapper.Builder base() {
    return JsonMapper.builder()
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .changeDefaultPropertyInclusion(
            incl -> incl.withValueInclusion(JsonInclude.Include.NON_NULL))
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .addModule(FastCreators.module());
  }
}
