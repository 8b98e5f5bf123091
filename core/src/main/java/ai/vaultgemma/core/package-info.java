/** VaultGemma core module: the public API. Implementation details live in {@code .internal}. */
@NullMarked
package ai.vaultgemma.core;

import org.jspecify.annotations.NullMarked;
