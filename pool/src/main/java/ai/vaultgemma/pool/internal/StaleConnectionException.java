package ai.vaultgemma.pool.internal;

import java.io.IOException;

/**
 * Marks an I/O failure on a connection that had carried a response before, raised before any
 * response to this attempt arrived: the pooled connection was most likely closed by the server.
 * Thrown by {@link FollowUpGuard}, unwrapped by {@link RetryInterceptor}, never seen by callers.
 */
public final class StaleConnectionException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Wraps the failure.
   *
   * @param cause the failure of the attempt
   */
  public StaleConnectionException(IOException cause) {
    super(cause.getMessage(), cause);
  }

  /**
   * Returns the failure of the attempt.
   *
   * @return the wrapped failure
   */
  public IOException failure() {
    return (IOException) getCause();
  }
}
