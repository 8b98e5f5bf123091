package ai.vaultgemma.logging.internal;

import ai.vaultgemma.logging.LogOutput;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.io.OutputStream;
import java.net.URL;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * logback's {@link Configurator} service (listed in {@code META-INF/services}): configures logback
 * from {@code LOG_LEVEL}, {@code LOG_FORMAT} and {@code LOG_TIME_FORMAT} when the application has
 * no logback configuration of its own.
 *
 * <h2>Why it checks for logback.xml itself</h2>
 *
 * logback 1.5's {@code ContextInitializer} runs every {@code Configurator} found as a service,
 * highest {@link ConfiguratorRank} first, and only then its built-in list ({@code
 * DefaultJoranConfigurator}, which reads {@code logback-test.xml} / {@code logback.xml} / the
 * {@code logback.configurationFile} property, then {@code BasicConfigurator}). A service therefore
 * always runs before the application's XML is read, whatever its rank. So this configurator looks
 * for that configuration the same way and, when it finds any, returns {@code INVOKE_NEXT_IF_ANY}
 * without touching the context: the application's file wins. Otherwise it sets up the root logger
 * and returns {@code DO_NOT_INVOKE_NEXT_IF_ANY}.
 *
 * <p>Its rank is {@link ConfiguratorRank#NOMINAL}, below the default rank of unannotated
 * configurators, so another service configurator the application ships runs first. Any failure here
 * is reported as a logback status and hands over to logback's defaults: logging must never stop a
 * service from starting.
 */
@ConfiguratorRank(ConfiguratorRank.NOMINAL)
public final class LogbackEnvConfigurator extends ContextAwareBase implements Configurator {
  /** The resources and system property logback's {@code DefaultJoranConfigurator} reads. */
  static final List<String> APP_CONFIG_RESOURCES = List.of("logback-test.xml", "logback.xml");

  /** The system property naming a logback configuration file. */
  static final String CONFIG_FILE_PROPERTY = "logback.configurationFile";

  private final Function<String, @Nullable String> env;
  private final Function<String, @Nullable String> properties;
  private final Function<String, @Nullable URL> resources;
  private final @Nullable OutputStream target;

  /** The service-loader constructor: process environment, system properties, standard output. */
  public LogbackEnvConfigurator() {
    this(System::getenv, System::getProperty, LogbackEnvConfigurator::findResource, null);
  }

  /**
   * A configurator with its inputs injected, for tests.
   *
   * @param env environment lookup
   * @param properties system property lookup
   * @param resources class path resource lookup
   * @param target where to write, or null for standard output
   */
  public LogbackEnvConfigurator(
      Function<String, @Nullable String> env,
      Function<String, @Nullable String> properties,
      Function<String, @Nullable URL> resources,
      @Nullable OutputStream target) {
    this.env = env;
    this.properties = properties;
    this.resources = resources;
    this.target = target;
  }

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    String own = applicationConfig();
    if (own != null) {
      addInfo(
          "VaultGemma logging stays out of the way: the application configures logback ("
              + own
              + ")");
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    try {
      LogOutput output = LogOutput.fromEnv(env);
      LogbackSetup.install(context, output, target);
      addInfo("VaultGemma logging configured logback: " + output);
      return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    } catch (RuntimeException | LinkageError e) {
      addError("VaultGemma logging could not configure logback; using logback's defaults", e);
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
  }

  /** Returns what names the application's own configuration, or null when there is none. */
  @Nullable String applicationConfig() {
    String file = properties.apply(CONFIG_FILE_PROPERTY);
    if (file != null && !file.isBlank()) {
      return CONFIG_FILE_PROPERTY + "=" + file;
    }
    for (String name : APP_CONFIG_RESOURCES) {
      URL url = resources.apply(name);
      if (url != null) {
        return url.toString();
      }
    }
    return null;
  }

  private static @Nullable URL findResource(String name) {
    ClassLoader tccl = Thread.currentThread().getContextClassLoader();
    URL url = tccl == null ? null : tccl.getResource(name);
    if (url == null) {
      ClassLoader own = LogbackEnvConfigurator.class.getClassLoader();
      url = own == null ? ClassLoader.getSystemResource(name) : own.getResource(name);
    }
    return url;
  }
}
