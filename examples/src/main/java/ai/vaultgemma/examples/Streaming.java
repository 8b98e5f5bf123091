package ai.vaultgemma.examples;

import ai.vaultgemma.core.ChatChunk;
import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.ChatStream;
import ai.vaultgemma.core.ChatStreamListener;
import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.core.InferenceException;

/**
 * Streaming: print tokens as they arrive, then stream the same request again and see it replayed
 * from the cache as a stream. {@code Streaming http://localhost:8080/v1 [model]}.
 */
public final class Streaming {
  private Streaming() {}

  /**
   * Runs the example.
   *
   * @param args the base URL, and optionally the model
   */
  public static void main(String[] args) {
    String baseUrl = args.length > 0 ? args[0] : InferenceClient.DEFAULT_BASE_URL;
    String model = args.length > 1 ? args[1] : "vaultgemma-1b";
    try (InferenceClient client = InferenceClient.builder().baseUrl(baseUrl).build()) {
      ChatRequest request =
          ChatRequest.builder()
              .model(model)
              .message(ChatMessage.user("Tell me about connection pools."))
              .build();
      for (String round : new String[] {"from the server", "replayed from the cache"}) {
        // The label is printed with the first token: the client's log lines (an http_request
        // event when the server's headers arrive) then never split it from the tokens.
        ChatStream stream = client.chatStream(request, new Printer("[" + round + "] "));
        ChatResponse whole = stream.completion().join();
        System.out.println();
        System.out.println("  whole answer: " + whole.text());
      }
      System.out.println("server calls: " + client.health().client().backendCalls());
    }
  }

  /** Prints each content delta as it arrives. */
  private static final class Printer implements ChatStreamListener {
    private String label;

    Printer(String label) {
      this.label = label;
    }

    @Override
    public void onChunk(ChatChunk chunk) {
      System.out.print(label); // chunks come one at a time, so no lock is needed
      label = "";
      for (ChatChunk.Choice choice : chunk.choices()) {
        if (choice.delta() != null && choice.delta().text() != null) {
          System.out.print(choice.delta().text());
          System.out.flush();
        }
      }
    }

    @Override
    public void onError(InferenceException error) {
      System.out.println(" stream failed: " + error.getMessage());
    }
  }
}
