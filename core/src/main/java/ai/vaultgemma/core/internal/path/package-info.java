/**
 * The request path: one call as a chain of stages (observe, L1, join, L2, store, transport), the
 * two-level cache they share, and the in-flight table that joins identical calls. Not part of the
 * public API: anything here may change at any time without notice.
 */
@NullMarked
package ai.vaultgemma.core.internal.path;

import org.jspecify.annotations.NullMarked;
