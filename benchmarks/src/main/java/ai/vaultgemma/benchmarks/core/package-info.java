/**
 * JMH benchmarks of the {@code InferenceClient} facade: a cache hit against a miss, and the miss
 * path against openai-java, LangChain4j and bare OkHttp, all on one instant loopback server; a
 * 50-chunk stream against bare okhttp-sse and openai-java; and batches of 1 to 1000 concurrent
 * streams of 1 s each against openai-java's async client.
 */
@NullMarked
package ai.vaultgemma.benchmarks.core;

import org.jspecify.annotations.NullMarked;
