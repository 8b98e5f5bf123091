/**
 * VaultGemma response cache: a bounded in-memory cache with per-entry TTL, byte-size accounting,
 * stats snapshots and eviction callbacks, built on Caffeine, plus the SPI of a second level.
 *
 * <p>Only {@code ai.vaultgemma.cache} is exported. No Caffeine type appears in its signatures, so
 * Caffeine is required but not re-exported; {@code ai.vaultgemma.cache.internal} stays closed.
 */
module ai.vaultgemma.cache {
  requires com.github.benmanes.caffeine;
  requires org.slf4j;

  // Nullness and immutability annotations: not needed at run time (static), but they sit on our
  // public signatures, so a consumer's compiler and nullness checker read them (transitive).
  requires static transitive org.jspecify;
  requires static transitive com.google.errorprone.annotations;

  exports ai.vaultgemma.cache;
}
