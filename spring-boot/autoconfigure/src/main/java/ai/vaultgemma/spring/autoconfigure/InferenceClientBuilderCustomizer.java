package ai.vaultgemma.spring.autoconfigure;

import ai.vaultgemma.core.InferenceClient;

/**
 * Adjusts the {@link InferenceClient.Builder} the auto-configuration fills from {@code
 * vaultgemma.*} properties, just before the client is built. Declare one as a bean to add
 * listeners, a logger, a clock, or any option the properties do not cover; the metrics and tracing
 * integrations plug in the same way.
 *
 * <pre>{@code
 * @Bean
 * InferenceClientBuilderCustomizer tenantScope() {
 *   return builder -> builder.cacheScope("tenant-42");
 * }
 * }</pre>
 *
 * <p>Customizers run in {@link org.springframework.core.Ordered} / {@code @Order} order, after the
 * properties and after the {@code InferenceListener} beans were added, so a customizer can override
 * anything a property set. One that throws stops the application's startup. Customizers run once,
 * on the thread that creates the client bean.
 */
@FunctionalInterface
public interface InferenceClientBuilderCustomizer {

  /**
   * Adjusts the builder.
   *
   * @param builder the builder, already filled from the properties; not thread-safe, do not keep it
   */
  void customize(InferenceClient.Builder builder);
}
