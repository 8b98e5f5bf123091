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

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "vaultgemma.endpoints[0].base-url=http://a.invalid/v1; vaultgemma.endpoints[1].base-url=http://b.invalid/v1; vaultgemma.endpoints[1].weight=0"
            + " | vaultgemma.endpoints[1].weight must be between 1 and 1000 but was 0 | vaultgemma.endpoints[1].weight",
        "vaultgemma.endpoints[0].base-url=ftp://a.invalid/v1"
            + " | vaultgemma.endpoints[0].base-url must be an absolute http or https URL | vaultgemma.endpoints[0].base-url",
        "vaultgemma.endpoints[0].base-url=http://a.invalid/v1; vaultgemma.endpoints[1].weight=2"
            + " | vaultgemma.endpoints[1].base-url must be set but was not set | vaultgemma.endpoints[1].base-url",
        "vaultgemma.endpoints[0].base-url=http://a.invalid/v1; vaultgemma.endpoints[1].base-url=http://a.invalid/v1"
            + " | vaultgemma.endpoints: endpoints names base URL http://a.invalid/v1 twice | vaultgemma.endpoints",
        "vaultgemma.endpoints[0].base-url=http://a.invalid/v1; vaultgemma.endpoints[0].models.m="
            + " | vaultgemma.endpoints[0].models.m: model mapping names must not be blank | vaultgemma.endpoints[0].models.m",
        "vaultgemma.base-url=http://a.invalid/v1; vaultgemma.endpoints[0].base-url=http://b.invalid/v1"
            + " | vaultgemma.base-url and vaultgemma.endpoints must not both be set | vaultgemma.base-url",
        "vaultgemma.fallbacks[0].base-url=http://f.invalid/v1; vaultgemma.fallbacks[0].weight=1001"
            + " | vaultgemma.fallbacks[0].weight must be between 1 and 1000 but was 1001 | vaultgemma.fallbacks[0].weight",
        "vaultgemma.routing.failure-threshold=0"
            + " | vaultgemma.routing.failure-threshold must be between 1 and 1000 but was 0 | vaultgemma.routing.failure-threshold",
        "vaultgemma.routing.open-duration=0s"
            + " | vaultgemma.routing.open-duration must be positive and at most one day but was PT0S | vaultgemma.routing.open-duration",
        "vaultgemma.routing.probe-interval=-1s"
            + " | vaultgemma.routing.probe-interval must be positive and at most one day but was PT-1S | vaultgemma.routing.probe-interval",
        "vaultgemma.routing.probe-timeout=2d"
            + " | vaultgemma.routing.probe-timeout must be positive and at most one day but was PT48H | vaultgemma.routing.probe-timeout",
        "vaultgemma.routing.max-endpoints-per-call=0"
            + " | vaultgemma.routing.max-endpoints-per-call must be between 1 and 100 but was 0 | vaultgemma.routing.max-endpoints-per-call",
        "vaultgemma.rate-limit.per-scope.requests-per-minute=0"
            + " | vaultgemma.rate-limit.per-scope.requests-per-minute must be between 1 and 100000000 but was 0 | vaultgemma.rate-limit.per-scope.requests-per-minute",
        "vaultgemma.rate-limit.per-endpoint.tokens-per-minute=-5"
            + " | vaultgemma.rate-limit.per-endpoint.tokens-per-minute must be between 1 and 100000000 but was -5 | vaultgemma.rate-limit.per-endpoint.tokens-per-minute",
        "vaultgemma.rate-limit.per-scope.when-exceeded=reject"
            + " | vaultgemma.rate-limit.per-scope.requests-per-minute or vaultgemma.rate-limit.per-scope.tokens-per-minute must be set when vaultgemma.rate-limit.per-scope.when-exceeded is, but neither was | vaultgemma.rate-limit.per-scope.requests-per-minute",
        "vaultgemma.logging.max-text-length=0"
            + " | vaultgemma.logging.max-text-length must be >= 1 but was 0 | vaultgemma.logging.max-text-length",
        "vaultgemma.logging.redacted-names[0]=user; vaultgemma.logging.redacted-names[1]="
            + " | vaultgemma.logging.redacted-names[1]: redacted name must not be blank | vaultgemma.logging.redacted-names[1]",
        "vaultgemma.logging.logger-name="
            + " | vaultgemma.logging.logger-name must not be blank | vaultgemma.logging.logger-name",
      })
  void badValueOfSeveralEndpointsOrLogging_failsStartup_namingThePropertyWithItsIndex(
      String properties, String message, String property) {
    runner
        .withPropertyValues(properties.split("; "))
        .run(
            context -> {
              assertThat(context).hasFailed();
              VaultGemmaPropertyException cause =
                  Failures.propertyException(context.getStartupFailure());
              assertThat(cause.getMessage()).startsWith(message);
              assertThat(cause.property()).isEqualTo(property);
            });
  }

  @Test
  void endpointApiKeys_areNamed_butNeverShown() {
    runner
        .withPropertyValues(
            "vaultgemma.endpoints[0].base-url=http://a.invalid/v1",
            "vaultgemma.endpoints[0].api-key=sk-good-key",
            "vaultgemma.endpoints[1].base-url=http://b.invalid/v1",
            "vaultgemma.endpoints[1].api-key=sk bad key")
        .run(
            context -> {
              Throwable cause = Failures.propertyException(context.getStartupFailure());
              assertThat(cause.getMessage())
                  .startsWith("vaultgemma.endpoints[1].api-key must hold printable ASCII")
                  .contains("value hidden")
                  .doesNotContain("sk bad key")
                  .doesNotContain("sk-good-key");
            });
  }

  @Test
  void apiKeyNextToEndpoints_failsNamingBoth_withoutTheKey() {
    runner
        .withPropertyValues(
            "vaultgemma.api-key=sk-top-secret",
            "vaultgemma.endpoints[0].base-url=http://a.invalid/v1")
        .run(
            context -> {
              VaultGemmaPropertyException cause =
                  Failures.propertyException(context.getStartupFailure());
              assertThat(cause.getMessage())
                  .startsWith("vaultgemma.api-key and vaultgemma.endpoints must not both be set")
                  .contains("vaultgemma.endpoints[n].api-key")
                  .doesNotContain("sk-top-secret");
            });
  }

  @Test
  void failureAnalyzer_namesTheIndexedProperty_andItsVariable() {
    runner
        .withPropertyValues(
            "vaultgemma.endpoints[0].base-url=http://a.invalid/v1",
            "vaultgemma.endpoints[0].weight=0")
        .run(
            context -> {
              FailureAnalysis analysis =
                  new VaultGemmaPropertyFailureAnalyzer().analyze(context.getStartupFailure());
              assertThat(analysis).isNotNull();
              assertThat(analysis.getAction())
                  .contains("Change vaultgemma.endpoints[0].weight")
                  .contains("VAULTGEMMA_ENDPOINTS_0_WEIGHT");
            });
  }

  @Test
  void badValueOfWhenExceeded_failsBinding_namingTheProperty() {
    runner
        .withPropertyValues(
            "vaultgemma.rate-limit.per-scope.requests-per-minute=5",
            "vaultgemma.rate-limit.per-scope.when-exceeded=sometimes")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("sometimes");
              assertThat(context.getStartupFailure())
                  .hasStackTraceContaining("vaultgemma.rate-limit.per-scope.when-exceeded");
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
