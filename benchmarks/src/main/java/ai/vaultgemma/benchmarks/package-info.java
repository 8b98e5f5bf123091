/** JMH benchmarks. Each benchmark class measures ours next to its baseline in the same run. */
@NullMarked
package ai.vaultgemma.benchmarks;

import org.jspecify.annotations.NullMarked;
