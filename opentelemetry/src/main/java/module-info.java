/**
 * VaultGemma OpenTelemetry: {@code InferenceTracing}, which turns the calls of an {@code
 * InferenceClient} into spans (one per call, one per HTTP attempt) and GenAI metrics, following the
 * OpenTelemetry GenAI semantic conventions, and propagates the context to the server.
 *
 * <p>Exports {@code ai.vaultgemma.opentelemetry}; {@code internal} stays closed. Needs only the
 * OpenTelemetry API at run time: the application brings the SDK, the agent or a framework's setup.
 */
module ai.vaultgemma.opentelemetry {
  // InferenceTracing.listenerFactory() returns a core type; logScope() returns a logging type.
  requires transitive ai.vaultgemma.core;
  // builder(OpenTelemetry) and GenAiAttributes' AttributeKeys are API types.
  requires transitive io.opentelemetry.api;
  requires io.opentelemetry.context;

  // Nullness and immutability annotations: not needed at run time (static), but they sit on our
  // public signatures, so a consumer's compiler and nullness checker read them (transitive).
  requires static transitive org.jspecify;
  requires static transitive com.google.errorprone.annotations;

  exports ai.vaultgemma.opentelemetry;
}
