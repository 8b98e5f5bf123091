package ai.vaultgemma.pool;

import static java.util.Objects.requireNonNull;

import ai.vaultgemma.pool.internal.Checks;
import ai.vaultgemma.pool.internal.TlsMaterial;
import com.google.errorprone.annotations.CanIgnoreReturnValue;
import com.google.errorprone.annotations.Immutable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * How an {@link HttpPool} connects, pools, times out, retries and secures its calls.
 *
 * <p>Immutable and thread-safe. Start from {@link #defaults()}, {@link #fromEnv()} or {@link
 * #builder()}, and derive variants with {@link #toBuilder()}:
 *
 * <pre>{@code
 * HttpPoolConfig config = HttpPoolConfig.builder()
 *     .callTimeout(Duration.ofSeconds(60))
 *     .streamIdleTimeout(Duration.ofSeconds(90))
 *     .trustedCertificatesPem(Files.readString(Path.of("ca.pem")))
 *     .retryPolicy(RetryPolicy.builder().maxRetries(5).build())
 *     .build();
 * }</pre>
 *
 * <h2>Timeouts</h2>
 *
 * <p>{@code callTimeout} bounds a whole ordinary call, retries and waits included. A streamed
 * response (server-sent events) is read through {@link HttpPool#streamingClient()}, which has no
 * total timeout; there {@code streamIdleTimeout} is the longest silence allowed between two chunks,
 * so a healthy long stream is never cut while a silent one is.
 *
 * <h2>TLS</h2>
 *
 * <p>Certificates and host names are always validated. Extra certificate authorities are given as
 * PEM ({@link Builder#trustedCertificatesPem(String)}); by default the platform's CAs stay trusted
 * as well. A client certificate for mutual TLS is a PEM chain and a PKCS#8 PEM key. HTTP/2 is
 * negotiated with ALPN and falls back to HTTP/1.1. The private key is never shown by {@link
 * #toString()}.
 */
@Immutable
public final class HttpPoolConfig {

  /** Default most idle connections kept for reuse: 100 (the seed's value). */
  public static final int DEFAULT_MAX_IDLE_CONNECTIONS = 100;

  /** Default time an idle connection is kept before it is closed: 5 minutes. */
  public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofMinutes(5);

  /**
   * Default most concurrent asynchronous calls: 1024. OkHttp's own default (64, and 5 per host)
   * would queue the hundreds of concurrent streams an inference server batches; the dispatcher is
   * not meant to be the limit, the caller's concurrency limit is, so this sits well above it.
   */
  public static final int DEFAULT_MAX_REQUESTS = 1024;

  /**
   * Default most concurrent asynchronous calls per host: 1024, see {@link #DEFAULT_MAX_REQUESTS}.
   */
  public static final int DEFAULT_MAX_REQUESTS_PER_HOST = 1024;

  /**
   * The largest {@link #maxRequests()} and {@link #maxRequestsPerHost()} accepted: 65536. Each
   * running asynchronous call holds a dispatcher thread, so a larger bound is no bound.
   */
  public static final int MAX_DISPATCHER_REQUESTS = 65_536;

  /** Default TCP (and TLS) connect timeout: 10 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** Default longest wait for a read on an ordinary call: 30 seconds. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

  /** Default longest wait for a write: 30 seconds. */
  public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);

  /** Default timeout of a whole ordinary call, retries included: 30 seconds (the seed's value). */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

  /** Default longest silence between two chunks of a streamed body: 60 seconds. */
  public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofSeconds(60);

  /** Whether HTTP/2 is offered over TLS, by default: {@value}. */
  public static final boolean DEFAULT_HTTP2 = true;

  /** Whether the system's trusted CAs are trusted, by default: {@value}. */
  public static final boolean DEFAULT_TRUST_SYSTEM_CERTIFICATES = true;

  /** Environment variable for {@link #maxIdleConnections()}. */
  public static final String ENV_MAX_IDLE_CONNS = "HTTP_MAX_IDLE_CONNS";

  /** Environment variable for {@link #callTimeout()}, in whole seconds. */
  public static final String ENV_TIMEOUT_SECONDS = "HTTP_TIMEOUT_SECONDS";

  /** The largest {@value #ENV_TIMEOUT_SECONDS}: OkHttp's longest timeout in whole seconds. */
  private static final int MAX_TIMEOUT_SECONDS = Integer.MAX_VALUE / 1000;

  private static final HttpPoolConfig DEFAULTS = new Builder().build();

  private final int maxIdleConnections;
  private final Duration keepAlive;
  private final int maxRequests;
  private final int maxRequestsPerHost;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final Duration writeTimeout;
  private final Duration callTimeout;
  private final Duration streamIdleTimeout;
  private final boolean http2;
  private final RetryPolicy retryPolicy;
  private final @Nullable String trustedCertificatesPem;
  private final boolean trustSystemCertificates;
  private final @Nullable String clientCertificatePem;
  private final @Nullable String clientKeyPem;

  private HttpPoolConfig(Builder b) {
    maxIdleConnections = b.maxIdleConnections;
    keepAlive = b.keepAlive;
    maxRequests = b.maxRequests;
    maxRequestsPerHost = b.maxRequestsPerHost;
    connectTimeout = b.connectTimeout;
    readTimeout = b.readTimeout;
    writeTimeout = b.writeTimeout;
    callTimeout = b.callTimeout;
    streamIdleTimeout = b.streamIdleTimeout;
    http2 = b.http2;
    retryPolicy = b.retryPolicy;
    trustedCertificatesPem = b.trustedCertificatesPem;
    trustSystemCertificates = b.trustSystemCertificates;
    clientCertificatePem = b.clientCertificatePem;
    clientKeyPem = b.clientKeyPem;
  }

  /**
   * Returns the defaults: the {@code DEFAULT_*} constants, {@link RetryPolicy#defaults()}, HTTP/2
   * allowed, platform trust, no client certificate.
   *
   * @return the default config
   */
  public static HttpPoolConfig defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a builder holding the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads {@value #ENV_MAX_IDLE_CONNS} and {@value #ENV_TIMEOUT_SECONDS} from the process
   * environment over the defaults.
   *
   * @return the config
   * @throws IllegalArgumentException if a variable is set to a malformed value
   */
  public static HttpPoolConfig fromEnv() {
    return fromEnv(System::getenv);
  }

  /**
   * Reads the environment variables from {@code env} over the defaults.
   *
   * @param env the variables
   * @return the config
   * @throws NullPointerException if {@code env} is null
   * @throws IllegalArgumentException if a variable is set to a malformed value
   */
  public static HttpPoolConfig fromEnv(Map<String, String> env) {
    requireNonNull(env, "env");
    return fromEnv(env::get);
  }

  /**
   * Reads the environment variables through {@code env} over the defaults. A variable that is unset
   * or blank keeps its default.
   *
   * @param env returns a variable's value, or null when unset
   * @return the config
   * @throws NullPointerException if {@code env} is null
   * @throws IllegalArgumentException if a variable is set to a malformed value; the message names
   *     the variable and the value
   */
  public static HttpPoolConfig fromEnv(Function<String, @Nullable String> env) {
    requireNonNull(env, "env");
    Builder builder = builder();
    String idle = env.apply(ENV_MAX_IDLE_CONNS);
    if (idle != null && !idle.isBlank()) {
      builder.maxIdleConnections(parseInt(ENV_MAX_IDLE_CONNS, idle, 0));
    }
    String timeout = env.apply(ENV_TIMEOUT_SECONDS);
    if (timeout != null && !timeout.isBlank()) {
      int seconds = parseInt(ENV_TIMEOUT_SECONDS, timeout, 1);
      if (seconds > MAX_TIMEOUT_SECONDS) {
        throw new IllegalArgumentException(
            ENV_TIMEOUT_SECONDS
                + " must be at most "
                + MAX_TIMEOUT_SECONDS
                + " (OkHttp's longest timeout, Integer.MAX_VALUE ms) but was \""
                + timeout
                + '"');
      }
      builder.callTimeout(Duration.ofSeconds(seconds));
    }
    return builder.build();
  }

  private static int parseInt(String name, String value, int min) {
    String rule = min == 0 ? "a non-negative integer" : "a positive integer";
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed < min) {
        throw new IllegalArgumentException(name + " must be " + rule + " but was \"" + value + '"');
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          name + " must be " + rule + " but was \"" + value + '"', e);
    }
  }

  /**
   * Returns a builder holding this config's values.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Returns the most idle connections kept for reuse. It bounds what is kept between calls, not
   * what is open: a burst of N concurrent HTTP/1.1 calls opens N connections and keeps this many
   * once they finish; over HTTP/2 one connection carries as many streams as the server allows
   * (often 100 to 250) and OkHttp opens another when they are all taken.
   *
   * @return zero or more
   */
  public int maxIdleConnections() {
    return maxIdleConnections;
  }

  /**
   * Returns how long an idle connection is kept.
   *
   * @return a positive duration
   */
  public Duration keepAlive() {
    return keepAlive;
  }

  /**
   * Returns the most concurrent asynchronous calls the dispatcher runs; more wait in its queue. As
   * in OkHttp, synchronous calls run on the caller's thread and are not counted. The default
   * ({@value #DEFAULT_MAX_REQUESTS}) is meant never to be the limit: OkHttp's 64 (5 per host) would
   * queue the hundreds of concurrent streams an inference server batches, so the caller's
   * concurrency limit is the one that holds.
   *
   * @return 1 to {@value #MAX_DISPATCHER_REQUESTS}
   */
  public int maxRequests() {
    return maxRequests;
  }

  /**
   * Returns the most concurrent asynchronous calls to one host.
   *
   * @return at least 1, at most {@link #maxRequests()}
   */
  public int maxRequestsPerHost() {
    return maxRequestsPerHost;
  }

  /**
   * Returns the connect timeout (TCP and TLS handshake).
   *
   * @return a positive duration
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * Returns the read timeout of ordinary calls.
   *
   * @return a positive duration
   */
  public Duration readTimeout() {
    return readTimeout;
  }

  /**
   * Returns the write timeout.
   *
   * @return a positive duration
   */
  public Duration writeTimeout() {
    return writeTimeout;
  }

  /**
   * Returns the timeout of a whole ordinary call, retries and waits included.
   *
   * @return a positive duration
   */
  public Duration callTimeout() {
    return callTimeout;
  }

  /**
   * Returns the longest silence allowed between two chunks of a body read through {@link
   * HttpPool#streamingClient()}.
   *
   * @return a positive duration
   */
  public Duration streamIdleTimeout() {
    return streamIdleTimeout;
  }

  /**
   * Returns whether HTTP/2 may be negotiated over TLS (ALPN), with HTTP/1.1 as fallback.
   *
   * @return true if HTTP/2 is offered
   */
  public boolean http2() {
    return http2;
  }

  /**
   * Returns the retry policy.
   *
   * @return the policy
   */
  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /**
   * Returns the extra trusted CA certificates as PEM, or null for none.
   *
   * @return PEM text, or null
   */
  public @Nullable String trustedCertificatesPem() {
    return trustedCertificatesPem;
  }

  /**
   * Returns whether the platform's CAs are trusted next to {@link #trustedCertificatesPem()}.
   *
   * @return true if platform CAs are trusted
   */
  public boolean trustSystemCertificates() {
    return trustSystemCertificates;
  }

  /**
   * Returns the client certificate chain for mutual TLS as PEM, or null for none.
   *
   * @return PEM text, or null
   */
  public @Nullable String clientCertificatePem() {
    return clientCertificatePem;
  }

  /**
   * Returns whether a client private key is configured. The key itself has no public accessor.
   *
   * @return true if mutual TLS is configured
   */
  public boolean hasClientCertificate() {
    return clientKeyPem != null;
  }

  /** The PKCS#8 PEM private key, for the pool only; see {@link #hasClientCertificate()}. */
  @Nullable String clientKeyPem() {
    return clientKeyPem;
  }

  @Override
  public String toString() {
    return "HttpPoolConfig{maxIdleConnections="
        + maxIdleConnections
        + ", keepAlive="
        + keepAlive
        + ", maxRequests="
        + maxRequests
        + ", maxRequestsPerHost="
        + maxRequestsPerHost
        + ", connectTimeout="
        + connectTimeout
        + ", readTimeout="
        + readTimeout
        + ", writeTimeout="
        + writeTimeout
        + ", callTimeout="
        + callTimeout
        + ", streamIdleTimeout="
        + streamIdleTimeout
        + ", http2="
        + http2
        + ", trustedCertificates="
        + (trustedCertificatesPem == null ? "platform" : "custom")
        + ", trustSystemCertificates="
        + trustSystemCertificates
        + ", clientCertificate="
        + (clientKeyPem == null ? "none" : "present, key=****")
        + ", retryPolicy="
        + retryPolicy
        + '}';
  }

  /**
   * Builds an {@link HttpPoolConfig}. Not thread-safe. Each method checks its own value; {@link
   * #build()} checks how values fit together.
   */
  public static final class Builder {
    private int maxIdleConnections = DEFAULT_MAX_IDLE_CONNECTIONS;
    private Duration keepAlive = DEFAULT_KEEP_ALIVE;
    private int maxRequests = DEFAULT_MAX_REQUESTS;
    private int maxRequestsPerHost = DEFAULT_MAX_REQUESTS_PER_HOST;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;
    private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
    private Duration streamIdleTimeout = DEFAULT_STREAM_IDLE_TIMEOUT;
    private boolean http2 = DEFAULT_HTTP2;
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private @Nullable String trustedCertificatesPem;
    private boolean trustSystemCertificates = DEFAULT_TRUST_SYSTEM_CERTIFICATES;
    private @Nullable String clientCertificatePem;
    private @Nullable String clientKeyPem;

    private Builder() {}

    private Builder(HttpPoolConfig c) {
      maxIdleConnections = c.maxIdleConnections;
      keepAlive = c.keepAlive;
      maxRequests = c.maxRequests;
      maxRequestsPerHost = c.maxRequestsPerHost;
      connectTimeout = c.connectTimeout;
      readTimeout = c.readTimeout;
      writeTimeout = c.writeTimeout;
      callTimeout = c.callTimeout;
      streamIdleTimeout = c.streamIdleTimeout;
      http2 = c.http2;
      retryPolicy = c.retryPolicy;
      trustedCertificatesPem = c.trustedCertificatesPem;
      trustSystemCertificates = c.trustSystemCertificates;
      clientCertificatePem = c.clientCertificatePem;
      clientKeyPem = c.clientKeyPem;
    }

    /**
     * Sets the most idle connections kept for reuse.
     *
     * @param maxIdleConnections zero or more
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    @CanIgnoreReturnValue
    public Builder maxIdleConnections(int maxIdleConnections) {
      if (maxIdleConnections < 0) {
        throw new IllegalArgumentException(
            "maxIdleConnections must be >= 0 but was " + maxIdleConnections);
      }
      this.maxIdleConnections = maxIdleConnections;
      return this;
    }

    /**
     * Sets how long an idle connection is kept before it is closed.
     *
     * @param keepAlive positive
     * @return this builder
     * @throws NullPointerException if null
     * @throws IllegalArgumentException if not positive
     */
    @CanIgnoreReturnValue
    public Builder keepAlive(Duration keepAlive) {
      this.keepAlive = Checks.positive("keepAlive", keepAlive);
      return this;
    }

    /**
     * Sets the most concurrent asynchronous calls the dispatcher runs (default {@value
     * #DEFAULT_MAX_REQUESTS}); more wait in its queue. Keep it above the caller's own concurrency
     * limit, so the dispatcher never becomes the limit.
     *
     * @param maxRequests from 1 to {@value #MAX_DISPATCHER_REQUESTS}
     * @return this builder
     * @throws IllegalArgumentException if out of that range
     */
    @CanIgnoreReturnValue
    public Builder maxRequests(int maxRequests) {
      this.maxRequests = dispatcherLimit("maxRequests", maxRequests);
      return this;
    }

    private static int dispatcherLimit(String name, int value) {
      if (value < 1 || value > MAX_DISPATCHER_REQUESTS) {
        throw new IllegalArgumentException(
            name + " must be within 1.." + MAX_DISPATCHER_REQUESTS + " but was " + value);
      }
      return value;
    }

    /**
     * Sets the most concurrent asynchronous calls to one host (default {@value
     * #DEFAULT_MAX_REQUESTS_PER_HOST}).
     *
     * @param maxRequestsPerHost from 1 to {@value #MAX_DISPATCHER_REQUESTS} and, checked at {@link
     *     #build()}, at most {@code maxRequests}
     * @return this builder
     * @throws IllegalArgumentException if out of that range
     */
    @CanIgnoreReturnValue
    public Builder maxRequestsPerHost(int maxRequestsPerHost) {
      this.maxRequestsPerHost = dispatcherLimit("maxRequestsPerHost", maxRequestsPerHost);
      return this;
    }

    /**
     * Sets the connect timeout.
     *
     * @param connectTimeout from 1 ms to {@code Integer.MAX_VALUE} ms (about 24.8 days), OkHttp's
     *     range
     * @return this builder
     * @throws NullPointerException if null
     * @throws IllegalArgumentException if out of that range; the message names the setting and the
     *     value
     */
    @CanIgnoreReturnValue
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = Checks.timeout("connectTimeout", connectTimeout);
      return this;
    }

    /**
     * Sets the read timeout of ordinary calls.
     *
     * @param readTimeout from 1 ms to {@code Integer.MAX_VALUE} ms (about 24.8 days), OkHttp's
     *     range
     * @return this builder
     * @throws NullPointerException if null
     * @throws IllegalArgumentException if out of that range; the message names the setting and the
     *     value
     */
    @CanIgnoreReturnValue
    public Builder readTimeout(Duration readTimeout) {
      this.readTimeout = Checks.timeout("readTimeout", readTimeout);
      return this;
    }

    /**
     * Sets the write timeout.
     *
     * @param writeTimeout from 1 ms to {@code Integer.MAX_VALUE} ms (about 24.8 days), OkHttp's
     *     range
     * @return this builder
     * @throws NullPointerException if null
     * @throws IllegalArgumentException if out of that range; the message names the setting and the
     *     value
     */
    @CanIgnoreReturnValue
    public Builder writeTimeout(Duration writeTimeout) {
      this.writeTimeout = Checks.timeout("writeTimeout", writeTimeout);
      return this;
    }

    /**
     * Sets the timeout of a whole ordinary call, retries and waits included.
     *
     * @param callTimeout from 1 ms to {@code Integer.MAX_VALUE} ms (about 24.8 days), OkHttp's
     *     range
     * @return this builder
     * @throws NullPointerException if null
     * @throws IllegalArgumentException if out of that range; the message names the setting and the
     *     value
     */
    @CanIgnoreReturnValue
    public Builder callTimeout(Duration callTimeout) {
      this.callTimeout = Checks.timeout("callTimeout", callTimeout);
      return this;
    }

    /**
     * Sets the longest silence between two chunks of a streamed body.
     *
     * @param streamIdleTimeout from 1 ms to {@code Integer.MAX_VALUE} ms (about 24.8 days),
     *     OkHttp's range
     * @return this builder
     * @throws NullPointerException if null
     * @throws IllegalArgumentException if out of that range; the message names the setting and the
     *     value
     */
    @CanIgnoreReturnValue
    public Builder streamIdleTimeout(Duration streamIdleTimeout) {
      this.streamIdleTimeout = Checks.timeout("streamIdleTimeout", streamIdleTimeout);
      return this;
    }

    /**
     * Sets whether HTTP/2 is offered over TLS (default {@value #DEFAULT_HTTP2}).
     *
     * @param http2 false to speak HTTP/1.1 only
     * @return this builder
     */
    @CanIgnoreReturnValue
    public Builder http2(boolean http2) {
      this.http2 = http2;
      return this;
    }

    /**
     * Sets the retry policy.
     *
     * @param retryPolicy the policy; {@link RetryPolicy#none()} disables retries
     * @return this builder
     * @throws NullPointerException if null
     */
    @CanIgnoreReturnValue
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /**
     * Trusts the CA certificates in {@code pem} (one or more {@code BEGIN CERTIFICATE} blocks).
     *
     * @param pem PEM text
     * @return this builder
     * @throws NullPointerException if null
     * @throws IllegalArgumentException if the text holds no valid certificate
     */
    @CanIgnoreReturnValue
    public Builder trustedCertificatesPem(String pem) {
      requireNonNull(pem, "trustedCertificatesPem");
      TlsMaterial.parseCertificates("trustedCertificatesPem", pem);
      this.trustedCertificatesPem = pem;
      return this;
    }

    /**
     * Trusts the CA certificates in the PEM file at {@code path}, read now.
     *
     * @param path a PEM file
     * @return this builder
     * @throws NullPointerException if null
     * @throws IllegalArgumentException if the file holds no valid certificate
     * @throws UncheckedIOException if the file cannot be read
     */
    @CanIgnoreReturnValue
    public Builder trustedCertificates(Path path) {
      requireNonNull(path, "path");
      return trustedCertificatesPem(read(path));
    }

    /**
     * Sets whether the platform's CAs stay trusted next to {@link #trustedCertificatesPem(String)}
     * (default true). Set false to trust only your own CA.
     *
     * @param trustSystemCertificates false to trust only the given CAs
     * @return this builder
     */
    @CanIgnoreReturnValue
    public Builder trustSystemCertificates(boolean trustSystemCertificates) {
      this.trustSystemCertificates = trustSystemCertificates;
      return this;
    }

    /**
     * Sets the client certificate for mutual TLS.
     *
     * @param certificateChainPem the client certificate, then any intermediates, as PEM
     * @param privateKeyPem the matching PKCS#8 PEM private key ({@code BEGIN PRIVATE KEY}); never
     *     shown in messages or {@code toString()}
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if either is not valid PEM of the expected kind
     */
    @CanIgnoreReturnValue
    public Builder clientCertificatePem(String certificateChainPem, String privateKeyPem) {
      requireNonNull(certificateChainPem, "certificateChainPem");
      requireNonNull(privateKeyPem, "privateKeyPem");
      TlsMaterial.parseCertificates("clientCertificatePem", certificateChainPem);
      TlsMaterial.parsePrivateKey("clientKeyPem", privateKeyPem);
      this.clientCertificatePem = certificateChainPem;
      this.clientKeyPem = privateKeyPem;
      return this;
    }

    /**
     * Sets the client certificate for mutual TLS from PEM files, read now.
     *
     * @param certificateChain a PEM certificate chain file
     * @param privateKey a PKCS#8 PEM private key file
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if either is not valid PEM of the expected kind
     * @throws UncheckedIOException if a file cannot be read
     */
    @CanIgnoreReturnValue
    public Builder clientCertificate(Path certificateChain, Path privateKey) {
      requireNonNull(certificateChain, "certificateChain");
      requireNonNull(privateKey, "privateKey");
      return clientCertificatePem(read(certificateChain), read(privateKey));
    }

    /**
     * Returns a new immutable config.
     *
     * @return the config
     * @throws IllegalArgumentException if {@code maxRequestsPerHost > maxRequests}
     */
    public HttpPoolConfig build() {
      if (maxRequestsPerHost > maxRequests) {
        throw new IllegalArgumentException(
            "maxRequestsPerHost must be <= maxRequests ("
                + maxRequests
                + ") but was "
                + maxRequestsPerHost);
      }
      return new HttpPoolConfig(this);
    }

    private static String read(Path path) {
      try {
        return Files.readString(path, StandardCharsets.US_ASCII);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + path, e);
      }
    }
  }
}
