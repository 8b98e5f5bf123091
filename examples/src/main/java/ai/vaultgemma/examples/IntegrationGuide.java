package ai.vaultgemma.examples;

import ai.vaultgemma.cache.CacheConfig;
import ai.vaultgemma.cache.ResponseCache;
import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.logging.Fields;
import ai.vaultgemma.logging.StructuredLogger;
import ai.vaultgemma.logging.TraceScope;
import ai.vaultgemma.pool.DbPool;
import ai.vaultgemma.pool.DbPoolConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The seed service's integration guide, in Java: one client wraps the pooled resources, and the
 * service uses the same pools, cache type and logger for its own work.
 *
 * <ol>
 *   <li>Build the client with a DB pool (the HTTP pool and caches come with it).
 *   <li>Use a cache of your own for your own values ({@link ResponseCache}).
 *   <li>Run your own query through the client's DB pool.
 *   <li>Send your own request through the client's HTTP pool (keep-alive, retries, stats).
 *   <li>Log structured events with trace ids.
 * </ol>
 *
 * <p>{@code IntegrationGuide <base-url> <jdbc-or-postgres-dsn>}.
 */
public final class IntegrationGuide {
  private IntegrationGuide() {}

  /**
   * Runs the example.
   *
   * @param args the inference base URL and a database DSN
   * @throws IOException if the HTTP request fails
   */
  @SuppressWarnings("try") // the trace scope is opened for its MDC effect
  public static void main(String[] args) throws IOException {
    String baseUrl = args.length > 0 ? args[0] : InferenceClient.DEFAULT_BASE_URL;
    String dsn = args.length > 1 ? args[1] : System.getenv("POSTGRES_DSN");
    if (dsn == null) {
      throw new IllegalArgumentException("give a DSN as the second argument or in POSTGRES_DSN");
    }
    StructuredLogger log = StructuredLogger.of(IntegrationGuide.class);

    // 1. One client wraps the resources.
    try (InferenceClient client =
            InferenceClient.builder()
                .baseUrl(baseUrl)
                .dbPool(DbPoolConfig.fromDsn(dsn).toBuilder().maxOpen(5).maxIdle(1).build())
                .build();
        // 2. A cache of your own, with its own bound and TTL.
        ResponseCache<String, String> profiles =
            ResponseCache.create(
                CacheConfig.builder()
                    .name("profiles")
                    .maximumEntries(10_000)
                    .defaultTtl(Duration.ofMinutes(10))
                    .build());
        TraceScope trace = TraceScope.open()) {

      String profile = profiles.get("user-42", id -> "profile of " + id); // loaded once
      log.info("profile loaded", Fields.of("user_id", "user-42", "profile", profile));

      // 3. Your own query through the client's DB pool.
      DbPool db = client.dbPool().orElseThrow();
      long start = System.nanoTime();
      List<Integer> rows = db.query("SELECT ? + 1", rs -> rs.getInt(1), 41);
      log.db("select", (System.nanoTime() - start) / 1_000_000, rows.size());
      System.out.println("db says:        " + rows.get(0));

      // 4. Your own HTTP request through the client's HTTP pool.
      Request request = new Request.Builder().url(baseUrl + "/models").build();
      try (Response response = client.httpPool().execute(request)) {
        System.out.println("models status:  " + response.code());
      }

      // 5. An inference call: logged as one `inference` event with this trace id.
      String answer =
          client
              .chat(
                  ChatRequest.builder()
                      .model("vaultgemma-1b")
                      .message(ChatMessage.user("Say hello"))
                      .build())
              .text();
      System.out.println("answer:         " + answer);
      System.out.println("trace id:       " + trace.traceId());
      System.out.println("health:         " + client.health().toJson());
    }
  }
}
