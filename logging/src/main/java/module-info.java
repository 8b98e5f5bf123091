/**
 * VaultGemma structured logging: an SLF4J 2 key-value logger with inference, HTTP, cache and DB
 * events, trace ids and redaction, plus an optional zero-config logback setup driven by the
 * environment.
 *
 * <p>Only {@code ai.vaultgemma.logging} is exported; {@code ai.vaultgemma.logging.internal} is not
 * (no other module of ours uses it). logback and logstash-logback-encoder are optional: the module
 * reads them only when they are present, and its logback {@code Configurator} is offered as a
 * service that logback finds when it is on the module path.
 */
module ai.vaultgemma.logging {
  // StructuredLogger.of(Logger) and slf4jLogger() expose org.slf4j.Logger.
  requires transitive org.slf4j;

  // Nullness and immutability annotations: not needed at run time (static), but they sit on our
  // public signatures, so a consumer's compiler and nullness checker read them (transitive).
  requires static transitive org.jspecify;
  requires static transitive com.google.errorprone.annotations;

  // Optional integrations, used only from ai.vaultgemma.logging.internal when they are present.
  requires static ch.qos.logback.classic;
  requires static ch.qos.logback.core;
  // logstash-logback-encoder 9.0 has no module descriptor nor Automatic-Module-Name, so this
  // name is derived from its file name (logstash-logback-encoder-9.0.jar).
  requires static logstash.logback.encoder;
  requires static tools.jackson.core;

  exports ai.vaultgemma.logging;

  provides ch.qos.logback.classic.spi.Configurator with
      ai.vaultgemma.logging.internal.LogbackEnvConfigurator;
}
