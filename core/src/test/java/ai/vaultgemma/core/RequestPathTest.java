package ai.vaultgemma.core;

import static ai.vaultgemma.core.InferenceClientPayloads.client;
import static ai.vaultgemma.core.InferenceClientPayloads.deltaChunk;
import static ai.vaultgemma.core.InferenceClientPayloads.dispatcher;
import static ai.vaultgemma.core.InferenceClientPayloads.embeddings;
import static ai.vaultgemma.core.InferenceClientPayloads.finishChunk;
import static ai.vaultgemma.core.InferenceClientPayloads.heldUntil;
import static ai.vaultgemma.core.InferenceClientPayloads.inputsOf;
import static ai.vaultgemma.core.InferenceClientPayloads.json;
import static ai.vaultgemma.core.InferenceClientPayloads.request;
import static ai.vaultgemma.core.InferenceClientPayloads.sse;
import static ai.vaultgemma.core.InferenceClientPayloads.sseBody;
import static ai.vaultgemma.core.InferenceClientPayloads.vectorOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.vaultgemma.core.InferenceClientStreamTest.Recorder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/**
 * The request path's rules that every call mode shares: joining identical calls in flight (streams
 * and embedding inputs included), stream errors as server errors, and the SSE reader's one
 * leniency.
 */
class RequestPathTest {

  private static final int STREAMS = 20;

  @StartStop final MockWebServer server = new MockWebServer();

  @Test
  void identicalConcurrentStreamsShareOneServerStream() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.setDispatcher(heldUntil(release, sse("a", "b", "c", "d")));
    try (InferenceClient client = client(server).build()) {
      List<Recorder> listeners = new ArrayList<>();
      List<ChatStream> streams = new ArrayList<>();
      for (int i = 0; i < STREAMS; i++) {
        Recorder listener = new Recorder();
        listeners.add(listener);
        streams.add(client.chatStream(request("same"), listener));
      }
      assertThat(client.health().client().coalesced()).isEqualTo(STREAMS - 1);
      release.countDown();
      for (int i = 0; i < STREAMS; i++) {
        assertThat(streams.get(i).completion().get(10, TimeUnit.SECONDS).text()).isEqualTo("abcd");
        Recorder listener = listeners.get(i);
        assertThat(listener.completed.get(10, TimeUnit.SECONDS).text()).isEqualTo("abcd");
        assertThat(listener.text()).isEqualTo("abcd");
        assertThat(listener.events)
            .containsExactly("chunk", "chunk", "chunk", "chunk", "chunk", "complete");
      }
      assertThat(server.getRequestCount()).isEqualTo(1);
      assertThat(client.health().client().backendCalls()).isEqualTo(1);
    } finally {
      release.countDown();
    }
  }

  @Test
  void aLateJoinerGetsTheChunksSoFarThenTheRestInOrder() throws Exception {
    CountDownLatch rest = new CountDownLatch(1);
    try (SplitStreamServer split = new SplitStreamServer(rest);
        InferenceClient client =
            InferenceClient.builder()
                .baseUrl(split.baseUrl())
                .shutdownTimeout(Duration.ofSeconds(10))
                .build()) {
      Recorder first = new Recorder();
      ChatStream leader = client.chatStream(request("split"), first);
      await().atMost(Duration.ofSeconds(10)).until(() -> first.chunks.size() == 2);

      Recorder late = new Recorder();
      ChatStream joined = client.chatStream(request("split"), late);
      await().atMost(Duration.ofSeconds(10)).until(() -> late.chunks.size() == 2);
      assertThat(late.text()).isEqualTo("onetwo");
      assertThat(late.events).doesNotContain("complete");

      rest.countDown();
      assertThat(leader.completion().get(10, TimeUnit.SECONDS).text()).isEqualTo("onetwothree");
      assertThat(joined.completion().get(10, TimeUnit.SECONDS).text()).isEqualTo("onetwothree");
      assertThat(late.text()).isEqualTo(first.text()).isEqualTo("onetwothree");
      assertThat(late.events).isEqualTo(first.events).endsWith("complete");
      assertThat(split.connections.get()).isEqualTo(1);
    } finally {
      rest.countDown();
    }
  }

  @Test
  void aJoinerWhoseListenerThrowsFailsAloneAndTheOthersGoOn() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.setDispatcher(heldUntil(release, sse("x", "y")));
    try (InferenceClient client = client(server).build()) {
      Recorder good = new Recorder();
      ChatStream leader = client.chatStream(request("q"), good);
      Recorder bad =
          new Recorder() {
            @Override
            public void onChunk(ChatChunk chunk) {
              super.onChunk(chunk);
              throw new IllegalStateException("listener bug");
            }
          };
      ChatStream failing = client.chatStream(request("q"), bad);
      release.countDown();
      assertThat(bad.failed.get(10, TimeUnit.SECONDS))
          .hasRootCauseInstanceOf(IllegalStateException.class);
      assertThat(failing.completion()).failsWithin(Duration.ofSeconds(10));
      assertThat(bad.events).containsExactly("chunk", "error");
      assertThat(leader.completion().get(10, TimeUnit.SECONDS).text()).isEqualTo("xy");
      assertThat(good.events).endsWith("complete").doesNotContain("error");
      assertThat(server.getRequestCount()).isEqualTo(1);
    } finally {
      release.countDown();
    }
  }

  @Test
  void aCancelledLeaderLeavesTheStreamToThoseWhoJoinedIt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.setDispatcher(heldUntil(release, sse("p", "q")));
    try (InferenceClient client = client(server).build()) {
      Recorder gone = new Recorder();
      ChatStream leader = client.chatStream(request("c"), gone);
      Recorder stays = new Recorder();
      ChatStream joined = client.chatStream(request("c"), stays);
      leader.cancel();
      release.countDown();
      assertThat(joined.completion().get(10, TimeUnit.SECONDS).text()).isEqualTo("pq");
      assertThat(leader.completion()).isCancelled();
      assertThat(gone.events).isEmpty();
      assertThat(server.getRequestCount()).isEqualTo(1);
    } finally {
      release.countDown();
    }
  }

  @Test
  void identicalEmbeddingInputsInFlightAreSentOnce() throws Exception {
    CountDownLatch firstArrived = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<List<String>> sent = new CopyOnWriteArrayList<>();
    server.setDispatcher(
        dispatcher(
            r -> {
              List<String> inputs = inputsOf(r);
              sent.add(inputs);
              if (inputs.contains("x")) {
                firstArrived.countDown();
                try {
                  release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              return json(embeddings(inputs));
            }));
    ExecutorService callers = Executors.newFixedThreadPool(2);
    try (InferenceClient client = client(server).build()) {
      Future<EmbeddingResponse> a =
          callers.submit(() -> client.embed(EmbeddingRequest.of("e", List.of("x", "y"))));
      assertThat(firstArrived.await(10, TimeUnit.SECONDS)).isTrue();
      Future<EmbeddingResponse> b =
          callers.submit(() -> client.embed(EmbeddingRequest.of("e", List.of("y", "z"))));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> sent.size() == 2 && client.health().client().coalesced() == 1);
      release.countDown();
      EmbeddingResponse second = b.get(10, TimeUnit.SECONDS);
      assertThat(a.get(10, TimeUnit.SECONDS).vectors()).hasSize(2);
      assertThat(second.vectors().get(0).vector()).containsExactly(vectorOf("y"));
      assertThat(second.vectors().get(1).vector()).containsExactly(vectorOf("z"));
      assertThat(sent).containsExactly(List.of("x", "y"), List.of("z"));
    } finally {
      release.countDown();
      callers.shutdownNow();
    }
  }

  @Test
  void anErrorEventInAStreamIsCaughtAsAServerError() throws Exception {
    server.enqueue(
        sseBody(
            deltaChunk("partial")
                + "event: error\ndata: {\"error\":{\"message\":\"overloaded\","
                + "\"type\":\"server_error\",\"code\":\"503\"}}\n\n"));
    try (InferenceClient client = client(server).build()) {
      Recorder listener = new Recorder();
      client.chatStream(request("e"), listener);
      InferenceException error = listener.failed.get(10, TimeUnit.SECONDS);
      assertThat(error).isInstanceOf(InferenceHttpException.class);
      InferenceHttpException http = (InferenceHttpException) error;
      assertThat(http.serverMessage()).hasValue("overloaded");
      assertThat(http.type()).hasValue("server_error");
      assertThat(http.code()).hasValue("503");
      assertThat(client.inferenceCache().stats().entries()).isZero();
    }
  }

  @Test
  void aLastEventWithoutItsBlankLineIsStillDelivered() throws Exception {
    server.enqueue(sseBody(deltaChunk("end") + finishChunk() + "data: [DONE]\n"));
    try (InferenceClient client = client(server).build()) {
      Recorder listener = new Recorder();
      ChatStream stream = client.chatStream(request("tail"), listener);
      assertThat(stream.completion().get(10, TimeUnit.SECONDS).text()).isEqualTo("end");
      assertThat(listener.events).endsWith("complete");
    }
  }

  @Test
  void aStreamCutInTheMiddleOfALineFails() throws Exception {
    server.enqueue(sseBody(deltaChunk("cut") + "data: {\"id\":\"s1\",\"choi"));
    try (InferenceClient client = client(server).build()) {
      Recorder listener = new Recorder();
      client.chatStream(request("cut"), listener);
      assertThat(listener.failed.get(10, TimeUnit.SECONDS))
          .isInstanceOf(InvalidResponseException.class);
      assertThat(listener.events).containsExactly("chunk", "error");
      assertThat(client.inferenceCache().stats().entries()).isZero();
    }
  }

  /**
   * A raw loopback server that sends the first two chunks of a stream, then waits for a latch
   * before the third and the end, so a second caller can join mid-stream. One connection at a time;
   * stops when closed.
   */
  static final class SplitStreamServer implements AutoCloseable {
    private static final List<String> HEAD =
        List.of("HTTP/1.1 200 OK", "Content-Type: text/event-stream", "Connection: close", "", "");
    final AtomicInteger connections = new AtomicInteger();
    private final ServerSocket socket;
    private final Thread thread;

    SplitStreamServer(CountDownLatch rest) throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      thread =
          new Thread(
              () -> {
                try (Socket s = socket.accept()) {
                  connections.incrementAndGet();
                  readHeadersAndBody(s.getInputStream());
                  OutputStream out = s.getOutputStream();
                  out.write(String.join("\r\n", HEAD).getBytes(StandardCharsets.UTF_8));
                  out.write(
                      (deltaChunk("one") + deltaChunk("two")).getBytes(StandardCharsets.UTF_8));
                  out.flush();
                  if (rest.await(20, TimeUnit.SECONDS)) {
                    out.write(
                        (deltaChunk("three") + finishChunk() + "data: [DONE]\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                    out.flush();
                  }
                } catch (IOException | InterruptedException e) {
                  // the test fails on its own assertions; a closed socket ends the thread
                }
              },
              "split-stream-server");
      thread.setDaemon(true);
      thread.start();
    }

    String baseUrl() {
      return "http://127.0.0.1:" + socket.getLocalPort() + "/v1";
    }

    private static void readHeadersAndBody(InputStream in) throws IOException {
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          return;
        }
        head.append((char) b);
      }
      String headers = head.toString().toLowerCase(java.util.Locale.ROOT);
      int at = headers.indexOf("content-length:");
      if (at >= 0) {
        int end = headers.indexOf("\r\n", at);
        int length = Integer.parseInt(headers.substring(at + 15, end).trim());
        in.readNBytes(length);
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
