package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.CallOptions;
import ai.vaultgemma.core.ChatChunk;
import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.ChatStreamListener;
import ai.vaultgemma.core.Embedding;
import ai.vaultgemma.core.EmbeddingRequest;
import ai.vaultgemma.core.EmbeddingResponse;
import ai.vaultgemma.core.Endpoint;
import ai.vaultgemma.core.InferenceCall;
import ai.vaultgemma.core.InferenceException;
import ai.vaultgemma.core.InvalidResponseException;
import ai.vaultgemma.core.internal.ChatBody;
import ai.vaultgemma.core.internal.OpenAiTransport;
import ai.vaultgemma.core.internal.StreamCall;
import ai.vaultgemma.core.tier.CacheLevel;
import ai.vaultgemma.logging.StructuredLogger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The last stage: asks the server for what no cache and no flight answered, through the HTTP pool
 * (whose retry interceptor is the only source of re-sends). Blocking calls use the caller's thread;
 * async calls and streams are enqueued on OkHttp's dispatcher and answer on its threads. Embedding
 * inputs that are still missing go in one request, each distinct input once. Each HTTP attempt is
 * reported to the call's listener and written as an {@code http_request} event.
 */
public final class TransportStage implements Stage {
  private final CallCounters counters;
  private final StructuredLogger logger;

  /**
   * Creates the stage.
   *
   * @param counters the client's counters (server requests)
   * @param logger where the {@code http_request} events of each attempt go
   */
  public TransportStage(CallCounters counters, StructuredLogger logger) {
    this.counters = counters;
    this.logger = logger;
  }

  @Override
  public void run(Exchange exchange, Receiver receiver, Chain next) {
    counters.serverCalls.increment();
    exchange.markSent();
    Route route = Objects.requireNonNull(exchange.route(), "route");
    Endpoint endpoint = route.endpoint();
    CallOptions options = exchange.options();
    OpenAiTransport transport =
        route
            .transport()
            .forCall(options.apiKey().orElse(null), options.retryPolicy().orElse(null));
    Map<String, String> headers = headers(exchange, options);
    AttemptReporter attempts = attempts(exchange, transport);
    if (exchange.operation() == InferenceCall.Operation.EMBEDDINGS) {
      embed(exchange, receiver, transport, endpoint, headers, attempts);
      return;
    }
    Unit unit = exchange.units().get(0);
    ChatBody request = exchange.requireBody().withModel(endpoint.modelFor(exchange.model()));
    switch (exchange.mode()) {
      case BLOCKING -> {
        OpenAiTransport.Wire<ChatResponse> wire =
            transport.chat(request, headers, attempts, left(exchange));
        unit.fill(wire.value(), CacheLevel.MISS, wire.bytes());
        receiver.onDone(exchange);
      }
      case ASYNC -> {
        CompletableFuture<OpenAiTransport.Wire<ChatResponse>> future =
            transport.chatAsync(request, headers, attempts, left(exchange));
        exchange.onCancel(() -> future.cancel(false));
        CompletableFuture<?> unused =
            future.whenComplete(
                (answer, error) -> {
                  try {
                    if (error != null) {
                      receiver.onFailure(Failures.of(error));
                    } else {
                      unit.fill(answer.value(), CacheLevel.MISS, answer.bytes());
                      receiver.onDone(exchange);
                    }
                  } catch (Error e) {
                    throw exchange.fatal(e);
                  }
                });
      }
      case STREAM -> stream(exchange, request, transport, unit, receiver, headers, attempts);
    }
  }

  /** The call's headers: the trace, then the caller's own (which cannot replace the trace's). */
  private static Map<String, String> headers(Exchange exchange, CallOptions options) {
    String traceparent = exchange.trace().traceparent();
    Map<String, String> extra = options.headers();
    if (extra.isEmpty()) {
      return Map.of("traceparent", traceparent);
    }
    Map<String, String> all = new LinkedHashMap<>(extra);
    all.put("traceparent", traceparent);
    return all;
  }

  /** The time left, at least a millisecond: a call that reaches the server gets a real chance. */
  private static long left(Exchange exchange) {
    return Math.max(1_000_000L, exchange.nanosLeft());
  }

  /** The reporter of the call's attempts, or null when nobody hears them. */
  private @Nullable AttemptReporter attempts(Exchange exchange, OpenAiTransport transport) {
    if (!AttemptReporter.wanted(exchange, logger)) {
      return null;
    }
    boolean chat = exchange.operation() == InferenceCall.Operation.CHAT;
    return new AttemptReporter(
        exchange,
        logger,
        "POST",
        chat ? transport.chatPath() : transport.embeddingsPath(),
        chat ? transport.chatUrl() : transport.embeddingsUrl(),
        transport.host(),
        transport.port());
  }

  private void stream(
      Exchange exchange,
      ChatBody request,
      OpenAiTransport transport,
      Unit unit,
      Receiver receiver,
      Map<String, String> headers,
      @Nullable AttemptReporter attempts) {
    StreamCall call =
        transport.chatStream(
            request,
            new ChatStreamListener() {
              @Override
              public void onChunk(ChatChunk chunk) {
                exchange.markLive();
                receiver.onChunk(chunk);
              }

              @Override
              public void onComplete(ChatResponse response) {
                unit.fill(response, CacheLevel.MISS, null);
                receiver.onDone(exchange);
              }

              @Override
              public void onError(InferenceException error) {
                receiver.onFailure(error);
              }
            },
            headers,
            attempts,
            left(exchange));
    exchange.onCancel(call::cancel);
  }

  private void embed(
      Exchange exchange,
      Receiver receiver,
      OpenAiTransport transport,
      Endpoint endpoint,
      Map<String, String> headers,
      @Nullable AttemptReporter attempts) {
    Map<String, List<Unit>> missing = new LinkedHashMap<>();
    for (Unit unit : exchange.units()) {
      if (unit.isPending()) {
        missing.computeIfAbsent(unit.input(), k -> new ArrayList<>()).add(unit);
      }
    }
    List<String> inputs = new ArrayList<>(missing.keySet());
    EmbeddingRequest asked = exchange.requireEmbeddings().withInputs(inputs);
    String model = endpoint.modelFor(asked.model());
    if (!model.equals(asked.model())) {
      asked =
          new EmbeddingRequest(
              model,
              asked.input(),
              asked.encodingFormat(),
              asked.dimensions(),
              asked.user(),
              asked.extra());
    }
    EmbeddingResponse fresh = transport.embed(asked, headers, attempts, left(exchange));
    List<Embedding> got = fresh.vectors();
    if (got.size() != inputs.size()) {
      throw new InvalidResponseException(
          "embeddings: the server returned "
              + got.size()
              + " vectors for "
              + inputs.size()
              + " inputs",
          null);
    }
    for (int i = 0; i < inputs.size(); i++) {
      float[] vector = got.get(i).vector();
      for (Unit unit : missing.get(inputs.get(i))) {
        unit.fill(vector, CacheLevel.MISS, null);
      }
    }
    exchange.usage(fresh.usage());
    exchange.responseModel(fresh.model());
    receiver.onDone(exchange);
  }
}
