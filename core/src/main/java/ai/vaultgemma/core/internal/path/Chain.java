package ai.vaultgemma.core.internal.path;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The stages after the current one, built once per client as a linked list so that passing a call
 * on allocates nothing. Immutable and thread-safe.
 */
public final class Chain {
  private final Stage stage;
  private final @Nullable Chain next;

  private Chain(Stage stage, @Nullable Chain next) {
    this.stage = stage;
    this.next = next;
  }

  /**
   * Links stages in the order given; the last one must answer every call itself.
   *
   * @param stages the stages, first to last
   * @return the head of the chain
   * @throws IllegalArgumentException if {@code stages} is empty
   */
  public static Chain of(List<Stage> stages) {
    if (stages.isEmpty()) {
      throw new IllegalArgumentException("a chain needs at least one stage");
    }
    Chain chain = null;
    for (int i = stages.size() - 1; i >= 0; i--) {
      chain = new Chain(Objects.requireNonNull(stages.get(i), "stage"), chain);
    }
    return Objects.requireNonNull(chain);
  }

  /**
   * Runs the next stage. A stage that throws has its exception turned into a failure of the call,
   * so one bad stage cannot leave a caller waiting forever.
   *
   * @param exchange the call
   * @param receiver where its outcome goes
   */
  public void proceed(Exchange exchange, Receiver receiver) {
    try {
      stage.run(exchange, receiver, next == null ? this : next);
    } catch (RuntimeException e) {
      receiver.onFailure(Failures.of(e));
    }
  }
}
