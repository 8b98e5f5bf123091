package ai.vaultgemma.examples.spring;

import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.core.InferenceException;
import java.util.Map;
import java.util.Objects;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Answers a question through the injected client, which the starter built from properties. */
@RestController
public class AskController {

  private final InferenceClient client;
  private final String model;

  /**
   * Creates the controller.
   *
   * @param client the auto-configured client
   * @param model the model to ask, {@code demo.model}
   */
  public AskController(InferenceClient client, @Value("${demo.model}") String model) {
    this.client = client;
    this.model = model;
  }

  /**
   * Asks the model one question. A repeated question is answered from the client's cache.
   *
   * @param q the question
   * @return the answer and the model that gave it
   */
  @GetMapping("/ask")
  public Map<String, String> ask(@RequestParam String q) {
    ChatResponse response =
        client.chat(ChatRequest.builder().model(model).message(ChatMessage.user(q)).build());
    return Map.of(
        "answer",
        Objects.requireNonNullElse(response.text(), ""),
        "model",
        Objects.requireNonNullElse(response.model(), model));
  }

  /**
   * Reports a failed call as 502 Bad Gateway: the inference server, not this application, failed.
   * The message names the server's URL and status, never the API key or the prompt.
   *
   * @param failure what the client threw
   * @return the error as JSON
   */
  @ExceptionHandler(InferenceException.class)
  public ResponseEntity<Map<String, String>> inferenceFailed(InferenceException failure) {
    return ResponseEntity.status(HttpStatus.BAD_GATEWAY)
        .body(Map.of("error", String.valueOf(failure.getMessage())));
  }
}
