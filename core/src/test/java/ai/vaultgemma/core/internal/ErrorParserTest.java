package ai.vaultgemma.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.vaultgemma.core.InferenceHttpException;
import ai.vaultgemma.core.RateLimitedException;
import ai.vaultgemma.pool.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorParserTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private static InferenceHttpException parse(int status, String type, String body) {
    return parse(status, type, body, Map.of());
  }

  private static InferenceHttpException parse(
      int status, String type, String body, Map<String, String> headers) {
    return ErrorParser.httpError(
        "POST", "/v1/chat/completions", status, type, body, headers::get, "sk-secret-123", NOW);
  }

  @Test
  void openAiEnvelope() {
    InferenceHttpException e =
        parse(
            400,
            "application/json",
            "{\"error\":{\"message\":\"Unknown parameter: 'foo'.\",\"type\":\"invalid_request_error\","
                + "\"param\":\"foo\",\"code\":\"unknown_parameter\"}}",
            Map.of("x-request-id", "req_1"));
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.serverMessage()).hasValue("Unknown parameter: 'foo'.");
    assertThat(e.type()).hasValue("invalid_request_error");
    assertThat(e.param()).hasValue("foo");
    assertThat(e.code()).hasValue("unknown_parameter");
    assertThat(e.requestId()).hasValue("req_1");
    assertThat(e.getMessage())
        .isEqualTo(
            "POST /v1/chat/completions failed with HTTP 400: Unknown parameter: 'foo'."
                + " (type=invalid_request_error, code=unknown_parameter, param=foo)");
  }

  @Test
  void numericCodeIsReadAsText() {
    InferenceHttpException e =
        parse(
            400,
            "application/json",
            "{\"error\":{\"code\":400,\"message\":\"too long\",\"type\":\"exceed_context_size_error\","
                + "\"n_ctx\":4096}}");
    assertThat(e.code()).hasValue("400");
    assertThat(e.serverMessage()).hasValue("too long");
  }

  @Test
  void vllmFlatError() {
    InferenceHttpException e =
        parse(
            404,
            "application/json",
            "{\"object\":\"error\",\"message\":\"The model `x` does not exist.\","
                + "\"type\":\"NotFoundError\",\"param\":null,\"code\":404}");
    assertThat(e.serverMessage()).hasValue("The model `x` does not exist.");
    assertThat(e.type()).hasValue("NotFoundError");
    assertThat(e.param()).isEmpty();
  }

  @Test
  void tgiErrorAndErrorType() {
    InferenceHttpException e =
        parse(
            422,
            "application/json",
            "{\"error\":\"Input validation error: `inputs` must be non-empty\","
                + "\"error_type\":\"validation\"}");
    assertThat(e.serverMessage()).hasValue("Input validation error: `inputs` must be non-empty");
    assertThat(e.type()).hasValue("validation");
  }

  @Test
  void mistralMessageAndRequestId() {
    InferenceHttpException e =
        parse(401, "application/json", "{\"message\":\"Unauthorized\",\"request_id\":\"abc\"}");
    assertThat(e.serverMessage()).hasValue("Unauthorized");
    assertThat(e.requestId()).hasValue("abc");
  }

  @Test
  void fastApiDetailKeepsMessagesNotInputs() {
    InferenceHttpException e =
        parse(
            422,
            "application/json",
            "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\",\"messages\"],"
                + "\"msg\":\"Field required\",\"input\":{\"prompt\":\"my secret prompt\"}}]}");
    assertThat(e.serverMessage()).hasValue("body.messages: Field required");
    assertThat(e.getMessage()).doesNotContain("secret prompt");
  }

  @Test
  void plainTextAndHtmlBodies() {
    assertThat(parse(422, "text/plain", "Failed to deserialize the JSON body").serverMessage())
        .hasValue("Failed to deserialize the JSON body");
    InferenceHttpException html =
        parse(
            502,
            "text/html",
            "<html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>");
    assertThat(html.serverMessage()).hasValue("502 Bad Gateway");
    assertThat(parse(503, null, "").serverMessage()).isEmpty();
    assertThat(parse(503, null, "").getMessage())
        .isEqualTo("POST /v1/chat/completions failed with HTTP 503: (no message)");
    assertThat(parse(500, "text/plain", "x".repeat(2000)).serverMessage().orElseThrow())
        .hasSize(ErrorParser.MAX_MESSAGE_CHARS + 3);
  }

  @Test
  void anEchoedApiKeyIsMasked() {
    InferenceHttpException e =
        parse(
            401,
            "application/json",
            "{\"error\":{\"message\":\"Incorrect API key provided: sk-secret-123.\"}}");
    assertThat(e.getMessage()).doesNotContain("sk-secret-123").contains("****");
    assertThat(e.serverMessage().orElseThrow()).doesNotContain("sk-secret-123");
  }

  @Test
  void rateLimitCarriesRetryAfter() {
    InferenceHttpException seconds =
        parse(
            429,
            "application/json",
            "{\"error\":{\"message\":\"slow down\"}}",
            Map.of("retry-after", "2"));
    assertThat(seconds).isInstanceOf(RateLimitedException.class);
    assertThat(((RateLimitedException) seconds).retryAfter()).hasValue(Duration.ofSeconds(2));
    assertThat(seconds.getMessage()).contains("HTTP 429").contains("slow down");
    InferenceHttpException none =
        parse(
            429,
            "application/json",
            "{\"error\":\"Model is overloaded\"," + "\"error_type\":\"overloaded\"}");
    assertThat(((RateLimitedException) none).retryAfter()).isEmpty();
  }

  @Test
  void retryAfterForms() {
    assertThat(ErrorParser.retryAfter("1500", "9", NOW)).isEqualTo(Duration.ofMillis(1500));
    assertThat(ErrorParser.retryAfter(null, "0.5", NOW)).isEqualTo(Duration.ofMillis(500));
    assertThat(ErrorParser.retryAfter(null, "Thu, 01 Jan 2026 00:00:30 GMT", NOW))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(ErrorParser.retryAfter(null, "Wed, 31 Dec 2025 00:00:00 GMT", NOW))
        .isEqualTo(Duration.ZERO);
    assertThat(ErrorParser.retryAfter(null, "soon", NOW)).isNull();
    assertThat(ErrorParser.retryAfter(null, "-1", NOW)).isNull();
    assertThat(ErrorParser.retryAfter(null, null, NOW)).isNull();
  }

  @Test
  void retryAfterFollowsThePoolsOneRule() {
    // The same values the pool's retry stage reads, read the same way (RetryPolicy.serverWait).
    String[] values = {"3", "1.5", "0", "1e3", "+1", "NaN", "Infinity", "0x10", "1.", "soon"};
    for (String value : values) {
      assertThat(ErrorParser.retryAfter(null, value, NOW))
          .as(value)
          .isEqualTo(RetryPolicy.serverWait(null, value, NOW).orElse(null));
    }
    assertThat(ErrorParser.retryAfter(null, "1.5", NOW)).isEqualTo(Duration.ofMillis(1500));
    assertThat(ErrorParser.retryAfter(null, "1e3", NOW)).as("no exponents").isNull();
    assertThat(ErrorParser.retryAfter("1e3", "4", NOW)).isEqualTo(Duration.ofSeconds(4));
    assertThat(ErrorParser.retryAfter(null, "Thu Jan  1 00:00:30 2026", NOW))
        .as("asctime date")
        .isEqualTo(Duration.ofSeconds(30));
  }
}
