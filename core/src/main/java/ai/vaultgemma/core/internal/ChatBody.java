package ai.vaultgemma.core.internal;

import ai.vaultgemma.core.ChatRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A chat request serialized once: its canonical JSON (what its cache key hashes, see {@link
 * CanonicalKeys}) is also the start of its request body. The body is the canonical JSON plus the
 * fields a key leaves out ({@code stream}, {@code stream_options}, {@code user}, and the vendor
 * fields {@code store}, {@code metadata} and {@code service_tier}), appended before the closing
 * brace; without them the canonical bytes go on the wire as they are. Field order differs from the
 * request's own, which JSON does not care about. Immutable and thread-safe; do not change the
 * arrays it returns.
 */
public final class ChatBody {
  private static final byte COMMA = ',';

  private final ChatRequest request;
  private final byte[] canonical;

  private ChatBody(ChatRequest request, byte[] canonical) {
    this.request = request;
    this.canonical = canonical;
  }

  /**
   * Serializes a request's canonical JSON.
   *
   * @param request the request
   * @return its body
   */
  public static ChatBody of(ChatRequest request) {
    return new ChatBody(request, CanonicalKeys.canonicalBytes(request));
  }

  /** The request. */
  public ChatRequest request() {
    return request;
  }

  /** The canonical JSON, UTF-8. */
  public byte[] canonical() {
    return canonical;
  }

  /**
   * Returns this body for another model name (an endpoint's own name for the requested model).
   *
   * @param model the model to send
   * @return this body when the name is the same, else a new one
   */
  public ChatBody withModel(String model) {
    return model.equals(request.model()) ? this : of(request.toBuilder().model(model).build());
  }

  /**
   * Returns the request body: what {@code request.withStream(stream ? true : null)} serializes to,
   * as a JSON object.
   *
   * @param stream whether the call streams
   * @return UTF-8 JSON
   */
  public byte[] wire(boolean stream) {
    Map<String, @Nullable Object> rest = new LinkedHashMap<>();
    if (stream) {
      rest.put("stream", true);
      if (request.streamOptions() != null) {
        rest.put("stream_options", request.streamOptions());
      }
    }
    if (request.user() != null) {
      rest.put("user", request.user());
    }
    Map<String, @Nullable Object> extra = request.extra();
    if (!extra.isEmpty()) {
      for (String name : CanonicalKeys.CHAT_IGNORED) {
        Object value = extra.get(name);
        if (value != null) {
          rest.put(name, value);
        }
      }
    }
    if (rest.isEmpty()) {
      return canonical;
    }
    byte[] tail = Json.MAPPER.writeValueAsBytes(rest); // {"stream":true,...}
    int head = canonical.length - 1; // without the closing brace
    byte[] body = new byte[head + tail.length];
    System.arraycopy(canonical, 0, body, 0, head);
    body[head] = COMMA; // replaces the tail's opening brace
    System.arraycopy(tail, 1, body, head + 1, tail.length - 1);
    return body;
  }

  @Override
  public String toString() {
    return "ChatBody{model=" + request.model() + ", bytes=" + canonical.length + "}";
  }
}
