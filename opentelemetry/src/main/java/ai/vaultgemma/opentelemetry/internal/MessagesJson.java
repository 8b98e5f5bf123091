package ai.vaultgemma.opentelemetry.internal;

import ai.vaultgemma.core.ChatChoice;
import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ContentPart;
import ai.vaultgemma.core.FunctionCall;
import ai.vaultgemma.core.ToolCall;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Writes a request's messages as the GenAI conventions' {@code gen_ai.input.messages} JSON: {@code
 * [{"role":"user","parts":[{"type":"text","content":"..."}]}, ...]}, with tool calls as {@code
 * tool_call} parts and a {@code tool} message as a {@code tool_call_response} part; and an answer's
 * choices as {@code gen_ai.output.messages}: the same message shape plus each choice's {@code
 * finish_reason}.
 *
 * <p>Bounded: each text (content, tool arguments, tool response) is cut to {@code maxLength}
 * characters with a trailing {@code "…"}, and only the last {@link #MAX_MESSAGES} messages are
 * written, in order (the latest turns say most about the answer). Non-text parts (images, audio)
 * are written as their type alone: their data can be large and is rarely readable in a trace.
 * Written by hand because this module depends on no JSON library.
 */
final class MessagesJson {
  /** At most this many messages, the last ones, are written. */
  static final int MAX_MESSAGES = 64;

  private MessagesJson() {}

  /** The {@code gen_ai.input.messages} of a request's messages. */
  static String input(List<ChatMessage> messages, int maxLength) {
    StringBuilder out = new StringBuilder(256);
    out.append('[');
    int from = Math.max(0, messages.size() - MAX_MESSAGES);
    for (int i = from; i < messages.size(); i++) {
      if (i > from) {
        out.append(',');
      }
      message(out, messages.get(i), maxLength);
    }
    return out.append(']').toString();
  }

  /**
   * The {@code gen_ai.output.messages} of an answer's choices, in order: one message each (an
   * assistant message without one has no parts), with its {@code finish_reason} ({@code null} when
   * the server sent none). At most {@link #MAX_MESSAGES} choices are written.
   */
  static String output(List<ChatChoice> choices, int maxLength) {
    StringBuilder out = new StringBuilder(256);
    out.append('[');
    int n = Math.min(choices.size(), MAX_MESSAGES);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        out.append(',');
      }
      ChatChoice choice = choices.get(i);
      ChatMessage m = choice.message();
      if (m == null) {
        out.append("{\"role\":\"assistant\",\"parts\":[]");
      } else {
        messageFields(out, m, maxLength);
      }
      out.append(",\"finish_reason\":");
      nullableString(out, choice.finishReason(), Integer.MAX_VALUE);
      out.append('}');
    }
    return out.append(']').toString();
  }

  private static void message(StringBuilder out, ChatMessage m, int maxLength) {
    messageFields(out, m, maxLength);
    out.append('}');
  }

  /** A message's role and parts, without the closing brace. */
  private static void messageFields(StringBuilder out, ChatMessage m, int maxLength) {
    out.append("{\"role\":");
    string(out, m.role() == null ? "user" : m.role(), Integer.MAX_VALUE);
    out.append(",\"parts\":[");
    boolean first = true;
    if ("tool".equals(m.role())) {
      out.append("{\"type\":\"tool_call_response\",\"id\":");
      nullableString(out, m.toolCallId(), Integer.MAX_VALUE);
      out.append(",\"response\":");
      nullableString(out, m.text(), maxLength);
      out.append('}');
      first = false;
    } else {
      for (ContentPart part : m.contentParts()) {
        first = comma(out, first);
        if ("text".equals(part.type()) && part.text() != null) {
          out.append("{\"type\":\"text\",\"content\":");
          string(out, part.text(), maxLength);
          out.append('}');
        } else {
          out.append("{\"type\":");
          string(out, part.type(), Integer.MAX_VALUE);
          out.append('}');
        }
      }
    }
    List<ToolCall> calls = m.toolCalls();
    if (calls != null) {
      for (ToolCall call : calls) {
        first = comma(out, first);
        FunctionCall f = call.function();
        out.append("{\"type\":\"tool_call\",\"id\":");
        nullableString(out, call.id(), Integer.MAX_VALUE);
        out.append(",\"name\":");
        string(out, f == null || f.name() == null ? "" : f.name(), Integer.MAX_VALUE);
        out.append(",\"arguments\":");
        nullableString(out, f == null ? null : f.arguments(), maxLength);
        out.append('}');
      }
    }
    out.append(']');
  }

  private static boolean comma(StringBuilder out, boolean first) {
    if (!first) {
      out.append(',');
    }
    return false;
  }

  private static void nullableString(StringBuilder out, @Nullable String s, int maxLength) {
    if (s == null) {
      out.append("null");
    } else {
      string(out, s, maxLength);
    }
  }

  /** A JSON string literal of {@code s}, cut to {@code maxLength} characters plus "…". */
  static void string(StringBuilder out, String s, int maxLength) {
    int end = s.length() <= maxLength ? s.length() : maxLength;
    // Never cut a surrogate pair in two: the half would not be valid UTF-16.
    if (end < s.length() && end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    out.append('"');
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    if (end < s.length()) {
      out.append('…');
    }
    out.append('"');
  }
}
