package ai.vaultgemma.core;

import static ai.vaultgemma.core.InferenceClientPayloads.client;
import static ai.vaultgemma.core.InferenceClientPayloads.error;
import static ai.vaultgemma.core.InferenceClientPayloads.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.vaultgemma.pool.HttpPoolConfig;
import ai.vaultgemma.pool.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** Server errors become typed exceptions through the facade, with the server's own message. */
class InferenceClientErrorsTest {

  @StartStop final MockWebServer server = new MockWebServer();

  @Test
  void unauthorizedCarriesStatusAndServerMessage() {
    server.enqueue(
        error(
            401,
            "{\"error\":{\"message\":\"Incorrect API key provided\","
                + "\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"));
    try (InferenceClient client = client(server).apiKey("sk-secret-123").build()) {
      InferenceHttpException e =
          catchThrowableOfType(InferenceHttpException.class, () -> client.chat(request("hello")));
      assertThat(e.status()).isEqualTo(401);
      assertThat(e.serverMessage()).contains("Incorrect API key provided");
      assertThat(e.type()).contains("invalid_request_error");
      assertThat(e.code()).contains("invalid_api_key");
      assertThat(e).hasMessageNotContaining("sk-secret-123");
    }
  }

  @Test
  void notFoundInVllmsFlatShape() {
    server.enqueue(
        error(
            404,
            "{\"object\":\"error\",\"message\":\"The model `nope` does not exist.\","
                + "\"type\":\"NotFoundError\",\"param\":null,\"code\":404}"));
    try (InferenceClient client = client(server).build()) {
      InferenceHttpException e =
          catchThrowableOfType(InferenceHttpException.class, () -> client.chat(request("hello")));
      assertThat(e.status()).isEqualTo(404);
      assertThat(e.serverMessage()).contains("The model `nope` does not exist.");
      assertThat(e).isNotInstanceOf(RateLimitedException.class);
    }
  }

  @Test
  void rateLimitedCarriesRetryAfter() {
    server.enqueue(
        new MockResponse.Builder()
            .code(429)
            .setHeader("Content-Type", "application/json")
            .setHeader("Retry-After", "17")
            .body("{\"error\":{\"message\":\"Rate limit reached for requests\"}}")
            .build());
    try (InferenceClient client = client(server).build()) {
      RateLimitedException e =
          catchThrowableOfType(RateLimitedException.class, () -> client.chat(request("hello")));
      assertThat(e.status()).isEqualTo(429);
      assertThat(e.retryAfter()).contains(Duration.ofSeconds(17));
      assertThat(e.serverMessage()).contains("Rate limit reached for requests");
    }
  }

  @Test
  void rateLimitedAfterRetriesWithAnInjectedSleeperKeepsTheServersWait() {
    for (int i = 0; i < 2; i++) {
      server.enqueue(
          new MockResponse.Builder()
              .code(429)
              .setHeader("Retry-After", "3")
              .setHeader("Content-Type", "application/json")
              .body("{\"error\":{\"message\":\"slow down\"}}")
              .build());
    }
    List<Duration> waits = new CopyOnWriteArrayList<>();
    RetryPolicy policy = RetryPolicy.builder().maxRetries(1).sleeper(waits::add).build();
    try (InferenceClient client =
        client(server).httpPool(HttpPoolConfig.builder().retryPolicy(policy).build()).build()) {
      RateLimitedException e =
          catchThrowableOfType(RateLimitedException.class, () -> client.chat(request("hello")));
      assertThat(e.retryAfter()).contains(Duration.ofSeconds(3));
      assertThat(waits).containsExactly(Duration.ofSeconds(3));
      assertThat(server.getRequestCount()).isEqualTo(2);
    }
  }

  @Test
  void serverErrorInTgiShape() {
    server.enqueue(error(500, "{\"error\":\"CUDA out of memory\",\"error_type\":\"generation\"}"));
    try (InferenceClient client = client(server).build()) {
      InferenceHttpException e =
          catchThrowableOfType(InferenceHttpException.class, () -> client.chat(request("hello")));
      assertThat(e.status()).isEqualTo(500);
      assertThat(e.serverMessage()).contains("CUDA out of memory");
      assertThat(e.type()).contains("generation");
    }
  }

  @Test
  void plainTextErrorAndAsyncPathGiveTheSameType() {
    server.enqueue(
        new MockResponse.Builder()
            .code(502)
            .setHeader("Content-Type", "text/plain")
            .body("upstream connect error")
            .build());
    try (InferenceClient client = client(server).build()) {
      Throwable e =
          org.assertj.core.api.Assertions.catchThrowable(
              () -> client.chatAsync(request("hello")).join());
      assertThat(e.getCause()).isInstanceOf(InferenceHttpException.class);
      InferenceHttpException http = (InferenceHttpException) e.getCause();
      assertThat(http.status()).isEqualTo(502);
      assertThat(http).hasMessageContaining("upstream connect error");
    }
  }

  @Test
  void bodyThatIsNotJsonIsAnInvalidResponse() {
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "text/html")
            .body("<html>login</html>")
            .build());
    try (InferenceClient client = client(server).build()) {
      InvalidResponseException e =
          catchThrowableOfType(InvalidResponseException.class, () -> client.chat(request("hello")));
      assertThat(e).hasMessageContaining("not JSON");
      assertThat(client.inferenceCache().stats().entries()).isZero();
    }
  }

  @Test
  void unreachableServerIsAConnectionFailure() throws Exception {
    String url = server.url("/v1").toString();
    server.close();
    try (InferenceClient client =
        InferenceClient.builder()
            .baseUrl(url)
            .httpPool(HttpPoolConfig.builder().retryPolicy(RetryPolicy.none()).build())
            .build()) {
      assertThat(
              catchThrowableOfType(
                  InferenceConnectionException.class, () -> client.chat(request("hello"))))
          .hasMessageContaining("failed");
      assertThat(client.health().client().failures()).isEqualTo(1);
    }
  }

  @Test
  void anErrorIsRethrownAsItIsNotDisguisedAsAnInferenceFailure() {
    // The cache clock breaks once the server has been asked, so storing the answer fails.
    java.util.concurrent.atomic.AtomicBoolean broken =
        new java.util.concurrent.atomic.AtomicBoolean();
    server.setDispatcher(
        InferenceClientPayloads.dispatcher(
            r -> {
              broken.set(true);
              return InferenceClientPayloads.chatOk("a");
            }));
    ai.vaultgemma.cache.CacheConfig brokenClock =
        ai.vaultgemma.cache.CacheConfig.inference().toBuilder()
            .clock(
                () -> {
                  if (broken.get()) {
                    throw new AssertionError("clock bug");
                  }
                  return 0L;
                })
            .build();
    try (InferenceClient client = client(server).inferenceCache(brokenClock).build()) {
      assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> client.chat(request("a"))))
          .isExactlyInstanceOf(AssertionError.class)
          .hasMessage("clock bug");
      broken.set(false);
      assertThat(client.chatAsync(request("b")))
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .havingCause()
          .isExactlyInstanceOf(AssertionError.class);
      broken.set(false);
    }
  }
}
