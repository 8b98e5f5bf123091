package ai.vaultgemma.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.micrometer.InferenceMetrics;
import ai.vaultgemma.micrometer.MeterNames;
import ai.vaultgemma.opentelemetry.GenAiAttributes;
import ai.vaultgemma.opentelemetry.InferenceTracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
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
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The tracing auto-configuration with a real OpenTelemetry SDK bean (in-memory span exporter and
 * metric reader): each condition and property, and spans after real calls against MockWebServer.
 */
class VaultGemmaTracingAutoConfigurationTest {

  private static final AutoConfigurations VAULTGEMMA =
      AutoConfigurations.of(
          VaultGemmaAutoConfiguration.class,
          VaultGemmaMetricsAutoConfiguration.class,
          VaultGemmaTracingAutoConfiguration.class);

  private static final AutoConfigurations BOOT_METRICS =
      AutoConfigurations.of(
          MetricsAutoConfiguration.class,
          CompositeMeterRegistryAutoConfiguration.class,
          SimpleMetricsExportAutoConfiguration.class);

  private final MockWebServer server = new MockWebServer();

  private ApplicationContextRunner runner;

  @BeforeEach
  void startServer() throws Exception {
    server.start();
    runner =
        new ApplicationContextRunner()
            .withConfiguration(VAULTGEMMA)
            .withUserConfiguration(Sdk.class)
            .withPropertyValues("vaultgemma.base-url=" + server.url("/v1"));
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private static List<SpanData> spans(AssertableApplicationContext context) {
    return context.getBean(InMemorySpanExporter.class).getFinishedSpanItems();
  }

  private static List<MetricData> otelMetrics(AssertableApplicationContext context, String name) {
    return context.getBean(InMemoryMetricReader.class).collectAllMetrics().stream()
        .filter(m -> m.getName().equals(name))
        .toList();
  }

  @Test
  void withAnOpenTelemetryBean_aCallMakesACallSpanAndAnAttemptSpan_andSendsTheContext()
      throws Exception {
    runner.run(
        context -> {
          assertThat(context).hasSingleBean(InferenceTracing.class);
          assertThat(context).hasBean("vaultgemmaTracingCustomizer");
          InferenceTracing tracing = context.getBean(InferenceTracing.class);
          assertThat(tracing.captureContent()).isFalse();
          assertThat(tracing.traceCacheHits()).isFalse();
          // no MeterRegistry, so no Micrometer metrics: the tracing records the GenAI histograms
          assertThat(context).doesNotHaveBean(InferenceMetrics.class);
          assertThat(tracing.metrics()).isTrue();

          server.enqueue(Payloads.completion("hello"));
          assertThat(context.getBean(InferenceClient.class).chat(Payloads.request("hi")).text())
              .isEqualTo("hello");

          SpanData call =
              spans(context).stream()
                  .filter(s -> s.getName().equals("chat m"))
                  .findFirst()
                  .orElseThrow(() -> new AssertionError("no call span in " + spans(context)));
          assertThat(call.getKind()).isEqualTo(SpanKind.CLIENT);
          assertThat(call.getAttributes().get(GenAiAttributes.GEN_AI_REQUEST_MODEL)).isEqualTo("m");
          assertThat(call.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS))
              .isEqualTo(3L);
          assertThat(call.getAttributes().get(GenAiAttributes.VAULTGEMMA_CACHE_LEVEL))
              .isEqualTo("miss");
          assertThat(call.getAttributes().get(GenAiAttributes.GEN_AI_INPUT_MESSAGES)).isNull();
          SpanData attempt =
              spans(context).stream()
                  .filter(s -> s.getName().equals("POST"))
                  .findFirst()
                  .orElseThrow(() -> new AssertionError("no attempt span in " + spans(context)));
          assertThat(attempt.getParentSpanId()).isEqualTo(call.getSpanId());
          assertThat(attempt.getTraceId()).isEqualTo(call.getTraceId());

          RecordedRequest sent = server.takeRequest();
          assertThat(sent.getHeaders().get("traceparent"))
              .isEqualTo("00-" + attempt.getTraceId() + "-" + attempt.getSpanId() + "-01");
          assertThat(otelMetrics(context, GenAiAttributes.METRIC_OPERATION_DURATION)).hasSize(1);
        });
  }

  @Test
  @SuppressWarnings("try") // the scope is opened for its side effect on the current context
  void underACallersSpan_theCallJoinsItsTrace_andTheLogsCarryTheSameTraceId() {
    runner.run(
        context -> {
          server.enqueue(Payloads.completion("hello"));
          Span caller =
              context
                  .getBean(OpenTelemetry.class)
                  .getTracer("test")
                  .spanBuilder("GET /ask")
                  .startSpan();
          try (Scope ignored = caller.makeCurrent()) {
            context.getBean(InferenceClient.class).chat(Payloads.request("hi"));
          } finally {
            caller.end();
          }
          SpanData call =
              spans(context).stream()
                  .filter(s -> s.getName().equals("chat m"))
                  .findFirst()
                  .orElseThrow(() -> new AssertionError("no call span in " + spans(context)));
          assertThat(call.getTraceId()).isEqualTo(caller.getSpanContext().getTraceId());
          assertThat(call.getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId());
          // The span names the logs' trace id only when it differs from its own: here it does not.
          assertThat(call.getAttributes().get(GenAiAttributes.VAULTGEMMA_TRACE_ID)).isNull();
        });
  }

  @Test
  void withMicrometerMetricsToo_theGenAiHistogramsAreRecordedOnce_byMicrometer() {
    runner
        .withConfiguration(BOOT_METRICS)
        .run(
            context -> {
              assertThat(context).hasSingleBean(InferenceMetrics.class);
              assertThat(context.getBean(InferenceTracing.class).metrics()).isFalse();

              server.enqueue(Payloads.completion("hello"));
              context.getBean(InferenceClient.class).chat(Payloads.request("hi"));

              assertThat(spans(context)).extracting(SpanData::getName).contains("chat m", "POST");
              assertThat(otelMetrics(context, GenAiAttributes.METRIC_OPERATION_DURATION)).isEmpty();
              assertThat(
                      context
                          .getBean(MeterRegistry.class)
                          .get(MeterNames.OPERATION_DURATION)
                          .timer()
                          .count())
                  .isEqualTo(1);
            });
  }

  @Test
  void withMicrometerMetricsTurnedOff_theTracingRecordsTheHistograms() {
    runner
        .withConfiguration(BOOT_METRICS)
        .withPropertyValues("vaultgemma.metrics.enabled=false")
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(InferenceMetrics.class);
              assertThat(context.getBean(InferenceTracing.class).metrics()).isTrue();
            });
  }

  @Test
  void withoutTheMicrometerModule_theTracingRecordsTheHistograms() {
    runner
        .withConfiguration(BOOT_METRICS)
        .withClassLoader(new FilteredClassLoader(InferenceMetrics.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(InferenceTracing.class).metrics()).isTrue();
            });
  }

  @Test
  void traceCacheHits_property_givesAnL1HitItsOwnSpan() {
    runner
        .withPropertyValues("vaultgemma.tracing.trace-cache-hits=true")
        .run(
            context -> {
              assertThat(context.getBean(InferenceTracing.class).traceCacheHits()).isTrue();
              server.enqueue(Payloads.completion("hello"));
              InferenceClient client = context.getBean(InferenceClient.class);
              client.chat(Payloads.request("q"));
              client.chat(Payloads.request("q"));
              assertThat(spans(context).stream().filter(s -> s.getName().equals("chat m")))
                  .hasSize(2);
            });
  }

  @Test
  void captureContent_property_putsThePromptOnTheSpan_cutToMaxContentLength() {
    runner
        .withPropertyValues(
            "vaultgemma.tracing.capture-content=true", "vaultgemma.tracing.max-content-length=5")
        .run(
            context -> {
              InferenceTracing tracing = context.getBean(InferenceTracing.class);
              assertThat(tracing.captureContent()).isTrue();
              assertThat(tracing.maxContentLength()).isEqualTo(5);
              server.enqueue(Payloads.completion("hello"));
              context.getBean(InferenceClient.class).chat(Payloads.request("a secret prompt"));
              String messages =
                  spans(context).stream()
                      .filter(s -> s.getName().equals("chat m"))
                      .findFirst()
                      .orElseThrow()
                      .getAttributes()
                      .get(GenAiAttributes.GEN_AI_INPUT_MESSAGES);
              assertThat(messages).contains("a sec").doesNotContain("a secret");
            });
  }

  @Test
  void badMaxContentLength_failsStartup_namingTheProperty() {
    runner
        .withPropertyValues("vaultgemma.tracing.max-content-length=0")
        .run(
            context -> {
              assertThat(context).hasFailed();
              VaultGemmaPropertyException e =
                  Failures.propertyException(context.getStartupFailure());
              assertThat(e)
                  .hasMessage("vaultgemma.tracing.max-content-length must be >= 1 but was 0");
              assertThat(e.property()).isEqualTo("vaultgemma.tracing.max-content-length");
            });
  }

  @Test
  void tracingEnabledFalse_noBeans_andNoSpans() {
    runner
        .withPropertyValues("vaultgemma.tracing.enabled=false")
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(InferenceTracing.class);
              assertThat(context).doesNotHaveBean("vaultgemmaTracingCustomizer");
              server.enqueue(Payloads.completion("hello"));
              context.getBean(InferenceClient.class).chat(Payloads.request("hi"));
              assertThat(spans(context)).isEmpty();
              // the client's own traceparent is sent instead
              assertThat(server.takeRequest().getHeaders().get("traceparent")).isNotBlank();
            });
  }

  @Test
  void vaultgemmaEnabledFalse_noTracingEither() {
    runner
        .withPropertyValues("vaultgemma.enabled=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(InferenceClient.class);
              assertThat(context).doesNotHaveBean(InferenceTracing.class);
            });
  }

  @Test
  void withoutAnOpenTelemetryBean_noTracing() {
    new ApplicationContextRunner()
        .withConfiguration(VAULTGEMMA)
        .withPropertyValues("vaultgemma.base-url=" + server.url("/v1"))
        .run(
            context -> {
              assertThat(context).hasSingleBean(InferenceClient.class);
              assertThat(context).doesNotHaveBean(OpenTelemetry.class);
              assertThat(context).doesNotHaveBean(InferenceTracing.class);
            });
  }

  @Test
  void withoutTheOpenTelemetryModule_noTracing() {
    runner
        .withClassLoader(new FilteredClassLoader(InferenceTracing.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(InferenceClient.class);
              assertThat(context).doesNotHaveBean("vaultgemmaTracingCustomizer");
            });
  }

  @Test
  void applicationsOwnInferenceTracing_isUsed() {
    runner
        .withUserConfiguration(OwnTracing.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(InferenceTracing.class);
              assertThat(context.getBean(InferenceTracing.class).providerName()).isEqualTo("vllm");
              server.enqueue(Payloads.completion("hello"));
              context.getBean(InferenceClient.class).chat(Payloads.request("hi"));
              assertThat(
                      spans(context).stream()
                          .filter(s -> s.getName().equals("chat m"))
                          .findFirst()
                          .orElseThrow()
                          .getAttributes()
                          .get(GenAiAttributes.GEN_AI_PROVIDER_NAME))
                  .isEqualTo("vllm");
            });
  }

  /** An application's OpenTelemetry SDK, exporting to memory. */
  @Configuration(proxyBeanMethods = false)
  static class Sdk {
    @Bean
    InMemorySpanExporter spanExporter() {
      return InMemorySpanExporter.create();
    }

    @Bean
    InMemoryMetricReader metricReader() {
      return InMemoryMetricReader.create();
    }

    @Bean(destroyMethod = "close")
    OpenTelemetrySdk openTelemetry(InMemorySpanExporter spans, InMemoryMetricReader metrics) {
      return OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
          .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
          .build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnTracing {
    @Bean
    InferenceTracing ownTracing(OpenTelemetry openTelemetry) {
      return InferenceTracing.builder(openTelemetry).providerName("vllm").build();
    }
  }
}
