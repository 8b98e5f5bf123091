package ai.vaultgemma.core.tier.internal;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * How second-level values are stored: as is below a threshold, raw deflate (no gzip header, the
 * flag column says which) at or above it, and only if that is smaller. JSON answers typically
 * shrink three to five times. Stateless and thread-safe.
 */
final class ValueCodec {

  private final int thresholdBytes;

  ValueCodec(int thresholdBytes) {
    this.thresholdBytes = thresholdBytes;
  }

  /** The bytes to store and whether they are compressed. Not copied: used once, at once. */
  static final class Encoded {
    private final byte[] bytes;
    private final boolean compressed;

    Encoded(byte[] bytes, boolean compressed) {
      this.bytes = bytes;
      this.compressed = compressed;
    }

    byte[] bytes() {
      return bytes;
    }

    boolean compressed() {
      return compressed;
    }
  }

  Encoded encode(byte[] raw) {
    if (raw.length < thresholdBytes || raw.length == 0) {
      return new Encoded(raw, false);
    }
    Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
    try {
      deflater.setInput(raw);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, raw.length / 3));
      byte[] buffer = new byte[8192];
      while (!deflater.finished()) {
        int n = deflater.deflate(buffer);
        out.write(buffer, 0, n);
        if (out.size() >= raw.length) {
          return new Encoded(raw, false); // incompressible: keep it as is
        }
      }
      return new Encoded(out.toByteArray(), true);
    } finally {
      deflater.end();
    }
  }

  /**
   * Restores the original bytes.
   *
   * @throws DataFormatException if compressed bytes are corrupt or do not have {@code rawSize}
   */
  static byte[] decode(byte[] stored, boolean compressed, int rawSize) throws DataFormatException {
    if (!compressed) {
      return stored;
    }
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(stored);
      byte[] raw = new byte[rawSize];
      int n = 0;
      while (n < rawSize) {
        int read = inflater.inflate(raw, n, rawSize - n);
        if (read == 0
            && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
          break;
        }
        n += read;
      }
      if (n != rawSize) {
        throw new DataFormatException(
            "stored value inflated to " + n + " bytes, expected " + rawSize);
      }
      return raw;
    } finally {
      inflater.end();
    }
  }
}
