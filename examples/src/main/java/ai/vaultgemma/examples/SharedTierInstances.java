package ai.vaultgemma.examples;

import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.core.tier.SharedTierConfig;
import ai.vaultgemma.pool.DbPoolConfig;
import java.time.Duration;

/**
 * Two instances sharing the PostgreSQL tier: instance A asks, instance B (its own in-memory cache,
 * its own DB pool, as on another machine) gets the same answer from the shared tier without calling
 * the server. {@code SharedTierInstances <base-url> <postgres-dsn>}.
 */
public final class SharedTierInstances {
  private SharedTierInstances() {}

  /**
   * Runs the example.
   *
   * @param args the inference base URL and a PostgreSQL (or H2) DSN
   */
  public static void main(String[] args) throws InterruptedException {
    String baseUrl = args.length > 0 ? args[0] : InferenceClient.DEFAULT_BASE_URL;
    String dsn = args.length > 1 ? args[1] : System.getenv("POSTGRES_DSN");
    if (dsn == null) {
      throw new IllegalArgumentException("give a DSN as the second argument or in POSTGRES_DSN");
    }
    ChatRequest request =
        ChatRequest.builder()
            .model("vaultgemma-1b")
            .message(ChatMessage.user("Which instance answered this?"))
            .build();
    try (InferenceClient a = instance(baseUrl, dsn, "instance-a");
        InferenceClient b = instance(baseUrl, dsn, "instance-b")) {
      a.chat(request);
      // A's answer reaches the database through the tier's write queue, off A's caller thread; in
      // a real deployment B asks moments later. Here we wait for the write (bounded) first.
      a.sharedTier().orElseThrow().flush(Duration.ofSeconds(5));
      b.chat(request);
      System.out.println("A: server calls " + a.health().client().backendCalls());
      System.out.println(
          "B: server calls "
              + b.health().client().backendCalls()
              + ", shared-tier hits "
              + b.health().client().l2Hits());
    }
  }

  private static InferenceClient instance(String baseUrl, String dsn, String name) {
    return InferenceClient.builder()
        .baseUrl(baseUrl)
        .dbPool(DbPoolConfig.fromDsn(dsn).toBuilder().poolName(name).maxOpen(4).maxIdle(1).build())
        .sharedTier(SharedTierConfig.defaults())
        .build();
  }
}
