package ai.vaultgemma.core.tier;

/**
 * Where the client records one row per inference call, for audit and cost reports.
 *
 * <p>{@link #record} never blocks and never throws for a failure of the database: a record that
 * cannot be queued is counted in {@link InferenceLogStats#droppedCount()}, one that cannot be
 * written in {@link InferenceLogStats#failedCount()}. Implementations are thread-safe.
 *
 * <pre>{@code
 * tier.inferenceLog().record(InferenceLogRecord.builder()
 *     .traceId(traceId).model("vaultgemma-1b").cacheLevel(CacheLevel.MISS)
 *     .promptTokens(42).completionTokens(17).latency(elapsed).status(200)
 *     .build());
 * }</pre>
 */
public interface InferenceLog {

  /** A log that records nothing and counts nothing. */
  InferenceLog NONE =
      new InferenceLog() {
        @Override
        public boolean record(InferenceLogRecord record) {
          java.util.Objects.requireNonNull(record, "record");
          return false;
        }

        @Override
        public InferenceLogStats stats() {
          return InferenceLogStats.empty();
        }
      };

  /**
   * Queues one record to be written in the background; returns at once.
   *
   * @param record the record
   * @return true if the record was accepted, false if it was dropped (queue full or log closed)
   * @throws NullPointerException if {@code record} is null
   */
  boolean record(InferenceLogRecord record);

  /**
   * Returns a point-in-time snapshot of the log's counters.
   *
   * @return the snapshot, never null
   */
  InferenceLogStats stats();
}
