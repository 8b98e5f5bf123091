/** How the pool module works. No compatibility promise: these types may change in any release. */
@NullMarked
package ai.vaultgemma.pool.internal;

import org.jspecify.annotations.NullMarked;
