package ai.vaultgemma.core.tier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.vaultgemma.core.ChatMessage;
import ai.vaultgemma.core.ChatRequest;
import ai.vaultgemma.core.InferenceClient;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Builder.sharedTier(config, dataSource, jdbcUrl)}: the shared tier on a data source the
 * application owns (as a Spring Boot application's), with no DB pool of the client's own.
 */
class SharedTierOnApplicationDataSourceTest {

  @TempDir Path dir;

  private final MockWebServer server = new MockWebServer();
  private HikariDataSource dataSource;
  private String url;

  @BeforeEach
  void setUp() throws Exception {
    server.start();
    url = "jdbc:h2:file:" + dir.resolve("app").toAbsolutePath();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(4);
    dataSource = new HikariDataSource(config);
  }

  @AfterEach
  void tearDown() {
    dataSource.close();
    server.close();
  }

  private InferenceClient client() {
    return InferenceClient.builder()
        .baseUrl(server.url("/v1").toString())
        .sharedTier(SharedTierConfig.defaults(), dataSource, url)
        .build();
  }

  private static ChatRequest request() {
    return ChatRequest.builder().model("m").message(ChatMessage.user("hello")).build();
  }

  @Test
  void tierOnTheApplicationsDataSource_sharesAnswers_andLeavesTheDataSourceOpen() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .setHeader("Content-Type", "application/json")
            .body(
                "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
                    + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                    + "\"content\":\"shared\"},\"finish_reason\":\"stop\"}]}")
            .build());
    try (InferenceClient first = client()) {
      assertThat(first.dbPool()).isEmpty();
      assertThat(first.sharedTier()).isPresent();
      assertThat(first.chat(request()).text()).isEqualTo("shared");
      assertThat(first.sharedTier().orElseThrow().flush(Duration.ofSeconds(5))).isTrue();
    }
    // a second instance of the service: empty memory, same database
    try (InferenceClient second = client()) {
      assertThat(second.chat(request()).text()).isEqualTo("shared");
      assertThat(second.health().client().l2Hits()).isEqualTo(1);
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(dataSource.isClosed()).isFalse();
    try (Connection c = dataSource.getConnection()) {
      assertThat(c.isValid(1)).isTrue();
    }
  }

  @Test
  void unsupportedDatabase_isRejected_withoutShowingTheUrlsSecrets() {
    assertThatThrownBy(
            () ->
                InferenceClient.builder()
                    .sharedTier(
                        SharedTierConfig.defaults(),
                        dataSource,
                        "jdbc:mysql://db:3306/app?password=hunter2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("jdbcUrl must start with jdbc:postgresql: or jdbc:h2: but was jdbc:mysql:...")
        .message()
        .doesNotContain("hunter2");
  }

  @Test
  void sharedTierWithoutDataSource_stillNeedsADbPool() {
    assertThatThrownBy(
            () ->
                InferenceClient.builder()
                    .baseUrl(server.url("/v1").toString())
                    .sharedTier(SharedTierConfig.defaults(), dataSource, url)
                    .sharedTier(SharedTierConfig.defaults())
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("sharedTier requires a dbPool");
  }
}
