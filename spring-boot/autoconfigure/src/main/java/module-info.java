/**
 * VaultGemma's Spring Boot auto-configuration: the {@code InferenceClient} bean from {@code
 * vaultgemma.*} properties, the Actuator health indicator and the shutdown lifecycle.
 *
 * <p>Spring Boot applications run on the class path, where this descriptor has no effect; it is
 * checked by javac and lets a modular application read the public API. Spring creates the
 * configuration classes and binds the properties record by reflection, hence the {@code opens}.
 * Actuator's health types are {@code requires static}: the indicator is configured only when they
 * are present.
 */
// Spring's jars are automatic modules (Automatic-Module-Name): stable names, no descriptors.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module ai.vaultgemma.spring.autoconfigure {
  requires transitive ai.vaultgemma.core;
  requires transitive spring.boot;
  requires transitive spring.boot.autoconfigure;
  requires transitive spring.beans;
  requires transitive spring.context;
  requires transitive spring.core;
  requires tools.jackson.core;
  requires tools.jackson.databind;
  requires static transitive spring.boot.health;
  requires static transitive org.jspecify;
  requires static com.google.errorprone.annotations;

  exports ai.vaultgemma.spring.autoconfigure;

  opens ai.vaultgemma.spring.autoconfigure to
      spring.core,
      spring.beans,
      spring.context,
      spring.boot;
}
