/** Cache benchmarks: {@code ResponseCache} against raw Caffeine and a synchronized LRU map. */
@NullMarked
package ai.vaultgemma.benchmarks.cache;

import org.jspecify.annotations.NullMarked;
