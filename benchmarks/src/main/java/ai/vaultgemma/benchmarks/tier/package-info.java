/**
 * Benchmarks of the shared persistent tier against the real PostgreSQL named by {@code
 * VAULTGEMMA_BENCH_JDBC_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}).
 */
@NullMarked
package ai.vaultgemma.benchmarks.tier;

import org.jspecify.annotations.NullMarked;
