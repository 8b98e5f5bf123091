package ai.vaultgemma.benchmarks.core;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.atomic.LongAdder;

/**
 * A span exporter that counts the spans it is handed and drops them: behind a batch processor the
 * export happens on the processor's thread, off the measured call, and the count shows a run made
 * its spans. Thread-safe.
 */
final class CountingDiscardExporter implements SpanExporter {
  private final LongAdder exported = new LongAdder();

  /** Returns how many spans were exported so far. */
  long exported() {
    return exported.sum();
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    exported.add(spans.size());
    return CompletableResultCode.ofSuccess();
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
