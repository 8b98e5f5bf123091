package ai.vaultgemma.opentelemetry;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real OpenTelemetry SDK for one test: spans to an in-memory exporter (exported as each ends),
 * metrics to an in-memory reader, W3C trace-context propagation. Register it with
 * {@code @RegisterExtension}; it shuts the SDK down after each test.
 */
final class Otel implements AfterEachCallback {
  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
          .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
          .build();

  @Override
  public void afterEach(ExtensionContext context) {
    sdk.close();
  }

  /** The finished spans with this name, in the order they ended. */
  List<SpanData> named(String name) {
    return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
  }

  /** The finished CLIENT spans named for an HTTP method: the attempt spans. */
  List<SpanData> attempts() {
    return spans.getFinishedSpanItems().stream()
        .filter(s -> s.getKind() == SpanKind.CLIENT && s.getName().equals("POST"))
        .toList();
  }

  /** The one finished span with this name. */
  SpanData only(String name) {
    List<SpanData> found = named(name);
    if (found.size() != 1) {
      throw new AssertionError(
          "expected one span " + name + " but got " + spans.getFinishedSpanItems());
    }
    return found.get(0);
  }

  /** The metric with this name from a fresh collection, if recorded. */
  Optional<MetricData> metric(String name) {
    return metrics.collectAllMetrics().stream().filter(m -> m.getName().equals(name)).findFirst();
  }
}
