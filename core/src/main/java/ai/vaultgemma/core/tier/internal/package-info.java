/**
 * How the shared tier works: JDBC store, dialects, migrations, purging and the log writer. No
 * compatibility promise: anything here may change in any release.
 */
@NullMarked
package ai.vaultgemma.core.tier.internal;

import org.jspecify.annotations.NullMarked;
