package ai.vaultgemma.examples;

import ai.vaultgemma.core.EmbeddingRequest;
import ai.vaultgemma.core.EmbeddingResponse;
import ai.vaultgemma.core.InferenceClient;
import java.util.List;

/**
 * Embeddings with partial cache hits: embed two texts, then a batch of four that repeats them. Only
 * the two new texts go to the server; the answer comes back in input order. {@code Embeddings
 * http://localhost:8080/v1 [model]}.
 */
public final class Embeddings {
  private Embeddings() {}

  /**
   * Runs the example.
   *
   * @param args the base URL, and optionally the model
   */
  public static void main(String[] args) {
    String baseUrl = args.length > 0 ? args[0] : InferenceClient.DEFAULT_BASE_URL;
    String model = args.length > 1 ? args[1] : "vaultgemma-embedding";
    try (InferenceClient client = InferenceClient.builder().baseUrl(baseUrl).build()) {
      client.embed(EmbeddingRequest.of(model, List.of("pooled connections", "cached answers")));
      List<String> batch =
          List.of("pooled connections", "trace ids", "cached answers", "structured logs");
      EmbeddingResponse response = client.embed(EmbeddingRequest.of(model, batch));
      for (int i = 0; i < batch.size(); i++) {
        System.out.printf(
            "%-20s -> %d dimensions%n", batch.get(i), response.vectors().get(i).dimensions());
      }
      System.out.println(
          "server requests: "
              + client.health().client().backendCalls()
              + " (the second carried only the 2 new texts)");
      System.out.println("embedding cache entries: " + client.embeddingCache().stats().entries());
    }
  }
}
