package ai.vaultgemma.core.internal.path;

import java.util.concurrent.atomic.LongAdder;

/**
 * The client's call counters, shared by the stages that count. Each is incremented in exactly one
 * place: calls by {@link ObserveStage} when a call starts, failures and L1/L2 outcomes by it when
 * the call ends; joins by {@link JoinStage} when a call joins; server requests by {@link
 * TransportStage}. Thread-safe; reads are approximate under load.
 */
public final class CallCounters {
  final LongAdder calls = new LongAdder();
  final LongAdder l1Hits = new LongAdder();
  final LongAdder l2Hits = new LongAdder();
  final LongAdder joined = new LongAdder();
  final LongAdder serverCalls = new LongAdder();
  final LongAdder failures = new LongAdder();

  /** Calls that ended (every mode, every outcome). */
  public long calls() {
    return calls.sum();
  }

  /** Calls answered wholly from memory. */
  public long l1Hits() {
    return l1Hits.sum();
  }

  /** Calls that needed the shared tier and no server. */
  public long l2Hits() {
    return l2Hits.sum();
  }

  /** Calls that joined an identical call in flight. */
  public long joined() {
    return joined.sum();
  }

  /** Requests sent to the server (not counting retries, which the HTTP pool counts). */
  public long serverCalls() {
    return serverCalls.sum();
  }

  /** Calls that failed. */
  public long failures() {
    return failures.sum();
  }
}
