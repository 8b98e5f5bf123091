/** VaultGemma cache module: the public API. Implementation details live in {@code .internal}. */
@NullMarked
package ai.vaultgemma.cache;

import org.jspecify.annotations.NullMarked;
