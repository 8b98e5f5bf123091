package ai.vaultgemma.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DbPoolConfigTest {

  private static final String DSN = "postgres://app:hunter2@db:5432/app";

  @Test
  void defaultsAreTheDocumentedConstants() {
    DbPoolConfig config = DbPoolConfig.fromDsn(DSN);

    assertThat(config.maxOpen()).isEqualTo(DbPoolConfig.DEFAULT_MAX_OPEN).isEqualTo(25);
    assertThat(config.maxIdle()).isEqualTo(DbPoolConfig.DEFAULT_MAX_IDLE).isEqualTo(5);
    assertThat(config.maxLifetime()).isEqualTo(Duration.ofMinutes(30));
    assertThat(config.maxIdleTime()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.acquireTimeout()).isEqualTo(DbPoolConfig.DEFAULT_ACQUIRE_TIMEOUT);
    assertThat(config.validationTimeout()).isEqualTo(DbPoolConfig.DEFAULT_VALIDATION_TIMEOUT);
    assertThat(config.closeTimeout()).isEqualTo(DbPoolConfig.DEFAULT_CLOSE_TIMEOUT);
    assertThat(config.poolName()).isEqualTo(DbPoolConfig.DEFAULT_POOL_NAME);
    assertThat(config.failFast()).isEqualTo(DbPoolConfig.DEFAULT_FAIL_FAST).isTrue();
    assertThat(config.driverProperties()).isEmpty();
  }

  @Test
  void toStringMasksPasswordAndSecretDriverProperties() {
    DbPoolConfig config =
        DbPoolConfig.builder()
            .dsn(DSN)
            .driverProperty("sslpassword", "keystore-secret")
            .driverProperty("reWriteBatchedInserts", "true")
            .build();

    assertThat(config.toString())
        .contains("jdbcUrl=jdbc:postgresql://db:5432/app")
        .contains("username=app")
        .contains("password=****")
        .contains("sslpassword=****")
        .contains("reWriteBatchedInserts=true")
        .doesNotContain("hunter2")
        .doesNotContain("keystore-secret");
  }

  @Test
  void builderCopiesSoLaterChangesDoNotLeak() {
    DbPoolConfig.Builder builder = DbPoolConfig.builder().dsn(DSN).driverProperty("a", "1");
    DbPoolConfig first = builder.build();
    builder.driverProperty("b", "2").maxOpen(3);

    assertThat(first.driverProperties()).containsOnlyKeys("a");
    assertThat(first.maxOpen()).isEqualTo(25);
    assertThatThrownBy(() -> first.driverProperties().put("c", "3"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void toBuilderStartsFromTheConfig() {
    DbPoolConfig base =
        DbPoolConfig.builder().dsn(DSN).maxOpen(10).maxIdle(2).poolName("base").build();

    DbPoolConfig copy = base.toBuilder().build();
    DbPoolConfig variant = base.toBuilder().poolName("reports").build();

    assertThat(copy).isEqualTo(base).hasSameHashCodeAs(base);
    assertThat(variant.poolName()).isEqualTo("reports");
    assertThat(variant.maxOpen()).isEqualTo(10);
    assertThat(variant.maxIdle()).isEqualTo(2);
    assertThat(variant.password()).isEqualTo("hunter2");
    assertThat(base.poolName()).isEqualTo("base");
  }

  @Test
  void explicitCredentialsOverrideTheDsn() {
    DbPoolConfig config =
        DbPoolConfig.builder().dsn(DSN).username("other").password("s3cret").build();

    assertThat(config.username()).isEqualTo("other");
    assertThat(config.password()).isEqualTo("s3cret");
  }

  @Test
  void maxOpenBelowOneIsRejected() {
    assertThatThrownBy(() -> DbPoolConfig.builder().maxOpen(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxOpen must be >= 1 but was 0");
  }

  @Test
  void negativeMaxIdleIsRejected() {
    assertThatThrownBy(() -> DbPoolConfig.builder().maxIdle(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxIdle must be >= 0 but was -1");
  }

  @Test
  void maxIdleAboveMaxOpenIsRejected() {
    assertThatThrownBy(() -> DbPoolConfig.builder().dsn(DSN).maxOpen(3).maxIdle(4).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxIdle must be <= maxOpen (3) but was 4");
  }

  @Test
  void defaultMaxIdleFollowsASmallerMaxOpen() {
    assertThat(DbPoolConfig.builder().dsn(DSN).maxOpen(2).build().maxIdle()).isEqualTo(2);
  }

  @Test
  void lifetimeShorterThanHikariAllowsIsRejected() {
    assertThatThrownBy(() -> DbPoolConfig.builder().maxLifetime(Duration.ofSeconds(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxLifetime")
        .hasMessageContaining("PT30S")
        .hasMessageContaining("but was PT5S");
    assertThat(DbPoolConfig.builder().dsn(DSN).maxLifetime(Duration.ZERO).build().maxLifetime())
        .isZero();
  }

  @Test
  void idleTimeShorterThanHikariAllowsIsRejected() {
    assertThatThrownBy(() -> DbPoolConfig.builder().maxIdleTime(Duration.ofSeconds(9)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxIdleTime")
        .hasMessageContaining("but was PT9S");
  }

  @Test
  void tooShortOrNegativeTimeoutsAreRejected() {
    assertThatThrownBy(() -> DbPoolConfig.builder().acquireTimeout(Duration.ofMillis(100)))
        .hasMessage("acquireTimeout must be >= PT0.25S but was PT0.1S");
    assertThatThrownBy(() -> DbPoolConfig.builder().validationTimeout(Duration.ofMillis(-1)))
        .hasMessageContaining("validationTimeout");
    assertThatThrownBy(() -> DbPoolConfig.builder().closeTimeout(Duration.ofSeconds(-1)))
        .hasMessage("closeTimeout must be >= PT0S but was PT-1S");
    assertThatThrownBy(
            () ->
                DbPoolConfig.builder()
                    .dsn(DSN)
                    .acquireTimeout(Duration.ofSeconds(1))
                    .validationTimeout(Duration.ofSeconds(2))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("validationTimeout must be shorter than acquireTimeout (PT1S) but was PT2S");
  }

  @Test
  void tooLongTimeoutsAreRejectedByNameNotByAnOverflowLater() {
    Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
    assertThatThrownBy(() -> DbPoolConfig.builder().acquireTimeout(Duration.ofDays(30)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "acquireTimeout must be at most PT596H31M23.647S (Integer.MAX_VALUE ms, the driver's"
                + " limit) but was PT720H");
    assertThatThrownBy(() -> DbPoolConfig.builder().validationTimeout(forever))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("validationTimeout must be at most PT2562047H47M16.854775807S")
        .hasMessageEndingWith("but was " + forever);
    assertThatThrownBy(() -> DbPoolConfig.builder().closeTimeout(forever))
        .hasMessageStartingWith("closeTimeout must be at most");
    assertThatThrownBy(() -> DbPoolConfig.builder().maxLifetime(forever))
        .hasMessageStartingWith("maxLifetime must be at most");
    assertThatThrownBy(() -> DbPoolConfig.builder().maxIdleTime(forever))
        .hasMessageStartingWith("maxIdleTime must be at most");
    DbPoolConfig longest =
        DbPoolConfig.builder()
            .dsn(DSN)
            .acquireTimeout(Duration.ofMillis(Integer.MAX_VALUE))
            .maxLifetime(Duration.ofDays(3650))
            .build();
    assertThat(longest.acquireTimeout()).isEqualTo(Duration.ofMillis(Integer.MAX_VALUE));
  }

  @Test
  void nullsAndBlanksAreRejected() {
    assertThatThrownBy(() -> DbPoolConfig.builder().dsn(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("dsn");
    assertThatThrownBy(() -> DbPoolConfig.builder().maxLifetime(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("maxLifetime");
    assertThatThrownBy(() -> DbPoolConfig.fromDsn("  "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dsn must not be blank");
    assertThatThrownBy(() -> DbPoolConfig.builder().poolName(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("poolName");
    assertThatThrownBy(() -> DbPoolConfig.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("dsn must be set before build()");
  }

  @Test
  void fromEnvReadsTheSeedVariables() {
    DbPoolConfig config =
        DbPoolConfig.fromEnv(
            Map.of(
                    "POSTGRES_DSN", DSN,
                    "DB_MAX_OPEN_CONNS", "12",
                    "DB_MAX_IDLE_CONNS", "3")
                ::get);

    assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/app");
    assertThat(config.username()).isEqualTo("app");
    assertThat(config.maxOpen()).isEqualTo(12);
    assertThat(config.maxIdle()).isEqualTo(3);
  }

  @Test
  void fromEnvUsesDefaultsForUnsetNumbers() {
    DbPoolConfig config = DbPoolConfig.fromEnv(Map.of("POSTGRES_DSN", DSN)::get);

    assertThat(config.maxOpen()).isEqualTo(25);
    assertThat(config.maxIdle()).isEqualTo(5);
  }

  @Test
  void fromEnvNamesTheVariableAndTheValue() {
    assertThatThrownBy(() -> DbPoolConfig.fromEnv(Map.<String, String>of()::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("POSTGRES_DSN must be set");
    assertThatThrownBy(
            () ->
                DbPoolConfig.fromEnv(Map.of("POSTGRES_DSN", DSN, "DB_MAX_OPEN_CONNS", "many")::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("DB_MAX_OPEN_CONNS must be a positive integer but was \"many\"");
    assertThatThrownBy(
            () -> DbPoolConfig.fromEnv(Map.of("POSTGRES_DSN", DSN, "DB_MAX_OPEN_CONNS", "0")::get))
        .hasMessage("DB_MAX_OPEN_CONNS must be a positive integer but was \"0\"");
    assertThatThrownBy(
            () -> DbPoolConfig.fromEnv(Map.of("POSTGRES_DSN", DSN, "DB_MAX_IDLE_CONNS", "-2")::get))
        .hasMessage("DB_MAX_IDLE_CONNS must be an integer >= 0 but was \"-2\"");
    assertThatThrownBy(
            () ->
                DbPoolConfig.fromEnv(
                    Map.of(
                            "POSTGRES_DSN", DSN,
                            "DB_MAX_OPEN_CONNS", "2",
                            "DB_MAX_IDLE_CONNS", "4")
                        ::get))
        .hasMessageContaining("DB_MAX_IDLE_CONNS")
        .hasMessageContaining("maxIdle must be <= maxOpen (2) but was 4");
  }

  @Test
  void fromEnvNeverEchoesThePassword() {
    assertThatThrownBy(
            () -> DbPoolConfig.fromEnv(Map.of("POSTGRES_DSN", "mysql://app:hunter2@db/app")::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("POSTGRES_DSN")
        .hasMessageContaining("mysql://app:****@db/app")
        .hasMessageNotContaining("hunter2");
  }
}
