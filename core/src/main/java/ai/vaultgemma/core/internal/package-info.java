/**
 * Implementation of the VaultGemma wire layer: the Jackson mapper, the canonical cache key, the
 * error and stream parsers and the HTTP transport. Not part of the public API: anything here may
 * change at any time without notice.
 */
@NullMarked
package ai.vaultgemma.core.internal;

import org.jspecify.annotations.NullMarked;
