package ai.vaultgemma.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.micrometer.InferenceMetrics;
import ai.vaultgemma.micrometer.MeterNames;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The metrics auto-configuration with Spring Boot's own metrics auto-configuration and real
 * registries: each condition and property, and meters after real calls against MockWebServer.
 */
class VaultGemmaMetricsAutoConfigurationTest {

  private static final AutoConfigurations BOOT_METRICS =
      AutoConfigurations.of(
          MetricsAutoConfiguration.class,
          CompositeMeterRegistryAutoConfiguration.class,
          SimpleMetricsExportAutoConfiguration.class);

  private static final AutoConfigurations VAULTGEMMA =
      AutoConfigurations.of(
          VaultGemmaAutoConfiguration.class, VaultGemmaMetricsAutoConfiguration.class);

  private final MockWebServer server = new MockWebServer();

  private ApplicationContextRunner runner;

  @BeforeEach
  void startServer() throws Exception {
    server.start();
    runner =
        new ApplicationContextRunner()
            .withConfiguration(BOOT_METRICS)
            .withConfiguration(VAULTGEMMA)
            .withPropertyValues("vaultgemma.base-url=" + server.url("/v1"));
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private static ChatRequest chat(String model, String prompt) {
    return ChatRequest.builder().model(model).message(ChatMessage.user(prompt)).build();
  }

  private static double callCount(MeterRegistry registry, String cacheLevel) {
    Timer timer =
        registry
            .find(MeterNames.OPERATION_DURATION)
            .tag(MeterNames.TAG_REQUEST_MODEL, "m")
            .tag(MeterNames.TAG_CACHE_LEVEL, cacheLevel)
            .timer();
    return timer == null ? 0 : timer.count();
  }

  @Test
  void withARegistry_callsAreTimed_andTheClientsPartsAreBound() {
    runner.run(
        context -> {
          assertThat(context).hasSingleBean(InferenceMetrics.class);
          assertThat(context).hasBean("vaultgemmaMetricsCustomizer");
          assertThat(context).hasBean("vaultgemmaMetricsBinder");
          InferenceClient client = context.getBean(InferenceClient.class);
          MeterRegistry registry = context.getBean(MeterRegistry.class);
          InferenceMetrics metrics = context.getBean(InferenceMetrics.class);
          assertThat(metrics.registry()).isSameAs(registry);
          assertThat(metrics.modelTagLimit()).isEqualTo(InferenceMetrics.DEFAULT_MODEL_TAG_LIMIT);

          server.enqueue(Payloads.completion("hello"));
          assertThat(client.chat(Payloads.request("hi")).text()).isEqualTo("hello");
          assertThat(client.chat(Payloads.request("hi")).text()).isEqualTo("hello");

          assertThat(callCount(registry, "miss")).isEqualTo(1);
          assertThat(callCount(registry, "l1")).isEqualTo(1);
          assertThat(
                  registry
                      .get(MeterNames.TOKEN_USAGE)
                      .tag(MeterNames.TAG_TOKEN_TYPE, "input")
                      .summary()
                      .totalAmount())
              .isEqualTo(3);
          // bound once the singletons existed: the caches and the HTTP pool
          assertThat(metrics.boundMeters()).isNotEmpty();
          assertThat(
                  registry
                      .get(MeterNames.CACHE_GETS)
                      .tags("cache", "inference", "result", "hit")
                      .functionCounter()
                      .count())
              .isPositive();
          assertThat(registry.find(MeterNames.HTTP_POOL_CONNECTIONS).gauges()).isNotEmpty();
        });
  }

  @Test
  void cacheMeters_carryCacheManager_fromBootsMeterFilter() {
    runner.run(
        context -> {
          MeterRegistry registry = context.getBean(MeterRegistry.class);
          assertThat(registry.find(MeterNames.CACHE_GETS).tag("cache", "inference").meters())
              .isNotEmpty()
              .allSatisfy(
                  m ->
                      assertThat(m.getId().getTag("cache.manager"))
                          .isEqualTo(VaultGemmaMetricsAutoConfiguration.CACHE_MANAGER_TAG_VALUE));
          assertThat(registry.find(MeterNames.CACHE_SIZE).tag("cache", "embeddings").gauge())
              .isNotNull()
              .satisfies(
                  g -> assertThat(g.getId().getTag("cache.manager")).isEqualTo("vaultgemma"));
          // meters of other names keep their tags as they were
          assertThat(registry.get(MeterNames.CACHE_SIZE_BYTES).gauges())
              .allSatisfy(g -> assertThat(g.getId().getTag("cache.manager")).isNull());
        });
  }

  @Test
  void metricsEnabledFalse_noBeans_andNoMeters() {
    runner
        .withPropertyValues("vaultgemma.metrics.enabled=false")
        .run(
            context -> {
              assertThat(context).hasSingleBean(InferenceClient.class);
              assertThat(context).doesNotHaveBean(InferenceMetrics.class);
              assertThat(context).doesNotHaveBean("vaultgemmaMetricsCustomizer");
              assertThat(context).doesNotHaveBean("vaultgemmaCacheManagerTagFilter");
              server.enqueue(Payloads.completion("hello"));
              context.getBean(InferenceClient.class).chat(Payloads.request("hi"));
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              assertThat(registry.find(MeterNames.OPERATION_DURATION).meters()).isEmpty();
              assertThat(registry.find(MeterNames.CACHE_GETS).meters()).isEmpty();
            });
  }

  @Test
  void vaultgemmaEnabledFalse_noMetricsEither() {
    runner
        .withPropertyValues("vaultgemma.enabled=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(InferenceClient.class);
              assertThat(context).doesNotHaveBean(InferenceMetrics.class);
            });
  }

  @Test
  void withoutAMeterRegistry_noMetrics_andTheClientStillWorks() {
    new ApplicationContextRunner()
        .withConfiguration(VAULTGEMMA)
        .withPropertyValues("vaultgemma.base-url=" + server.url("/v1"))
        .run(
            context -> {
              assertThat(context).hasSingleBean(InferenceClient.class);
              assertThat(context).doesNotHaveBean(MeterRegistry.class);
              assertThat(context).doesNotHaveBean(InferenceMetrics.class);
              server.enqueue(Payloads.completion("hello"));
              assertThat(context.getBean(InferenceClient.class).chat(Payloads.request("hi")).text())
                  .isEqualTo("hello");
            });
  }

  @Test
  void withoutTheMicrometerModule_noMetrics() {
    runner
        .withClassLoader(new FilteredClassLoader(InferenceMetrics.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(InferenceClient.class);
              assertThat(context).hasSingleBean(MeterRegistry.class);
              assertThat(context).doesNotHaveBean("vaultgemmaMetricsCustomizer");
            });
  }

  @Test
  void modelTagLimit_property_bindsAndLimitsModelNames() {
    runner
        .withPropertyValues("vaultgemma.metrics.model-tag-limit=1")
        .run(
            context -> {
              assertThat(context.getBean(InferenceMetrics.class).modelTagLimit()).isEqualTo(1);
              InferenceClient client = context.getBean(InferenceClient.class);
              server.enqueue(Payloads.completion("one"));
              server.enqueue(Payloads.completion("two"));
              client.chat(chat("m", "first"));
              client.chat(chat("second-model", "second"));
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              assertThat(
                      registry
                          .find(MeterNames.OPERATION_DURATION)
                          .tag(MeterNames.TAG_REQUEST_MODEL, "second-model")
                          .meters())
                  .isEmpty();
              assertThat(
                      registry
                          .get(MeterNames.OPERATION_DURATION)
                          .tag(MeterNames.TAG_REQUEST_MODEL, InferenceMetrics.OTHER)
                          .timer()
                          .count())
                  .isEqualTo(1);
            });
  }

  @Test
  void badModelTagLimit_failsStartup_namingTheProperty() {
    runner
        .withPropertyValues("vaultgemma.metrics.model-tag-limit=0")
        .run(
            context -> {
              assertThat(context).hasFailed();
              VaultGemmaPropertyException e =
                  Failures.propertyException(context.getStartupFailure());
              assertThat(e).hasMessage("vaultgemma.metrics.model-tag-limit must be >= 1 but was 0");
              assertThat(e.property()).isEqualTo("vaultgemma.metrics.model-tag-limit");
            });
  }

  @Test
  void applicationsOwnInferenceMetrics_isUsed_andBound() {
    runner
        .withUserConfiguration(OwnMetrics.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(InferenceMetrics.class);
              InferenceMetrics metrics = context.getBean(InferenceMetrics.class);
              assertThat(metrics.tags()).isEqualTo(Tags.of("app", "checkout"));
              assertThat(metrics.boundMeters()).isNotEmpty();
              server.enqueue(Payloads.completion("hello"));
              context.getBean(InferenceClient.class).chat(Payloads.request("hi"));
              assertThat(
                      context
                          .getBean(MeterRegistry.class)
                          .get(MeterNames.OPERATION_DURATION)
                          .tag("app", "checkout")
                          .timer()
                          .count())
                  .isEqualTo(1);
            });
  }

  @Test
  void metricsTheApplicationBoundItself_areNotBoundAgain() {
    runner
        .withUserConfiguration(OwnBoundMetrics.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(InferenceMetrics.class).boundMeters()).isNotEmpty();
            });
  }

  @Test
  void applicationsOwnClient_isBound() {
    runner
        .withUserConfiguration(OwnClient.class)
        .run(
            context -> {
              InferenceClient client = context.getBean(InferenceClient.class);
              assertThat(client.baseUrl()).isEqualTo("http://own-client.invalid/v1");
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              assertThat(context.getBean(InferenceMetrics.class).boundMeters()).isNotEmpty();
              assertThat(registry.find(MeterNames.CACHE_SIZE).tag("cache", "inference").gauge())
                  .isNotNull();
            });
  }

  @Test
  void ownBinder_replacesOurs() {
    runner
        .withUserConfiguration(NoBinder.class)
        .run(
            context -> assertThat(context.getBean(InferenceMetrics.class).boundMeters()).isEmpty());
  }

  @Test
  void prometheus_keepsOurCacheMeters_besideSpringsCacheMetrics() {
    prometheusRunner()
        .run(
            context -> {
              String scrape =
                  scrapeAfterAHit(
                      context.getBean(PrometheusMeterRegistry.class),
                      context.getBean(InferenceClient.class));
              assertThat(scrape)
                  .contains("cache_gets_total{cache=\"books\",cache_manager=\"cacheManager\"")
                  .contains(
                      "cache_gets_total{cache=\"inference\",cache_manager=\"vaultgemma\","
                          + "result=\"hit\"}")
                  .contains("gen_ai_client_operation_duration_seconds_count{");
            });
  }

  @Test
  void prometheus_withoutTheFilter_dropsOneOfTheTwo() {
    // the reason for the filter: Prometheus takes one tag key set per name
    prometheusRunner()
        .withUserConfiguration(NoCacheManagerTag.class)
        .run(
            context -> {
              String scrape =
                  scrapeAfterAHit(
                      context.getBean(PrometheusMeterRegistry.class),
                      context.getBean(InferenceClient.class));
              boolean springs = scrape.contains("cache_gets_total{cache=\"books\"");
              boolean ours = scrape.contains("cache_gets_total{cache=\"inference\"");
              assertThat(springs && ours).as(scrape).isFalse();
              assertThat(springs || ours).isTrue();
            });
  }

  private ApplicationContextRunner prometheusRunner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                MetricsAutoConfiguration.class,
                CompositeMeterRegistryAutoConfiguration.class,
                PrometheusMetricsExportAutoConfiguration.class))
        .withConfiguration(VAULTGEMMA)
        .withUserConfiguration(SpringCacheMetrics.class)
        .withPropertyValues("vaultgemma.base-url=" + server.url("/v1"));
  }

  private String scrapeAfterAHit(PrometheusMeterRegistry registry, InferenceClient client) {
    server.enqueue(Payloads.completion("hello"));
    client.chat(Payloads.request("hi"));
    client.chat(Payloads.request("hi"));
    return registry.scrape();
  }

  /** What Spring Boot's cache metrics register for a Caffeine cache named "books". */
  @Configuration(proxyBeanMethods = false)
  static class SpringCacheMetrics {
    @Bean
    MeterBinder booksCacheMetrics() {
      Cache<String, String> books = Caffeine.newBuilder().recordStats().build();
      books.put("k", "v");
      assertThat(books.getIfPresent("k")).isEqualTo("v");
      return registry ->
          CaffeineCacheMetrics.monitor(registry, books, "books", "cache.manager", "cacheManager");
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class NoCacheManagerTag {
    @Bean
    MeterFilter vaultgemmaCacheManagerTagFilter() {
      return new MeterFilter() {}; // maps nothing
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnMetrics {
    @Bean
    InferenceMetrics ownMetrics(MeterRegistry registry) {
      return InferenceMetrics.builder(registry).tags(Tags.of("app", "checkout")).build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnBoundMetrics {
    @Bean(destroyMethod = "close")
    InferenceClient ownClient() {
      return InferenceClient.builder().baseUrl("http://own-client.invalid/v1").build();
    }

    @Bean
    InferenceMetrics ownMetrics(MeterRegistry registry, InferenceClient ownClient) {
      return InferenceMetrics.builder(registry).build().bind(ownClient);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnClient {
    @Bean(destroyMethod = "close")
    InferenceClient ownClient() {
      return InferenceClient.builder().baseUrl("http://own-client.invalid/v1").build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class NoBinder {
    @Bean
    SmartInitializingSingleton vaultgemmaMetricsBinder() {
      return () -> {};
    }
  }
}
