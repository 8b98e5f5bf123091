package ai.vaultgemma.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LogPolicyTest {
  private final LogPolicy policy = LogPolicy.defaults();

  @Test
  void redacts_defaultNamesInAnySeparatorStyle() {
    for (String name :
        List.of(
            "api_key",
            "API_KEY",
            "apiKey",
            "ApiKey",
            "x_api_key",
            "X-Api-Key",
            "apikey",
            "xApikey",
            "Authorization",
            "proxy-authorization",
            "password",
            "DB_PASSWORD",
            "passwordHash",
            "secret",
            "client_secret",
            "clientSecret",
            "token",
            "access_token",
            "refreshToken",
            "id.token")) {
      assertThat(policy.redacts(name)).as(name).isTrue();
    }
  }

  @Test
  void keeps_namesThatOnlyLookAlike() {
    for (String name :
        List.of(
            "tokens_used",
            "max_tokens",
            "promptTokens",
            "secretary",
            "passwords_changed_count",
            "key",
            "api",
            "user_id",
            "model",
            "keyHash")) {
      assertThat(policy.redacts(name)).as(name).isFalse();
    }
  }

  @Test
  void redact_replacesOnlySecrets() {
    assertThat(policy.redact("password", "hunter2")).isEqualTo("[REDACTED]");
    assertThat(policy.redact("user", "u")).isEqualTo("u");
    assertThat(policy.redact("user", null)).isNull();
  }

  @Test
  void redactPath_keepsOtherParameters() {
    assertThat(policy.redactPath("/v1/models")).isEqualTo("/v1/models");
    assertThat(policy.redactPath("/a?token=t&x=1&flag&Api-Key=k"))
        .isEqualTo("/a?token=[REDACTED]&x=1&flag&Api-Key=[REDACTED]");
  }

  @Test
  void text_isOffByDefault_andTruncatedWhenOn() {
    assertThat(policy.logText()).isFalse();
    assertThat(policy.text("hello")).isNull();

    LogPolicy on = policy.toBuilder().logText(true).maxTextLength(3).build();
    assertThat(on.text("hi")).isEqualTo("hi");
    assertThat(on.text("hello")).isEqualTo("hel…");
    assertThat(on.text(null)).isNull();
    assertThat(on.toBuilder().maxTextLength(2).build().text("a\uD83D\uDE00b"))
        .as("never splits a surrogate pair")
        .isEqualTo("a…");
  }

  @Test
  void builder_validates() {
    assertThatThrownBy(() -> LogPolicy.builder().maxTextLength(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxTextLength must be >= 1 but was 0");
    assertThatThrownBy(() -> LogPolicy.builder().addRedactedName(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("redacted name must not be blank but was \" \"");
    assertThatThrownBy(() -> LogPolicy.builder().addRedactedName(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("name");
  }

  @Test
  void builder_copiesAndRoundTrips() {
    LogPolicy.Builder builder = LogPolicy.builder().addRedactedName("cookie");
    LogPolicy built = builder.build();
    builder.addRedactedName("later");

    assertThat(built.redactedNames()).contains("cookie").doesNotContain("later");
    assertThat(built.toBuilder().build()).isEqualTo(built).hasSameHashCodeAs(built);
    assertThat(LogPolicy.defaults().redactedNames())
        .containsExactlyInAnyOrderElementsOf(LogPolicy.DEFAULT_REDACTED_NAMES);
    assertThat(built.toString()).contains("cookie").contains("logText=false");
    assertThat(LogPolicy.builder().redactedNames(List.of()).build().redacts("password")).isFalse();
  }
}
