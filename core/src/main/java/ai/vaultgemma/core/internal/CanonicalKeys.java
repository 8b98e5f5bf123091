package ai.vaultgemma.core.internal;

import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.EmbeddingRequest;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationFeature;

/**
 * Cache keys for requests: SHA-256, as 64 lowercase hex characters, over a domain tag, the base
 * URL, the cache scope and the canonical JSON of the request. Stateless and thread-safe.
 *
 * <p>The canonical JSON is the request as it goes on the wire with keys sorted at every depth
 * (record properties, map entries and vendor {@code extra} fields), no whitespace, and null fields
 * left out; numbers are written from their Java types, so {@code 1} and {@code 1.0} for a {@code
 * Double} field are the same. Left out because they cannot change the answer:
 *
 * <ul>
 *   <li>chat: {@code stream} and {@code stream_options} (a stream and a blocking call get the same
 *       answer; a cached answer is replayed either way), {@code user} (an end-user id for abuse
 *       monitoring), and the vendor fields {@code store}, {@code metadata} (OpenAI's stored
 *       completions bookkeeping) and {@code service_tier} (which capacity serves it);
 *   <li>embeddings: {@code encoding_format} (float and base64 decode to the same vector) and {@code
 *       user}; a batch is keyed per input, so the key of {@code "a"} is the same alone or in a
 *       batch.
 * </ul>
 *
 * <p>The three strings are length-prefixed before hashing, so no choice of base URL and scope can
 * collide with another. Keys are computed with one shared writer and a cloned digest: about 1 us
 * for a typical request.
 */
public final class CanonicalKeys {

  /** Chat fields left out of the key, by wire name. */
  public static final List<String> CHAT_IGNORED =
      List.of("stream", "stream_options", "user", "store", "metadata", "service_tier");

  /** Embedding fields left out of the key, by wire name. */
  public static final List<String> EMBEDDING_IGNORED = List.of("encoding_format", "user");

  private static final ObjectMapper CANONICAL =
      Json.base()
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(MapperFeature.SORT_CREATOR_PROPERTIES_FIRST)
          .disable(SerializationFeature.INDENT_OUTPUT)
          .addMixIn(ChatRequest.class, ChatKeyMixin.class)
          .addMixIn(EmbeddingRequest.class, EmbeddingKeyMixin.class)
          .build();

  private static final ObjectWriter CHAT_WRITER = CANONICAL.writerFor(ChatRequest.class);
  private static final ObjectWriter EMBEDDING_WRITER = CANONICAL.writerFor(EmbeddingRequest.class);
  private static final MessageDigest SHA256 = sha256();
  private static final int SHORT_FORM = 16;
  private static final HexFormat HEX = HexFormat.of();

  private CanonicalKeys() {}

  @JsonIgnoreProperties({"stream", "stream_options", "user", "store", "metadata", "service_tier"})
  private abstract static class ChatKeyMixin {}

  @JsonIgnoreProperties({"encoding_format", "user"})
  private abstract static class EmbeddingKeyMixin {}

  /**
   * Returns the cache key of a chat request from its canonical JSON ({@link ChatBody} holds it, and
   * also sends it), so the request is written once.
   *
   * @param canonical the request's {@link #canonicalBytes canonical JSON}
   * @param baseUrl the server base URL
   * @param scope the cache scope (tenant), empty for the shared scope
   * @return 64 lowercase hex characters
   * @throws NullPointerException if an argument is null
   */
  public static String chatKey(byte[] canonical, String baseUrl, String scope) {
    MessageDigest md = start("chat/v1", baseUrl, scope);
    md.update(canonical);
    return HEX.formatHex(md.digest());
  }

  /**
   * Returns the canonical JSON of a chat request as UTF-8 bytes: what its key hashes.
   *
   * @param request the request
   * @return the canonical JSON
   * @throws NullPointerException if {@code request} is null
   */
  public static byte[] canonicalBytes(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    byte[] common = CanonicalWriter.write(request);
    return common != null ? common : CHAT_WRITER.writeValueAsBytes(withoutIgnoredExtra(request));
  }

  /**
   * Returns the cache key of one input of an embedding request, the same whether the input is sent
   * alone or in a batch.
   *
   * @param request the request (its model, dimensions and vendor fields count)
   * @param input one input text
   * @param baseUrl the server base URL
   * @param scope the cache scope (tenant), empty for the shared scope
   * @return 64 lowercase hex characters
   * @throws NullPointerException if an argument is null
   */
  public static String embeddingKey(
      EmbeddingRequest request, String input, String baseUrl, String scope) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(input, "input");
    EmbeddingRequest single =
        new EmbeddingRequest(
            request.model(), input, null, request.dimensions(), null, request.extra());
    MessageDigest md = start("embedding/v1", baseUrl, scope);
    EMBEDDING_WRITER.writeValue(
        new DigestOutputStream(OutputStream.nullOutputStream(), md), single);
    return HEX.formatHex(md.digest());
  }

  /**
   * Returns the canonical JSON of a chat request, the text the key hashes (for tests and
   * debugging), always written by databind: the reference the hand-written {@code CanonicalWriter}
   * for common requests is checked against.
   *
   * @param request the request
   * @return the canonical JSON
   */
  public static String canonicalJson(ChatRequest request) {
    return CHAT_WRITER.writeValueAsString(withoutIgnoredExtra(request));
  }

  /** Vendor fields that cannot change the answer; any-getter output ignores the mix-in. */
  private static ChatRequest withoutIgnoredExtra(ChatRequest request) {
    Map<String, @Nullable Object> extra = request.extra();
    if (extra.isEmpty() || !hasIgnored(extra)) {
      return request;
    }
    Map<String, @Nullable Object> kept = new TreeMap<>(extra);
    kept.keySet().removeAll(CHAT_IGNORED);
    ChatRequest stripped =
        new ChatRequest(
            request.model(),
            request.messages(),
            request.temperature(),
            request.topP(),
            request.maxTokens(),
            request.maxCompletionTokens(),
            request.n(),
            request.stop(),
            request.seed(),
            request.stream(),
            request.streamOptions(),
            request.responseFormat(),
            request.tools(),
            request.toolChoice(),
            request.parallelToolCalls(),
            request.user(),
            request.logprobs(),
            request.topLogprobs(),
            request.frequencyPenalty(),
            request.presencePenalty(),
            request.logitBias(),
            kept);
    return stripped;
  }

  private static boolean hasIgnored(Map<String, @Nullable Object> extra) {
    for (String name : CHAT_IGNORED) {
      if (extra.containsKey(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns the canonical JSON of one embedding input (for tests and debugging).
   *
   * @param request the request
   * @param input one input
   * @return the canonical JSON
   */
  public static String canonicalJson(EmbeddingRequest request, String input) {
    return EMBEDDING_WRITER.writeValueAsString(
        new EmbeddingRequest(
            request.model(), input, null, request.dimensions(), null, request.extra()));
  }

  private static MessageDigest start(String tag, String baseUrl, String scope) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(scope, "scope");
    MessageDigest md;
    try {
      md = (MessageDigest) SHA256.clone();
    } catch (CloneNotSupportedException e) {
      md = sha256();
    }
    update(md, tag);
    update(md, baseUrl);
    update(md, scope);
    return md;
  }

  private static void update(MessageDigest md, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    int n = bytes.length;
    md.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
    md.update(bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /**
   * Returns what log events show of a key: its first 16 hex digits, enough to correlate events,
   * never the request it was computed from (the key is itself a hash).
   *
   * @param key a key from this class
   * @return its first 16 characters
   */
  public static String shortForm(String key) {
    return key.length() <= SHORT_FORM ? key : key.substring(0, SHORT_FORM);
  }
}
