package ai.vaultgemma.spring.autoconfigure;

import ai.vaultgemma.core.InferenceClient;
import java.util.Objects;
import org.springframework.context.SmartLifecycle;

/**
 * Ties an {@link InferenceClient} to the application context: when the context closes, it calls
 * {@link InferenceClient#close()}, which stops new calls, waits for the calls in flight (up to
 * {@code vaultgemma.shutdown-timeout}, 30 s by default) and then closes the pools and caches.
 *
 * <p>It stops in phase {@link #PHASE}, below Spring Boot's web server phases (graceful shutdown at
 * {@code Integer.MAX_VALUE - 1024}, then the server's stop at {@code Integer.MAX_VALUE - 2048}), so
 * the requests the server is still finishing can use the client, and the client closes only once
 * the server takes no more. It stops before singletons are destroyed, so also before the
 * application's {@code DataSource} that the shared tier may use.
 *
 * <p>The client cannot be started again: a context that is stopped and then restarted needs a new
 * client. Thread-safe.
 */
public final class InferenceClientLifecycle implements SmartLifecycle {

  /**
   * The phase: {@code Integer.MAX_VALUE - 4096}. Lifecycles stop from the highest phase down, so
   * this one stops after the web server (and after components in the default phase, such as message
   * listeners, that may still call the client).
   */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private final InferenceClient client;
  private volatile boolean running;

  /**
   * Creates the lifecycle.
   *
   * @param client the client to close on shutdown
   * @throws NullPointerException if {@code client} is null
   */
  public InferenceClientLifecycle(InferenceClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /** Marks the client running; it was started when it was built. */
  @Override
  public void start() {
    running = true;
  }

  /**
   * Closes the client, waiting for the calls in flight up to its shutdown timeout. Blocks the
   * thread that closes the context meanwhile.
   */
  @Override
  public void stop() {
    running = false;
    client.close();
  }

  /**
   * Returns whether the client is open and was started.
   *
   * @return true until {@link #stop()}
   */
  @Override
  public boolean isRunning() {
    return running && !client.isClosed();
  }

  /**
   * Returns {@link #PHASE}.
   *
   * @return the phase
   */
  @Override
  public int getPhase() {
    return PHASE;
  }
}
