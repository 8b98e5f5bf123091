package ai.vaultgemma.core.internal;

import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.io.NumberOutput;

/**
 * Writes the canonical JSON of a chat request of the common shape by hand, byte for byte what the
 * databind key mapper writes: text messages ({@code content} as a string, {@code name}, {@code
 * role}) and the scalar parameters, in the canonical (alphabetical) order. Every call computes its
 * key from this text, cache hits included, and Jackson's per-call set-up of a generator and a
 * serialization context was most of what a small request cost to write: about half of a cache hit.
 *
 * <p>Strings are escaped as Jackson escapes them ({@code \"}, {@code \\}, the short forms {@code \b
 * \t \n \f \r}, other control characters as six-character u-escapes, the rest as UTF-8); doubles
 * are formatted by Jackson's own {@link NumberOutput}. Anything else (tools, tool choice, response
 * format, logit bias, vendor fields, content parts, tool calls, a lone surrogate) returns null, and
 * the caller writes the request with databind. {@code CanonicalWriterTest} checks the bytes against
 * databind. Stateless and thread-safe.
 */
final class CanonicalWriter {

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  private byte[] buf = new byte[256];
  private int len;
  private boolean first = true;

  private CanonicalWriter() {}

  /**
   * Writes a request of the common shape.
   *
   * @param request the request
   * @return its canonical JSON, or null when it has another shape
   */
  static byte @Nullable [] write(ChatRequest request) {
    if (!common(request)) {
      return null;
    }
    CanonicalWriter w = new CanonicalWriter();
    if (!w.request(request)) {
      return null;
    }
    return Arrays.copyOf(w.buf, w.len);
  }

  /** Alphabetical by wire name; stream, stream_options and user are left out of keys. */
  private boolean request(ChatRequest r) {
    raw('{');
    number("frequency_penalty", r.frequencyPenalty());
    bool("logprobs", r.logprobs());
    integer("max_completion_tokens", r.maxCompletionTokens());
    integer("max_tokens", r.maxTokens());
    name("messages");
    raw('[');
    boolean firstMessage = true;
    for (ChatMessage m : r.messages()) {
      if (!firstMessage) {
        raw(',');
      }
      firstMessage = false;
      raw('{');
      first = true;
      if (!text("content", (String) m.content())
          || !text("name", m.name())
          || !text("role", m.role())) {
        return false;
      }
      raw('}');
    }
    raw(']');
    first = false;
    if (!text("model", r.model())) {
      return false;
    }
    integer("n", r.n());
    bool("parallel_tool_calls", r.parallelToolCalls());
    number("presence_penalty", r.presencePenalty());
    if (r.seed() != null) {
      name("seed");
      ascii(Long.toString(r.seed()));
    }
    Object stop = r.stop();
    if (stop instanceof String s) {
      if (!text("stop", s)) {
        return false;
      }
    } else if (stop instanceof List<?> list) {
      name("stop");
      raw('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          raw(',');
        }
        if (!string((String) list.get(i))) {
          return false;
        }
      }
      raw(']');
    }
    number("temperature", r.temperature());
    integer("top_logprobs", r.topLogprobs());
    number("top_p", r.topP());
    raw('}');
    return true;
  }

  /** Only text messages and scalar parameters; no vendor fields (not even ignored ones). */
  private static boolean common(ChatRequest r) {
    if (r.tools() != null
        || r.toolChoice() != null
        || r.responseFormat() != null
        || r.logitBias() != null
        || !r.extra().isEmpty()) {
      return false;
    }
    for (ChatMessage m : r.messages()) {
      if (!(m.content() == null || m.content() instanceof String)
          || m.toolCalls() != null
          || m.toolCallId() != null
          || m.functionCall() != null
          || m.refusal() != null
          || m.reasoningContent() != null
          || m.reasoning() != null
          || !m.extra().isEmpty()) {
        return false;
      }
    }
    return true;
  }

  private void name(String name) {
    if (!first) {
      raw(',');
    }
    first = false;
    raw('"');
    ascii(name);
    raw('"');
    raw(':');
  }

  private boolean text(String name, @Nullable String value) {
    if (value == null) {
      return true;
    }
    name(name);
    return string(value);
  }

  private void number(String name, @Nullable Double value) {
    if (value != null) {
      name(name);
      ascii(NumberOutput.toString(value.doubleValue(), false));
    }
  }

  private void integer(String name, @Nullable Integer value) {
    if (value != null) {
      name(name);
      ascii(Integer.toString(value));
    }
  }

  private void bool(String name, @Nullable Boolean value) {
    if (value != null) {
      name(name);
      ascii(value ? "true" : "false");
    }
  }

  /** A JSON string as Jackson writes it; false for a lone surrogate (databind's case then). */
  private boolean string(String s) {
    raw('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c == '"' || c == '\\') {
          raw('\\');
          raw(c);
        } else if (c >= 0x20) {
          raw(c);
        } else {
          escapeControl(c);
        }
      } else if (c < 0x800) {
        raw(0xC0 | (c >> 6));
        raw(0x80 | (c & 0x3F));
      } else if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c)
            || i + 1 >= s.length()
            || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        int cp = Character.toCodePoint(c, s.charAt(++i));
        raw(0xF0 | (cp >> 18));
        raw(0x80 | ((cp >> 12) & 0x3F));
        raw(0x80 | ((cp >> 6) & 0x3F));
        raw(0x80 | (cp & 0x3F));
      } else {
        raw(0xE0 | (c >> 12));
        raw(0x80 | ((c >> 6) & 0x3F));
        raw(0x80 | (c & 0x3F));
      }
    }
    raw('"');
    return true;
  }

  private void escapeControl(char c) {
    raw('\\');
    switch (c) {
      case '\b' -> raw('b');
      case '\t' -> raw('t');
      case '\n' -> raw('n');
      case '\f' -> raw('f');
      case '\r' -> raw('r');
      default -> {
        raw('u');
        raw('0');
        raw('0');
        raw(HEX[c >> 4]);
        raw(HEX[c & 0xF]);
      }
    }
  }

  private void ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      raw(s.charAt(i));
    }
  }

  private void raw(int b) {
    if (len == buf.length) {
      buf = Arrays.copyOf(buf, len * 2);
    }
    buf[len++] = (byte) b;
  }
}
