package ai.vaultgemma.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;

class TraceContextTest {
  private static final String HEADER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private final CapturedLog capture = CapturedLog.json();
  private final StructuredLogger log = capture.logger();
  private final ExecutorService executor = Executors.newSingleThreadExecutor();

  @AfterEach
  void tearDown() throws InterruptedException {
    capture.stop();
    executor.shutdownNow();
    assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    MDC.clear();
  }

  @Test
  void newRoot_makesW3cIds() {
    TraceContext a = TraceContext.newRoot();
    TraceContext b = TraceContext.newRoot();

    assertThat(a.traceId()).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
    assertThat(a.spanId()).matches("[0-9a-f]{16}");
    assertThat(a.traceId()).isNotEqualTo(b.traceId());
    assertThat(a.parentSpanId()).isEmpty();
    assertThat(a.traceparent()).isEqualTo("00-" + a.traceId() + "-" + a.spanId() + "-01");
  }

  @Test
  void scope_putsIdsInEveryLine_andNestedScopesRestore() {
    log.info("before");
    try (TraceScope outer = TraceScope.open()) {
      log.info("outer");
      try (TraceScope inner = TraceScope.open()) {
        assertThat(inner.traceId()).isEqualTo(outer.traceId());
        assertThat(inner.spanId()).isNotEqualTo(outer.spanId());
        assertThat(inner.context().parentSpanId()).contains(outer.spanId());
        log.info("inner");
      }
      log.info("outer again");
      assertThat(TraceContext.current()).isEqualTo(outer.context());
    }
    log.info("after");

    List<JsonNode> lines = capture.lines();
    assertThat(lines.get(0).has("trace_id")).isFalse();
    JsonNode outer = lines.get(1);
    JsonNode inner = lines.get(2);
    JsonNode outerAgain = lines.get(3);
    assertThat(outer.get("trace_id").asString()).matches("[0-9a-f]{32}");
    assertThat(outer.get("span_id").asString()).matches("[0-9a-f]{16}");
    assertThat(inner.get("trace_id").asString()).isEqualTo(outer.get("trace_id").asString());
    assertThat(inner.get("span_id").asString()).isNotEqualTo(outer.get("span_id").asString());
    assertThat(outerAgain.get("span_id").asString()).isEqualTo(outer.get("span_id").asString());
    assertThat(lines.get(4).has("trace_id")).isFalse();
    assertThat(lines.get(4).has("span_id")).isFalse();
    assertThat(TraceContext.current()).isNull();
  }

  @Test
  void close_isIdempotent_andRestoresTheApplicationsOwnMdcValues() {
    MDC.put("trace_id", "app-trace");
    TraceScope scope = TraceScope.open();
    assertThat(MDC.get("trace_id")).isEqualTo(scope.traceId());

    scope.close();
    scope.close();

    assertThat(MDC.get("trace_id")).isEqualTo("app-trace");
    assertThat(MDC.get("span_id")).isNull();
  }

  @Test
  void fromTraceparent_adoptsTheIncomingTrace() {
    try (TraceScope scope = TraceScope.fromTraceparent(HEADER)) {
      assertThat(scope.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
      assertThat(scope.spanId()).matches("[0-9a-f]{16}").isNotEqualTo("00f067aa0ba902b7");
      assertThat(scope.context().parentSpanId()).contains("00f067aa0ba902b7");
      assertThat(scope.traceparent())
          .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-" + scope.spanId() + "-01");
    }
  }

  @Test
  void parseTraceparent_readsFlagsAndLaterVersions() {
    assertThat(TraceContext.parseTraceparent(HEADER.replace("-01", "-00")))
        .hasValueSatisfying(c -> assertThat(c.sampled()).isFalse());
    assertThat(TraceContext.parseTraceparent(" " + HEADER + " ")).isPresent();
    assertThat(TraceContext.parseTraceparent("01" + HEADER.substring(2) + "-future")).isPresent();
    assertThat(TraceContext.parseTraceparent(HEADER).orElseThrow().spanId())
        .isEqualTo("00f067aa0ba902b7");
  }

  @Test
  void invalidTraceparent_startsANewTraceWithoutThrowing() {
    String[] invalid = {
      null,
      "",
      "garbage",
      HEADER.toUpperCase(java.util.Locale.ROOT),
      "ff" + HEADER.substring(2),
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
      HEADER + "-extra",
      "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
      "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
      "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01"
    };
    for (String header : invalid) {
      assertThat(TraceContext.parseTraceparent(header)).as(String.valueOf(header)).isEmpty();
      try (TraceScope scope = TraceScope.fromTraceparent(header)) {
        assertThat(scope.traceId())
            .matches("[0-9a-f]{32}")
            .isNotEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(scope.context().parentSpanId()).isEmpty();
      }
    }
  }

  @Test
  void current_adoptsValidIdsTheApplicationPutInTheMdc() {
    MDC.put("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");
    MDC.put("span_id", "00f067aa0ba902b7");

    assertThat(TraceContext.current()).isNotNull();
    try (TraceScope child = TraceScope.open()) {
      assertThat(child.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }
    assertThat(MDC.get("span_id")).isEqualTo("00f067aa0ba902b7");

    MDC.put("trace_id", "not-hex");
    assertThat(TraceContext.current()).isNull();
  }

  @Test
  void wrapRunnable_carriesTheIdsToAnotherThread() throws Exception {
    AtomicReference<String> seen = new AtomicReference<>();
    String traceId;
    try (TraceScope scope = TraceScope.open()) {
      traceId = scope.traceId();
      executor
          .submit(
              TraceContext.wrap(
                  () -> {
                    seen.set(MDC.get("trace_id"));
                    log.info("on the pool");
                  }))
          .get(10, TimeUnit.SECONDS);
    }

    assertThat(seen.get()).isEqualTo(traceId);
    assertThat(capture.single().get("trace_id").asString()).isEqualTo(traceId);
    assertThat(executor.submit(() -> MDC.get("trace_id")).get(10, TimeUnit.SECONDS))
        .as("the pool thread is clean afterwards")
        .isNull();
  }

  @Test
  void wrapSupplier_carriesTheIdsIntoCompletableFutures() throws Exception {
    try (TraceScope scope = TraceScope.open()) {
      String seen =
          CompletableFuture.supplyAsync(TraceContext.wrap(() -> MDC.get("span_id")), executor)
              .get(10, TimeUnit.SECONDS);
      assertThat(seen).isEqualTo(scope.spanId());
    }
  }

  @Test
  void wrapExecutor_capturesAtSubmitTime() throws Exception {
    java.util.concurrent.Executor traced =
        TraceContext.wrap((java.util.concurrent.Executor) executor);
    String first;
    String second;
    try (TraceScope scope = TraceScope.open()) {
      first = scope.traceId();
      assertThat(
              CompletableFuture.supplyAsync(() -> MDC.get("trace_id"), traced)
                  .get(10, TimeUnit.SECONDS))
          .isEqualTo(first);
    }
    try (TraceScope scope = TraceScope.open()) {
      second = scope.traceId();
      assertThat(
              CompletableFuture.supplyAsync(() -> MDC.get("trace_id"), traced)
                  .get(10, TimeUnit.SECONDS))
          .isEqualTo(second);
    }
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void wrapWithoutContext_clearsLeftoverIdsOnThePoolThread() throws Exception {
    executor.submit(() -> MDC.put("trace_id", "leftover")).get(10, TimeUnit.SECONDS);

    String seen =
        executor
            .submit(
                () -> {
                  AtomicReference<String> inside = new AtomicReference<>();
                  TraceContext.wrap(() -> inside.set(MDC.get("trace_id"))).run();
                  return inside.get() + "/" + MDC.get("trace_id");
                })
            .get(10, TimeUnit.SECONDS);

    assertThat(seen).isEqualTo("null/leftover");
  }

  @Test
  void wrappers_rejectNull() {
    assertThatThrownBy(() -> TraceContext.wrap((Runnable) null)).hasMessage("task");
    assertThatThrownBy(() -> TraceContext.wrap((java.util.function.Supplier<?>) null))
        .hasMessage("supplier");
    assertThatThrownBy(() -> TraceContext.wrap((java.util.concurrent.Executor) null))
        .hasMessage("executor");
  }
}
