/**
 * VaultGemma's Spring Boot auto-configuration: the {@code InferenceClient} bean from {@code
 * vaultgemma.*} properties, the Actuator health indicator and the shutdown lifecycle.
 *
 * <p>Spring Boot applications run on the class path, where this descriptor has no effect; it is
 * checked by javac and lets a modular application read the public API. Spring creates the
 * configuration classes and binds the properties record by reflection, hence the {@code opens}.
 * Actuator's health types, {@code vaultgemma-micrometer} and {@code vaultgemma-opentelemetry} (with
 * Micrometer and the OpenTelemetry API) are {@code requires static}: the indicator, the metrics and
 * the tracing are configured only when they are present.
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
  requires static transitive ai.vaultgemma.micrometer;
  requires static transitive micrometer.core;
  requires static transitive ai.vaultgemma.opentelemetry;
  requires static transitive io.opentelemetry.api;
  requires static transitive org.jspecify;
  requires static com.google.errorprone.annotations;

  exports ai.vaultgemma.spring.autoconfigure;

  opens ai.vaultgemma.spring.autoconfigure to
      spring.core,
      spring.beans,
      spring.context,
      spring.boot;
}
