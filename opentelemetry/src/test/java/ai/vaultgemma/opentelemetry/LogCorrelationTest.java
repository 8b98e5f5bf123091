package ai.vaultgemma.opentelemetry;

import static ai.vaultgemma.opentelemetry.Payloads.chatOk;
import static ai.vaultgemma.opentelemetry.Payloads.client;
import static ai.vaultgemma.opentelemetry.Payloads.request;
import static org.assertj.core.api.Assertions.assertThat;

import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.logging.TraceScope;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Whether the client's log events carry the trace id of the caller's OpenTelemetry span. The client
 * reads the caller's trace from the SLF4J MDC ({@code trace_id}, {@code span_id}) as a call starts;
 * OpenTelemetry's own MDC instrumentation adds those keys to each log event as it is appended, not
 * to the thread's MDC, so it does not reach the client (the last test).
 */
@SuppressWarnings("try") // scopes are opened for their side effect on the current context
class LogCorrelationTest {

  @StartStop final MockWebServer server = new MockWebServer();
  @RegisterExtension final Otel otel = new Otel();

  private final Logger clientLogger = (Logger) LoggerFactory.getLogger(InferenceClient.class);
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private Level previousLevel;

  @BeforeEach
  void captureTheClientsLogEvents() {
    previousLevel = clientLogger.getLevel();
    clientLogger.setLevel(Level.INFO);
    logs.start();
    clientLogger.addAppender(logs);
  }

  @AfterEach
  void restore() {
    clientLogger.detachAppender(logs);
    clientLogger.setLevel(previousLevel);
    MDC.clear();
  }

  private String theOnlyLoggedTraceId() {
    List<String> ids =
        logs.list.stream().map(e -> e.getMDCPropertyMap().get("trace_id")).distinct().toList();
    assertThat(ids).as("trace ids in %s", logs.list).hasSize(1).doesNotContainNull();
    return ids.get(0);
  }

  private InferenceClient tracedClient() {
    return client(server)
        .addListenerFactory(InferenceTracing.create(otel.sdk).listenerFactory())
        .build();
  }

  @Test
  void insideLogScopeTheLogsCarryTheCallersSpanTraceId() {
    server.enqueue(chatOk("hello"));
    Span caller = otel.sdk.getTracer("test").spanBuilder("handler").startSpan();
    try (InferenceClient client = tracedClient();
        Scope span = caller.makeCurrent();
        TraceScope logScope = InferenceTracing.logScope()) {
      client.chat(request("q"));
    } finally {
      caller.end();
    }
    String traceId = caller.getSpanContext().getTraceId();
    assertThat(theOnlyLoggedTraceId()).isEqualTo(traceId);
    SpanData call = otel.only("chat m");
    assertThat(call.getTraceId()).isEqualTo(traceId);
    // The ids agree, so the span does not need to name the log trace.
    assertThat(call.getAttributes().get(GenAiAttributes.VAULTGEMMA_TRACE_ID)).isNull();
  }

  @Test
  void aClientWithTheTraceSourceLogsTheCallersSpanTraceIdWithoutAScope() throws Exception {
    server.enqueue(chatOk("hello"));
    Span caller = otel.sdk.getTracer("test").spanBuilder("handler").startSpan();
    try (InferenceClient client =
            client(server)
                .addListenerFactory(InferenceTracing.create(otel.sdk).listenerFactory())
                .traceParent(InferenceTracing.traceParent())
                .build();
        Scope span = caller.makeCurrent()) {
      client.chatAsync(request("q")).get(10, TimeUnit.SECONDS);
    } finally {
      caller.end();
    }
    String traceId = caller.getSpanContext().getTraceId();
    assertThat(theOnlyLoggedTraceId()).isEqualTo(traceId);
    SpanData call = otel.only("chat m");
    assertThat(call.getTraceId()).isEqualTo(traceId);
    assertThat(call.getAttributes().get(GenAiAttributes.VAULTGEMMA_TRACE_ID)).isNull();
    assertThat(InferenceTracing.traceParent().get()).as("no span current now").isNull();
  }

  @Test
  void aCallerThatPutsTheSpanIdsInTheMdcGetsTheSameTraceIdInLogs() {
    server.enqueue(chatOk("hello"));
    Span caller = otel.sdk.getTracer("test").spanBuilder("handler").startSpan();
    // What an application's own request filter can do, under the same keys.
    MDC.put("trace_id", caller.getSpanContext().getTraceId());
    MDC.put("span_id", caller.getSpanContext().getSpanId());
    try (InferenceClient client = tracedClient();
        Scope span = caller.makeCurrent()) {
      client.chat(request("q"));
    } finally {
      caller.end();
    }
    assertThat(theOnlyLoggedTraceId()).isEqualTo(caller.getSpanContext().getTraceId());
    assertThat(otel.only("chat m").getTraceId()).isEqualTo(caller.getSpanContext().getTraceId());
  }

  @Test
  void withOnlyASpanCurrentTheLogsHaveTheirOwnTraceWhichTheSpanNames() {
    server.enqueue(chatOk("hello"));
    Span caller = otel.sdk.getTracer("test").spanBuilder("handler").startSpan();
    try (InferenceClient client = tracedClient();
        Scope span = caller.makeCurrent()) {
      client.chat(request("q"));
    } finally {
      caller.end();
    }
    String logged = theOnlyLoggedTraceId();
    SpanData call = otel.only("chat m");
    assertThat(logged).isNotEqualTo(call.getTraceId());
    assertThat(call.getAttributes().get(GenAiAttributes.VAULTGEMMA_TRACE_ID)).isEqualTo(logged);
  }

  @Test
  void logScopeWithoutASpanOpensAPlainScope() {
    try (TraceScope scope = InferenceTracing.logScope()) {
      assertThat(MDC.get("trace_id")).isEqualTo(scope.traceId()).hasSize(32);
    }
    assertThat(MDC.get("trace_id")).isNull();
  }
}
