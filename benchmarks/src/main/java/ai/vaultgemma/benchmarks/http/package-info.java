/** JMH benchmarks of the HTTP pool against bare OkHttp and unpooled connections, on loopback. */
@NullMarked
package ai.vaultgemma.benchmarks.http;

import org.jspecify.annotations.NullMarked;
