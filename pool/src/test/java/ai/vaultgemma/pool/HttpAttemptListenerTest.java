package ai.vaultgemma.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A request's {@link HttpAttemptListener} hears every attempt the retry policy makes. */
class HttpAttemptListenerTest {
  @StartStop final MockWebServer server = new MockWebServer();
  private final HttpTestTime time = new HttpTestTime();
  private @Nullable HttpPool pool;

  @AfterEach
  void close() {
    if (pool != null) {
      pool.close();
    }
  }

  private Response call(HttpAttemptListener listener, int maxRetries) throws IOException {
    pool =
        HttpPool.create(
            HttpPoolConfig.builder()
                .retryPolicy(time.policy().maxRetries(maxRetries).build())
                .build());
    Request request =
        new Request.Builder()
            .url(server.url("/v1/x"))
            .header("Authorization", "Bearer k")
            .tag(HttpAttemptListener.class, listener)
            .build();
    return pool.okHttpClient().newCall(request).execute();
  }

  @Test
  void eachAttemptIsHeardWithItsOutcomeAndEachRetryWithItsReason() throws Exception {
    server.enqueue(new MockResponse.Builder().code(503).body("busy").build());
    server.enqueue(new MockResponse.Builder().code(200).body("ok").build());
    List<String> heard = new CopyOnWriteArrayList<>();
    HttpAttemptListener listener =
        new HttpAttemptListener() {
          @Override
          public void attemptStart(int attempt, BiConsumer<String, String> header) {
            heard.add("start " + attempt);
            header.accept("x-attempt", Integer.toString(attempt));
          }

          @Override
          public void attemptEnd(int attempt, int status, long latencyNanos) {
            heard.add("end " + attempt + " " + status);
          }

          @Override
          public void retryScheduled(
              int attempt, int status, @Nullable IOException failure, Duration wait) {
            heard.add("retry " + attempt + " " + status);
          }
        };
    try (Response response = call(listener, 2)) {
      assertThat(response.code()).isEqualTo(200);
    }
    assertThat(heard)
        .containsExactly("start 1", "end 1 503", "retry 1 503", "start 2", "end 2 200");
    RecordedRequest first = server.takeRequest();
    RecordedRequest second = server.takeRequest();
    assertThat(first.getHeaders().get("x-attempt")).isEqualTo("1");
    assertThat(second.getHeaders().get("x-attempt")).isEqualTo("2");
  }

  @Test
  void aListenerCannotTouchCredentialsAndCannotBreakTheRequest() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).body("ok").build());
    List<String> refused = new CopyOnWriteArrayList<>();
    HttpAttemptListener listener =
        new HttpAttemptListener() {
          @Override
          public void attemptStart(int attempt, BiConsumer<String, String> header) {
            for (String name : List.of("Authorization", "host", "Content-Length")) {
              try {
                header.accept(name, "x");
              } catch (IllegalArgumentException e) {
                refused.add(e.getMessage());
              }
            }
            header.accept("x-kept", "1");
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void attemptEnd(int attempt, int status, long latencyNanos) {
            throw new IllegalStateException("listener bug");
          }
        };
    try (Response response = call(listener, 0)) {
      assertThat(response.code()).isEqualTo(200);
    }
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer k");
    assertThat(sent.getHeaders().get("x-kept")).isEqualTo("1");
    assertThat(refused)
        .containsExactly(
            "header Authorization: set by the transport, not by a listener",
            "header host: set by the transport, not by a listener",
            "header Content-Length: set by the transport, not by a listener");
  }

  @Test
  void aFailedAttemptIsHeardAsAFailure() throws Exception {
    server.close(); // nothing listens on its port any more
    List<String> heard = new CopyOnWriteArrayList<>();
    HttpAttemptListener listener =
        new HttpAttemptListener() {
          @Override
          public void attemptFailed(int attempt, IOException failure, long latencyNanos) {
            heard.add("failed " + attempt + " " + failure.getClass().getSimpleName());
          }
        };
    assertThatThrownBy(() -> call(listener, 0).close()).isInstanceOf(IOException.class);
    assertThat(heard).hasSize(1);
    assertThat(heard.get(0)).startsWith("failed 1 ");
  }
}
