package ai.vaultgemma.core.internal.path;

/**
 * One rule of the request path. A stage either answers the exchange itself (through the receiver)
 * or passes it on with {@link Chain#proceed}, possibly wrapping the receiver to act on the way
 * back. Stages do not know the call mode beyond {@link Exchange#mode()}: a stage that must not
 * block hands its work to {@link Exchange#executor()}.
 *
 * <p>Implementations are thread-safe and shared by every call of a client.
 */
public interface Stage {

  /**
   * Runs this stage for one call.
   *
   * @param exchange the call
   * @param receiver where the outcome goes
   * @param next the rest of the chain
   */
  void run(Exchange exchange, Receiver receiver, Chain next);
}
