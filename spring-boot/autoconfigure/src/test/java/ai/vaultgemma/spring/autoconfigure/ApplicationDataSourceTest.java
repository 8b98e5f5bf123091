package ai.vaultgemma.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import ai.vaultgemma.core.InferenceClient;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code vaultgemma.tier.use-application-data-source}: the shared tier on the application's own
 * {@code DataSource} (an in-memory H2 database, one of the tier's two dialects).
 */
class ApplicationDataSourceTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(VaultGemmaAutoConfiguration.class));

  @Test
  void optIn_runsTheTierOnTheApplicationsDataSource_askingItsUrl() {
    runner
        .withUserConfiguration(AppDataSource.class)
        .withPropertyValues("vaultgemma.tier.use-application-data-source=true")
        .run(
            context -> {
              InferenceClient client = context.getBean(InferenceClient.class);
              assertThat(client.sharedTier()).isPresent();
              assertThat(client.dbPool()).isEmpty(); // no pool of its own
              // the tier created its tables in the application's database
              DataSource dataSource = context.getBean(DataSource.class);
              try (Connection c = dataSource.getConnection();
                  Statement s = c.createStatement();
                  ResultSet tables =
                      s.executeQuery(
                          "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES"
                              + " WHERE LOWER(TABLE_NAME) LIKE 'vg\\_%'")) {
                tables.next();
                assertThat(tables.getInt(1)).isPositive();
              }
            });
  }

  @Test
  void optIn_takesTheUrlFromSpringDatasourceUrl_withoutConnecting() {
    runner
        .withUserConfiguration(AppDataSource.class)
        .withPropertyValues(
            "vaultgemma.tier.use-application-data-source=true",
            "vaultgemma.tier.table-prefix=app_",
            "spring.datasource.url=jdbc:h2:mem:app-ds;DB_CLOSE_DELAY=-1")
        .run(
            context -> {
              InferenceClient client = context.getBean(InferenceClient.class);
              assertThat(client.sharedTier()).isPresent();
              assertThat(client.sharedTier().orElseThrow().config().tablePrefix())
                  .isEqualTo("app_");
            });
  }

  @Test
  void withoutOptIn_theApplicationsDataSourceIsLeftAlone() {
    runner
        .withUserConfiguration(AppDataSource.class)
        .run(
            context -> {
              InferenceClient client = context.getBean(InferenceClient.class);
              assertThat(client.sharedTier()).isEmpty();
              assertThat(client.dbPool()).isEmpty();
            });
  }

  @Test
  void tierDisabled_winsOverTheOptIn() {
    runner
        .withUserConfiguration(AppDataSource.class)
        .withPropertyValues(
            "vaultgemma.tier.use-application-data-source=true", "vaultgemma.tier.enabled=false")
        .run(context -> assertThat(context.getBean(InferenceClient.class).sharedTier()).isEmpty());
  }

  @Test
  void optIn_withoutADataSource_failsStartup_namingTheProperty() {
    runner
        .withPropertyValues("vaultgemma.tier.use-application-data-source=true")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .isInstanceOf(VaultGemmaPropertyException.class)
                  .hasMessage(
                      "vaultgemma.tier.use-application-data-source is true but the application"
                          + " has no single (or @Primary) DataSource bean");
            });
  }

  @Test
  void optIn_withAnUnsupportedDatabase_failsStartup_namingTheUrlProperty() {
    runner
        .withUserConfiguration(AppDataSource.class)
        .withPropertyValues(
            "vaultgemma.tier.use-application-data-source=true",
            "vaultgemma.tier.jdbc-url=jdbc:mysql://db:3306/app?password=hunter2")
        .run(
            context -> {
              assertThat(Failures.propertyException(context.getStartupFailure()))
                  .hasMessage(
                      "vaultgemma.tier.jdbc-url must start with jdbc:postgresql: or jdbc:h2: but"
                          + " was jdbc:mysql:...");
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class AppDataSource {
    @Bean
    DataSource dataSource() {
      JdbcDataSource h2 = new JdbcDataSource();
      h2.setURL("jdbc:h2:mem:app-ds;DB_CLOSE_DELAY=-1");
      return h2;
    }
  }
}
