/**
 * How {@code ai.vaultgemma.micrometer} works: meter caches and snapshot memos. No compatibility
 * promise: it may change at any time.
 */
@NullMarked
package ai.vaultgemma.micrometer.internal;

import org.jspecify.annotations.NullMarked;
