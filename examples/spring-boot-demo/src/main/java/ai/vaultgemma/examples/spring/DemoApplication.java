package ai.vaultgemma.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot web application that uses the VaultGemma starter: {@code GET /ask?q=...} answers
 * through the auto-configured {@code InferenceClient}, and {@code GET /actuator/health} shows the
 * client's health (the {@code vaultgemma} component). Configured in {@code application.yml}.
 *
 * <p>Run it against a local OpenAI-compatible server (LocalAI, vLLM, Ollama, llama.cpp):
 *
 * <pre>{@code
 * ./mvnw -B -pl examples/spring-boot-demo -am -Prun -DskipTests package
 * curl 'http://localhost:8081/ask?q=Say+hello'
 * curl http://localhost:8081/actuator/health
 * }</pre>
 */
@SpringBootApplication
public class DemoApplication {

  /** Spring creates it. */
  public DemoApplication() {}

  /**
   * Starts the application.
   *
   * @param args Spring Boot arguments, such as {@code --vaultgemma.base-url=http://host:8000/v1}
   */
  public static void main(String[] args) {
    SpringApplication.run(DemoApplication.class, args);
  }
}
