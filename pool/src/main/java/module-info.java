/**
 * VaultGemma pools: a pooled HTTP client on OkHttp 5 (keep-alive, HTTP/2, per-host limits, retries
 * with backoff, TLS, request stats) and a pooled JDBC data source on HikariCP.
 *
 * <p>Only {@code ai.vaultgemma.pool} is exported; {@code ai.vaultgemma.pool.internal} stays closed.
 * OkHttp and {@code java.sql} are re-exported because accessors named for them return their types
 * ({@code HttpPool.okHttpClient()}, {@code DbPool.dataSource()}); HikariCP is not, since none of
 * its types is in our signatures.
 */
module ai.vaultgemma.pool {
  requires transitive okhttp3;
  requires transitive java.sql;
  requires com.zaxxer.hikari;
  requires org.slf4j;

  // Nullness and immutability annotations: not needed at run time (static), but they sit on our
  // public signatures, so a consumer's compiler and nullness checker read them (transitive).
  requires static transitive org.jspecify;
  requires static transitive com.google.errorprone.annotations;

  exports ai.vaultgemma.pool;
}
