package ai.vaultgemma.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Base URLs carrying credentials are rejected, and no message shows the secret part. */
class BaseUrlsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          https://my.openai.azure.com/openai/deployments/d?api-key=s3cr3tKEY               | s3cr3tKEY | query
          https://my.openai.azure.com/openai?api-version=2024-06-01&api-key=s3cr3tKEY      | s3cr3tKEY | query
          https://host/v1?key=s3cr3tKEY                                                    | s3cr3tKEY | query
          https://host/v1#s3cr3tKEY                                                        | s3cr3tKEY | query
          https://host/v1/?token=s3cr3tKEY#frag                                            | s3cr3tKEY | query
          http://user:s3cr3tKEY@host/v1                                                    | s3cr3tKEY | credentials
          http://s3cr3tKEY@host/v1                                                         | s3cr3tKEY | credentials
          https://apikey:s3cr3tKEY@host:8443/v1?x=1                                        | s3cr3tKEY | credentials
          https://user:s3cr%40tKEY@host/v1                                                 | s3cr       | credentials
          localhost:8080/v1?api-key=s3cr3tKEY                                              | s3cr3tKEY | absolute
          host/v1?api-key=s3cr3tKEY                                                        | s3cr3tKEY | absolute
          ftp://user:s3cr3tKEY@host/v1                                                     | s3cr3tKEY | absolute
          http://user:s3cr3tKEY@                                                           | s3cr3tKEY | absolute
          htp://user:s3cr3tKEY@host/v1?api-key=s3cr3tKEY                                   | s3cr3tKEY | absolute
          https://user:s3c/r3tKEY@host/v1                                                  | r3tKEY    | absolute
          http://[::1:s3cr3tKEY@host/v1                                                    | s3cr3tKEY | credentials
          https://host:99999/v1?api-key=s3cr3tKEY                                          | s3cr3tKEY | absolute
          """)
  void secretsInBaseUrlsAreRejectedAndNeverShown(String url, String secret, String rule) {
    assertThatThrownBy(() -> BaseUrls.parse(url))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("baseUrl must")
        .hasMessageContaining(rule)
        .hasMessageNotContaining(secret);
    assertThatThrownBy(() -> OpenAiTransport.parseBaseUrl(url))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining(secret);
  }

  @Test
  void theMessageShowsWhatIsSafeToShow() {
    assertThatThrownBy(() -> BaseUrls.parse("https://my.azure.com/openai?api-key=s3cr3t"))
        .hasMessage(
            "baseUrl must not have a query or fragment but was \"https://my.azure.com/openai?****\""
                + " (query hidden; it may hold a key such as api-key=); pass the API key as"
                + " apiKey");
    assertThatThrownBy(() -> BaseUrls.parse("localhost:8080/v1"))
        .hasMessage("baseUrl must be an absolute http or https URL but was \"localhost:8080/v1\"");
    assertThatThrownBy(() -> BaseUrls.parse("ftp://u:pw@host/v1?k=v"))
        .hasMessage(
            "baseUrl must be an absolute http or https URL but was \"ftp://****@host/v1?****\"");
  }

  @Test
  void redactMasksUserInfoAndQueryOnly() {
    assertThat(BaseUrls.redact("http://localhost:8080/v1")).isEqualTo("http://localhost:8080/v1");
    assertThat(BaseUrls.redact(" https://a:b@h/v1#x ")).isEqualTo("https://****@h/v1#****");
    assertThat(BaseUrls.redact("a:b@h")).isEqualTo("****@h");
    assertThat(BaseUrls.redact("")).isEmpty();
  }

  @Test
  void goodBaseUrlsPass() {
    assertThat(BaseUrls.parse(" http://localhost:8080/v1 ").toString())
        .isEqualTo("http://localhost:8080/v1");
    assertThat(BaseUrls.parse("https://api.openai.com/v1").host()).isEqualTo("api.openai.com");
  }

  @Test
  void apiKeyMessagesNeverShowTheKey() {
    assertThat(BaseUrls.checkApiKey(null)).isNull();
    assertThat(BaseUrls.checkApiKey("sk-abc")).isEqualTo("sk-abc");
    assertThatThrownBy(() -> BaseUrls.checkApiKey(" \t"))
        .hasMessage("apiKey must not be blank (value hidden)");
    for (String bad : new String[] {"sk-se cret", "sk-secret\n", "sk-sécret", "\u0000sk-secret"}) {
      assertThatThrownBy(() -> BaseUrls.checkApiKey(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("apiKey must hold printable ASCII without spaces (value hidden)")
          .hasMessageNotContaining("secret")
          .hasMessageNotContaining("cret");
    }
  }
}
