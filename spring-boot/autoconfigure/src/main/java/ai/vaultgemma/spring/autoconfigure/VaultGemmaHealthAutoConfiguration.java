package ai.vaultgemma.spring.autoconfigure;

import ai.vaultgemma.core.InferenceClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;

/**
 * Adds the {@code vaultgemma} Actuator health indicator ({@link InferenceClientHealthIndicator})
 * when Spring Boot's health support is on the class path and there is one {@link InferenceClient}
 * bean (the auto-configured one or the application's own). Turn it off with {@code
 * management.health.vaultgemma.enabled=false}.
 */
@AutoConfiguration(after = VaultGemmaAutoConfiguration.class)
@ConditionalOnClass({InferenceClient.class, HealthIndicator.class})
@ConditionalOnBooleanProperty(
    name = VaultGemmaProperties.PREFIX + ".enabled",
    matchIfMissing = true)
@ConditionalOnSingleCandidate(InferenceClient.class)
@ConditionalOnEnabledHealthIndicator("vaultgemma")
public final class VaultGemmaHealthAutoConfiguration {

  /** Creates the configuration; Spring calls it. */
  public VaultGemmaHealthAutoConfiguration() {}

  /**
   * The indicator; its bean name makes the component {@code vaultgemma}.
   *
   * @param client the application's client
   * @param properties where {@code vaultgemma.health.degraded-status} comes from
   * @return the indicator
   */
  @Bean
  @ConditionalOnMissingBean(name = "vaultgemmaHealthIndicator")
  public InferenceClientHealthIndicator vaultgemmaHealthIndicator(
      InferenceClient client, VaultGemmaProperties properties) {
    // Binding turns a blank value into the default, UP; Status upper-cases nothing, so take it as
    // is.
    return new InferenceClientHealthIndicator(
        client, new Status(properties.health().degradedStatus().strip()));
  }
}
