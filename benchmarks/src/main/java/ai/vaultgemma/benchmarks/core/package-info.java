/**
 * JMH benchmarks of the {@code InferenceClient} facade: a cache hit against a miss, and the miss
 * path against openai-java, LangChain4j and bare OkHttp, all on one instant loopback server.
 */
@NullMarked
package ai.vaultgemma.benchmarks.core;

import org.jspecify.annotations.NullMarked;
