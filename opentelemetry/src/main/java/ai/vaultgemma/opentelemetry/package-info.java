/**
 * OpenTelemetry tracing and GenAI metrics for {@code InferenceClient}: {@link
 * ai.vaultgemma.opentelemetry.InferenceTracing} and the attribute names it writes ({@link
 * ai.vaultgemma.opentelemetry.GenAiAttributes}). Implementation details live in {@code .internal}.
 */
@NullMarked
package ai.vaultgemma.opentelemetry;

import org.jspecify.annotations.NullMarked;
