package ai.vaultgemma.core.tier;

/** Which level answered an inference call, as recorded in the inference log. Immutable. */
public enum CacheLevel {
  /** The in-memory cache of this process answered. */
  L1,
  /** The shared persistent second level answered. */
  L2,
  /**
   * An identical call already in flight answered: this call waited for it instead of asking the
   * server again.
   */
  JOINED,
  /** No cache answered: the backend was called (or the call failed before an answer). */
  MISS
}
