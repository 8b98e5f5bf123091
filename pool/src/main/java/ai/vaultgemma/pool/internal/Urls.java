package ai.vaultgemma.pool.internal;

import okhttp3.HttpUrl;

/** URL text that is safe to log: scheme, host and port, never the path or query. */
public final class Urls {
  private Urls() {}

  /**
   * Returns {@code scheme://host:port/...}.
   *
   * @param url the URL
   * @return the redacted text
   */
  public static String redact(HttpUrl url) {
    return url.scheme() + "://" + url.host() + ":" + url.port() + "/...";
  }
}
