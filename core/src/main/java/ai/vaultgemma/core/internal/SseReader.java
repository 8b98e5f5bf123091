package ai.vaultgemma.core.internal;

import java.io.IOException;
import okio.BufferedSource;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * Reads server-sent events from a response body, the part of the SSE format an inference stream
 * uses: {@code data} lines joined with line feeds, an optional {@code event} type, comments and the
 * {@code id} and {@code retry} fields ignored, one event per blank line. Lines end in LF, CRLF or
 * CR.
 *
 * <p>One leniency: a stream that ends right after the line break of its last event, without the
 * blank line that should close it (some servers and gateways end streams that way), still delivers
 * that event. A last line cut before its line break is a broken stream, and its event is dropped.
 * Not thread-safe; one reader per stream, on the thread that reads it.
 */
public final class SseReader {

  /** Receives the events. */
  public interface Handler {
    /**
     * One event.
     *
     * @param type the {@code event} field, or null
     * @param data the {@code data} lines joined with line feeds
     */
    void onEvent(@Nullable String type, String data);
  }

  private static final ByteString LINE_ENDS = ByteString.encodeUtf8("\r\n");

  private SseReader() {}

  /**
   * Reads events until the body ends.
   *
   * @param source the body
   * @param handler receives each event, in order
   * @return true if the body ended at a line boundary, false if its last line was cut
   * @throws IOException if reading fails
   */
  public static boolean read(BufferedSource source, Handler handler) throws IOException {
    StringBuilder data = new StringBuilder();
    boolean hasData = false;
    String type = null;
    while (true) {
      long end = source.indexOfElement(LINE_ENDS);
      if (end == -1) {
        boolean clean = source.exhausted();
        if (hasData && clean) {
          handler.onEvent(type, data.toString());
        }
        return clean;
      }
      String line = source.readUtf8(end);
      byte terminator = source.readByte();
      if (terminator == '\r' && source.request(1) && source.getBuffer().getByte(0) == '\n') {
        source.skip(1);
      }
      if (line.isEmpty()) {
        if (hasData) {
          handler.onEvent(type, data.toString());
        }
        data.setLength(0);
        hasData = false;
        type = null;
        continue;
      }
      if (line.charAt(0) == ':') {
        continue; // a comment (keep-alive)
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = "";
      if (colon >= 0) {
        int start = colon + 1;
        if (start < line.length() && line.charAt(start) == ' ') {
          start++;
        }
        value = line.substring(start);
      }
      if (field.equals("data")) {
        if (hasData) {
          data.append('\n');
        }
        data.append(value);
        hasData = true;
      } else if (field.equals("event")) {
        type = value;
      }
      // id, retry and unknown fields are ignored, as the format says.
    }
  }
}
