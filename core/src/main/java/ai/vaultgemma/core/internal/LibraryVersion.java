package ai.vaultgemma.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The library's version, read once from the jar's {@code version.properties}. */
public final class LibraryVersion {

  /** The version, or {@code unknown} when the jar does not say. */
  public static final String VALUE = read();

  private LibraryVersion() {}

  private static String read() {
    try (InputStream in =
        LibraryVersion.class.getResourceAsStream("/ai/vaultgemma/core/version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
