package ai.vaultgemma.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SIMULATED OpenAI-compatible inference server for the demo and the examples, on a loopback port.
 * It is not a model: it answers every chat with a deterministic sentence derived from the prompt,
 * after a latency that grows with the answer, as a real server's would. It serves {@code POST
 * /v1/chat/completions} (JSON, or server-sent events when {@code "stream":true}), {@code POST
 * /v1/embeddings} (deterministic unit vectors) and {@code GET /v1/models}.
 *
 * <p>Thread-safe; {@link #close()} stops it. Counts the requests it served per endpoint, so the
 * demo can show how many calls the cache saved.
 */
public final class SimulatedBackend implements AutoCloseable {

  private static final Pattern CONTENT =
      Pattern.compile("\"content\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"([^\"]*)\"");
  private static final Pattern INPUT =
      Pattern.compile(
          "\"input\"\\s*:\\s*(\\[(?:[^\\]\"]|\"(?:[^\"\\\\]|\\\\.)*\")*\\]|\"(?:[^\"\\\\]|\\\\.)*\")");
  private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final HttpServer server;
  private final ExecutorService executor;
  private final Duration firstTokenLatency;
  private final Duration perTokenLatency;
  private final AtomicLong chatRequests = new AtomicLong();
  private final AtomicLong embeddingRequests = new AtomicLong();
  private final AtomicLong embeddingInputs = new AtomicLong();

  private SimulatedBackend(Duration firstTokenLatency, Duration perTokenLatency)
      throws IOException {
    this.firstTokenLatency = firstTokenLatency;
    this.perTokenLatency = perTokenLatency;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    this.executor =
        Executors.newFixedThreadPool(
            16,
            r -> {
              Thread t = new Thread(r, "simulated-backend");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/v1/chat/completions", this::chat);
    server.createContext("/v1/embeddings", this::embeddings);
    server.createContext("/v1/models", this::models);
    server.start();
  }

  /**
   * Starts a simulator with realistic latency: 120 ms to the first token, 4 ms per token after.
   *
   * @return the running simulator
   * @throws IOException if no loopback port can be bound
   */
  public static SimulatedBackend start() throws IOException {
    return start(Duration.ofMillis(120), Duration.ofMillis(4));
  }

  /**
   * Starts a simulator with the given latency.
   *
   * @param firstTokenLatency time before the first token
   * @param perTokenLatency time for each further token
   * @return the running simulator
   * @throws IOException if no loopback port can be bound
   */
  public static SimulatedBackend start(Duration firstTokenLatency, Duration perTokenLatency)
      throws IOException {
    return new SimulatedBackend(firstTokenLatency, perTokenLatency);
  }

  /** Returns the base URL to give the client, for example {@code http://127.0.0.1:41234/v1}. */
  public String baseUrl() {
    return "http://"
        + server.getAddress().getAddress().getHostAddress()
        + ":"
        + server.getAddress().getPort()
        + "/v1";
  }

  /** Returns how many chat completion requests reached the simulator. */
  public long chatRequests() {
    return chatRequests.get();
  }

  /** Returns how many embedding requests reached the simulator. */
  public long embeddingRequests() {
    return embeddingRequests.get();
  }

  /** Returns how many embedding inputs (over all requests) reached the simulator. */
  public long embeddingInputs() {
    return embeddingInputs.get();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void chat(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        send(exchange, 405, "application/json", error("method not allowed"));
        return;
      }
      chatRequests.incrementAndGet();
      String body = read(exchange.getRequestBody());
      String model = first(MODEL, body, "simulated-model");
      String prompt = last(CONTENT, body, "");
      String[] words = answer(prompt).split(" ");
      boolean stream = body.replace(" ", "").contains("\"stream\":true");
      String id = "chatcmpl-sim-" + Long.toHexString(hash(prompt));
      long created = System.currentTimeMillis() / 1000;
      int promptTokens = Math.max(1, prompt.length() / 4);
      pause(firstTokenLatency);
      if (!stream) {
        pause(perTokenLatency.multipliedBy(words.length));
        String json =
            "{\"id\":\""
                + id
                + "\",\"object\":\"chat.completion\",\"created\":"
                + created
                + ",\"model\":\""
                + model
                + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
                + String.join(" ", words)
                + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":"
                + promptTokens
                + ",\"completion_tokens\":"
                + words.length
                + ",\"total_tokens\":"
                + (promptTokens + words.length)
                + "},\"simulator\":true}";
        send(exchange, 200, "application/json", json);
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      String head =
          "{\"id\":\""
              + id
              + "\",\"object\":\"chat.completion.chunk\",\"created\":"
              + created
              + ",\"model\":\""
              + model
              + "\",\"choices\":[{\"index\":0,\"delta\":";
      event(out, head + "{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}");
      for (int i = 0; i < words.length; i++) {
        pause(perTokenLatency);
        String piece = (i == 0 ? "" : " ") + words[i];
        event(out, head + "{\"content\":\"" + piece + "\"},\"finish_reason\":null}]}");
      }
      event(
          out,
          head
              + "{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":"
              + promptTokens
              + ",\"completion_tokens\":"
              + words.length
              + ",\"total_tokens\":"
              + (promptTokens + words.length)
              + "}}");
      event(out, "[DONE]");
    }
  }

  private void embeddings(HttpExchange exchange) throws IOException {
    try (exchange) {
      embeddingRequests.incrementAndGet();
      String body = read(exchange.getRequestBody());
      String model = first(MODEL, body, "simulated-embedding");
      Matcher m = INPUT.matcher(body);
      if (!m.find()) {
        send(exchange, 400, "application/json", error("input is required"));
        return;
      }
      String inputs = m.group(1);
      StringBuilder data = new StringBuilder();
      Matcher s = STRING.matcher(inputs);
      int index = 0;
      while (s.find()) {
        embeddingInputs.incrementAndGet();
        data.append(index == 0 ? "" : ",")
            .append("{\"object\":\"embedding\",\"index\":")
            .append(index++)
            .append(",\"embedding\":")
            .append(vector(s.group(1), body.contains("\"base64\"")))
            .append('}');
      }
      pause(firstTokenLatency.dividedBy(4));
      send(
          exchange,
          200,
          "application/json",
          "{\"object\":\"list\",\"data\":["
              + data
              + "],\"model\":\""
              + model
              + "\",\"usage\":{\"prompt_tokens\":"
              + index
              + ",\"total_tokens\":"
              + index
              + "}}");
    }
  }

  private void models(HttpExchange exchange) throws IOException {
    try (exchange) {
      send(
          exchange,
          200,
          "application/json",
          "{\"object\":\"list\",\"data\":[{\"id\":\"simulated-model\",\"object\":\"model\","
              + "\"created\":0,\"owned_by\":\"vaultgemma-simulator\"},{\"id\":\"simulated-embedding\","
              + "\"object\":\"model\",\"created\":0,\"owned_by\":\"vaultgemma-simulator\"}]}");
    }
  }

  /** A deterministic answer: the same prompt always gets the same words. */
  static String answer(String prompt) {
    String[] vocabulary = {
      "the", "cache", "answers", "fast", "because", "pooled", "connections", "stay", "warm",
      "and", "every", "request", "is", "logged", "with", "its", "trace", "id"
    };
    long h = hash(prompt);
    int length = 8 + (int) Math.floorMod(h, 8L);
    StringBuilder sb = new StringBuilder("Simulated answer:");
    for (int i = 0; i < length; i++) {
      h = h * 6364136223846793005L + 1442695040888963407L;
      sb.append(' ').append(vocabulary[(int) Math.floorMod(h >>> 33, (long) vocabulary.length)]);
    }
    return sb.append('.').toString();
  }

  private static String vector(String input, boolean base64) {
    int dims = 8;
    float[] v = new float[dims];
    long h = hash(input);
    double norm = 0;
    for (int i = 0; i < dims; i++) {
      h = h * 6364136223846793005L + 1442695040888963407L;
      v[i] = ((h >>> 40) % 2000 - 1000) / 1000f;
      norm += v[i] * v[i];
    }
    for (int i = 0; i < dims; i++) {
      v[i] = (float) (v[i] / Math.sqrt(norm));
    }
    if (base64) {
      ByteBuffer buf = ByteBuffer.allocate(dims * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (float f : v) {
        buf.putFloat(f);
      }
      return "\"" + Base64.getEncoder().encodeToString(buf.array()) + "\"";
    }
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < dims; i++) {
      sb.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6f", v[i]));
    }
    return sb.append(']').toString();
  }

  private static long hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(d).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String first(Pattern p, String body, String fallback) {
    Matcher m = p.matcher(body);
    return m.find() ? m.group(1) : fallback;
  }

  private static String last(Pattern p, String body, String fallback) {
    Matcher m = p.matcher(body);
    String found = fallback;
    while (m.find()) {
      found = m.group(1);
    }
    return found;
  }

  private static String error(String message) {
    return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"invalid_request_error\"}}";
  }

  private static String read(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static void event(OutputStream out, String data) throws IOException {
    out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
