package ai.vaultgemma.examples;

import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.logging.TraceScope;
import ai.vaultgemma.opentelemetry.GenAiAttributes;
import ai.vaultgemma.opentelemetry.InferenceTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import org.jspecify.annotations.Nullable;

/**
 * Tracing: OpenTelemetry spans for the client's calls, printed as they end. A caller span wraps two
 * identical chats: the first goes to the server (a call span with an HTTP attempt span under it),
 * the second is answered by the cache (a call span alone, level {@code l1}). In an application the
 * {@code OpenTelemetry} instance comes from the SDK's autoconfiguration, the agent or Spring Boot,
 * and spans go to an OTLP exporter instead. {@code Tracing http://localhost:8080/v1 [model]}.
 */
@SuppressWarnings("try") // scopes are opened for their side effect on the current context
public final class Tracing {
  private Tracing() {}

  /**
   * Runs the example.
   *
   * @param args the base URL, and optionally the model
   */
  public static void main(String[] args) {
    String baseUrl = args.length > 0 ? args[0] : InferenceClient.DEFAULT_BASE_URL;
    String model = args.length > 1 ? args[1] : "vaultgemma-1b";
    try (OpenTelemetrySdk otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(new Printer()))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build()) {
      // traceCacheHits(true) so the second call, answered from memory, shows as a span too; by
      // default an L1 hit makes no span (the GenAI metrics still count it).
      InferenceTracing tracing =
          InferenceTracing.builder(otel).captureContent(false).traceCacheHits(true).build();
      try (InferenceClient client =
          InferenceClient.builder()
              .baseUrl(baseUrl)
              .addListenerFactory(tracing.listenerFactory())
              .build()) {
        ChatRequest request =
            ChatRequest.builder()
                .model(model)
                .message(ChatMessage.user("What is a span?"))
                .maxTokens(64)
                .build();
        Span handler = otel.getTracer("example").spanBuilder("handle-request").startSpan();
        // logScope: the client's log lines carry the handler span's trace id too.
        try (Scope current = handler.makeCurrent();
            TraceScope logs = InferenceTracing.logScope()) {
          client.chat(request); // from the server
          client.chat(request); // from the cache
        } finally {
          handler.end();
        }
      }
    }
  }

  /** Prints each span as it ends: name, kind, its parent and the attributes that tell most. */
  private static final class Printer implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      for (SpanData span : spans) {
        StringBuilder line = new StringBuilder("span ").append(span.getName());
        line.append(" kind=").append(span.getKind());
        line.append(" trace=").append(span.getTraceId());
        line.append(" id=").append(span.getSpanId());
        line.append(" parent=").append(span.getParentSpanId());
        append(line, "level", span.getAttributes().get(GenAiAttributes.VAULTGEMMA_CACHE_LEVEL));
        append(line, "status", span.getAttributes().get(GenAiAttributes.HTTP_RESPONSE_STATUS_CODE));
        append(
            line,
            "input_tokens",
            span.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS));
        append(
            line,
            "response_model",
            span.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_MODEL));
        System.out.println(line);
      }
      return CompletableResultCode.ofSuccess();
    }

    private static void append(StringBuilder line, String name, @Nullable Object value) {
      if (value != null) {
        line.append(' ').append(name).append('=').append(value);
      }
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
