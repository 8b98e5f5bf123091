package ai.vaultgemma.micrometer;

import static ai.vaultgemma.micrometer.Payloads.chatOk;
import static ai.vaultgemma.micrometer.Payloads.client;
import static ai.vaultgemma.micrometer.Payloads.request;
import static org.assertj.core.api.Assertions.assertThat;

import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.core.tier.SharedTierConfig;
import ai.vaultgemma.pool.DbPoolConfig;
import ai.vaultgemma.testing.PostgresExtension;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Keeps {@code docs/grafana/vaultgemma-dashboard.json} honest: every series name its queries use is
 * one a Prometheus registry really shows once every kind of meter has been recorded.
 */
class DashboardTest {

  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  @StartStop final MockWebServer server = new MockWebServer();

  private static final Pattern SERIES =
      Pattern.compile("\\b((?:gen_ai|vaultgemma|cache)_[a-z_]+)\\{");

  @Test
  void everySeriesTheDashboardQueriesIsScraped() throws Exception {
    String dashboard =
        Files.readString(Path.of("..", "docs", "grafana", "vaultgemma-dashboard.json"));
    Set<String> used = new TreeSet<>();
    Matcher m = SERIES.matcher(dashboard);
    while (m.find()) {
      used.add(m.group(1));
    }
    assertThat(used).hasSizeGreaterThan(15);

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    InferenceMetrics metrics = InferenceMetrics.create(registry);
    server.enqueue(Payloads.error(503));
    server.enqueue(
        chatOk(
            "m",
            "{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":8},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":2}}"));
    server.enqueue(Payloads.error(400));
    server.enqueue(Payloads.sse("m"));
    try (InferenceClient client =
        client(server, metrics)
            .httpPool(Payloads.fastRetries())
            .dbPool(DbPoolConfig.fromDsn(postgres.jdbcUrl()))
            .sharedTier(SharedTierConfig.defaults())
            .build()) {
      metrics.bind(client);
      client.chat(request("m", "q"));
      client.chat(request("m", "q"));
      try {
        client.chat(request("m", "bad"));
      } catch (RuntimeException expected) {
        // the 400: an error sample
      }
      client.chatStream(request("m", "s"), chunk -> {}).completion().get(10, TimeUnit.SECONDS);
      String scrape = registry.scrape();
      Set<String> scraped = new TreeSet<>();
      scrape.lines().filter(l -> !l.startsWith("#")).forEach(l -> scraped.add(l.split("[{ ]")[0]));
      assertThat(scraped).containsAll(used);
    }
  }
}
