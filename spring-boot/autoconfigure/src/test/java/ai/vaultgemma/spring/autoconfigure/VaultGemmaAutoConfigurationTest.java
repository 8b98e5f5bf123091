package ai.vaultgemma.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import ai.vaultgemma.core.CallOutcome;
import ai.vaultgemma.core.InferenceCall;
import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.core.InferenceListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/** The beans and their conditions, and the properties that reach the client. */
class VaultGemmaAutoConfigurationTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  VaultGemmaAutoConfiguration.class, VaultGemmaHealthAutoConfiguration.class));

  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void startServer() throws Exception {
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private String baseUrl() {
    return server.url("/v1").toString();
  }

  @Test
  void withoutProperties_clientOnTheDefaultUrl_lifecycleAndHealthIndicator() {
    runner.run(
        context -> {
          assertThat(context).hasSingleBean(InferenceClient.class);
          assertThat(context).hasSingleBean(InferenceClientLifecycle.class);
          assertThat(context).hasSingleBean(VaultGemmaProperties.class);
          assertThat(context).hasBean("vaultgemmaHealthIndicator");
          InferenceClient client = context.getBean(InferenceClient.class);
          assertThat(client.baseUrl()).isEqualTo(InferenceClient.DEFAULT_BASE_URL);
          assertThat(client.scope()).isEqualTo(InferenceClient.DEFAULT_SCOPE);
          assertThat(client.dbPool()).isEmpty();
          assertThat(client.sharedTier()).isEmpty();
        });
  }

  @Test
  void enabledFalse_startsNothing() {
    runner
        .withPropertyValues("vaultgemma.enabled=false", "vaultgemma.base-url=" + baseUrl())
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(InferenceClient.class);
              assertThat(context).doesNotHaveBean(InferenceClientLifecycle.class);
              assertThat(context).doesNotHaveBean(HealthIndicator.class);
              assertThat(context).doesNotHaveBean(VaultGemmaProperties.class);
            });
  }

  @Test
  void properties_reachTheClient_andACallUsesThem() throws Exception {
    runner
        .withPropertyValues(
            "vaultgemma.base-url=" + baseUrl(),
            "vaultgemma.api-key=sk-test-123",
            "vaultgemma.cache-scope=tenant-a",
            "vaultgemma.cache.inference.capacity=42",
            "vaultgemma.cache.inference.ttl=2h",
            "vaultgemma.cache.embeddings.capacity=7",
            "vaultgemma.cache.embeddings.ttl=3d",
            "vaultgemma.http.connect-timeout=3s",
            "vaultgemma.http.call-timeout=12s",
            "vaultgemma.http.max-idle-connections=9",
            "vaultgemma.http.retry.max-retries=1",
            "vaultgemma.http.retry.initial-backoff=10ms")
        .run(
            context -> {
              InferenceClient client = context.getBean(InferenceClient.class);
              assertThat(client.baseUrl()).isEqualTo(baseUrl());
              assertThat(client.scope()).isEqualTo("tenant-a");
              assertThat(client.inferenceCache().config().maximumEntries()).hasValue(42);
              assertThat(client.inferenceCache().config().defaultTtl())
                  .isEqualTo(Duration.ofHours(2));
              assertThat(client.embeddingCache().config().maximumEntries()).hasValue(7);
              assertThat(client.embeddingCache().config().defaultTtl())
                  .isEqualTo(Duration.ofDays(3));
              assertThat(client.httpPool().config().connectTimeout())
                  .isEqualTo(Duration.ofSeconds(3));
              assertThat(client.httpPool().config().callTimeout())
                  .isEqualTo(Duration.ofSeconds(12));
              assertThat(client.httpPool().config().maxIdleConnections()).isEqualTo(9);
              assertThat(client.httpPool().config().retryPolicy().maxRetries()).isEqualTo(1);
              assertThat(client.httpPool().config().retryPolicy().backoffDelay(1))
                  .isLessThanOrEqualTo(Duration.ofMillis(10));
              assertThat(client.toString()).doesNotContain("sk-test-123");

              server.enqueue(Payloads.completion("hello"));
              assertThat(client.chat(Payloads.request("hi")).text()).isEqualTo("hello");
              // the same request again is answered by the cache the properties sized
              assertThat(client.chat(Payloads.request("hi")).text()).isEqualTo("hello");
              RecordedRequest sent = server.takeRequest();
              assertThat(sent.getTarget()).isEqualTo("/v1/chat/completions");
              assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer sk-test-123");
              assertThat(server.getRequestCount()).isEqualTo(1);
            });
  }

  @Test
  void usersOwnClient_replacesOurs_andIsStillClosedOnShutdown() {
    InferenceClient[] seen = new InferenceClient[1];
    runner
        .withUserConfiguration(OwnClient.class)
        .withPropertyValues("vaultgemma.base-url=http://ignored.invalid/v1")
        .run(
            context -> {
              assertThat(context).hasSingleBean(InferenceClient.class);
              seen[0] = context.getBean(InferenceClient.class);
              assertThat(seen[0].baseUrl()).isEqualTo("http://own.invalid/v1");
              assertThat(context).hasSingleBean(InferenceClientLifecycle.class);
              assertThat(context).hasBean("vaultgemmaHealthIndicator");
            });
    assertThat(seen[0].isClosed()).isTrue();
  }

  @Test
  void usersOwnLifecycleAndHealthIndicator_replaceOurs() {
    runner
        .withUserConfiguration(OwnLifecycleAndHealth.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(InferenceClientLifecycle.class);
              assertThat(context).hasBean("myLifecycle");
              assertThat(context.getBean("vaultgemmaHealthIndicator"))
                  .isSameAs(context.getBean(OwnLifecycleAndHealth.class).indicator);
            });
  }

  @Test
  void healthIndicator_canBeTurnedOff() {
    runner
        .withPropertyValues("management.health.vaultgemma.enabled=false")
        .run(
            context -> {
              assertThat(context).hasSingleBean(InferenceClient.class);
              assertThat(context).doesNotHaveBean("vaultgemmaHealthIndicator");
            });
  }

  @Test
  void listenerBeans_andCustomizers_areApplied_inOrder() throws Exception {
    runner
        .withUserConfiguration(ListenersAndCustomizers.class)
        .withPropertyValues("vaultgemma.base-url=" + baseUrl(), "vaultgemma.cache-scope=from-props")
        .run(
            context -> {
              InferenceClient client = context.getBean(InferenceClient.class);
              // the later customizer wins over the earlier one and over the property
              assertThat(client.scope()).isEqualTo("second");
              server.enqueue(Payloads.completion("hi"));
              client.chat(Payloads.request("hello"));
              ListenersAndCustomizers config = context.getBean(ListenersAndCustomizers.class);
              assertThat(config.events)
                  .containsExactly("listener:callStart:second", "listener:callEnd:MISS:true");
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnClient {
    @Bean
    InferenceClient myClient() {
      return InferenceClient.builder().baseUrl("http://own.invalid/v1").build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnLifecycleAndHealth {
    @org.jspecify.annotations.Nullable InferenceClientHealthIndicator indicator;

    @Bean
    InferenceClientLifecycle myLifecycle(InferenceClient client) {
      return new InferenceClientLifecycle(client);
    }

    @Bean
    InferenceClientHealthIndicator vaultgemmaHealthIndicator(InferenceClient client) {
      indicator =
          new InferenceClientHealthIndicator(
              client, org.springframework.boot.health.contributor.Status.OUT_OF_SERVICE);
      return indicator;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class ListenersAndCustomizers {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Bean
    InferenceListener recordingListener() {
      return new InferenceListener() {
        @Override
        public void callStart(InferenceCall call) {
          events.add("listener:callStart:" + call.scope());
        }

        @Override
        public void callEnd(InferenceCall call, CallOutcome outcome) {
          events.add("listener:callEnd:" + outcome.level() + ":" + outcome.succeeded());
        }
      };
    }

    @Bean
    @Order(2)
    InferenceClientBuilderCustomizer second() {
      return b -> b.cacheScope("second");
    }

    @Bean
    @Order(1)
    InferenceClientBuilderCustomizer first() {
      return b -> b.cacheScope("first");
    }
  }
}
