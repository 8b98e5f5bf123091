/**
 * Micrometer meters for VaultGemma: {@link ai.vaultgemma.micrometer.InferenceMetrics} hears every
 * call of an {@code InferenceClient} through its listener and binds the client's caches and pools
 * as gauges and function counters.
 */
@NullMarked
package ai.vaultgemma.micrometer;

import org.jspecify.annotations.NullMarked;
