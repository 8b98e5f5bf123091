/**
 * How the pools work: HikariCP and OkHttp wiring, DSN parsing, retry, stats recording and TLS
 * material. Not API: anything here may change at any time without notice.
 */
@NullMarked
package ai.vaultgemma.pool.internal;

import org.jspecify.annotations.NullMarked;
