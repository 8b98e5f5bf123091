package ai.vaultgemma.core;

import org.jspecify.annotations.Nullable;

/**
 * A call timed out: connecting, waiting for the answer, or (in a stream) waiting for the next event
 * longer than the stream-idle timeout. The message names the method and URL; the cause is the I/O
 * exception.
 */
public class InferenceTimeoutException extends InferenceException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what timed out
   * @param cause the underlying timeout, may be null
   */
  public InferenceTimeoutException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
