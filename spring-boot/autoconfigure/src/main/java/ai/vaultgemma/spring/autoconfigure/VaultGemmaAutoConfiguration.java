package ai.vaultgemma.spring.autoconfigure;

import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.core.InferenceListener;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Creates the application's {@link InferenceClient} from {@code vaultgemma.*} properties (see
 * {@link VaultGemmaProperties}), and an {@link InferenceClientLifecycle} that closes it when the
 * application shuts down, after the web server has stopped taking requests and the calls in flight
 * have drained.
 *
 * <p>Every bean backs off when the application defines its own ({@code @ConditionalOnMissingBean}),
 * and {@code vaultgemma.enabled=false} creates none. The client is built from, in order: the
 * properties (falling back to the seed's environment variables), every {@link InferenceListener}
 * and {@link InferenceListener.Factory} bean, then every {@link InferenceClientBuilderCustomizer}
 * bean. A bad property value stops startup with a {@link VaultGemmaPropertyException} naming it.
 */
@AutoConfiguration
@ConditionalOnClass(InferenceClient.class)
@ConditionalOnBooleanProperty(
    name = VaultGemmaProperties.PREFIX + ".enabled",
    matchIfMissing = true)
@EnableConfigurationProperties(VaultGemmaProperties.class)
public final class VaultGemmaAutoConfiguration {

  /** Creates the configuration; Spring calls it. */
  public VaultGemmaAutoConfiguration() {}

  /**
   * The client, built from the properties, the listener beans and the customizers.
   *
   * @param properties the bound {@code vaultgemma.*} properties
   * @param environment where the seed's environment variables and {@code spring.datasource.url} are
   *     looked up
   * @param dataSource the application's data source, used only with {@code
   *     vaultgemma.tier.use-application-data-source=true}
   * @param listeners listener beans, added in order
   * @param listenerFactories listener factory beans, added in order after the listeners
   * @param customizers customizers, applied in order last
   * @return the client; Spring closes it (the lifecycle bean first, on shutdown)
   * @throws VaultGemmaPropertyException if a property holds a bad value
   */
  @Bean
  @ConditionalOnMissingBean
  public InferenceClient inferenceClient(
      VaultGemmaProperties properties,
      Environment environment,
      ObjectProvider<DataSource> dataSource,
      ObjectProvider<InferenceListener> listeners,
      ObjectProvider<InferenceListener.Factory> listenerFactories,
      ObjectProvider<InferenceClientBuilderCustomizer> customizers) {
    DataSource appDataSource =
        properties.tier().useApplicationDataSource() ? dataSource.getIfUnique() : null;
    InferenceClient.Builder builder =
        new ClientFactory(properties, environment::getProperty)
            .builder(appDataSource, environment.getProperty("spring.datasource.url"));
    listeners.orderedStream().forEach(builder::addListener);
    listenerFactories.orderedStream().forEach(builder::addListenerFactory);
    customizers.orderedStream().forEach(c -> c.customize(builder));
    return builder.build();
  }

  /**
   * Closes the client on shutdown, after the web server's graceful shutdown.
   *
   * @param client the application's client (ours or its own)
   * @return the lifecycle
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnSingleCandidate(InferenceClient.class)
  public InferenceClientLifecycle inferenceClientLifecycle(InferenceClient client) {
    return new InferenceClientLifecycle(client);
  }
}
