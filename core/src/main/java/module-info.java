/**
 * VaultGemma core: {@code InferenceClient}, the facade that calls OpenAI-compatible inference
 * servers through a two-level response cache, the pooled HTTP and JDBC clients and the structured
 * logger, and the shared PostgreSQL tier ({@code ai.vaultgemma.core.tier}).
 *
 * <p>Exports {@code ai.vaultgemma.core} and {@code ai.vaultgemma.core.tier}; the {@code internal}
 * packages stay closed. Our three leaf modules are re-exported because the client's accessors
 * return their types ({@code httpPool()}, {@code dbPool()}, {@code logger()}, {@code
 * inferenceCache()}).
 */
module ai.vaultgemma.core {
  requires transitive ai.vaultgemma.logging;
  requires transitive ai.vaultgemma.cache;
  requires transitive ai.vaultgemma.pool;
  // SharedTier.open(DataSource, ...) takes a javax.sql.DataSource.
  requires transitive java.sql;
  requires tools.jackson.databind;
  requires com.fasterxml.jackson.annotation;
  requires org.slf4j;

  // Nullness and immutability annotations: not needed at run time (static), but they sit on our
  // public signatures, so a consumer's compiler and nullness checker read them (transitive).
  requires static transitive org.jspecify;
  requires static transitive com.google.errorprone.annotations;

  exports ai.vaultgemma.core;
  exports ai.vaultgemma.core.tier;

  // Jackson binds the protocol types of ai.vaultgemma.core, some through package-private
  // creators (Embedding.fromJson), so it needs deep reflection into that package, and only there.
  opens ai.vaultgemma.core to
      tools.jackson.databind;
}
