package ai.vaultgemma.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLHandshakeException;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpPoolTlsTest {
  private static final HeldCertificate SERVER_CA =
      new HeldCertificate.Builder().commonName("test server CA").certificateAuthority(0).build();
  private static final HeldCertificate CLIENT_CA =
      new HeldCertificate.Builder().commonName("test client CA").certificateAuthority(0).build();
  private static final HeldCertificate CLIENT =
      new HeldCertificate.Builder().commonName("client").signedBy(CLIENT_CA).build();
  private static final HeldCertificate OTHER_CA =
      new HeldCertificate.Builder().commonName("someone else").certificateAuthority(0).build();

  private final MockWebServer server = new MockWebServer();
  private final List<HttpPool> pools = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server.start();
    HeldCertificate serverCert =
        new HeldCertificate.Builder()
            .commonName("localhost")
            .addSubjectAlternativeName(server.getHostName())
            .addSubjectAlternativeName("localhost")
            .signedBy(SERVER_CA)
            .build();
    HandshakeCertificates serverCerts =
        new HandshakeCertificates.Builder()
            .heldCertificate(serverCert, SERVER_CA.certificate())
            .addTrustedCertificate(CLIENT_CA.certificate())
            .build();
    server.useHttps(serverCerts.sslSocketFactory());
  }

  @AfterEach
  void stop() {
    pools.forEach(HttpPool::close);
    server.close();
  }

  private HttpPool pool(HttpPoolConfig.Builder config) {
    HttpPool pool = HttpPool.create(config.retryPolicy(RetryPolicy.none()).build());
    pools.add(pool);
    return pool;
  }

  private Request get() {
    return new Request.Builder().url(server.url("/v1/models")).build();
  }

  @Test
  void aServerSignedByAnUntrustedCaIsRejected() {
    HttpPool platformTrust = pool(HttpPoolConfig.builder());
    assertThatThrownBy(() -> platformTrust.execute(get()))
        .isInstanceOf(SSLHandshakeException.class);
    HttpPool otherCa =
        pool(
            HttpPoolConfig.builder()
                .trustedCertificatesPem(OTHER_CA.certificatePem())
                .trustSystemCertificates(false));
    assertThatThrownBy(() -> otherCa.execute(get())).isInstanceOf(SSLHandshakeException.class);
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void aServerSignedByTheTrustedCaIsAcceptedOverHttp2() throws Exception {
    HttpPool pool =
        pool(HttpPoolConfig.builder().trustedCertificatesPem(SERVER_CA.certificatePem()));
    List<Boolean> noDelay = new CopyOnWriteArrayList<>();
    server.enqueue(new MockResponse.Builder().body("secure").build());
    try (Response response =
        pool.okHttpClient()
            .newBuilder()
            .addNetworkInterceptor(
                chain -> {
                  noDelay.add(chain.connection().socket().getTcpNoDelay());
                  return chain.proceed(chain.request());
                })
            .build()
            .newCall(get())
            .execute()) {
      assertThat(response.body().string()).isEqualTo("secure");
      assertThat(response.protocol()).isEqualTo(Protocol.HTTP_2);
      assertThat(response.handshake()).isNotNull();
    }
    assertThat(noDelay).containsExactly(true);
  }

  @Test
  void http11IsUsedWhenTheServerDoesNotSpeakHttp2() throws Exception {
    server.setProtocols(List.of(Protocol.HTTP_1_1));
    HttpPool pool =
        pool(HttpPoolConfig.builder().trustedCertificatesPem(SERVER_CA.certificatePem()));
    server.enqueue(new MockResponse.Builder().body("old").build());
    try (Response response = pool.execute(get())) {
      assertThat(response.protocol()).isEqualTo(Protocol.HTTP_1_1);
      assertThat(response.body().string()).isEqualTo("old");
    }
  }

  @Test
  void http2CanBeTurnedOff() throws Exception {
    HttpPool pool =
        pool(
            HttpPoolConfig.builder()
                .http2(false)
                .trustedCertificatesPem(SERVER_CA.certificatePem()));
    server.enqueue(new MockResponse.Builder().body("h1").build());
    try (Response response = pool.execute(get())) {
      assertThat(response.protocol()).isEqualTo(Protocol.HTTP_1_1);
    }
  }

  @Test
  void aServerRequiringAClientCertificateAcceptsOurs() throws Exception {
    server.requireClientAuth();
    HttpPool pool =
        pool(
            HttpPoolConfig.builder()
                .trustedCertificatesPem(SERVER_CA.certificatePem())
                .clientCertificatePem(CLIENT.certificatePem(), CLIENT.privateKeyPkcs8Pem()));
    server.enqueue(new MockResponse.Builder().body("mutual").build());
    try (Response response = pool.execute(get())) {
      assertThat(response.body().string()).isEqualTo("mutual");
    }
    assertThat(server.takeRequest().getHandshake().peerPrincipal().getName()).contains("client");
  }

  @Test
  void aServerRequiringAClientCertificateRejectsUsWithoutOne() {
    server.requireClientAuth();
    HttpPool pool =
        pool(HttpPoolConfig.builder().trustedCertificatesPem(SERVER_CA.certificatePem()));
    server.enqueue(new MockResponse.Builder().body("never").build());
    assertThatThrownBy(
            () -> {
              try (Response response = pool.execute(get())) {
                response.body().string();
              }
            })
        .isInstanceOf(IOException.class);
    assertThat(server.getRequestCount()).isZero();
  }
}
