package ai.vaultgemma.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.vaultgemma.core.HealthSnapshot;
import ai.vaultgemma.core.InferenceClient;
import java.time.Duration;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The client's health as Actuator sees it: status mapping and the seed's sections as details. */
class InferenceClientHealthIndicatorTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  VaultGemmaAutoConfiguration.class, VaultGemmaHealthAutoConfiguration.class));

  @Test
  void ok_isUp_withThePoolSectionsAsDetails() {
    runner.run(
        context -> {
          Health health =
              context.getBean("vaultgemmaHealthIndicator", HealthIndicator.class).health();
          assertThat(health.getStatus()).isEqualTo(Status.UP);
          assertThat(health.getDetails())
              .containsEntry("status", "ok")
              .containsKeys(
                  "version",
                  "reasons",
                  "db_pool",
                  "http_pool",
                  "inference_cache",
                  "embedding_cache",
                  "client")
              .doesNotContainKey("shared_tier");
          assertThat(health.getDetails().get("inference_cache").toString()).contains("hit_rate");
        });
  }

  @Test
  void closedClient_isDown() {
    runner.run(
        context -> {
          context.getBean(InferenceClient.class).close();
          Health health =
              context.getBean("vaultgemmaHealthIndicator", HealthIndicator.class).health();
          assertThat(health.getStatus()).isEqualTo(Status.DOWN);
          assertThat(health.getDetails()).containsEntry("status", "down");
          assertThat(health.getDetails().get("reasons").toString()).contains("client is closed");
        });
  }

  @Test
  void degraded_isUpByDefault_withTheReason() {
    degradedRunner()
        .run(
            context -> {
              awaitDegraded(context.getBean(InferenceClient.class));
              Health health =
                  context.getBean("vaultgemmaHealthIndicator", HealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(Status.UP);
              assertThat(health.getDetails()).containsEntry("status", "degraded");
              assertThat(health.getDetails()).containsKey("shared_tier");
              assertThat(health.getDetails().get("reasons").toString()).contains("shared tier");
            });
  }

  @Test
  void degraded_mapsToTheConfiguredStatus() {
    degradedRunner()
        .withPropertyValues("vaultgemma.health.degraded-status=DEGRADED")
        .run(
            context -> {
              awaitDegraded(context.getBean(InferenceClient.class));
              Health health =
                  context.getBean("vaultgemmaHealthIndicator", HealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(new Status("DEGRADED"));
            });
    degradedRunner()
        .withPropertyValues("vaultgemma.health.degraded-status=DOWN")
        .run(
            context -> {
              awaitDegraded(context.getBean(InferenceClient.class));
              assertThat(
                      context
                          .getBean("vaultgemmaHealthIndicator", HealthIndicator.class)
                          .health()
                          .getStatus())
                  .isEqualTo(Status.DOWN);
            });
  }

  /** A shared tier on a database nobody listens for: the tier starts, degraded. */
  private ApplicationContextRunner degradedRunner() {
    return runner
        .withUserConfiguration(UnreachableDatabase.class)
        .withPropertyValues(
            "vaultgemma.tier.use-application-data-source=true",
            "vaultgemma.tier.jdbc-url=" + UnreachableDatabase.URL,
            "vaultgemma.tier.read-timeout=100ms");
  }

  private static void awaitDegraded(InferenceClient client) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> client.health().status() == HealthSnapshot.Status.DEGRADED);
  }

  @Configuration(proxyBeanMethods = false)
  static class UnreachableDatabase {
    static final String URL = "jdbc:h2:tcp://127.0.0.1:1/nothing";

    @Bean
    DataSource dataSource() {
      JdbcDataSource h2 = new JdbcDataSource();
      h2.setURL(URL);
      return h2;
    }
  }
}
