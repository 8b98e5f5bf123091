package ai.vaultgemma.spring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link VaultGemmaPropertyException} at startup into Spring Boot's "APPLICATION FAILED TO
 * START" report: the message as the description, and the property to change as the action.
 * Registered in {@code META-INF/spring.factories}; Spring Boot creates it.
 */
public final class VaultGemmaPropertyFailureAnalyzer
    extends AbstractFailureAnalyzer<VaultGemmaPropertyException> {

  /** Creates the analyzer; Spring Boot calls it. */
  public VaultGemmaPropertyFailureAnalyzer() {}

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, VaultGemmaPropertyException cause) {
    return new FailureAnalysis(
        cause.getMessage(),
        "Change "
            + cause.property()
            + " in the application's configuration (application.yml, an environment variable such"
            + " as "
            + cause.property().toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace("-", "")
            + ", or the seed variable it falls back to).",
        cause);
  }
}
