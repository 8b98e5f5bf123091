/**
 * How {@code InferenceTracing} works: the per-call listener that opens and ends spans, records the
 * metrics and writes the opt-in content. Not part of the public API: anything here may change at
 * any time without notice.
 */
@NullMarked
package ai.vaultgemma.opentelemetry.internal;

import org.jspecify.annotations.NullMarked;
