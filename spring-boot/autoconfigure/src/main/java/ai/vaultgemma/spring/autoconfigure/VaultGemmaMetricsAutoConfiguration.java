package ai.vaultgemma.spring.autoconfigure;

import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.micrometer.InferenceMetrics;
import ai.vaultgemma.micrometer.MeterNames;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Records the client's calls, tokens, HTTP attempts, caches and pools in the application's
 * Micrometer {@link MeterRegistry}, through {@code vaultgemma-micrometer}'s {@link
 * InferenceMetrics}.
 *
 * <p>Configured when {@code vaultgemma-micrometer} is on the class path and there is one {@code
 * MeterRegistry} bean to inject (Actuator's composite registry, or the application's own), and
 * neither {@code vaultgemma.enabled} nor {@code vaultgemma.metrics.enabled} is {@code false}. It
 * runs after Spring Boot's metrics auto-configuration, so Boot's registries count. It adds:
 *
 * <ul>
 *   <li>an {@link InferenceMetrics} bean, unless the application has its own, with {@code
 *       vaultgemma.metrics.model-tag-limit};
 *   <li>{@code vaultgemmaMetricsCustomizer}, an {@link InferenceClientBuilderCustomizer} that adds
 *       {@link InferenceMetrics#listener()} to the auto-configured client (an application that
 *       builds its own client adds that listener itself);
 *   <li>{@code vaultgemmaMetricsBinder}, which binds the client's caches and pools ({@link
 *       InferenceMetrics#bind}) once every singleton exists: the one {@code InferenceClient} bean,
 *       ours or the application's, unless the {@code InferenceMetrics} was bound already;
 *   <li>{@code vaultgemmaCacheManagerTagFilter}, a {@link MeterFilter} that gives our {@code
 *       cache.gets}, {@code cache.evictions} and {@code cache.size} meters the tag {@code
 *       cache.manager=vaultgemma}. Spring's cache metrics register those names with the keys {@code
 *       cache} and {@code cache.manager}; Prometheus wants one key set per name, so without the tag
 *       one of the two would be dropped. Spring Boot applies {@code MeterFilter} beans to the
 *       registries it configures.
 * </ul>
 *
 * <p>Each bean backs off when the application defines one of the same name (or, for {@code
 * InferenceMetrics}, of the same type).
 */
@AutoConfiguration(
    after = VaultGemmaAutoConfiguration.class,
    afterName = {
      "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"
    })
@ConditionalOnClass({InferenceClient.class, InferenceMetrics.class, MeterRegistry.class})
@ConditionalOnBooleanProperty(
    name = {
      VaultGemmaProperties.PREFIX + ".enabled",
      VaultGemmaProperties.PREFIX + ".metrics.enabled"
    },
    matchIfMissing = true)
@ConditionalOnSingleCandidate(MeterRegistry.class)
@EnableConfigurationProperties(VaultGemmaProperties.class)
public final class VaultGemmaMetricsAutoConfiguration {

  /** The {@code cache.manager} tag value our cache meters get: {@value}. */
  public static final String CACHE_MANAGER_TAG_VALUE = "vaultgemma";

  /** Creates the configuration; Spring calls it. */
  public VaultGemmaMetricsAutoConfiguration() {}

  /**
   * The meters, in the application's registry.
   *
   * @param registry the application's registry
   * @param properties where {@code vaultgemma.metrics.model-tag-limit} comes from
   * @return the metrics, not yet bound to a client
   * @throws VaultGemmaPropertyException if {@code vaultgemma.metrics.model-tag-limit} is less than
   *     1
   */
  @Bean
  @ConditionalOnMissingBean
  public InferenceMetrics inferenceMetrics(
      MeterRegistry registry, VaultGemmaProperties properties) {
    InferenceMetrics.Builder builder = InferenceMetrics.builder(registry);
    Integer limit = properties.metrics().modelTagLimit();
    if (limit != null) {
      try {
        builder.modelTagLimit(limit);
      } catch (IllegalArgumentException e) {
        throw VaultGemmaPropertyException.of(
            VaultGemmaProperties.PREFIX + ".metrics.model-tag-limit", e);
      }
    }
    return builder.build();
  }

  /**
   * Adds the metrics' listener to the auto-configured client.
   *
   * @param metrics the metrics
   * @return the customizer
   */
  @Bean
  @ConditionalOnMissingBean(name = "vaultgemmaMetricsCustomizer")
  public InferenceClientBuilderCustomizer vaultgemmaMetricsCustomizer(InferenceMetrics metrics) {
    return builder -> builder.addListener(metrics.listener());
  }

  /**
   * Binds the client's caches and pools once every singleton exists. It does nothing when there is
   * no single {@code InferenceClient} bean, when that client is already closed, or when the {@code
   * InferenceMetrics} was bound already (by the application, say).
   *
   * @param metrics the metrics
   * @param client the application's client
   * @return the binder
   */
  @Bean
  @ConditionalOnMissingBean(name = "vaultgemmaMetricsBinder")
  public SmartInitializingSingleton vaultgemmaMetricsBinder(
      ObjectProvider<InferenceMetrics> metrics, ObjectProvider<InferenceClient> client) {
    return () -> bindOnce(metrics.getIfUnique(), client.getIfUnique());
  }

  /**
   * Adds {@code cache.manager=vaultgemma} to our cache meters, so they sit beside Spring's cache
   * metrics in one Prometheus registry.
   *
   * @return the filter
   */
  @Bean
  @ConditionalOnMissingBean(name = "vaultgemmaCacheManagerTagFilter")
  public MeterFilter vaultgemmaCacheManagerTagFilter() {
    return new CacheManagerTagFilter();
  }

  private static void bindOnce(
      @Nullable InferenceMetrics metrics, @Nullable InferenceClient client) {
    // An InferenceMetrics has meters after bind, always: each cache gets some.
    if (metrics == null
        || client == null
        || client.isClosed()
        || !metrics.boundMeters().isEmpty()) {
      return;
    }
    metrics.bind(client);
  }

  /**
   * Adds {@code cache.manager} to the three cache meters {@code vaultgemma-micrometer} registers
   * under Micrometer's cache names, recognised by their {@code cache} tag. Stateless.
   */
  static final class CacheManagerTagFilter implements MeterFilter {
    private static final Set<String> NAMES =
        Set.of(MeterNames.CACHE_GETS, MeterNames.CACHE_EVICTIONS, MeterNames.CACHE_SIZE);
    private static final Set<String> OUR_CACHES = Set.of("inference", "embeddings");
    private static final String CACHE_MANAGER = "cache.manager";

    @Override
    public Meter.Id map(Meter.Id id) {
      if (!NAMES.contains(id.getName()) || id.getTag(CACHE_MANAGER) != null) {
        return id;
      }
      String cache = id.getTag(MeterNames.TAG_CACHE);
      if (cache == null || !OUR_CACHES.contains(cache)) {
        return id;
      }
      return id.withTag(Tag.of(CACHE_MANAGER, CACHE_MANAGER_TAG_VALUE));
    }
  }
}
