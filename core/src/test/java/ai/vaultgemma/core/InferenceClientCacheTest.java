package ai.vaultgemma.core;

import static ai.vaultgemma.core.InferenceClientPayloads.chatOk;
import static ai.vaultgemma.core.InferenceClientPayloads.client;
import static ai.vaultgemma.core.InferenceClientPayloads.error;
import static ai.vaultgemma.core.InferenceClientPayloads.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.vaultgemma.cache.CacheConfig;
import ai.vaultgemma.pool.HttpPoolConfig;
import ai.vaultgemma.pool.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** The chat answer cache as seen through the facade: what reaches the server and what does not. */
class InferenceClientCacheTest {

  @StartStop final MockWebServer server = new MockWebServer();

  @Test
  void repeatedCallDoesNotReachTheServer() {
    server.enqueue(chatOk("one"));
    try (InferenceClient client = client(server).build()) {
      assertThat(client.chat(request("hello")).text()).isEqualTo("one");
      assertThat(client.chat(request("hello")).text()).isEqualTo("one");
      assertThat(client.chatAsync(request("hello")).join().text()).isEqualTo("one");
      assertThat(server.getRequestCount()).isEqualTo(1);
      assertThat(client.health().client().l1Hits()).isEqualTo(2);
      assertThat(client.health().client().backendCalls()).isEqualTo(1);
    }
  }

  @Test
  void keyOrderInTheRequestDoesNotMatter() {
    server.enqueue(chatOk("one"));
    Map<String, Object> formatA = new LinkedHashMap<>();
    formatA.put("type", "json_schema");
    formatA.put("strict", true);
    formatA.put("schema", Map.of("b", 1, "a", 2));
    Map<String, Object> formatB = new LinkedHashMap<>();
    formatB.put("schema", Map.of("a", 2, "b", 1));
    formatB.put("strict", true);
    formatB.put("type", "json_schema");
    ChatRequest first =
        ChatRequest.builder()
            .model("m")
            .temperature(0.2)
            .message(ChatMessage.system("be brief"))
            .message(ChatMessage.user("hello"))
            .responseFormat(formatA)
            .extra("x_first", 1)
            .extra("x_second", "two")
            .seed(7L)
            .build();
    ChatRequest second =
        ChatRequest.builder()
            .seed(7L)
            .extra("x_second", "two")
            .extra("x_first", 1)
            .responseFormat(formatB)
            .messages(List.of(ChatMessage.system("be brief"), ChatMessage.user("hello")))
            .temperature(0.2)
            .model("m")
            .build();
    try (InferenceClient client = client(server).build()) {
      client.chat(first);
      assertThat(client.chat(second).text()).isEqualTo("one");
      assertThat(server.getRequestCount()).isEqualTo(1);
    }
  }

  @Test
  void changedParameterReachesTheServer() {
    server.enqueue(chatOk("cold"));
    server.enqueue(chatOk("warm"));
    server.enqueue(chatOk("other prompt"));
    try (InferenceClient client = client(server).build()) {
      ChatRequest cold = request("hello").toBuilder().temperature(0.0).build();
      ChatRequest warm = request("hello").toBuilder().temperature(1.0).build();
      assertThat(client.chat(cold).text()).isEqualTo("cold");
      assertThat(client.chat(warm).text()).isEqualTo("warm");
      assertThat(client.chat(request("hello!")).text()).isEqualTo("other prompt");
      assertThat(client.chat(cold).text()).isEqualTo("cold");
      assertThat(server.getRequestCount()).isEqualTo(3);
    }
  }

  @Test
  void perCallScopeNeverReadsAnotherScopesEntries() {
    server.enqueue(chatOk("for tenant a"));
    server.enqueue(chatOk("for tenant b"));
    server.enqueue(chatOk("for the client scope"));
    CallOptions a = CallOptions.builder().scope("tenant-a").build();
    CallOptions b = CallOptions.builder().scope("tenant-b").build();
    try (InferenceClient client = client(server).build()) {
      assertThat(client.chat(request("hello"), a).text()).isEqualTo("for tenant a");
      assertThat(client.chat(request("hello"), b).text()).isEqualTo("for tenant b");
      assertThat(client.chat(request("hello")).text()).isEqualTo("for the client scope");
      assertThat(client.chat(request("hello"), a).text()).isEqualTo("for tenant a");
      assertThat(client.chat(request("hello"), b).text()).isEqualTo("for tenant b");
      assertThat(server.getRequestCount()).isEqualTo(3);
    }
  }

  @Test
  void clientScopeNeverReadsAnotherClientScopesEntries() {
    server.enqueue(chatOk("for tenant a"));
    server.enqueue(chatOk("for tenant b"));
    try (InferenceClient a = client(server).cacheScope("tenant-a").build();
        InferenceClient b = a.newBuilder().cacheScope("tenant-b").build()) {
      assertThat(b.inferenceCache()).isSameAs(a.inferenceCache());
      assertThat(a.chat(request("hello")).text()).isEqualTo("for tenant a");
      assertThat(b.chat(request("hello")).text()).isEqualTo("for tenant b");
      assertThat(a.chat(request("hello")).text()).isEqualTo("for tenant a");
      assertThat(b.chat(request("hello")).text()).isEqualTo("for tenant b");
      // a per-call scope equal to the other client's scope reads that scope, by design
      CallOptions asA = CallOptions.builder().scope("tenant-a").build();
      assertThat(b.chat(request("hello"), asA).text()).isEqualTo("for tenant a");
      assertThat(server.getRequestCount()).isEqualTo(2);
    }
  }

  @Test
  void skipCacheReadAsksTheServerAndStoresTheFreshAnswer() {
    server.enqueue(chatOk("old"));
    server.enqueue(chatOk("new"));
    CallOptions fresh = CallOptions.builder().skipCacheRead(true).build();
    try (InferenceClient client = client(server).build()) {
      assertThat(client.chat(request("hello")).text()).isEqualTo("old");
      assertThat(client.chat(request("hello"), fresh).text()).isEqualTo("new");
      assertThat(client.chat(request("hello")).text()).isEqualTo("new");
      assertThat(server.getRequestCount()).isEqualTo(2);
    }
  }

  @Test
  void skipCacheWriteKeepsTheAnswerOutOfTheCache() {
    server.enqueue(chatOk("unstored"));
    server.enqueue(chatOk("stored"));
    CallOptions noWrite = CallOptions.builder().skipCacheWrite(true).build();
    try (InferenceClient client = client(server).build()) {
      assertThat(client.chat(request("hello"), noWrite).text()).isEqualTo("unstored");
      assertThat(client.inferenceCache().stats().entries()).isZero();
      assertThat(client.chat(request("hello")).text()).isEqualTo("stored");
      assertThat(client.chat(request("hello"), noWrite).text()).isEqualTo("stored");
      assertThat(server.getRequestCount()).isEqualTo(2);
    }
  }

  @Test
  void ttlOverrideExpiresTheAnswerEarlierThanTheDefault() {
    AtomicLong now = new AtomicLong();
    CacheConfig cache = CacheConfig.inference().toBuilder().clock(now::get).build();
    server.enqueue(chatOk("short-lived"));
    server.enqueue(chatOk("default ttl"));
    server.enqueue(chatOk("short-lived again"));
    CallOptions oneMinute = CallOptions.builder().ttl(Duration.ofMinutes(1)).build();
    try (InferenceClient client = client(server).inferenceCache(cache).build()) {
      client.chat(request("short"), oneMinute);
      client.chat(request("long"));
      now.addAndGet(Duration.ofSeconds(59).toNanos());
      client.chat(request("short"), oneMinute);
      assertThat(server.getRequestCount()).isEqualTo(2);

      now.addAndGet(Duration.ofSeconds(2).toNanos());
      assertThat(client.chat(request("short"), oneMinute).text()).isEqualTo("short-lived again");
      assertThat(client.chat(request("long")).text()).isEqualTo("default ttl");
      assertThat(server.getRequestCount()).isEqualTo(3);

      now.addAndGet(Duration.ofHours(1).toNanos());
      server.enqueue(chatOk("default ttl expired"));
      assertThat(client.chat(request("long")).text()).isEqualTo("default ttl expired");
      assertThat(server.getRequestCount()).isEqualTo(4);
    }
  }

  @Test
  void serverErrorAfterRetriesIsNotCached() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(error(500, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server\"}}"));
    }
    server.enqueue(chatOk("recovered"));
    List<Duration> waits = new ArrayList<>();
    RetryPolicy twoRetries =
        RetryPolicy.builder().maxRetries(2).sleeper(d -> recordWait(waits, d)).build();
    try (InferenceClient client =
        client(server).httpPool(HttpPoolConfig.builder().retryPolicy(twoRetries).build()).build()) {
      assertThatThrownBy(() -> client.chat(request("hello")))
          .isInstanceOf(InferenceHttpException.class)
          .hasMessageContaining("overloaded");
      assertThat(server.getRequestCount()).isEqualTo(3);
      assertThat(waits).hasSize(2);
      assertThat(client.chat(request("hello")).text()).isEqualTo("recovered");
      assertThat(server.getRequestCount()).isEqualTo(4);
      assertThat(client.health().client().failures()).isEqualTo(1);
    }
  }

  private static void recordWait(List<Duration> waits, Duration d) {
    synchronized (waits) {
      waits.add(d);
    }
  }

  @Test
  void clientErrorIsNotCached() {
    server.enqueue(error(400, "{\"error\":{\"message\":\"bad prompt\",\"type\":\"invalid\"}}"));
    server.enqueue(chatOk("fine now"));
    try (InferenceClient client = client(server).build()) {
      assertThatThrownBy(() -> client.chat(request("hello")))
          .isInstanceOf(InferenceHttpException.class)
          .hasMessageContaining("bad prompt");
      assertThat(client.inferenceCache().stats().entries()).isZero();
      assertThat(client.chat(request("hello")).text()).isEqualTo("fine now");
      assertThat(server.getRequestCount()).isEqualTo(2);
    }
  }

  @Test
  void asyncFailureIsNotCachedAndFreesTheInFlightSlot() {
    server.enqueue(error(400, "{\"error\":{\"message\":\"bad prompt\"}}"));
    server.enqueue(chatOk("fine now"));
    try (InferenceClient client = client(server).build()) {
      assertThat(client.chatAsync(request("hello")))
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .havingCause()
          .isInstanceOf(InferenceHttpException.class)
          .withMessageContaining("bad prompt");
      assertThat(client.chatAsync(request("hello")).join().text()).isEqualTo("fine now");
      assertThat(server.getRequestCount()).isEqualTo(2);
    }
  }

  @Test
  void trailingSlashInTheBaseUrlDoesNotSplitTheCache() {
    server.enqueue(chatOk("one"));
    try (InferenceClient plain = client(server).build();
        InferenceClient slashed =
            plain.newBuilder().baseUrl(server.url("/v1").toString() + "/").build()) {
      assertThat(slashed.baseUrl()).isEqualTo(plain.baseUrl());
      plain.chat(request("hello"));
      assertThat(slashed.chat(request("hello")).text()).isEqualTo("one");
      assertThat(server.getRequestCount()).isEqualTo(1);
    }
  }
}
