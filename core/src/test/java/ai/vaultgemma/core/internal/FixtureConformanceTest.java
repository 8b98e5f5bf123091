package ai.vaultgemma.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import ai.vaultgemma.core.ChatChunk;
import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.ChatStreamListener;
import ai.vaultgemma.core.Embedding;
import ai.vaultgemma.core.EmbeddingRequest;
import ai.vaultgemma.core.EmbeddingResponse;
import ai.vaultgemma.core.InferenceException;
import ai.vaultgemma.core.InferenceHttpException;
import ai.vaultgemma.core.InvalidResponseException;
import ai.vaultgemma.core.Model;
import ai.vaultgemma.core.ModelList;
import ai.vaultgemma.core.RateLimitedException;
import ai.vaultgemma.core.StreamErrorException;
import ai.vaultgemma.core.ToolCall;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Serves every payload of the real corpus (the folder in {@code VAULTGEMMA_FIXTURES_DIR}, see its
 * SOURCES.md) through MockWebServer with its recorded status and content type, and checks that
 * success bodies parse with vendor fields kept, streams deliver their deltas in order and end
 * right, and error bodies become the right typed exception with the server's message.
 *
 * <p>Files that are documentation rather than wire payloads are handled as SOURCES.md says: parsed
 * where they parse, repaired where the repair cannot change the data (see {@link #REPAIRED}), and
 * excluded where the data itself was elided (see {@link #EXCLUDED}).
 */
@EnabledIfEnvironmentVariable(
    named = "VAULTGEMMA_FIXTURES_DIR",
    matches = ".+",
    disabledReason =
        "VAULTGEMMA_FIXTURES_DIR is not set: the real-payload conformance suite did NOT run. Set"
            + " it to the openai-compat corpus folder (e.g. /work/shared/fixtures/openai-compat)"
            + " to run it; the parsers are still covered by the project's own tests.")
class FixtureConformanceTest {

  /** Files whose payload was elided by its author: no parse could be faithful. */
  static final Map<String, String> EXCLUDED =
      Map.of(
          "openai/spec/embeddings.txt",
          "the vector is elided (\".... (1536 floats total)\") in the spec example",
          "llamacpp/embeddings.pr-5190-example.txt",
          "the vector is elided (\"...\") in the PR description",
          "lmstudio/api-v0-embeddings.doc.txt",
          "the vector is elided (\"... (truncated for brevity) ...\") in the docs");

  /** Documentation files parsed after a repair that changes no value. */
  static final Map<String, String> REPAIRED =
      Map.of(
          "openai/spec/models-list.txt", "trailing commas removed",
          "llamacpp/timings.readme-snippet.txt", "// comments and the // ... elision removed",
          "openai/spec/chat-completion-stream.txt", "the \"....\" elision between chunks skipped");

  /** Streams that carry an error event, with the server message they must surface. */
  static final Map<String, String> STREAM_ERRORS =
      Map.of(
          "groq/chat-completion-stream-event-error.sse", "Tool call validation failed",
          "openrouter/chat-completion-stream-comments-midstream-error.sse", "Token limit reached",
          "openai/stream-midstream-server-error.fixture.txt", "The server had an error");

  /**
   * Streams whose recorded bytes are broken, with the failure they must produce. Cerebras: the body
   * ends right after the last JSON object with a stray {@code "} and no line terminator
   * (SOURCES.md: "may be a recording artifact"); the event reader rejects the unterminated line, so
   * the stream fails with {@link InvalidResponseException} after delivering every complete event,
   * and is never taken for a finished answer.
   */
  static final Map<String, String> STREAM_BROKEN =
      Map.of("cerebras/chat-completion-stream.sse", "stream ended in the middle of a line");

  private static final Pattern STATUS_IN_NAME = Pattern.compile("error-(\\d{3})");
  private static final Set<String> SERVED_HEADERS =
      Set.of("content-type", "retry-after", "retry-after-ms", "x-request-id", "request-id");

  @StartStop final MockWebServer server = new MockWebServer();

  private final OkHttpClient client = new OkHttpClient.Builder().build();

  static Path corpus() {
    String dir = System.getenv("VAULTGEMMA_FIXTURES_DIR");
    Path path = Path.of(dir);
    if (!Files.isDirectory(path)) {
      fail("VAULTGEMMA_FIXTURES_DIR is set to \"" + dir + "\" but that is not a directory");
    }
    return path;
  }

  static Stream<String> payloads() throws IOException {
    Path root = corpus();
    try (Stream<Path> files = Files.walk(root)) {
      List<String> names =
          files
              .filter(Files::isRegularFile)
              .map(p -> root.relativize(p).toString().replace('\\', '/'))
              .filter(n -> !n.endsWith(".headers") && !n.equals("SOURCES.md"))
              .sorted()
              .toList();
      assertThat(names).as("payload files in %s", root).isNotEmpty();
      return names.stream();
    }
  }

  @Test
  void corpusHasEveryFileSourcesMdLists() throws IOException {
    Path root = corpus();
    String sources = Files.readString(root.resolve("SOURCES.md"));
    List<String> listed = new ArrayList<>();
    Matcher m = Pattern.compile("^- \\*\\*`([^`]+)`\\*\\*", Pattern.MULTILINE).matcher(sources);
    while (m.find()) {
      listed.add(m.group(1));
    }
    assertThat(payloads().toList()).containsExactlyInAnyOrderElementsOf(listed);
    assertThat(listed).hasSize(121);
    assertThat(listed).containsAll(EXCLUDED.keySet()).containsAll(REPAIRED.keySet());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("payloads")
  void payloadConforms(String name) throws Exception {
    if (EXCLUDED.containsKey(name)) {
      // Listed, with its reason, in EXCLUDED and core/README.md; nothing to serve.
      assertThat(Files.readString(corpus().resolve(name))).contains("...");
      return;
    }
    Path file = corpus().resolve(name);
    String body = Files.readString(file, StandardCharsets.UTF_8);
    Recorded recorded = recorded(name);
    String base = name.substring(name.lastIndexOf('/') + 1);
    OpenAiTransport transport =
        OpenAiTransport.create(client, server.url("/v1/").toString(), "sk-test-conformance");

    if (STREAM_ERRORS.containsKey(name)) {
      StreamResult result = stream(transport, sseBody(name, body), recorded);
      assertThat(result.error).isInstanceOf(StreamErrorException.class);
      assertThat(((StreamErrorException) result.error).serverMessage())
          .hasValueSatisfying(msg -> assertThat(msg).contains(STREAM_ERRORS.get(name)));
      assertDeltasInOrder(result, events(sseBody(name, body)));
    } else if (STREAM_BROKEN.containsKey(name)) {
      StreamResult result = stream(transport, body, recorded);
      assertThat(result.error)
          .isInstanceOf(InvalidResponseException.class)
          .hasMessageContaining(STREAM_BROKEN.get(name));
      List<JsonNode> complete = events(body.substring(0, body.lastIndexOf("\n\n")));
      assertThat(result.chunks).hasSize(complete.size());
    } else if (isStream(name)) {
      checkStream(transport, name, body, recorded);
    } else if (base.startsWith("error-") || name.contains("error-400-in-200")) {
      checkError(transport, name, body, recorded);
    } else if (base.contains("embeddings")) {
      checkEmbeddings(transport, body, recorded);
    } else if (base.startsWith("models-list") || base.startsWith("api-v0-models-list")) {
      serve(recorded, body);
      ModelList list = transport.models(Map.of());
      JsonNode tree = tree(body);
      JsonNode data = tree.get("data");
      assertThat(list.data()).hasSize(data == null || data.isNull() ? 0 : data.size());
      assertKeysKept(tree, Json.MAPPER.valueToTree(list), "$");
    } else if (base.startsWith("model-retrieve")) {
      serve(recorded, body);
      Model model = transport.model("some-model");
      assertThat(model.id()).isEqualTo(tree(body).get("id").asString());
      assertKeysKept(tree(body), Json.MAPPER.valueToTree(model), "$");
    } else if (base.contains("chat-completion")) {
      serve(recorded, body);
      ChatResponse response = transport.chat(ChatBody.of(request()), Map.of(), null, 0).value();
      JsonNode tree = tree(body);
      assertThat(response.choices()).hasSize(tree.get("choices").size());
      for (int i = 0; i < response.choices().size(); i++) {
        ChatMessage message = response.choices().get(i).message();
        assertThat(message).isNotNull();
        JsonNode expected = tree.get("choices").get(i).get("message");
        if (expected.get("content") != null && expected.get("content").isString()) {
          assertThat(message.text()).isEqualTo(expected.get("content").asString());
        }
        if (expected.get("tool_calls") != null && expected.get("tool_calls").isArray()) {
          assertThat(message.toolCalls()).hasSize(expected.get("tool_calls").size());
        }
      }
      assertKeysKept(tree, Json.MAPPER.valueToTree(response), "$");
    } else {
      fail("no conformance rule for " + name + ": add one");
    }
  }

  private void checkError(OpenAiTransport transport, String name, String body, Recorded recorded) {
    int status = recorded.status;
    serve(recorded, body);
    Throwable thrown;
    if (name.contains("embeddings")) {
      thrown = catchIt(() -> transport.embed(EmbeddingRequest.of("m", "x"), Map.of(), null, 0));
    } else if (name.equals("openai/error-404-model-not-found.json")) {
      thrown = catchIt(() -> transport.model("fake_id"));
    } else {
      thrown = catchIt(() -> transport.chat(ChatBody.of(request()), Map.of(), null, 0).value());
    }
    assertThat(thrown).isInstanceOf(InferenceHttpException.class);
    InferenceHttpException e = (InferenceHttpException) thrown;
    assertThat(e.status()).isEqualTo(status);
    if (status == 429) {
      assertThat(e).isInstanceOf(RateLimitedException.class);
    } else {
      assertThat(e).isNotInstanceOf(RateLimitedException.class);
    }
    assertThat(e.serverMessage()).as("server message of %s", name).isPresent();
    String message = e.serverMessage().orElseThrow();
    assertThat(message).isNotBlank();
    assertThat(e.getMessage()).contains(String.valueOf(status)).contains(message);
    assertThat(e.getMessage()).doesNotContain("sk-test-conformance");
    String expected = expectedServerMessage(body);
    if (expected != null) {
      assertThat(message).isEqualTo(clip(expected.strip()));
    }
    List<String> leaves = new ArrayList<>();
    if (body.strip().startsWith("{")) {
      leaves(tree(body), leaves);
    } else {
      leaves.add(body);
    }
    String core = message.endsWith("...") ? message.substring(0, message.length() - 3) : message;
    assertThat(leaves)
        .as("the message comes from the body")
        .anySatisfy(
            leaf ->
                assertThat(core.contains(leaf.strip()) || leaf.strip().startsWith(core)).isTrue());
  }

  /** The message where the shape makes it unambiguous; null for other shapes. */
  private static @Nullable String expectedServerMessage(String body) {
    if (!body.strip().startsWith("{")) {
      return body;
    }
    JsonNode tree = tree(body);
    JsonNode error = tree.get("error");
    if (error != null && error.isObject() && error.get("message") != null) {
      return error.get("message").asString();
    }
    if (error != null && error.isString()) {
      return error.asString();
    }
    if (tree.get("message") != null && tree.get("message").isString()) {
      return tree.get("message").asString();
    }
    return null;
  }

  private static String clip(String s) {
    return s.length() > ErrorParser.MAX_MESSAGE_CHARS
        ? s.substring(0, ErrorParser.MAX_MESSAGE_CHARS) + "..."
        : s;
  }

  private void checkEmbeddings(OpenAiTransport transport, String body, Recorded recorded) {
    serve(recorded, body);
    EmbeddingResponse response = transport.embed(EmbeddingRequest.of("m", "x"), Map.of(), null, 0);
    JsonNode data = tree(body).get("data");
    assertThat(response.data()).hasSize(data.size());
    for (int i = 0; i < data.size(); i++) {
      JsonNode vector = data.get(i).get("embedding");
      Embedding e = response.data().get(i);
      if (vector.isArray()) {
        assertThat(e.dimensions()).isEqualTo(vector.size());
        for (int j = 0; j < vector.size(); j++) {
          assertThat(e.get(j)).isEqualTo(vector.get(j).floatValue());
        }
      } else {
        int bytes = java.util.Base64.getDecoder().decode(vector.asString()).length;
        assertThat(e.dimensions()).isEqualTo(bytes / 4);
        for (int j = 0; j < e.dimensions(); j++) {
          assertThat(Math.abs(e.get(j))).as("unit-scale float32 value").isLessThan(2f);
        }
      }
    }
    assertKeysKept(tree(body), Json.MAPPER.valueToTree(response), "$");
  }

  private void checkStream(OpenAiTransport transport, String name, String raw, Recorded recorded)
      throws Exception {
    String sse = sseBody(name, raw);
    List<JsonNode> events = events(sse);
    StreamResult result = stream(transport, sse, recorded);
    boolean done = sse.contains("data: [DONE]") || sse.contains("data:[DONE]");
    Map<Integer, String> finish = new TreeMap<>();
    for (JsonNode e : events) {
      for (JsonNode c : e.path("choices")) {
        String reason =
            c.get("finish_reason") == null ? null : ErrorParser.text(c.get("finish_reason"));
        if (reason != null && !reason.isEmpty()) {
          finish.put(c.path("index").asInt(), reason);
        } else {
          finish.putIfAbsent(c.path("index").asInt(), null);
        }
      }
    }
    boolean allFinished = !finish.isEmpty() && !finish.containsValue(null);
    if (done || allFinished) {
      assertThat(result.error).as("stream %s must end right", name).isNull();
      assertThat(result.response).isNotNull();
    } else {
      assertThat(result.error)
          .as("stream %s ended without [DONE] and unfinished", name)
          .isInstanceOf(InvalidResponseException.class)
          .hasMessageContaining("without [DONE]");
    }
    assertDeltasInOrder(result, events);
  }

  /** Checks the chunks arrived in order and the assembled answer is their concatenation. */
  private static void assertDeltasInOrder(StreamResult result, List<JsonNode> events) {
    List<JsonNode> chunks = new ArrayList<>();
    for (JsonNode e : events) {
      if (e.get("choices") != null && e.get("error") == null) {
        chunks.add(e);
      }
    }
    assertThat(result.chunks).hasSize(chunks.size());
    StringBuilder content = new StringBuilder();
    StringBuilder refusal = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    Map<Integer, StringBuilder> args = new TreeMap<>();
    for (int i = 0; i < chunks.size(); i++) {
      JsonNode expected = chunks.get(i);
      ChatChunk actual = result.chunks.get(i);
      assertThat(actual.choices()).hasSize(expected.get("choices").size());
      assertKeysKept(expected, Json.MAPPER.valueToTree(actual), "$[" + i + "]");
      for (JsonNode c : expected.get("choices")) {
        if (c.path("index").asInt() != 0) {
          continue;
        }
        JsonNode delta = c.path("delta");
        append(content, delta.get("content"));
        append(refusal, delta.get("refusal"));
        append(reasoning, delta.get("reasoning_content"));
        append(reasoning, delta.get("reasoning"));
        int position = 0;
        for (JsonNode call : delta.path("tool_calls")) {
          int index = call.get("index") == null ? position : call.get("index").asInt();
          append(
              args.computeIfAbsent(index, k -> new StringBuilder()),
              call.path("function").get("arguments"));
          position++;
        }
      }
    }
    ChatResponse response = result.response;
    if (response == null) {
      return;
    }
    ChatMessage message =
        response.choices().stream()
            .filter(c -> c.index() == 0)
            .findFirst()
            .map(c -> c.message())
            .orElse(ChatMessage.assistant(""));
    assertThat(message).isNotNull();
    assertThat(nullToEmpty(message.text())).isEqualTo(content.toString());
    assertThat(nullToEmpty(message.refusal())).isEqualTo(refusal.toString());
    assertThat(nullToEmpty(message.reasoningContent()) + nullToEmpty(message.reasoning()))
        .hasSameSizeAs(reasoning.toString());
    List<ToolCall> calls = message.toolCalls() == null ? List.of() : message.toolCalls();
    assertThat(calls).hasSize(args.size());
    int k = 0;
    for (StringBuilder a : args.values()) {
      assertThat(calls.get(k++).function().arguments()).isEqualTo(a.toString());
    }
  }

  private static String nullToEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }

  private static void append(StringBuilder sb, @Nullable JsonNode node) {
    if (node != null && node.isString()) {
      sb.append(node.asString());
    }
  }

  private StreamResult stream(OpenAiTransport transport, String sse, Recorded recorded)
      throws InterruptedException {
    serve(new Recorded(recorded.status, recorded.headers, "text/event-stream"), sse);
    StreamResult result = new StreamResult();
    StreamCall call =
        transport.chatStream(
            ChatBody.of(request()),
            new ChatStreamListener() {
              @Override
              public void onChunk(ChatChunk chunk) {
                result.chunks.add(chunk);
              }
            },
            Map.of(),
            null,
            0);
    try {
      result.response = call.completion().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      result.error = e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      fail("stream did not end within 10 s", e);
    }
    return result;
  }

  static final class StreamResult {
    final List<ChatChunk> chunks = new CopyOnWriteArrayList<>();
    @Nullable ChatResponse response;
    @Nullable Throwable error;
  }

  /** The SSE text to serve: wire files as recorded, the others with the data framing restored. */
  static String sseBody(String name, String raw) {
    if (name.endsWith(".sse")) {
      return raw;
    }
    List<String> datas = new ArrayList<>();
    if (name.endsWith(".client-parsed-snapshot.json")) {
      for (JsonNode chunk : tree(raw)) {
        datas.add(chunk.toString());
      }
      datas.add("[DONE]");
    } else if (name.endsWith(".fixture.txt")) {
      // Events separated by a single "\n" (not wire-faithful): one data line is one event.
      for (String line : raw.split("\n")) {
        if (line.startsWith("data:")) {
          datas.add(line.substring(5).strip());
        }
      }
    } else if (name.endsWith(".readme-snippet.txt")) {
      datas.add(raw.replaceAll("//[^\n]*", ""));
      datas.add("[DONE]");
    } else {
      // .chunks.txt (one chunk per line) and the spec stream (chunks between blank lines): the
      // recorder dropped the framing and [DONE]; elision lines ("....") are skipped.
      for (String line : raw.split("\n")) {
        String s = line.strip();
        if (s.startsWith("{")) {
          datas.add(s);
        }
      }
      datas.add("[DONE]");
    }
    StringBuilder sb = new StringBuilder();
    for (String d : datas) {
      sb.append("data: ").append(d.replace("\n", " ")).append("\n\n");
    }
    return sb.toString();
  }

  /** Every data payload of an SSE text that parses as a JSON object, in order. */
  static List<JsonNode> events(String sse) {
    List<JsonNode> out = new ArrayList<>();
    for (String block : sse.replace("\r\n", "\n").split("\n\n")) {
      StringBuilder data = new StringBuilder();
      for (String line : block.split("\n")) {
        if (line.startsWith("data:")) {
          String d = line.substring(5);
          data.append(d.startsWith(" ") ? d.substring(1) : d);
        }
      }
      String d = data.toString().strip();
      if (d.startsWith("{")) {
        try {
          JsonNode node = Json.MAPPER.readTree(d);
          if (node.get("type") == null || node.get("choices") != null) {
            out.add(node);
          }
        } catch (RuntimeException e) {
          // an unreadable event: the stream check decides what it means
        }
      }
    }
    return out;
  }

  static boolean isStream(String name) {
    return name.endsWith(".sse")
        || name.endsWith(".chunks.txt")
        || name.endsWith(".fixture.txt")
        || name.endsWith(".client-parsed-snapshot.json")
        || name.endsWith("readme-snippet.txt")
        || name.endsWith("spec/chat-completion-stream.txt");
  }

  /**
   * Every key with a non-null value in {@code original} is present in {@code parsed} (the parsed
   * object written back): vendor fields are kept, at every depth.
   */
  static void assertKeysKept(JsonNode original, JsonNode parsed, String path) {
    if (original.isObject()) {
      assertThat(parsed.isObject()).as("%s is an object", path).isTrue();
      for (Map.Entry<String, JsonNode> e : original.properties()) {
        if (e.getValue().isNull()) {
          continue;
        }
        assertThat(parsed.get(e.getKey())).as("%s.%s kept", path, e.getKey()).isNotNull();
        if (!e.getKey().equals("embedding")) {
          assertKeysKept(e.getValue(), parsed.get(e.getKey()), path + "." + e.getKey());
        }
      }
    } else if (original.isArray() && parsed.isArray() && original.size() == parsed.size()) {
      for (int i = 0; i < original.size(); i++) {
        assertKeysKept(original.get(i), parsed.get(i), path + "[" + i + "]");
      }
    }
  }

  private static void leaves(JsonNode node, List<String> out) {
    if (node.isString()) {
      out.add(node.asString());
    } else if (node.isContainer()) {
      for (JsonNode child : node) {
        leaves(child, out);
      }
    }
  }

  private static JsonNode tree(String body) {
    String json = body.replaceAll(",(\\s*[\\]}])", "$1");
    return Json.MAPPER.readTree(json);
  }

  private static ChatRequest request() {
    return ChatRequest.builder().model("m").message(ChatMessage.user("hi")).build();
  }

  private static Throwable catchIt(Runnable r) {
    try {
      r.run();
    } catch (InferenceException e) {
      return e;
    }
    throw new AssertionError("expected an InferenceException");
  }

  private void serve(Recorded recorded, String body) {
    MockResponse.Builder b = new MockResponse.Builder().code(recorded.status);
    for (String[] h : recorded.headers) {
      b.addHeader(h[0], h[1]);
    }
    if (recorded.headers.stream().noneMatch(h -> h[0].equalsIgnoreCase("content-type"))) {
      b.addHeader("Content-Type", recorded.defaultType);
    }
    // Trailing commas are a documentation typo (openai/spec/models-list.txt); JSON never has them.
    String served =
        recorded.defaultType.startsWith("application/json")
            ? body.replaceAll(",(\\s*[\\]}])", "$1")
            : body;
    server.enqueue(b.body(served).build());
  }

  record Recorded(int status, List<String[]> headers, String defaultType) {}

  private static Recorded recorded(String name) throws IOException {
    String stem = name;
    for (String ext : List.of(".chunks.txt", ".sse", ".json", ".txt")) {
      if (stem.endsWith(ext)) {
        stem = stem.substring(0, stem.length() - ext.length());
        break;
      }
    }
    Path headers = corpus().resolve(stem + ".headers");
    int status = 200;
    Matcher m = STATUS_IN_NAME.matcher(name);
    if (m.find() && !name.contains("in-200")) {
      status = Integer.parseInt(m.group(1));
    }
    List<String[]> served = new ArrayList<>();
    if (Files.exists(headers)) {
      List<String> lines = Files.readAllLines(headers);
      status = Integer.parseInt(lines.get(0).split(" ")[1]);
      for (String line : lines.subList(1, lines.size())) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          String key = line.substring(0, colon).strip();
          if (SERVED_HEADERS.contains(key.toLowerCase(Locale.ROOT))) {
            served.add(new String[] {key, line.substring(colon + 1).strip()});
          }
        }
      }
    }
    String type =
        name.endsWith(".txt") && !isStream(name) && !name.endsWith("models-list.txt")
            ? "text/plain; charset=utf-8"
            : "application/json";
    return new Recorded(status, served, type);
  }
}
