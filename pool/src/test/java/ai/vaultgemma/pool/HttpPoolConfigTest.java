package ai.vaultgemma.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpPoolConfigTest {
  private static final HeldCertificate CERT =
      new HeldCertificate.Builder().commonName("client").ecdsa256().build();

  @Test
  void defaultsAreTheSeedValues() {
    HttpPoolConfig config = HttpPoolConfig.defaults();
    assertThat(config.maxIdleConnections()).isEqualTo(100);
    assertThat(config.maxRequestsPerHost()).isEqualTo(1024);
    assertThat(config.maxRequests()).isEqualTo(1024);
    assertThat(config.callTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.streamIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.keepAlive()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.http2()).isEqualTo(HttpPoolConfig.DEFAULT_HTTP2).isTrue();
    assertThat(config.trustSystemCertificates())
        .isEqualTo(HttpPoolConfig.DEFAULT_TRUST_SYSTEM_CERTIFICATES)
        .isTrue();
    assertThat(config.retryPolicy()).isSameAs(RetryPolicy.defaults());
    assertThat(config.trustedCertificatesPem()).isNull();
    assertThat(config.hasClientCertificate()).isFalse();
  }

  @Test
  void toBuilderCopiesAndLaterChangesDoNotLeak() {
    HttpPoolConfig.Builder builder = HttpPoolConfig.builder().maxRequestsPerHost(3);
    HttpPoolConfig config = builder.build();
    builder.maxRequestsPerHost(4);
    assertThat(config.maxRequestsPerHost()).isEqualTo(3);
    HttpPoolConfig copy =
        config.toBuilder().readTimeout(Duration.ofSeconds(7)).http2(false).build();
    assertThat(copy.maxRequestsPerHost()).isEqualTo(3);
    assertThat(copy.readTimeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(copy.http2()).isFalse();
  }

  @Test
  void fromEnvReadsTheSeedVariables() {
    HttpPoolConfig config =
        HttpPoolConfig.fromEnv(Map.of("HTTP_MAX_IDLE_CONNS", "25", "HTTP_TIMEOUT_SECONDS", "12"));
    assertThat(config.maxIdleConnections()).isEqualTo(25);
    assertThat(config.callTimeout()).isEqualTo(Duration.ofSeconds(12));
    assertThat(HttpPoolConfig.fromEnv(Map.of()).maxIdleConnections()).isEqualTo(100);
    assertThat(HttpPoolConfig.fromEnv(name -> " ").callTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void fromEnvRejectsMalformedValuesNamingVariableAndValue() {
    assertThatThrownBy(() -> HttpPoolConfig.fromEnv(Map.of("HTTP_TIMEOUT_SECONDS", "30s")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("HTTP_TIMEOUT_SECONDS must be a positive integer but was \"30s\"");
    assertThatThrownBy(() -> HttpPoolConfig.fromEnv(Map.of("HTTP_TIMEOUT_SECONDS", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("HTTP_TIMEOUT_SECONDS must be a positive integer but was \"0\"");
    assertThatThrownBy(() -> HttpPoolConfig.fromEnv(Map.of("HTTP_MAX_IDLE_CONNS", "-1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("HTTP_MAX_IDLE_CONNS must be a non-negative integer but was \"-1\"");
  }

  @Test
  void badValuesNameTheFieldAndTheValue() {
    HttpPoolConfig.Builder b = HttpPoolConfig.builder();
    assertThatThrownBy(() -> b.connectTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("connectTimeout must be positive but was PT0S");
    assertThatThrownBy(() -> b.readTimeout(Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("readTimeout must be positive but was PT-0.005S");
    assertThatThrownBy(() -> b.writeTimeout(Duration.ZERO))
        .hasMessage("writeTimeout must be positive but was PT0S");
    assertThatThrownBy(() -> b.callTimeout(Duration.ofSeconds(-1)))
        .hasMessage("callTimeout must be positive but was PT-1S");
    assertThatThrownBy(() -> b.streamIdleTimeout(Duration.ZERO))
        .hasMessage("streamIdleTimeout must be positive but was PT0S");
    assertThatThrownBy(() -> b.keepAlive(Duration.ZERO))
        .hasMessage("keepAlive must be positive but was PT0S");
    assertThatThrownBy(() -> b.maxIdleConnections(-1))
        .hasMessage("maxIdleConnections must be >= 0 but was -1");
    assertThatThrownBy(() -> b.maxRequests(0))
        .hasMessage("maxRequests must be within 1..65536 but was 0");
    assertThatThrownBy(() -> b.maxRequests(65_537))
        .hasMessage("maxRequests must be within 1..65536 but was 65537");
    assertThatThrownBy(() -> b.maxRequestsPerHost(0))
        .hasMessage("maxRequestsPerHost must be within 1..65536 but was 0");
    assertThatThrownBy(() -> b.maxRequestsPerHost(-7))
        .hasMessage("maxRequestsPerHost must be within 1..65536 but was -7");
    assertThatThrownBy(() -> b.callTimeout(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("callTimeout");
  }

  @Test
  void timeoutsOutsideOkHttpsRangeAreRejectedNamingTheSetting() {
    HttpPoolConfig.Builder b = HttpPoolConfig.builder();
    Duration tooLong = Duration.ofMillis(Integer.MAX_VALUE + 1L);
    assertThatThrownBy(() -> b.connectTimeout(tooLong))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "connectTimeout must be at most PT596H31M23.647S (Integer.MAX_VALUE ms, OkHttp's"
                + " limit) but was PT596H31M23.648S")
        .hasMessageNotContaining("timeout too large");
    assertThatThrownBy(() -> b.readTimeout(Duration.ofDays(365)))
        .hasMessageStartingWith("readTimeout must be at most")
        .hasMessageEndingWith("but was PT8760H");
    assertThatThrownBy(() -> b.writeTimeout(Duration.ofDays(30)))
        .hasMessageStartingWith("writeTimeout must be at most");
    assertThatThrownBy(() -> b.callTimeout(Duration.ofSeconds(Long.MAX_VALUE)))
        .hasMessageStartingWith("callTimeout must be at most");
    assertThatThrownBy(() -> b.streamIdleTimeout(Duration.ofDays(25)))
        .hasMessageStartingWith("streamIdleTimeout must be at most");
    // OkHttp counts whole milliseconds: 500 us would silently become "no timeout".
    assertThatThrownBy(() -> b.readTimeout(Duration.ofNanos(500_000)))
        .hasMessage(
            "readTimeout must be at least PT0.001S (OkHttp counts whole milliseconds; less would"
                + " mean no timeout) but was PT0.0005S");
    assertThatThrownBy(() -> b.streamIdleTimeout(Duration.ofNanos(1)))
        .hasMessageStartingWith("streamIdleTimeout must be at least PT0.001S");
    assertThatThrownBy(() -> b.keepAlive(Duration.ofSeconds(Long.MAX_VALUE)))
        .hasMessageStartingWith("keepAlive must be at most PT2562047H47M16.854775807S");
    // The edges themselves are fine, and a pool builds with them.
    HttpPoolConfig edges =
        HttpPoolConfig.builder()
            .connectTimeout(Duration.ofMillis(1))
            .readTimeout(Duration.ofMillis(Integer.MAX_VALUE))
            .callTimeout(Duration.ofMillis(Integer.MAX_VALUE))
            .build();
    try (HttpPool pool = HttpPool.create(edges)) {
      assertThat(pool.okHttpClient().readTimeoutMillis()).isEqualTo(Integer.MAX_VALUE);
      assertThat(pool.okHttpClient().connectTimeoutMillis()).isEqualTo(1);
    }
  }

  @Test
  void anEnvTimeoutTooLargeForOkHttpNamesTheVariable() {
    assertThatThrownBy(() -> HttpPoolConfig.fromEnv(Map.of("HTTP_TIMEOUT_SECONDS", "2147484")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "HTTP_TIMEOUT_SECONDS must be at most 2147483 (OkHttp's longest timeout,"
                + " Integer.MAX_VALUE ms) but was \"2147484\"");
    assertThatThrownBy(() -> HttpPoolConfig.fromEnv(Map.of("HTTP_TIMEOUT_SECONDS", "99999999999")))
        .hasMessage("HTTP_TIMEOUT_SECONDS must be a positive integer but was \"99999999999\"");
    assertThat(HttpPoolConfig.fromEnv(Map.of("HTTP_TIMEOUT_SECONDS", "2147483")).callTimeout())
        .isEqualTo(Duration.ofSeconds(2_147_483));
  }

  @Test
  void maxRequestsPerHostAboveMaxRequestsFailsAtBuild() {
    assertThatThrownBy(() -> HttpPoolConfig.builder().maxRequests(8).maxRequestsPerHost(9).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxRequestsPerHost must be <= maxRequests (8) but was 9");
  }

  @Test
  void badPemIsRejectedAndKeyMaterialIsNeverEchoed() {
    assertThatThrownBy(() -> HttpPoolConfig.builder().trustedCertificatesPem("not a pem"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trustedCertificatesPem must hold PEM certificates");
    String brokenCert = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    assertThatThrownBy(() -> HttpPoolConfig.builder().trustedCertificatesPem(brokenCert))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trustedCertificatesPem is not a valid PEM certificate");
    HeldCertificate rsa = new HeldCertificate.Builder().rsa2048().build();
    String pkcs1 = rsa.privateKeyPkcs1Pem();
    String secretLine = pkcs1.lines().skip(1).findFirst().orElseThrow();
    assertThatThrownBy(
            () -> HttpPoolConfig.builder().clientCertificatePem(rsa.certificatePem(), pkcs1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clientKeyPem must be a PKCS#8 PEM private key")
        .hasMessageContaining("(value hidden)")
        .hasMessageNotContaining(secretLine);
    String garbageKey = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----";
    assertThatThrownBy(
            () -> HttpPoolConfig.builder().clientCertificatePem(CERT.certificatePem(), garbageKey))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("clientKeyPem is not an RSA, EC or Ed25519 PKCS#8 private key (value hidden)");
  }

  @Test
  void toStringHidesTheClientKey() {
    String key = CERT.privateKeyPkcs8Pem();
    HttpPoolConfig config =
        HttpPoolConfig.builder()
            .clientCertificatePem(CERT.certificatePem(), key)
            .trustedCertificatesPem(CERT.certificatePem())
            .build();
    assertThat(config.hasClientCertificate()).isTrue();
    String keyBody = key.lines().skip(1).findFirst().orElseThrow();
    assertThat(config.toString())
        .contains("clientCertificate=present, key=****", "trustedCertificates=custom")
        .doesNotContain(keyBody)
        .doesNotContain("PRIVATE KEY");
  }

  @Test
  void pemFilesAreReadWhenSet(@TempDir Path dir) throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), CERT.certificatePem());
    Path key = Files.writeString(dir.resolve("key.pem"), CERT.privateKeyPkcs8Pem());
    HttpPoolConfig config =
        HttpPoolConfig.builder().trustedCertificates(ca).clientCertificate(ca, key).build();
    assertThat(config.trustedCertificatesPem()).isEqualTo(CERT.certificatePem());
    assertThat(config.clientCertificatePem()).isEqualTo(CERT.certificatePem());
    assertThatThrownBy(() -> HttpPoolConfig.builder().trustedCertificates(dir.resolve("missing")))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("missing");
  }
}
