/** VaultGemma logging module: the public API. Implementation details live in {@code .internal}. */
@NullMarked
package ai.vaultgemma.logging;

import org.jspecify.annotations.NullMarked;
