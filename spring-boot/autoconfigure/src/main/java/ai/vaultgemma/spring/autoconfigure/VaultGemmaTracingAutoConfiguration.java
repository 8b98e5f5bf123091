package ai.vaultgemma.spring.autoconfigure;

import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.opentelemetry.InferenceTracing;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;

/**
 * Traces the client's calls with the application's {@link OpenTelemetry}, through {@code
 * vaultgemma-opentelemetry}'s {@link InferenceTracing}: a span per call and per HTTP attempt with
 * the GenAI attributes, and the trace context sent to the server.
 *
 * <p>Configured when {@code vaultgemma-opentelemetry} is on the class path and there is one {@code
 * OpenTelemetry} bean to inject (Spring Boot's SDK, or the application's own), and neither {@code
 * vaultgemma.enabled} nor {@code vaultgemma.tracing.enabled} is {@code false}. It adds:
 *
 * <ul>
 *   <li>an {@link InferenceTracing} bean, unless the application has its own, with {@code
 *       vaultgemma.tracing.capture-content} and {@code vaultgemma.tracing.max-content-length}. Its
 *       GenAI metrics are off when {@link VaultGemmaMetricsAutoConfiguration} records them through
 *       Micrometer (an {@code InferenceMetrics} bean exists), so no histogram is recorded twice;
 *   <li>{@code vaultgemmaTracingCustomizer}, an {@link InferenceClientBuilderCustomizer} that adds
 *       {@link InferenceTracing#listenerFactory()} to the auto-configured client, and takes each
 *       call's trace from the current span ({@link InferenceTracing#traceParent()}) so its log
 *       events carry the span's trace id (an application that builds its own client adds both
 *       itself).
 * </ul>
 *
 * <p>Prompts and completions are recorded only with {@code
 * vaultgemma.tracing.capture-content=true}.
 */
@AutoConfiguration(
    after = {VaultGemmaAutoConfiguration.class, VaultGemmaMetricsAutoConfiguration.class},
    afterName =
        "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration")
@ConditionalOnClass({InferenceClient.class, InferenceTracing.class, OpenTelemetry.class})
@ConditionalOnBooleanProperty(
    name = {
      VaultGemmaProperties.PREFIX + ".enabled",
      VaultGemmaProperties.PREFIX + ".tracing.enabled"
    },
    matchIfMissing = true)
@ConditionalOnSingleCandidate(OpenTelemetry.class)
@EnableConfigurationProperties(VaultGemmaProperties.class)
public final class VaultGemmaTracingAutoConfiguration {

  // By name: vaultgemma-micrometer is optional, and a parameter of its type would fail to load
  // this class without it.
  private static final String INFERENCE_METRICS = "ai.vaultgemma.micrometer.InferenceMetrics";

  /** Creates the configuration; Spring calls it. */
  public VaultGemmaTracingAutoConfiguration() {}

  /**
   * The tracing, on the application's {@code OpenTelemetry}.
   *
   * @param openTelemetry the application's OpenTelemetry
   * @param properties where {@code vaultgemma.tracing.*} comes from
   * @param beans where an {@code InferenceMetrics} bean is looked for
   * @return the tracing
   * @throws VaultGemmaPropertyException if {@code vaultgemma.tracing.max-content-length} is less
   *     than 1
   */
  @Bean
  @ConditionalOnMissingBean
  public InferenceTracing inferenceTracing(
      OpenTelemetry openTelemetry,
      VaultGemmaProperties properties,
      ConfigurableListableBeanFactory beans) {
    VaultGemmaProperties.Tracing tracing = properties.tracing();
    InferenceTracing.Builder builder =
        InferenceTracing.builder(openTelemetry)
            .captureContent(tracing.captureContent())
            .traceCacheHits(tracing.traceCacheHits())
            .metrics(!micrometerRecordsGenAiMetrics(beans));
    Integer maxContentLength = tracing.maxContentLength();
    if (maxContentLength != null) {
      try {
        builder.maxContentLength(maxContentLength);
      } catch (IllegalArgumentException e) {
        throw VaultGemmaPropertyException.of(
            VaultGemmaProperties.PREFIX + ".tracing.max-content-length", e);
      }
    }
    return builder.build();
  }

  /**
   * Adds the tracing's listener factory to the auto-configured client.
   *
   * @param tracing the tracing
   * @return the customizer
   */
  @Bean
  @ConditionalOnMissingBean(name = "vaultgemmaTracingCustomizer")
  public InferenceClientBuilderCustomizer vaultgemmaTracingCustomizer(InferenceTracing tracing) {
    return builder ->
        builder
            .addListenerFactory(tracing.listenerFactory())
            .traceParent(InferenceTracing.traceParent()); // logs share the caller's span's trace
  }

  private static boolean micrometerRecordsGenAiMetrics(ConfigurableListableBeanFactory beans) {
    // The application's class loader, the one @ConditionalOnClass asked.
    ClassLoader loader = beans.getBeanClassLoader();
    if (!ClassUtils.isPresent(INFERENCE_METRICS, loader)) {
      return false;
    }
    Class<?> type = ClassUtils.resolveClassName(INFERENCE_METRICS, loader);
    // Definitions only: nothing is created early.
    return beans.getBeanNamesForType(type, true, false).length > 0;
  }
}
