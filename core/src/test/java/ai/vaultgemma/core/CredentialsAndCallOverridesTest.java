package ai.vaultgemma.core;

import static ai.vaultgemma.core.InferenceClientPayloads.chatOk;
import static ai.vaultgemma.core.InferenceClientPayloads.dispatcher;
import static ai.vaultgemma.core.InferenceClientPayloads.error;
import static ai.vaultgemma.core.InferenceClientPayloads.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.vaultgemma.pool.HttpPoolConfig;
import ai.vaultgemma.pool.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** Keys that rotate without a restart, and what one call may override: headers, key, retries. */
class CredentialsAndCallOverridesTest {

  private static final CallOptions NO_CACHE =
      CallOptions.builder().skipCacheRead(true).skipCacheWrite(true).build();

  @StartStop final MockWebServer server = new MockWebServer();

  private InferenceClient.Builder client(RetryPolicy retries) {
    return InferenceClient.builder()
        .httpPool(HttpPoolConfig.builder().retryPolicy(retries).build())
        .shutdownTimeout(Duration.ofSeconds(10));
  }

  private RecordedRequest next() throws InterruptedException {
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(r).isNotNull();
    return r;
  }

  @Test
  void aRotatedKeyIsUsedByTheNextRequest() throws Exception {
    server.setDispatcher(dispatcher(r -> chatOk("ok")));
    AtomicReference<String> key = new AtomicReference<>("sk-first");
    try (InferenceClient client =
        client(RetryPolicy.none())
            .endpoints(
                List.of(Endpoint.builder(server.url("/v1").toString()).apiKey(key::get).build()))
            .build()) {
      client.chat(request("a"), NO_CACHE);
      key.set("sk-second");
      client.chat(request("b"), NO_CACHE);
      client.chatAsync(request("c"), NO_CACHE).get(5, TimeUnit.SECONDS);
      assertThat(client.toString()).doesNotContain("sk-");
    }
    assertThat(next().getHeaders().get("Authorization")).isEqualTo("Bearer sk-first");
    assertThat(next().getHeaders().get("Authorization")).isEqualTo("Bearer sk-second");
    assertThat(next().getHeaders().get("Authorization")).isEqualTo("Bearer sk-second");
  }

  @Test
  void theBaseUrlShorthandTakesAKeySupplierToo() throws Exception {
    server.setDispatcher(dispatcher(r -> chatOk("ok")));
    AtomicReference<String> key = new AtomicReference<>("sk-one");
    try (InferenceClient client =
        client(RetryPolicy.none()).baseUrl(server.url("/v1").toString()).apiKey(key::get).build()) {
      client.chat(request("a"), NO_CACHE);
      key.set("sk-two");
      client.chat(request("b"), NO_CACHE);
      assertThat(client.toString()).contains("apiKey=****").doesNotContain("sk-");
    }
    assertThat(next().getHeaders().get("Authorization")).isEqualTo("Bearer sk-one");
    assertThat(next().getHeaders().get("Authorization")).isEqualTo("Bearer sk-two");
  }

  @Test
  void aBadSuppliedKeyFailsThatCallWithoutShowingIt() {
    server.setDispatcher(dispatcher(r -> chatOk("ok")));
    AtomicReference<String> key = new AtomicReference<>("sk-bad key");
    try (InferenceClient client =
        client(RetryPolicy.none()).baseUrl(server.url("/v1").toString()).apiKey(key::get).build()) {
      assertThatThrownBy(() -> client.chat(request("a"), NO_CACHE))
          .isInstanceOf(InferenceException.class)
          .hasMessageContaining("apiKey supplier of endpoint http://")
          .hasMessageContaining("value hidden")
          .hasMessageNotContaining("sk-bad");
      key.set(null);
      assertThatThrownBy(() -> client.chat(request("b"), NO_CACHE))
          .hasMessageContaining("returned null");
      key.set("sk-good");
      assertThat(client.chat(request("c"), NO_CACHE).text()).isEqualTo("ok");
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aServerThatEchoesARotatedKeyHasItMasked() {
    server.setDispatcher(
        dispatcher(
            r ->
                error(
                    401,
                    "{\"error\":{\"message\":\"Incorrect API key provided: "
                        + r.getHeaders().get("Authorization").substring(7)
                        + "\"}}")));
    AtomicReference<String> key = new AtomicReference<>("sk-rotated-123");
    try (InferenceClient client =
        client(RetryPolicy.none()).baseUrl(server.url("/v1").toString()).apiKey(key::get).build()) {
      assertThatThrownBy(() -> client.chat(request("a"), NO_CACHE))
          .isInstanceOf(InferenceHttpException.class)
          .hasMessageNotContaining("sk-rotated-123")
          .hasMessageContaining("****");
      CallOptions own = NO_CACHE.toBuilder().apiKey("sk-call-456").build();
      assertThatThrownBy(() -> client.chat(request("b"), own))
          .hasMessageNotContaining("sk-call-456");
    }
  }

  @Test
  void extraHeadersAndAKeyPerCall() throws Exception {
    server.setDispatcher(dispatcher(r -> chatOk("ok")));
    CallOptions options =
        NO_CACHE.toBuilder()
            .header("X-Priority", "low")
            .header("x-priority", "high") // replaces, whatever the case
            .header("OpenAI-Organization", "org-1")
            .apiKey("sk-tenant-7")
            .build();
    assertThat(options.toString())
        .contains("headers=[x-priority, OpenAI-Organization]")
        .contains("apiKey=****")
        .doesNotContain("sk-tenant-7")
        .doesNotContain("org-1");
    try (InferenceClient client =
        client(RetryPolicy.none())
            .baseUrl(server.url("/v1").toString())
            .apiKey("sk-client")
            .build()) {
      client.chat(request("a"), options);
      client.chat(request("b"), NO_CACHE);
    }
    RecordedRequest first = next();
    assertThat(first.getHeaders().get("X-Priority")).isEqualTo("high");
    assertThat(first.getHeaders().get("OpenAI-Organization")).isEqualTo("org-1");
    assertThat(first.getHeaders().get("Authorization")).isEqualTo("Bearer sk-tenant-7");
    assertThat(first.getHeaders().get("traceparent")).isNotNull();
    RecordedRequest second = next();
    assertThat(second.getHeaders().get("Authorization")).isEqualTo("Bearer sk-client");
    assertThat(second.getHeaders().get("X-Priority")).isNull();
  }

  @Test
  void headersTheClientOwnsAreRefusedPerCall() {
    assertThatThrownBy(() -> CallOptions.builder().header("Authorization", "Bearer x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "header Authorization is set by the client and cannot be set per call (use"
                + " apiKey)");
    assertThatThrownBy(() -> CallOptions.builder().header("traceparent", "00-1"))
        .hasMessage("header traceparent is set by the client and cannot be set per call");
    assertThatThrownBy(() -> CallOptions.builder().header("X-Key", "secret\r\nX-Evil: 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("header X-Key value has a bad character at 6 (value hidden)");
    assertThatThrownBy(() -> CallOptions.builder().header("Bad Name", "v"))
        .hasMessage("header name must be a token but \"Bad Name\" has a bad character at 3");
    assertThatThrownBy(() -> CallOptions.builder().apiKey(" "))
        .hasMessage("apiKey must not be blank (value hidden)");
  }

  @Test
  void aRetryPolicyPerCallReplacesThePoolsForThatCallOnly() {
    server.setDispatcher(dispatcher(r -> error(503, "{\"error\":{\"message\":\"busy\"}}")));
    RetryPolicy threeRetries =
        RetryPolicy.builder()
            .maxRetries(3)
            .backoff(Duration.ofMillis(1), 1.0, Duration.ofMillis(1))
            .build();
    try (InferenceClient client =
        client(threeRetries).baseUrl(server.url("/v1").toString()).build()) {
      CallOptions once = NO_CACHE.toBuilder().retryPolicy(RetryPolicy.none()).build();
      assertThatThrownBy(() -> client.chat(request("a"), once))
          .isInstanceOf(InferenceHttpException.class);
      assertThat(server.getRequestCount()).isEqualTo(1);
      assertThatThrownBy(() -> client.chat(request("b"), NO_CACHE))
          .isInstanceOf(InferenceHttpException.class);
      assertThat(server.getRequestCount()).isEqualTo(1 + 4);
    }
  }
}
