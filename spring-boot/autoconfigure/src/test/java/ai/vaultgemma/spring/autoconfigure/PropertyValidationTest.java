package ai.vaultgemma.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** A bad value stops startup with a message that names the property, the rule and the value. */
class PropertyValidationTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  VaultGemmaAutoConfiguration.class, VaultGemmaHealthAutoConfiguration.class));

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "vaultgemma.cache.inference.capacity=-5 | vaultgemma.cache.inference.capacity must be > 0 but was -5",
        "vaultgemma.cache.embeddings.capacity=0 | vaultgemma.cache.embeddings.capacity must be > 0 but was 0",
        "vaultgemma.max-concurrent-calls=0 | vaultgemma.max-concurrent-calls must be between 1 and 100000 but was 0",
        "vaultgemma.max-waiting-calls=-1 | vaultgemma.max-waiting-calls must be between 0 and 100000 but was -1",
        "vaultgemma.shutdown-timeout=-1s | vaultgemma.shutdown-timeout must be >= 0 but was PT-1S",
        "vaultgemma.http.max-idle-connections=-3 | vaultgemma.http.max-idle-connections",
        "vaultgemma.http.retry.max-retries=-1 | vaultgemma.http.retry.max-retries",
        "vaultgemma.base-url=ftp://example.com/v1 | vaultgemma.base-url",
        "vaultgemma.tier.enabled=true | vaultgemma.tier.enabled is true but there is no database for it",
        "vaultgemma.db.max-open=4 | vaultgemma.db.dsn must be set (or POSTGRES_DSN) when other vaultgemma.db properties are",
      })
  void badValue_failsStartup_namingTheProperty(String property, String message) {
    runner
        .withPropertyValues(property)
        .run(
            context -> {
              assertThat(context).hasFailed();
              Throwable cause = Failures.propertyException(context.getStartupFailure());
              assertThat(cause).isInstanceOf(VaultGemmaPropertyException.class);
              assertThat(cause.getMessage()).startsWith(message);
              assertThat(((VaultGemmaPropertyException) cause).property())
                  .isEqualTo(
                      property
                          .substring(0, property.indexOf('='))
                          .replace("vaultgemma.db.max-open", "vaultgemma.db.dsn"));
            });
  }

  @Test
  void badApiKey_isNamed_butNeverShown() {
    runner
        .withPropertyValues("vaultgemma.api-key=sk bad key")
        .run(
            context -> {
              Throwable cause = Failures.propertyException(context.getStartupFailure());
              assertThat(cause.getMessage())
                  .startsWith("vaultgemma.api-key must hold printable ASCII without spaces")
                  .contains("value hidden")
                  .doesNotContain("sk bad key");
            });
  }

  @Test
  void badDbPassword_isNeverShown() {
    runner
        .withPropertyValues(
            "vaultgemma.db.dsn=postgres://app@127.0.0.1:1/app",
            "vaultgemma.db.password=hunter2-secret",
            "vaultgemma.db.max-open=2",
            "vaultgemma.db.max-idle=5")
        .run(
            context -> {
              Throwable cause = Failures.propertyException(context.getStartupFailure());
              assertThat(cause.getMessage())
                  .startsWith("vaultgemma.db: ")
                  .contains("maxIdle must be <= maxOpen (2) but was 5")
                  .doesNotContain("hunter2");
            });
  }

  @Test
  void failureAnalyzer_reportsTheMessage_andThePropertyToChange() {
    runner
        .withPropertyValues("vaultgemma.cache.inference.capacity=-5")
        .run(
            context -> {
              FailureAnalysis analysis =
                  new VaultGemmaPropertyFailureAnalyzer().analyze(context.getStartupFailure());
              assertThat(analysis).isNotNull();
              assertThat(analysis.getDescription())
                  .isEqualTo("vaultgemma.cache.inference.capacity must be > 0 but was -5");
              assertThat(analysis.getAction())
                  .contains("vaultgemma.cache.inference.capacity")
                  .contains("VAULTGEMMA_CACHE_INFERENCE_CAPACITY");
            });
  }
}
