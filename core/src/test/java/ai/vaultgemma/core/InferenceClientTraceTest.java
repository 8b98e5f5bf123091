package ai.vaultgemma.core;

import static ai.vaultgemma.core.InferenceClientPayloads.chatOk;
import static ai.vaultgemma.core.InferenceClientPayloads.client;
import static ai.vaultgemma.core.InferenceClientPayloads.heldUntil;
import static ai.vaultgemma.core.InferenceClientPayloads.request;
import static ai.vaultgemma.core.InferenceClientPayloads.sse;
import static org.assertj.core.api.Assertions.assertThat;

import ai.vaultgemma.logging.TraceContext;
import ai.vaultgemma.logging.TraceScope;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The caller's trace goes to the server and into async and stream callbacks.
 *
 * <p>Callbacks are checked through the SLF4J MDC ({@code trace_id}, what a log line carries), and
 * the MDC must agree with {@link TraceContext#current()}. This module's tests log through logback
 * (see {@code logback-test.xml}) so that the MDC is real.
 */
@SuppressWarnings("try") // trace scopes are opened for their MDC side effect
class InferenceClientTraceTest {

  private static String currentTraceId() {
    TraceContext current = TraceContext.current();
    String mdc = MDC.get(TraceContext.TRACE_ID_KEY);
    // A disagreement returns a value no test expects, so the assertion on the test thread fails.
    if (!java.util.Objects.equals(mdc, current == null ? null : current.traceId())) {
      return "MDC " + mdc + " != TraceContext " + current;
    }
    return mdc;
  }

  @StartStop final MockWebServer server = new MockWebServer();

  @Test
  void traceparentCarriesTheCallersTraceId() throws Exception {
    try (InferenceClient client = client(server).build()) {
      server.setDispatcher(InferenceClientPayloads.dispatcher(r -> chatOk("a")));
      String traceId;
      try (TraceScope caller = TraceScope.open()) {
        traceId = caller.traceId();
        client.chat(request("hello"));
      }
      RecordedRequest sent = server.takeRequest();
      assertThat(sent.getHeaders().get("traceparent"))
          .startsWith("00-" + traceId + "-")
          .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
      assertThat(currentTraceId()).isNull();
      assertThat(MDC.get("trace_id")).isNull();

      server.setDispatcher(InferenceClientPayloads.embeddingDispatcher());
      try (TraceScope caller = TraceScope.open()) {
        traceId = caller.traceId();
        client.embed(EmbeddingRequest.of("e", "x"));
      }
      assertThat(server.takeRequest().getHeaders().get("traceparent"))
          .startsWith("00-" + traceId + "-");
    }
  }

  @Test
  void aTraceSourceGivesACallWithoutATraceOfItsOwnThatTrace() throws Exception {
    server.setDispatcher(InferenceClientPayloads.dispatcher(r -> chatOk("a")));
    String tracer = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    String[] source = {tracer};
    try (InferenceClient client = client(server).traceParent(() -> source[0]).build()) {
      client.chat(request("from the tracer"));
      assertThat(server.takeRequest().getHeaders().get("traceparent"))
          .startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-")
          .doesNotContain("00f067aa0ba902b7"); // a child span of the tracer's, not the same span

      String callerTrace;
      try (TraceScope caller = TraceScope.open()) { // the caller's own trace wins
        callerTrace = caller.traceId();
        client.chat(request("from the caller"));
      }
      assertThat(server.takeRequest().getHeaders().get("traceparent"))
          .startsWith("00-" + callerTrace + "-");

      source[0] = null; // no current span: a new trace
      client.chat(request("no span"));
      assertThat(server.takeRequest().getHeaders().get("traceparent"))
          .doesNotContain("4bf92f3577b34da6a3ce929d0e0e4736");
    }
    try (InferenceClient client =
        client(server)
            .traceParent(
                () -> {
                  throw new IllegalStateException("tracer bug");
                })
            .build()) {
      assertThat(client.chat(request("still answered")).text()).isEqualTo("a");
    }
  }

  @Test
  void incomingTraceparentIsContinued() throws Exception {
    server.enqueue(chatOk("a"));
    String incoming = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    try (InferenceClient client = client(server).build();
        TraceScope ignored = TraceScope.fromTraceparent(incoming)) {
      client.chat(request("hello"));
    }
    String sent = server.takeRequest().getHeaders().get("traceparent");
    assertThat(sent).startsWith("00-0af7651916cd43dd8448eb211c80319c-");
    assertThat(sent).doesNotContain("b7ad6b7169203331");
  }

  @Test
  void asyncCallbackSeesTheCallersTraceIdInTheMdc() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.setDispatcher(heldUntil(release, chatOk("a")));
    try (InferenceClient client = client(server).build()) {
      String traceId;
      CompletableFuture<String[]> seen;
      try (TraceScope caller = TraceScope.open()) {
        traceId = caller.traceId();
        seen =
            client
                .chatAsync(request("hello"))
                .thenApply(r -> new String[] {currentTraceId(), Thread.currentThread().getName()});
      }
      release.countDown();
      String[] observed = seen.get(10, TimeUnit.SECONDS);
      assertThat(observed[0]).isEqualTo(traceId);
      assertThat(observed[1]).isNotEqualTo(Thread.currentThread().getName());
    } finally {
      release.countDown();
    }
  }

  @Test
  void streamCallbacksSeeTheCallersTraceIdInTheMdc() throws Exception {
    server.enqueue(sse("one", "two"));
    try (InferenceClient client = client(server).build()) {
      List<String> seen = new CopyOnWriteArrayList<>();
      CompletableFuture<String> done = new CompletableFuture<>();
      String traceId;
      ChatStreamListener listener =
          new ChatStreamListener() {
            @Override
            public void onChunk(ChatChunk chunk) {
              seen.add(String.valueOf(currentTraceId()));
            }

            @Override
            public void onComplete(ChatResponse response) {
              done.complete(currentTraceId());
            }
          };
      try (TraceScope caller = TraceScope.open()) {
        traceId = caller.traceId();
        client.chatStream(request("hello"), listener);
      }
      assertThat(done.get(10, TimeUnit.SECONDS)).isEqualTo(traceId);
      assertThat(seen).isNotEmpty().containsOnly(traceId);

      // the replay from the cache runs on another thread too, with the new caller's trace
      seen.clear();
      CompletableFuture<String> replayed = new CompletableFuture<>();
      String replayTrace;
      try (TraceScope caller = TraceScope.open()) {
        replayTrace = caller.traceId();
        client.chatStream(
            request("hello"),
            new ChatStreamListener() {
              @Override
              public void onChunk(ChatChunk chunk) {
                seen.add(String.valueOf(currentTraceId()));
              }

              @Override
              public void onComplete(ChatResponse response) {
                replayed.complete(currentTraceId());
              }
            });
      }
      assertThat(replayed.get(10, TimeUnit.SECONDS)).isEqualTo(replayTrace);
      assertThat(seen).isNotEmpty().containsOnly(replayTrace);
      assertThat(server.getRequestCount()).isEqualTo(1);
    }
  }

  @Test
  void publisherSubscriberSeesTheCallersTraceIdInTheMdc() throws Exception {
    server.enqueue(sse("one", "two"));
    try (InferenceClient client = client(server).build()) {
      List<String> seen = new CopyOnWriteArrayList<>();
      CompletableFuture<String> done = new CompletableFuture<>();
      String traceId;
      try (TraceScope caller = TraceScope.open()) {
        traceId = caller.traceId();
        client
            .chatStreamPublisher(request("hello"))
            .subscribe(
                new java.util.concurrent.Flow.Subscriber<ChatChunk>() {
                  @Override
                  public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                  }

                  @Override
                  public void onNext(ChatChunk item) {
                    seen.add(String.valueOf(currentTraceId()));
                  }

                  @Override
                  public void onError(Throwable throwable) {
                    done.completeExceptionally(throwable);
                  }

                  @Override
                  public void onComplete() {
                    done.complete(currentTraceId());
                  }
                });
      }
      assertThat(done.get(10, TimeUnit.SECONDS)).isEqualTo(traceId);
      assertThat(seen).isNotEmpty().containsOnly(traceId);
    }
  }
}
