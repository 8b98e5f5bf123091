package ai.vaultgemma.spring.autoconfigure;

import org.jspecify.annotations.Nullable;

/** Finds our exception in a startup failure's chain of causes. */
final class Failures {
  private Failures() {}

  static VaultGemmaPropertyException propertyException(@Nullable Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof VaultGemmaPropertyException e) {
        return e;
      }
    }
    throw new AssertionError("no VaultGemmaPropertyException in " + failure, failure);
  }
}
