package ai.vaultgemma.core;

import org.jspecify.annotations.Nullable;

/**
 * The server could not be reached or the connection broke (refused, reset, DNS, TLS, closed
 * mid-body). The message names the method and URL; the cause is the I/O exception.
 */
public class InferenceConnectionException extends InferenceException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what failed
   * @param cause the underlying failure, may be null
   */
  public InferenceConnectionException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
