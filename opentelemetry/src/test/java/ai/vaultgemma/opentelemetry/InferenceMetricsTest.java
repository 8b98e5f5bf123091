package ai.vaultgemma.opentelemetry;

import static ai.vaultgemma.opentelemetry.GenAiAttributes.ERROR_TYPE;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_OPERATION_NAME;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_PROVIDER_NAME;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_REQUEST_MODEL;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_RESPONSE_MODEL;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.GEN_AI_TOKEN_TYPE;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.SERVER_ADDRESS;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.SERVER_PORT;
import static ai.vaultgemma.opentelemetry.GenAiAttributes.VAULTGEMMA_CACHE_LEVEL;
import static ai.vaultgemma.opentelemetry.Payloads.chatOk;
import static ai.vaultgemma.opentelemetry.Payloads.client;
import static ai.vaultgemma.opentelemetry.Payloads.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.core.InferenceHttpException;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The GenAI histograms, read back through the SDK's in-memory metric reader. */
class InferenceMetricsTest {

  @StartStop final MockWebServer server = new MockWebServer();
  @RegisterExtension final Otel otel = new Otel();

  private static HistogramPointData point(
      Collection<HistogramPointData> points, String key, String value) {
    List<HistogramPointData> found =
        points.stream()
            .filter(
                p ->
                    value.equals(
                        p.getAttributes()
                            .asMap()
                            .get(io.opentelemetry.api.common.AttributeKey.stringKey(key))))
            .collect(Collectors.toList());
    assertThat(found).as("points with %s=%s in %s", key, value, points).hasSize(1);
    return found.get(0);
  }

  @Test
  void aMissAndAHitAreTwoDurationsButOnlyTheMissSpentTokens() {
    server.enqueue(chatOk("hello"));
    try (InferenceClient client =
        client(server)
            .addListenerFactory(InferenceTracing.create(otel.sdk).listenerFactory())
            .build()) {
      client.chat(request("q"));
      client.chat(request("q"));
    }

    MetricData duration = otel.metric(GenAiAttributes.METRIC_OPERATION_DURATION).orElseThrow();
    assertThat(duration.getUnit()).isEqualTo("s");
    Collection<HistogramPointData> durations = duration.getHistogramData().getPoints();
    assertThat(durations).hasSize(2);
    HistogramPointData miss = point(durations, "vaultgemma.cache.level", "miss");
    assertThat(miss.getCount()).isEqualTo(1);
    assertThat(miss.getBoundaries()).isEqualTo(GenAiAttributes.DURATION_BUCKETS);
    assertThat(miss.getSum()).isPositive().isLessThan(10.0);
    assertThat(miss.getAttributes().get(GEN_AI_OPERATION_NAME)).isEqualTo("chat");
    assertThat(miss.getAttributes().get(GEN_AI_PROVIDER_NAME)).isEqualTo("openai");
    assertThat(miss.getAttributes().get(GEN_AI_REQUEST_MODEL)).isEqualTo("m");
    assertThat(miss.getAttributes().get(GEN_AI_RESPONSE_MODEL)).isEqualTo("m-0613");
    assertThat(miss.getAttributes().get(SERVER_ADDRESS)).isEqualTo(server.getHostName());
    assertThat(miss.getAttributes().get(SERVER_PORT)).isEqualTo((long) server.getPort());
    assertThat(miss.getAttributes().get(ERROR_TYPE)).isNull();
    HistogramPointData hit = point(durations, "vaultgemma.cache.level", "l1");
    assertThat(hit.getCount()).isEqualTo(1);
    assertThat(hit.getAttributes().get(SERVER_ADDRESS)).isNull();

    MetricData tokens = otel.metric(GenAiAttributes.METRIC_TOKEN_USAGE).orElseThrow();
    assertThat(tokens.getUnit()).isEqualTo("{token}");
    Collection<HistogramPointData> usage = tokens.getHistogramData().getPoints();
    assertThat(usage).hasSize(2); // input and output of the miss; nothing for the hit
    HistogramPointData input = point(usage, "gen_ai.token.type", "input");
    assertThat(input.getCount()).isEqualTo(1);
    assertThat(input.getSum()).isEqualTo(3.0);
    assertThat(input.getAttributes().get(VAULTGEMMA_CACHE_LEVEL)).isEqualTo("miss");
    assertThat(input.getBoundaries())
        .containsExactlyElementsOf(
            GenAiAttributes.TOKEN_BUCKETS.stream().map(Long::doubleValue).toList());
    HistogramPointData output = point(usage, "gen_ai.token.type", "output");
    assertThat(output.getSum()).isEqualTo(1.0);
    assertThat(output.getAttributes().get(GEN_AI_TOKEN_TYPE)).isEqualTo("output");
  }

  @Test
  void aFailedCallIsADurationWithItsErrorTypeAndNoTokens() {
    server.enqueue(Payloads.error(400));
    try (InferenceClient client =
        client(server)
            .addListenerFactory(InferenceTracing.create(otel.sdk).listenerFactory())
            .build()) {
      assertThatThrownBy(() -> client.chat(request("q")))
          .isInstanceOf(InferenceHttpException.class);
    }
    HistogramPointData failed =
        point(
            otel.metric(GenAiAttributes.METRIC_OPERATION_DURATION)
                .orElseThrow()
                .getHistogramData()
                .getPoints(),
            "error.type",
            "400");
    assertThat(failed.getCount()).isEqualTo(1);
    assertThat(otel.metric(GenAiAttributes.METRIC_TOKEN_USAGE)).isEmpty();
  }

  @Test
  void metricsOffRecordsNoneButStillTraces() {
    server.enqueue(chatOk("hello"));
    InferenceTracing tracing = InferenceTracing.builder(otel.sdk).metrics(false).build();
    try (InferenceClient client =
        client(server).addListenerFactory(tracing.listenerFactory()).build()) {
      client.chat(request("q"));
    }
    assertThat(otel.metrics.collectAllMetrics()).isEmpty();
    assertThat(otel.named("chat m")).hasSize(1);
  }
}
