/** VaultGemma pool module: the public API. Implementation details live in {@code .internal}. */
@NullMarked
package ai.vaultgemma.pool;

import org.jspecify.annotations.NullMarked;
