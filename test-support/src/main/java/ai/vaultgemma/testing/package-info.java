/**
 * Test support shared by every VaultGemma module: {@link ai.vaultgemma.testing.PostgresExtension}
 * gives each test class a PostgreSQL schema of its own. Not published, no compatibility promise.
 */
@NullMarked
package ai.vaultgemma.testing;

import org.jspecify.annotations.NullMarked;
