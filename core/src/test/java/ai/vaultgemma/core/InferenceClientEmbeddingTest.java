package ai.vaultgemma.core;

import static ai.vaultgemma.core.InferenceClientPayloads.client;
import static ai.vaultgemma.core.InferenceClientPayloads.embeddingDispatcher;
import static ai.vaultgemma.core.InferenceClientPayloads.inputsOf;
import static ai.vaultgemma.core.InferenceClientPayloads.vectorOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** The embedding cache: per input, with only the misses sent, answered in input order. */
class InferenceClientEmbeddingTest {

  @StartStop final MockWebServer server = new MockWebServer();

  @Test
  void batchWithNinetyCachedSendsExactlyTheTenMissesInOneRequest() throws Exception {
    server.setDispatcher(embeddingDispatcher());
    List<String> all = IntStream.range(0, 100).mapToObj(i -> "input number " + i).toList();
    List<String> cached = new ArrayList<>();
    List<String> misses = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      (i % 10 == 3 ? misses : cached).add(all.get(i));
    }
    try (InferenceClient client = client(server).build()) {
      client.embed(EmbeddingRequest.of("e", cached));
      RecordedRequest warmUp = server.takeRequest();
      assertThat(inputsOf(warmUp)).containsExactlyElementsOf(cached);

      EmbeddingResponse answer = client.embed(EmbeddingRequest.of("e", all));

      assertThat(server.getRequestCount()).isEqualTo(2);
      RecordedRequest sent = server.takeRequest();
      assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/embeddings");
      assertThat(inputsOf(sent)).containsExactlyElementsOf(misses);
      assertThat(answer.vectors()).hasSize(100);
      for (int i = 0; i < all.size(); i++) {
        assertThat(answer.vectors().get(i).index()).isEqualTo(i);
        assertThat(answer.vectors().get(i).vector())
            .as("vector %d", i)
            .containsExactly(vectorOf(all.get(i)));
      }
      assertThat(answer.usage().promptTokens()).isEqualTo(10);
    }
  }

  @Test
  void fullyCachedBatchDoesNotReachTheServer() {
    server.setDispatcher(embeddingDispatcher());
    try (InferenceClient client = client(server).build()) {
      client.embed(EmbeddingRequest.of("e", List.of("a", "b")));
      EmbeddingResponse again = client.embed(EmbeddingRequest.of("e", List.of("b", "a", "b")));
      assertThat(server.getRequestCount()).isEqualTo(1);
      assertThat(again.vectors().get(0).vector()).containsExactly(vectorOf("b"));
      assertThat(again.vectors().get(1).vector()).containsExactly(vectorOf("a"));
      assertThat(again.vectors().get(2).vector()).containsExactly(vectorOf("b"));
    }
  }

  @Test
  void duplicateMissesAreSentOnce() throws Exception {
    server.setDispatcher(embeddingDispatcher());
    try (InferenceClient client = client(server).build()) {
      EmbeddingResponse answer = client.embed(EmbeddingRequest.of("e", List.of("x", "y", "x")));
      assertThat(inputsOf(server.takeRequest())).containsExactly("x", "y");
      assertThat(answer.vectors()).hasSize(3);
      assertThat(answer.vectors().get(2).vector()).containsExactly(vectorOf("x"));
    }
  }

  @Test
  void embeddingScopesAreIsolated() {
    server.setDispatcher(embeddingDispatcher());
    try (InferenceClient client = client(server).build()) {
      client.embed(EmbeddingRequest.of("e", "a"), CallOptions.builder().scope("t1").build());
      client.embed(EmbeddingRequest.of("e", "a"), CallOptions.builder().scope("t2").build());
      client.embed(EmbeddingRequest.of("e", "a"), CallOptions.builder().scope("t1").build());
      assertThat(server.getRequestCount()).isEqualTo(2);
    }
  }

  @Test
  void failedEmbeddingIsNotCached() {
    server.enqueue(
        InferenceClientPayloads.error(500, "{\"error\":{\"message\":\"embedder crashed\"}}"));
    try (InferenceClient client = client(server).build()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> client.embed(EmbeddingRequest.of("e", "a")))
          .isInstanceOf(InferenceHttpException.class)
          .hasMessageContaining("embedder crashed");
      server.setDispatcher(embeddingDispatcher());
      assertThat(client.embed(EmbeddingRequest.of("e", "a")).vectors().get(0).vector())
          .containsExactly(vectorOf("a"));
      assertThat(server.getRequestCount()).isEqualTo(2);
      assertThat(client.embeddingCache().stats().entries()).isEqualTo(1);
    }
  }

  @Test
  void vectorsSentOutOfOrderAreReassembledByIndex() {
    server.setDispatcher(
        InferenceClientPayloads.dispatcher(
            r -> {
              List<String> inputs = inputsOf(r);
              StringBuilder data = new StringBuilder();
              for (int i = inputs.size() - 1; i >= 0; i--) {
                float[] v = vectorOf(inputs.get(i));
                data.append(data.length() == 0 ? "" : ",")
                    .append("{\"object\":\"embedding\",\"index\":")
                    .append(i)
                    .append(",\"embedding\":[")
                    .append(v[0])
                    .append(',')
                    .append(v[1])
                    .append(',')
                    .append(v[2])
                    .append("]}");
              }
              return InferenceClientPayloads.json(
                  "{\"object\":\"list\",\"model\":\"e\",\"data\":[" + data + "]}");
            }));
    try (InferenceClient client = client(server).build()) {
      client.embed(EmbeddingRequest.of("e", "b"));
      EmbeddingResponse answer = client.embed(EmbeddingRequest.of("e", List.of("a", "b", "c")));
      assertThat(answer.vectors().get(0).vector()).containsExactly(vectorOf("a"));
      assertThat(answer.vectors().get(1).vector()).containsExactly(vectorOf("b"));
      assertThat(answer.vectors().get(2).vector()).containsExactly(vectorOf("c"));
      assertThat(client.embed(EmbeddingRequest.of("e", "c")).vectors().get(0).vector())
          .containsExactly(vectorOf("c"));
      assertThat(server.getRequestCount()).isEqualTo(2);
    }
  }

  @Test
  void returnedVectorsCannotCorruptTheCache() {
    server.setDispatcher(embeddingDispatcher());
    try (InferenceClient client = client(server).build()) {
      float[] first = client.embed(EmbeddingRequest.of("e", "a")).vectors().get(0).vector();
      first[0] = -999f;
      assertThat(client.embed(EmbeddingRequest.of("e", "a")).vectors().get(0).vector())
          .containsExactly(vectorOf("a"));
      assertThat(server.getRequestCount()).isEqualTo(1);
    }
  }
}
