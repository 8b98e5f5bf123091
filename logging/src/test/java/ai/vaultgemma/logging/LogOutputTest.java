package ai.vaultgemma.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LogOutputTest {

  private static LogOutput env(Map<String, String> vars) {
    return LogOutput.fromEnv(vars::get);
  }

  @Test
  void unset_meansDefaults() {
    LogOutput output = env(Map.of());

    assertThat(output).isEqualTo(LogOutput.defaults());
    assertThat(output.level()).isEqualTo(LogOutput.Level.INFO);
    assertThat(output.format()).isEqualTo(LogOutput.Format.JSON);
    assertThat(output.timeFormat()).isEqualTo(LogOutput.TimeFormat.RFC3339);
    assertThat(output.includeCaller()).isFalse();
    assertThat(output.warnings()).isEmpty();
    assertThat(env(Map.of("LOG_LEVEL", "  ", "LOG_FORMAT", "")).warnings()).isEmpty();
  }

  @Test
  void logCaller_validAndInvalidValues() {
    assertThat(env(Map.of("LOG_CALLER", "true")).includeCaller()).isTrue();
    assertThat(env(Map.of("LOG_CALLER", " FALSE ")).includeCaller()).isFalse();
    LogOutput bad = env(Map.of("LOG_CALLER", "yes"));
    assertThat(bad.includeCaller()).isFalse();
    assertThat(bad.warnings())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("LOG_CALLER")
        .contains("\"yes\"");
  }

  @Test
  void logLevel_validValues() {
    assertThat(env(Map.of("LOG_LEVEL", "trace")).level()).isEqualTo(LogOutput.Level.TRACE);
    assertThat(env(Map.of("LOG_LEVEL", "DEBUG")).level()).isEqualTo(LogOutput.Level.DEBUG);
    assertThat(env(Map.of("LOG_LEVEL", " Info ")).level()).isEqualTo(LogOutput.Level.INFO);
    assertThat(env(Map.of("LOG_LEVEL", "warn")).level()).isEqualTo(LogOutput.Level.WARN);
    assertThat(env(Map.of("LOG_LEVEL", "warning")).level()).isEqualTo(LogOutput.Level.WARN);
    assertThat(env(Map.of("LOG_LEVEL", "error")).level()).isEqualTo(LogOutput.Level.ERROR);
    assertThat(env(Map.of("LOG_LEVEL", "off")).level()).isEqualTo(LogOutput.Level.OFF);
  }

  @Test
  void logLevel_invalidWarnsAndFallsBack() {
    LogOutput output = env(Map.of("LOG_LEVEL", "loud"));

    assertThat(output.level()).isEqualTo(LogOutput.Level.INFO);
    assertThat(output.warnings())
        .containsExactly(
            "LOG_LEVEL must be one of trace, debug, info, warn, error, off but was \"loud\";"
                + " using info");
  }

  @Test
  void logFormat_validAndInvalid() {
    assertThat(env(Map.of("LOG_FORMAT", "console")).format()).isEqualTo(LogOutput.Format.CONSOLE);
    assertThat(env(Map.of("LOG_FORMAT", "JSON")).format()).isEqualTo(LogOutput.Format.JSON);
    LogOutput output = env(Map.of("LOG_FORMAT", "xml"));
    assertThat(output.format()).isEqualTo(LogOutput.Format.JSON);
    assertThat(output.warnings())
        .containsExactly("LOG_FORMAT must be one of json, console but was \"xml\"; using json");
  }

  @Test
  void logTimeFormat_validAndInvalid() {
    assertThat(env(Map.of("LOG_TIME_FORMAT", "unix")).timeFormat())
        .isEqualTo(LogOutput.TimeFormat.UNIX);
    assertThat(env(Map.of("LOG_TIME_FORMAT", "RFC3339")).timeFormat())
        .isEqualTo(LogOutput.TimeFormat.RFC3339);
    LogOutput output = env(Map.of("LOG_TIME_FORMAT", "iso"));
    assertThat(output.timeFormat()).isEqualTo(LogOutput.TimeFormat.RFC3339);
    assertThat(output.warnings())
        .containsExactly(
            "LOG_TIME_FORMAT must be one of rfc3339, unix but was \"iso\"; using rfc3339");
  }

  @Test
  void oneWarningPerInvalidVariable() {
    LogOutput output = env(Map.of("LOG_LEVEL", "x", "LOG_FORMAT", "y", "LOG_TIME_FORMAT", "z"));

    assertThat(output.warnings()).hasSize(3);
    assertThat(output).isEqualTo(LogOutput.defaults());
  }

  @Test
  void builder_roundTripsAndRejectsNull() {
    LogOutput output =
        LogOutput.builder()
            .level(LogOutput.Level.DEBUG)
            .format(LogOutput.Format.CONSOLE)
            .timeFormat(LogOutput.TimeFormat.UNIX)
            .includeCaller(false)
            .build();

    assertThat(output.toBuilder().build()).isEqualTo(output).hasSameHashCodeAs(output);
    assertThat(output.toString())
        .isEqualTo("LogOutput{level=DEBUG, format=CONSOLE, timeFormat=UNIX, includeCaller=false}");
    assertThatThrownBy(() -> LogOutput.builder().level(null)).hasMessage("level");
    assertThatThrownBy(() -> LogOutput.fromEnv(null)).hasMessage("env");
  }
}
