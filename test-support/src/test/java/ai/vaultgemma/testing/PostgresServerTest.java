package ai.vaultgemma.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.vaultgemma.testing.PostgresExtension.Source;
import ai.vaultgemma.testing.PostgresServer.Choice;
import ai.vaultgemma.testing.PostgresServer.Server;
import ai.vaultgemma.testing.PostgresServer.Starter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** How the source is chosen, driven with stand-in starters: no server is started here. */
class PostgresServerTest {

  private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  private final List<String> calls = new ArrayList<>();

  private final BooleanSupplier dockerUp = record("docker?", true);
  private final BooleanSupplier dockerDown = record("docker?", false);
  private final Starter docker = starter("docker", Source.DOCKER);
  private final Starter embedded = starter("embedded", Source.EMBEDDED);

  private BooleanSupplier record(String name, boolean answer) {
    return () -> {
      calls.add(name);
      return answer;
    };
  }

  private Starter starter(String name, Source source) {
    return () -> {
      calls.add(name);
      return new Server(source, "jdbc:postgresql://127.0.0.1:1/" + name, name + " detail");
    };
  }

  private Starter failing(String name, String message) {
    return () -> {
      calls.add(name);
      throw new IOException(message);
    };
  }

  @Test
  void choiceIsAutoWhenNeitherPropertyNorVariableIsSet() {
    assertThat(PostgresServer.choice(null, null)).isEqualTo(Choice.AUTO);
    assertThat(PostgresServer.choice(" ", "")).isEqualTo(Choice.AUTO);
  }

  @Test
  void choiceReadsThePropertyBeforeTheVariable() {
    assertThat(PostgresServer.choice("embedded", "url")).isEqualTo(Choice.EMBEDDED);
    assertThat(PostgresServer.choice(null, "docker")).isEqualTo(Choice.DOCKER);
    assertThat(PostgresServer.choice("", "url")).isEqualTo(Choice.URL);
  }

  @Test
  void choiceIgnoresCaseAndSurroundingSpaces() {
    assertThat(PostgresServer.choice(" Embedded ", null)).isEqualTo(Choice.EMBEDDED);
    assertThat(PostgresServer.choice("AUTO", null)).isEqualTo(Choice.AUTO);
  }

  @Test
  void unknownChoiceFailsNamingTheVariableItsOriginAndTheValue() {
    assertThatThrownBy(() -> PostgresServer.choice(null, "h2"))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessage(
            "The environment variable VAULTGEMMA_TEST_POSTGRES must be one of url, docker,"
                + " embedded, auto but was \"h2\"");
    assertThatThrownBy(() -> PostgresServer.choice("container", null))
        .hasMessageContaining("system property VAULTGEMMA_TEST_POSTGRES")
        .hasMessageContaining("\"container\"");
  }

  @Test
  void autoTakesTheUrlFirstAndStartsNothing() {
    Server server = PostgresServer.select(Choice.AUTO, URL, dockerUp, docker, embedded);
    assertThat(server.source()).isEqualTo(Source.URL);
    assertThat(server.jdbcUrl()).isEqualTo(URL);
    assertThat(calls).isEmpty();
  }

  @Test
  void autoTakesDockerWhenNoUrlIsSet() {
    Server server = PostgresServer.select(Choice.AUTO, " ", dockerUp, docker, embedded);
    assertThat(server.source()).isEqualTo(Source.DOCKER);
    assertThat(calls).containsExactly("docker?", "docker");
  }

  @Test
  void autoFallsBackToEmbeddedWithoutUrlOrDocker() {
    Server server = PostgresServer.select(Choice.AUTO, null, dockerDown, docker, embedded);
    assertThat(server.source()).isEqualTo(Source.EMBEDDED);
    assertThat(server.detail()).contains("no Docker engine answered");
    assertThat(calls).containsExactly("docker?", "embedded");
  }

  @Test
  void autoFallsBackToEmbeddedWhenTheContainerDoesNotStart() {
    Server server =
        PostgresServer.select(
            Choice.AUTO, null, dockerUp, failing("docker", "pull access denied"), embedded);
    assertThat(server.source()).isEqualTo(Source.EMBEDDED);
    assertThat(server.detail())
        .contains("container did not start (IOException: pull access denied)");
    assertThat(calls).containsExactly("docker?", "docker", "embedded");
  }

  @Test
  void autoWithNothingWorkingFailsSayingWhatItTried() {
    assertThatThrownBy(
            () ->
                PostgresServer.select(
                    Choice.AUTO, null, dockerDown, docker, failing("embedded", "no binaries")))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageStartingWith("These tests need a real PostgreSQL and none was found")
        .hasMessageContaining("VAULTGEMMA_TEST_JDBC_URL is not set")
        .hasMessageContaining("no Docker engine answered")
        .hasMessageContaining("the embedded PostgreSQL did not start (IOException: no binaries)")
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void forcedEmbeddedIgnoresASetUrlAndAnAnsweringDocker() {
    Server server = PostgresServer.select(Choice.EMBEDDED, URL, dockerUp, docker, embedded);
    assertThat(server.source()).isEqualTo(Source.EMBEDDED);
    assertThat(calls).containsExactly("embedded");
  }

  @Test
  void forcedDockerIgnoresASetUrl() {
    Server server = PostgresServer.select(Choice.DOCKER, URL, dockerUp, docker, embedded);
    assertThat(server.source()).isEqualTo(Source.DOCKER);
  }

  @Test
  void forcedUrlWithoutTheVariableFailsClearly() {
    assertThatThrownBy(() -> PostgresServer.select(Choice.URL, null, dockerUp, docker, embedded))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessage(
            "VAULTGEMMA_TEST_POSTGRES=url but VAULTGEMMA_TEST_JDBC_URL is not set: set it to the"
                + " server's JDBC URL, for example"
                + " jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    assertThat(calls).isEmpty();
  }

  @Test
  void forcedDockerWithoutAnEngineFailsAndDoesNotFallBack() {
    assertThatThrownBy(
            () -> PostgresServer.select(Choice.DOCKER, URL, dockerDown, docker, embedded))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageStartingWith("VAULTGEMMA_TEST_POSTGRES=docker but no Docker engine answered");
    assertThat(calls).containsExactly("docker?");
  }

  @Test
  void forcedDockerWhoseContainerFailsNamesTheImageAndTheCause() {
    assertThatThrownBy(
            () ->
                PostgresServer.select(
                    Choice.DOCKER, null, dockerUp, failing("docker", "no such image"), embedded))
        .hasMessage(
            "VAULTGEMMA_TEST_POSTGRES=docker but the postgres:16-alpine container did not start:"
                + " IOException: no such image")
        .hasCauseInstanceOf(IOException.class);
    assertThat(calls).containsExactly("docker?", "docker");
  }

  @Test
  void forcedEmbeddedThatCannotStartFailsWithTheCause() {
    assertThatThrownBy(
            () ->
                PostgresServer.select(
                    Choice.EMBEDDED,
                    URL,
                    dockerUp,
                    docker,
                    failing("embedded", "No native binaries for Linux riscv64")))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessage(
            "VAULTGEMMA_TEST_POSTGRES=embedded but the embedded PostgreSQL did not start:"
                + " IOException: No native binaries for Linux riscv64");
    assertThat(calls).containsExactly("embedded");
  }

  @Test
  void malformedUrlFailsWithThePasswordHidden() {
    assertThatThrownBy(
            () ->
                PostgresServer.select(
                    Choice.AUTO,
                    "postgres://db/test?user=u&password=hunter2",
                    dockerUp,
                    docker,
                    embedded))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessage(
            "VAULTGEMMA_TEST_JDBC_URL must be a jdbc:postgresql:// URL but was"
                + " \"postgres://db/test?user=u&password=****\"")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void theUrlDetailHidesThePassword() {
    Server server =
        PostgresServer.select(
            Choice.URL, URL + "&password=hunter2&ssl=false", dockerUp, docker, embedded);
    assertThat(server.detail()).contains("password=****&ssl=false").doesNotContain("hunter2");
    assertThat(server.jdbcUrl()).contains("password=hunter2");
  }
}
