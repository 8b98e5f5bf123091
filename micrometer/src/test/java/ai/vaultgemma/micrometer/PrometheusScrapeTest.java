package ai.vaultgemma.micrometer;

import static ai.vaultgemma.micrometer.Payloads.chatOk;
import static ai.vaultgemma.micrometer.Payloads.client;
import static ai.vaultgemma.micrometer.Payloads.error;
import static ai.vaultgemma.micrometer.Payloads.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.core.InferenceHttpException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real calls (a hit, a miss, a retry, an error and a stream) against MockWebServer, then the text a
 * Prometheus server would scrape, parsed and checked sample by sample.
 */
class PrometheusScrapeTest {

  @StartStop final MockWebServer server = new MockWebServer();

  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  List<Sample> samples;
  String scrape;

  /** One line of the text format: a name, its labels and a value. */
  record Sample(String name, Map<String, String> labels, double value) {
    boolean has(String... keyValues) {
      for (int i = 0; i < keyValues.length; i += 2) {
        if (!keyValues[i + 1].equals(labels.get(keyValues[i]))) {
          return false;
        }
      }
      return true;
    }
  }

  @BeforeEach
  void callThenScrape() throws Exception {
    InferenceMetrics metrics =
        InferenceMetrics.builder(registry).snapshotMaxAge(java.time.Duration.ZERO).build();
    server.enqueue(chatOk("m")); // q1: miss
    server.enqueue(error(503)); // q2: retried...
    server.enqueue(chatOk("m")); // ...then answered
    server.enqueue(error(400)); // q3: fails
    server.enqueue(Payloads.sse("m")); // q4: stream
    try (InferenceClient client =
        client(server, metrics).httpPool(Payloads.fastRetries()).build()) {
      metrics.bind(client);
      client.chat(request("m", "q1"));
      client.chat(request("m", "q1")); // L1 hit
      client.chat(request("m", "q2"));
      assertThatThrownBy(() -> client.chat(request("m", "q3")))
          .isInstanceOf(InferenceHttpException.class);
      client.chatStream(request("m", "q4"), chunk -> {}).completion().get(10, TimeUnit.SECONDS);
      scrape = registry.scrape();
    }
    samples = parse(scrape);
  }

  private double value(String name, String... labels) {
    List<Sample> found =
        samples.stream().filter(s -> s.name().equals(name) && s.has(labels)).toList();
    assertThat(found).as("%s %s in%n%s", name, List.of(labels), scrape).hasSize(1);
    return found.get(0).value();
  }

  private double sum(String name, String... labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.has(labels))
        .mapToDouble(Sample::value)
        .sum();
  }

  @Test
  void callDurationsAreAHistogramByLevelAndOutcome() {
    String count = "gen_ai_client_operation_duration_seconds_count";
    String[] chat = {"gen_ai_operation_name", "chat", "gen_ai_request_model", "m"};
    assertThat(value(count, concat(chat, "vaultgemma_cache_level", "miss", "outcome", "success")))
        .isEqualTo(3); // q1, q2 and the stream
    assertThat(value(count, concat(chat, "vaultgemma_cache_level", "l1", "outcome", "success")))
        .isEqualTo(1);
    assertThat(
            value(
                count,
                "outcome",
                "error",
                "error_type",
                "InferenceHttpException",
                "gen_ai_response_model",
                "m"))
        .isEqualTo(1);
    assertThat(scrape).contains("# TYPE gen_ai_client_operation_duration_seconds histogram");
    List<Sample> buckets =
        samples.stream()
            .filter(s -> s.name().equals("gen_ai_client_operation_duration_seconds_bucket"))
            .filter(s -> s.has("vaultgemma_cache_level", "miss", "outcome", "success"))
            .toList();
    assertThat(buckets).hasSize(19); // 18 bounds and +Inf
    assertThat(buckets.get(buckets.size() - 1).labels()).containsEntry("le", "+Inf");
    assertThat(buckets.get(buckets.size() - 1).value()).isEqualTo(3);
  }

  @Test
  void tokensAreCountedForTheServersAnswersAndSavedForTheCachedOne() {
    // q1 and q2 reported usage (3 in, 1 out); the stream reported none.
    assertThat(value("gen_ai_client_token_usage_tokens_sum", "gen_ai_token_type", "input"))
        .isEqualTo(6);
    assertThat(value("gen_ai_client_token_usage_tokens_count", "gen_ai_token_type", "output"))
        .isEqualTo(2);
    assertThat(scrape).contains("# TYPE gen_ai_client_token_usage_tokens histogram");
    assertThat(
            value(
                "vaultgemma_client_saved_tokens_total",
                "gen_ai_token_type",
                "input",
                "vaultgemma_cache_level",
                "l1"))
        .isEqualTo(3);
  }

  @Test
  void attemptsAndRetriesAreCountedByStatusAndReason() {
    String attempts = "vaultgemma_http_attempts_seconds_count";
    assertThat(value(attempts, "http_response_status_code", "200", "outcome", "success"))
        .isEqualTo(3);
    assertThat(value(attempts, "http_response_status_code", "503", "outcome", "server_error"))
        .isEqualTo(1);
    assertThat(value(attempts, "http_response_status_code", "400", "outcome", "client_error"))
        .isEqualTo(1);
    assertThat(value("vaultgemma_http_retries_total", "reason", "503")).isEqualTo(1);
    assertThat(sum("vaultgemma_http_retries_total")).isEqualTo(1);
  }

  @Test
  void theStreamsTimeToFirstChunkIsThere() {
    assertThat(
            value(
                "gen_ai_client_operation_time_to_first_chunk_seconds_count",
                "vaultgemma_cache_level",
                "miss"))
        .isEqualTo(1);
  }

  @Test
  void cachesAndPoolsAreBound() {
    assertThat(value("cache_gets_total", "cache", "inference", "result", "hit"))
        .isGreaterThanOrEqualTo(1);
    assertThat(value("cache_gets_total", "cache", "inference", "result", "miss"))
        .isGreaterThanOrEqualTo(4);
    assertThat(value("cache_size", "cache", "inference")).isEqualTo(3); // q1, q2 and the stream
    assertThat(value("vaultgemma_cache_size_bytes", "cache", "inference")).isPositive();
    assertThat(value("cache_size", "cache", "embeddings")).isZero();
    assertThat(value("cache_evictions_total", "cache", "inference")).isZero();
    assertThat(value("vaultgemma_http_pool_connections", "state", "idle"))
        .isGreaterThanOrEqualTo(1);
    assertThat(value("vaultgemma_http_pool_connections", "state", "in_use")).isZero();
    assertThat(value("vaultgemma_http_pool_calls", "state", "queued")).isZero();
    assertThat(value("vaultgemma_client_calls_active")).isZero();
  }

  @Test
  void aMeterWithSeveralSeriesHasOneHelpLineThatNamesThemAll() {
    // Prometheus keeps one HELP line per name: a description per series would show only one of
    // them, describing the others wrongly.
    assertThat(help("cache_gets_total")).contains("hit", "miss");
    assertThat(help("vaultgemma_http_pool_connections")).contains("in_use", "idle");
    assertThat(help("vaultgemma_http_pool_calls")).contains("queued", "running");
  }

  private String help(String name) {
    List<String> lines =
        scrape.lines().filter(l -> l.startsWith("# HELP " + name + " ")).distinct().toList();
    assertThat(lines).as("HELP of %s in%n%s", name, scrape).hasSize(1);
    return lines.get(0);
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = new String[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  /** Parses the Prometheus text format: {@code name{k="v",...} value}, comments skipped. */
  static List<Sample> parse(String text) {
    List<Sample> out = new ArrayList<>();
    for (String line : text.lines().collect(Collectors.toList())) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String head = line.substring(0, space);
      double value = Double.parseDouble(line.substring(space + 1));
      int brace = head.indexOf('{');
      String name = brace < 0 ? head : head.substring(0, brace);
      Map<String, String> labels = new LinkedHashMap<>();
      if (brace >= 0) {
        String body = head.substring(brace + 1, head.lastIndexOf('}'));
        int i = 0;
        while (i < body.length()) {
          int eq = body.indexOf('=', i);
          String key = body.substring(i, eq);
          StringBuilder v = new StringBuilder();
          int j = eq + 2; // past ="
          while (body.charAt(j) != '"') {
            if (body.charAt(j) == '\\') {
              j++;
            }
            v.append(body.charAt(j++));
          }
          labels.put(key, v.toString());
          i = j + 2; // past ",
        }
      }
      out.add(new Sample(name, labels, value));
    }
    return out;
  }
}
