package ai.vaultgemma.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.InferenceClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The application shuts down while a request is waiting for the inference server: Tomcat's graceful
 * shutdown lets the request finish, and only then does the client close, so the user still gets the
 * answer.
 */
class GracefulShutdownTest {

  private final MockWebServer inferenceServer = new MockWebServer();

  @BeforeEach
  void start() throws Exception {
    inferenceServer.start();
  }

  @AfterEach
  void stop() {
    inferenceServer.close();
  }

  /** A request that calls the client twice: the second call comes after shutdown began. */
  @RestController
  static class TwoCallsController {
    private final InferenceClient client;

    TwoCallsController(InferenceClient client) {
      this.client = client;
    }

    @GetMapping("/twice")
    String twice() {
      String first = client.chat(request("first")).text();
      String second = client.chat(request("second")).text();
      return first + " + " + second;
    }

    private static ChatRequest request(String prompt) {
      return ChatRequest.builder().model("m").message(ChatMessage.user(prompt)).build();
    }
  }

  @Test
  void requestInFlight_getsItsAnswers_thenTheClientCloses() throws Exception {
    inferenceServer.enqueue(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "application/json")
            .body(
                "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
                    + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                    + "\"content\":\"worth the wait\"},\"finish_reason\":\"stop\"}]}")
            .headersDelay(1, TimeUnit.SECONDS)
            .build());
    inferenceServer.enqueue(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "application/json")
            .body(
                "{\"id\":\"c2\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
                    + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                    + "\"content\":\"and more\"},\"finish_reason\":\"stop\"}]}")
            .build());
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(DemoApplication.class, TwoCallsController.class)
            .run(
                "--server.port=0",
                "--server.shutdown=graceful",
                "--vaultgemma.base-url=" + inferenceServer.url("/v1"),
                "--demo.model=m");
    int port = ((WebServerApplicationContext) context).getWebServer().getPort();
    InferenceClient client = context.getBean(InferenceClient.class);

    CompletableFuture<HttpResponse<String>> response =
        HttpClient.newHttpClient()
            .sendAsync(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/twice")).build(),
                HttpResponse.BodyHandlers.ofString());
    // the request has reached the inference server, whose answer is a second away
    assertThat(inferenceServer.takeRequest(10, TimeUnit.SECONDS)).isNotNull();

    context.close();

    assertThat(response).isCompleted();
    assertThat(response.get().statusCode()).isEqualTo(200);
    assertThat(response.get().body()).isEqualTo("worth the wait + and more");
    assertThat(inferenceServer.getRequestCount()).isEqualTo(2);
    assertThat(client.isClosed()).isTrue();
  }
}
