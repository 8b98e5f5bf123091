/** JMH benchmarks of the DB pool against raw HikariCP and unpooled connections. */
@NullMarked
package ai.vaultgemma.benchmarks.db;

import org.jspecify.annotations.NullMarked;
