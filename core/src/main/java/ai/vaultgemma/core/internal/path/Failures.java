package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.InferenceException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns whatever a stage or a future failed with into the exception the caller gets. */
public final class Failures {
  private Failures() {}

  /**
   * Strips the wrappers futures put around a failure.
   *
   * @param error a failure, possibly wrapped
   * @return the innermost cause that is not a wrapper
   */
  public static Throwable cause(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Returns the inference failure a caller sees for {@code error}. An {@link Error} (out of memory,
   * a failed assertion) is rethrown as it is, never disguised as an inference failure.
   *
   * @param error what failed
   * @return the failure as an {@link InferenceException}
   */
  public static InferenceException of(Throwable error) {
    Throwable t = cause(error);
    if (t instanceof Error fatal) {
      throw fatal;
    }
    if (t instanceof InferenceException ie) {
      return ie;
    }
    if (t instanceof CancellationException) {
      return new InferenceException("call cancelled", t);
    }
    return new InferenceException("call failed: " + t, t);
  }
}
