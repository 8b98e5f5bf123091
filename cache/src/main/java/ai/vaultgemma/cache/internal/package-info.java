/**
 * How the VaultGemma cache works, on Caffeine. Not API: anything here may change in any release.
 */
@NullMarked
package ai.vaultgemma.cache.internal;

import org.jspecify.annotations.NullMarked;
