package ai.vaultgemma.pool.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * Turns PEM text into JDK TLS objects. Messages name the field but never echo key material.
 *
 * <p>Trust is built as a fresh PKIX trust store holding the given CAs and, when asked, the
 * platform's own CAs, so validation (chain and hostname) is never switched off here.
 */
public final class TlsMaterial {
  private static final Pattern PRIVATE_KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  private static final char[] NO_PASSWORD = new char[0];

  private TlsMaterial() {}

  /**
   * Parses one or more PEM certificates.
   *
   * @param field the config field, for messages
   * @param pem PEM text
   * @return the certificates, at least one
   * @throws IllegalArgumentException if the text holds no valid certificate
   */
  public static List<X509Certificate> parseCertificates(String field, String pem) {
    if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
      throw new IllegalArgumentException(
          field + " must hold PEM certificates (-----BEGIN CERTIFICATE-----) but had none");
    }
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      List<X509Certificate> result = new ArrayList<>();
      for (Certificate c :
          factory.generateCertificates(
              new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
        result.add((X509Certificate) c);
      }
      if (result.isEmpty()) {
        throw new IllegalArgumentException(field + " must hold at least one PEM certificate");
      }
      return List.copyOf(result);
    } catch (CertificateException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalArgumentException(
          field + " is not a valid PEM certificate: " + e.getMessage(), e);
    }
  }

  /**
   * Parses a PKCS#8 PEM private key (RSA or EC).
   *
   * @param field the config field, for messages
   * @param pem PEM text; never echoed
   * @return the key
   * @throws IllegalArgumentException if the text is not a PKCS#8 RSA or EC key
   */
  public static PrivateKey parsePrivateKey(String field, String pem) {
    Matcher m = PRIVATE_KEY.matcher(pem);
    if (!m.find()) {
      throw new IllegalArgumentException(
          field
              + " must be a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----); convert others"
              + " with 'openssl pkcs8 -topk8 -nocrypt' (value hidden)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1).replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + " has invalid base64 (value hidden)", e);
    }
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException(
        field + " is not an RSA, EC or Ed25519 PKCS#8 private key (value hidden)");
  }

  /** A TLS setup for OkHttp: both parts come from the same {@link SSLContext}. */
  public static final class Setup {
    private final SSLSocketFactory socketFactory;
    private final X509TrustManager trustManager;

    Setup(SSLSocketFactory socketFactory, X509TrustManager trustManager) {
      this.socketFactory = socketFactory;
      this.trustManager = trustManager;
    }

    /** Returns the socket factory. */
    public SSLSocketFactory socketFactory() {
      return socketFactory;
    }

    /** Returns the trust manager the socket factory validates with. */
    public X509TrustManager trustManager() {
      return trustManager;
    }
  }

  /**
   * Builds a TLS setup, or returns null when the platform defaults apply unchanged.
   *
   * @param trustedCertificatesPem extra CAs, or null
   * @param trustSystemCertificates whether the platform CAs stay trusted
   * @param clientCertificatePem the client certificate chain for mTLS, or null
   * @param clientKeyPem the client private key, or null
   * @return the setup, or null for platform defaults
   */
  public static @Nullable Setup build(
      @Nullable String trustedCertificatesPem,
      boolean trustSystemCertificates,
      @Nullable String clientCertificatePem,
      @Nullable String clientKeyPem) {
    if (trustedCertificatesPem == null && clientCertificatePem == null) {
      return null;
    }
    try {
      X509TrustManager trustManager = trustManager(trustedCertificatesPem, trustSystemCertificates);
      KeyManager @Nullable [] keyManagers = null;
      if (clientCertificatePem != null && clientKeyPem != null) {
        List<X509Certificate> chain =
            parseCertificates("clientCertificatePem", clientCertificatePem);
        PrivateKey key = parsePrivateKey("clientKeyPem", clientKeyPem);
        KeyStore keyStore = emptyKeyStore();
        keyStore.setKeyEntry("client", key, NO_PASSWORD, chain.toArray(new Certificate[0]));
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, NO_PASSWORD);
        keyManagers = kmf.getKeyManagers();
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers, new TrustManager[] {trustManager}, null);
      return new Setup(context.getSocketFactory(), trustManager);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the TLS context: " + e.getMessage(), e);
    }
  }

  private static X509TrustManager trustManager(
      @Nullable String trustedCertificatesPem, boolean trustSystemCertificates)
      throws GeneralSecurityException, IOException {
    if (trustedCertificatesPem == null) {
      return platformTrustManager();
    }
    KeyStore trustStore = emptyKeyStore();
    int i = 0;
    for (X509Certificate ca : parseCertificates("trustedCertificatesPem", trustedCertificatesPem)) {
      trustStore.setCertificateEntry("ca-" + i++, ca);
    }
    if (trustSystemCertificates) {
      for (X509Certificate ca : platformTrustManager().getAcceptedIssuers()) {
        trustStore.setCertificateEntry("ca-" + i++, ca);
      }
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trustStore);
    return onlyX509(tmf.getTrustManagers());
  }

  private static X509TrustManager platformTrustManager() throws GeneralSecurityException {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    return onlyX509(tmf.getTrustManagers());
  }

  private static X509TrustManager onlyX509(TrustManager[] managers) {
    for (TrustManager manager : managers) {
      if (manager instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new IllegalStateException("no X509TrustManager among " + managers.length);
  }

  private static KeyStore emptyKeyStore() throws GeneralSecurityException, IOException {
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    keyStore.load(null, NO_PASSWORD);
    return keyStore;
  }
}
