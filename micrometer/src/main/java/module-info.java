/**
 * VaultGemma Micrometer: meters for an {@code InferenceClient}, its caches and its pools, bound to
 * a Micrometer {@code MeterRegistry} ({@code ai.vaultgemma.micrometer.InferenceMetrics}).
 *
 * <p>Exports {@code ai.vaultgemma.micrometer}; the {@code internal} package stays closed. Core and
 * Micrometer are re-exported because {@code InferenceMetrics} takes a {@code MeterRegistry} and an
 * {@code InferenceClient} and returns an {@code InferenceListener}.
 *
 * <p>micrometer-core is an automatic module (a name in its manifest, no descriptor); the two lints
 * that warn about requiring one are silenced here, on this declaration only: our public signatures
 * take its types, so it must be required, and transitively.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module ai.vaultgemma.micrometer {
  requires transitive ai.vaultgemma.core;
  requires transitive micrometer.core;
  requires org.slf4j;

  // Nullness and immutability annotations: not needed at run time (static), but they sit on our
  // public signatures, so a consumer's compiler and nullness checker read them (transitive).
  requires static transitive org.jspecify;
  requires static transitive com.google.errorprone.annotations;

  exports ai.vaultgemma.micrometer;
}
