package ai.vaultgemma.core;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One call as an {@link InferenceListener} sees it: what was asked, how the caller waits, and its
 * trace. It describes the call; it cannot change it. Implementations are immutable in what they
 * return here and safe to read from any thread.
 */
public interface InferenceCall {

  /** What a call asks of the server; {@link #semanticName()} is the OpenTelemetry GenAI name. */
  enum Operation {
    /** A chat completion. */
    CHAT("chat"),
    /** Embeddings, one vector per input. */
    EMBEDDINGS("embeddings");

    private final String semanticName;

    Operation(String semanticName) {
      this.semanticName = semanticName;
    }

    /**
     * Returns the operation's name in the OpenTelemetry GenAI conventions ({@code
     * gen_ai.operation.name}).
     *
     * @return {@code chat} or {@code embeddings}
     */
    public String semanticName() {
      return semanticName;
    }
  }

  /** How the caller waits for the answer. */
  enum Mode {
    /** The caller's thread waits ({@code chat}, {@code embed}). */
    BLOCKING,
    /** The caller gets a future ({@code chatAsync}). */
    ASYNC,
    /** The caller gets chunks as they come ({@code chatStream}, {@code chatStreamPublisher}). */
    STREAM
  }

  /**
   * Returns what the call asks.
   *
   * @return chat or embeddings
   */
  Operation operation();

  /**
   * Returns how the caller waits.
   *
   * @return the mode
   */
  Mode mode();

  /**
   * Returns the model the request names.
   *
   * @return the requested model
   */
  String model();

  /**
   * Returns the call's cache scope (a tenant or a client's default scope).
   *
   * @return the scope
   */
  String scope();

  /**
   * Returns the call's trace id: the one in its log events and in the {@code traceparent} header
   * the client sends, unless a listener sets its own.
   *
   * @return 32 lowercase hex digits
   */
  String traceId();

  /**
   * Returns the chat request, for a chat call. Holds the prompt: a listener that records it must
   * treat it as the user's data.
   *
   * @return the request, or null for embeddings
   */
  @Nullable ChatRequest chatRequest();

  /**
   * Returns the embedding request, for an embeddings call. Holds the inputs: a listener that
   * records them must treat them as the user's data.
   *
   * @return the request, or null for chat
   */
  @Nullable EmbeddingRequest embeddingRequest();

  /**
   * Returns the endpoint the call's last request went to, as messages name it (scheme, host and
   * port): the one that answered when the call succeeded from a server, the last one tried when it
   * failed. Empty while no request was sent, and for calls a cache or a joined call answered. With
   * several endpoints and fallbacks this is how a listener learns which endpoint answered; read it
   * in {@link InferenceListener#callEnd}.
   *
   * @return the endpoint's name, or empty
   */
  default Optional<String> endpoint() {
    return Optional.empty();
  }
}
