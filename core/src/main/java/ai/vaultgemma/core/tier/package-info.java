/**
 * The shared persistent tier: a second cache level and an inference log on PostgreSQL (several
 * instances) or an H2 file the application chooses (one process, no server). Start with {@link
 * ai.vaultgemma.core.tier.SharedTier#open}. Implementation details live in {@code .internal}.
 */
@NullMarked
package ai.vaultgemma.core.tier;

import org.jspecify.annotations.NullMarked;
