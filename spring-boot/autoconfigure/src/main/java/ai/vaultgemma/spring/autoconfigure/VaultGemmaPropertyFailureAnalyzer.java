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
            + envName(cause.property())
            + ", or the seed variable it falls back to).",
        cause);
  }

  /**
   * The relaxed-binding variable of a property: {@code vaultgemma.endpoints[1].base-url} reads
   * {@code VAULTGEMMA_ENDPOINTS_1_BASEURL}.
   */
  private static String envName(String property) {
    return property
        .toUpperCase(java.util.Locale.ROOT)
        .replace("[", "_")
        .replace("]", "")
        .replace('.', '_')
        .replace("-", "");
  }
}
