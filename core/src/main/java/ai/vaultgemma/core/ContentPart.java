package ai.vaultgemma.core;

import ai.vaultgemma.core.internal.Freeze;
import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One part of a multi-part message content: {@code {"type":"text","text":"..."}} or {@code
 * {"type":"image_url","image_url":{"url":"..."}}} and the other part types vendors define, whose
 * fields are kept in {@code extra}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param type the part type ({@code text}, {@code image_url}, {@code input_audio}, ...)
 * @param text the text of a {@code text} part, null otherwise
 * @param extra the other fields of the part, kept as received (never null)
 */
public record ContentPart(
    String type,
    @Nullable String text,
    @JsonAnySetter @JsonAnyGetter Map<String, @Nullable Object> extra) {

  /**
   * Checks and copies the fields.
   *
   * @throws NullPointerException if {@code type} is null
   */
  public ContentPart {
    Objects.requireNonNull(type, "type");
    extra = Freeze.map(extra);
  }

  /**
   * Creates a text part.
   *
   * @param text the text
   * @return the part
   * @throws NullPointerException if {@code text} is null
   */
  public static ContentPart text(String text) {
    Objects.requireNonNull(text, "text");
    return new ContentPart("text", text, Map.of());
  }

  /**
   * Creates an image part from a URL or a {@code data:} URL.
   *
   * @param url the image URL
   * @return the part
   * @throws NullPointerException if {@code url} is null
   */
  public static ContentPart imageUrl(String url) {
    Objects.requireNonNull(url, "url");
    return new ContentPart("image_url", null, Map.of("image_url", Map.of("url", url)));
  }
}
