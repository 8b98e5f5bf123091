package ai.vaultgemma.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.vaultgemma.core.CallOptions;
import ai.vaultgemma.core.EndpointHealth;
import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.core.RateLimitExceededException;
import java.util.Map;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code vaultgemma.endpoints}, {@code fallbacks}, {@code routing} and {@code rate-limit} against
 * three MockWebServers: the properties reach the client and calls behave as they say.
 */
class SeveralEndpointsTest {

  private static final CallOptions NO_CACHE =
      CallOptions.builder().skipCacheRead(true).skipCacheWrite(true).build();

  // No retries on the same endpoint and no probes, so every request a server sees is a call's.
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  VaultGemmaAutoConfiguration.class, VaultGemmaHealthAutoConfiguration.class))
          .withPropertyValues(
              "vaultgemma.http.retry.max-retries=0", "vaultgemma.routing.probe-interval=0s");

  private final MockWebServer a = new MockWebServer();
  private final MockWebServer b = new MockWebServer();
  private final MockWebServer c = new MockWebServer();

  @BeforeEach
  void start() throws Exception {
    a.start();
    b.start();
    c.start();
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
    c.close();
  }

  private static String url(MockWebServer server) {
    return server.url("/v1").toString();
  }

  private static Dispatcher answering(Function<RecordedRequest, MockResponse> answer) {
    return new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return answer.apply(request);
      }
    };
  }

  private static MockResponse unavailable() {
    return new MockResponse.Builder().code(503).body("{\"error\":\"down\"}").build();
  }

  private static int total(MockWebServer... servers) {
    int n = 0;
    for (MockWebServer s : servers) {
      n += s.getRequestCount();
    }
    return n;
  }

  @Test
  void threeEndpoints_callsAreSpreadOverAll_eachWithItsKeyAndWeight() throws Exception {
    a.setDispatcher(answering(r -> Payloads.completion("from a")));
    b.setDispatcher(answering(r -> Payloads.completion("from b")));
    c.setDispatcher(answering(r -> Payloads.completion("from c")));
    runner
        .withPropertyValues(
            "vaultgemma.endpoints[0].base-url=" + url(a),
            "vaultgemma.endpoints[0].api-key=sk-key-a",
            "vaultgemma.endpoints[1].base-url=" + url(b),
            "vaultgemma.endpoints[1].api-key=sk-key-b",
            "vaultgemma.endpoints[2].base-url=" + url(c),
            "vaultgemma.endpoints[2].weight=2")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              InferenceClient client = context.getBean(InferenceClient.class);
              for (int i = 0; i < 60; i++) {
                assertThat(client.chat(Payloads.request("q" + i), NO_CACHE).text())
                    .startsWith("from ");
              }
              assertThat(a.getRequestCount()).isPositive();
              assertThat(b.getRequestCount()).isPositive();
              assertThat(c.getRequestCount()).isPositive();
              assertThat(total(a, b, c)).isEqualTo(60);

              assertThat(a.takeRequest().getHeaders().get("Authorization"))
                  .isEqualTo("Bearer sk-key-a");
              assertThat(b.takeRequest().getHeaders().get("Authorization"))
                  .isEqualTo("Bearer sk-key-b");
              assertThat(c.takeRequest().getHeaders().get("Authorization")).isNull();

              assertThat(client.baseUrl()).isEqualTo(url(a)); // the first names the cache key
              assertThat(client.health().endpoints())
                  .extracting(EndpointHealth::baseUrl, EndpointHealth::weight)
                  .containsExactly(
                      Tuple.tuple(url(a), 1), Tuple.tuple(url(b), 1), Tuple.tuple(url(c), 2));
              assertThat(client.toString()).doesNotContain("sk-key-a").doesNotContain("sk-key-b");
              assertThat(context.getBean(VaultGemmaProperties.class).toString())
                  .contains(url(b))
                  .doesNotContain("sk-key-a")
                  .doesNotContain("sk-key-b");
            });
  }

  @Test
  void whenTheEndpointsFail_theFallbackAnswers_withItsModelName() throws Exception {
    a.setDispatcher(answering(r -> unavailable()));
    b.setDispatcher(answering(r -> unavailable()));
    c.setDispatcher(answering(r -> Payloads.completion("from the fallback")));
    runner
        .withPropertyValues(
            "vaultgemma.endpoints[0].base-url=" + url(a),
            "vaultgemma.endpoints[1].base-url=" + url(b),
            "vaultgemma.fallbacks[0].base-url=" + url(c),
            "vaultgemma.fallbacks[0].api-key=sk-fallback",
            "vaultgemma.fallbacks[0].models.m=google/gemma-3-4b-it",
            "vaultgemma.routing.failure-threshold=1")
        .run(
            context -> {
              InferenceClient client = context.getBean(InferenceClient.class);
              assertThat(client.chat(Payloads.request("hi"), NO_CACHE).text())
                  .isEqualTo("from the fallback");
              assertThat(a.getRequestCount()).isEqualTo(1);
              assertThat(b.getRequestCount()).isEqualTo(1);
              RecordedRequest sent = c.takeRequest();
              assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer sk-fallback");
              assertThat(sent.getBody().utf8()).contains("\"model\":\"google/gemma-3-4b-it\"");
              // One failure opened each replica's breaker: degraded, reported per endpoint.
              Health health =
                  context.getBean("vaultgemmaHealthIndicator", HealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(Status.UP); // degraded-status default
              assertThat(health.getDetails()).containsEntry("status", "degraded");
              assertThat(health.getDetails().get("endpoints"))
                  .asInstanceOf(InstanceOfAssertFactories.list(Map.class))
                  .extracting(e -> e.get("base_url"), e -> e.get("state"))
                  .containsExactly(
                      Tuple.tuple(url(a), "open"),
                      Tuple.tuple(url(b), "open"),
                      Tuple.tuple(url(c), "closed"));
            });
  }

  @Test
  void maxEndpointsPerCallOne_turnsFallbackOff() {
    a.setDispatcher(answering(r -> unavailable()));
    c.setDispatcher(answering(r -> Payloads.completion("from the fallback")));
    runner
        .withPropertyValues(
            "vaultgemma.endpoints[0].base-url=" + url(a),
            "vaultgemma.fallbacks[0].base-url=" + url(c),
            "vaultgemma.routing.max-endpoints-per-call=1")
        .run(
            context -> {
              InferenceClient client = context.getBean(InferenceClient.class);
              assertThatThrownBy(() -> client.chat(Payloads.request("hi"), NO_CACHE))
                  .hasMessageContaining("503");
              assertThat(a.getRequestCount()).isEqualTo(1);
              assertThat(c.getRequestCount()).isZero();
            });
  }

  @Test
  void modelMapping_onAnEndpoint_reachesTheServer_andBracketsKeepAKeysDots() throws Exception {
    a.setDispatcher(answering(r -> Payloads.completion("ok")));
    runner
        .withPropertyValues(
            "vaultgemma.endpoints[0].base-url=" + url(a),
            "vaultgemma.endpoints[0].models.m=served-name",
            "vaultgemma.endpoints[0].models.[Gemma/3.1]=gemma-3.1-served")
        .run(
            context -> {
              InferenceClient client = context.getBean(InferenceClient.class);
              client.chat(Payloads.request("one"), NO_CACHE);
              client.chat(
                  ai.vaultgemma.core.ChatRequest.builder()
                      .model("Gemma/3.1")
                      .message(ai.vaultgemma.core.ChatMessage.user("two"))
                      .build(),
                  NO_CACHE);
              assertThat(a.takeRequest().getBody().utf8()).contains("\"model\":\"served-name\"");
              assertThat(a.takeRequest().getBody().utf8())
                  .contains("\"model\":\"gemma-3.1-served\"");
            });
  }

  @Test
  void rateLimitPerScope_reject_surfacesRateLimitExceededException() {
    a.setDispatcher(answering(r -> Payloads.completion("ok")));
    runner
        .withPropertyValues(
            "vaultgemma.base-url=" + url(a),
            "vaultgemma.rate-limit.per-scope.requests-per-minute=1",
            "vaultgemma.rate-limit.per-scope.when-exceeded=reject")
        .run(
            context -> {
              InferenceClient client = context.getBean(InferenceClient.class);
              assertThat(client.chat(Payloads.request("first"), NO_CACHE).text()).isEqualTo("ok");
              assertThatThrownBy(() -> client.chat(Payloads.request("second"), NO_CACHE))
                  .isInstanceOfSatisfying(
                      RateLimitExceededException.class,
                      e -> {
                        assertThat(e.limit()).contains("scope");
                        assertThat(e.retryAfter()).isPositive();
                      });
              assertThat(a.getRequestCount()).isEqualTo(1);
            });
  }

  @Test
  void rateLimitPerEndpoint_reject_countsEachEndpointOnItsOwn() {
    a.setDispatcher(answering(r -> Payloads.completion("ok")));
    b.setDispatcher(answering(r -> Payloads.completion("ok")));
    runner
        .withPropertyValues(
            "vaultgemma.endpoints[0].base-url=" + url(a),
            "vaultgemma.endpoints[1].base-url=" + url(b),
            "vaultgemma.rate-limit.per-endpoint.requests-per-minute=1",
            "vaultgemma.rate-limit.per-endpoint.when-exceeded=REJECT")
        .run(
            context -> {
              InferenceClient client = context.getBean(InferenceClient.class);
              int answered = 0;
              int rejected = 0;
              for (int i = 0; i < 6; i++) {
                try {
                  client.chat(Payloads.request("q" + i), NO_CACHE);
                  answered++;
                } catch (RateLimitExceededException e) {
                  assertThat(e.limit()).contains("endpoint");
                  rejected++;
                }
              }
              // One per endpoint per minute: at most two answered, the rest rejected at once.
              assertThat(answered).isBetween(1, 2);
              assertThat(rejected).isEqualTo(6 - answered);
              assertThat(a.getRequestCount()).isLessThanOrEqualTo(1);
              assertThat(b.getRequestCount()).isLessThanOrEqualTo(1);
            });
  }
}
