package ai.vaultgemma.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.InferenceClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Configuration;

/** The client closes with the context, after the calls in flight, and after other components. */
class InferenceClientLifecycleTest {

  private final MockWebServer server = new MockWebServer();

  private ApplicationContextRunner runner;

  @BeforeEach
  void startServer() throws Exception {
    server.start();
    runner =
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(VaultGemmaAutoConfiguration.class))
            .withPropertyValues(
                "vaultgemma.base-url=" + server.url("/v1"), "vaultgemma.shutdown-timeout=20s");
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void contextClose_waitsForTheCallInFlight_thenClosesTheClient() {
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "application/json")
            .body(Payloads.completionJson("late answer"))
            .headersDelay(1, TimeUnit.SECONDS)
            .build());
    runner.run(
        context -> {
          InferenceClient client = context.getBean(InferenceClient.class);
          CompletableFuture<ChatResponse> inFlight = client.chatAsync(Payloads.request("slow"));
          // the request is at the server, whose answer is a second away
          assertThat(server.takeRequest(5, TimeUnit.SECONDS)).isNotNull();
          assertThat(inFlight).isNotDone();

          context.close();

          assertThat(inFlight).isCompleted();
          assertThat(inFlight.join().text()).isEqualTo("late answer");
          assertThat(client.isClosed()).isTrue();
          assertThatThrownBy(() -> client.chat(Payloads.request("after")))
              .isInstanceOf(IllegalStateException.class);
        });
  }

  @Test
  void clientIsStillOpen_whileDefaultPhaseComponentsStop() {
    runner
        .withUserConfiguration(DefaultPhaseComponent.class)
        .run(
            context -> {
              InferenceClient client = context.getBean(InferenceClient.class);
              DefaultPhaseComponent component = context.getBean(DefaultPhaseComponent.class);
              assertThat(context.getBean(InferenceClientLifecycle.class).isRunning()).isTrue();

              context.close();

              assertThat(component.clientClosedWhenStopped.get()).isFalse();
              assertThat(client.isClosed()).isTrue();
            });
  }

  @Test
  void phase_isBelowTheDefaultPhase() {
    assertThat(InferenceClientLifecycle.PHASE).isLessThan(SmartLifecycle.DEFAULT_PHASE - 2048);
  }

  /** A component that may call the client until it stops, like a message listener. */
  @Configuration(proxyBeanMethods = false)
  static class DefaultPhaseComponent implements SmartLifecycle {
    final AtomicReference<Boolean> clientClosedWhenStopped = new AtomicReference<>();
    private final InferenceClient client;
    private volatile boolean running;

    DefaultPhaseComponent(InferenceClient client) {
      this.client = client;
    }

    @Override
    public void start() {
      running = true;
    }

    @Override
    public void stop() {
      clientClosedWhenStopped.set(client.isClosed());
      running = false;
    }

    @Override
    public boolean isRunning() {
      return running;
    }
  }
}
