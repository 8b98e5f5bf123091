package ai.vaultgemma.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class StructuredLoggerTest {
  private final CapturedLog capture = CapturedLog.json();
  private final StructuredLogger log = capture.logger();

  @AfterEach
  void stop() {
    capture.stop();
  }

  @Test
  void httpRequest_writesStableFieldsWithTypes() {
    log.httpRequest("POST", "/v1/chat/completions", 200, 181);

    JsonNode line = capture.single();
    assertThat(line.get("event").asString()).isEqualTo("http_request");
    assertThat(line.get("message").asString()).isEqualTo("http_request");
    assertThat(line.get("level").asString()).isEqualTo("INFO");
    assertThat(line.get("method").asString()).isEqualTo("POST");
    assertThat(line.get("path").asString()).isEqualTo("/v1/chat/completions");
    assertThat(line.get("status").isIntegralNumber()).isTrue();
    assertThat(line.get("status").longValue()).isEqualTo(200);
    assertThat(line.get("latency_ms").isIntegralNumber()).isTrue();
    assertThat(line.get("latency_ms").longValue()).isEqualTo(181);
  }

  @Test
  void httpRequest_redactsSensitiveQueryValues() {
    log.httpRequest("GET", "/v1/models?api_key=sk-live-123&limit=5&access_token=abc", 200, 3);

    JsonNode line = capture.single();
    assertThat(line.get("path").asString())
        .isEqualTo("/v1/models?api_key=[REDACTED]&limit=5&access_token=[REDACTED]");
    assertThat(capture.text()).doesNotContain("sk-live-123").doesNotContain("=abc");
  }

  @Test
  void inference_writesStableFieldsWithTypes() {
    log.inference("vaultgemma-1b", "chat", 42, 180, true, "u-7");

    JsonNode line = capture.single();
    assertThat(line.get("event").asString()).isEqualTo("inference");
    assertThat(line.get("model").asString()).isEqualTo("vaultgemma-1b");
    assertThat(line.get("domain").asString()).isEqualTo("chat");
    assertThat(line.get("tokens_used").isIntegralNumber()).isTrue();
    assertThat(line.get("tokens_used").longValue()).isEqualTo(42);
    assertThat(line.get("latency_ms").longValue()).isEqualTo(180);
    assertThat(line.get("cache_hit").isBoolean()).isTrue();
    assertThat(line.get("cache_hit").booleanValue()).isTrue();
    assertThat(line.get("user_id").asString()).isEqualTo("u-7");
  }

  @Test
  void inference_withoutUser_leavesUserIdOut() {
    log.inference("m", "embeddings", 0, 1, false, null);

    JsonNode line = capture.single();
    assertThat(line.has("user_id")).isFalse();
    assertThat(line.get("cache_hit").booleanValue()).isFalse();
  }

  @Test
  void inferenceEvent_writesOptionalFieldsAndNoTextByDefault() {
    log.inference(
        InferenceEvent.builder("vaultgemma-1b")
            .domain("chat")
            .promptTokens(12)
            .completionTokens(30)
            .tokensUsed(42)
            .latencyMs(180)
            .cacheScope("tenant-a")
            .stream(true)
            .prompt("my medical history")
            .response("some answer")
            .build());

    JsonNode line = capture.single();
    assertThat(line.get("prompt_tokens").longValue()).isEqualTo(12);
    assertThat(line.get("completion_tokens").longValue()).isEqualTo(30);
    assertThat(line.get("tokens_used").longValue()).isEqualTo(42);
    assertThat(line.get("cache_scope").asString()).isEqualTo("tenant-a");
    assertThat(line.get("stream").booleanValue()).isTrue();
    assertThat(line.get("level").asString()).isEqualTo("INFO");
    assertThat(line.has("prompt")).isFalse();
    assertThat(line.has("response")).isFalse();
    assertThat(line.has("user_id")).isFalse();
    assertThat(line.has("error")).isFalse();
    assertThat(capture.text()).doesNotContain("medical").doesNotContain("some answer");
  }

  @Test
  void inferenceEvent_withTextOn_truncatesText() {
    StructuredLogger verbose =
        log.withPolicy(LogPolicy.builder().logText(true).maxTextLength(5).build());

    verbose.inference(InferenceEvent.builder("m").prompt("0123456789").response("abc").build());

    JsonNode line = capture.single();
    assertThat(line.get("prompt").asString()).isEqualTo("01234…");
    assertThat(line.get("response").asString()).isEqualTo("abc");
  }

  @Test
  void inferenceEvent_withError_isWarn() {
    log.inference(InferenceEvent.builder("m").error("timeout").latencyMs(30_000).build());

    JsonNode line = capture.single();
    assertThat(line.get("level").asString()).isEqualTo("WARN");
    assertThat(line.get("error").asString()).isEqualTo("timeout");
  }

  @Test
  void cacheAndDb_areDebug() {
    log.cache("inference", "get", true, "9f86d081", 876);
    log.db("insert", 3, 1);
    assertThat(capture.rawLines()).as("INFO root hides DEBUG events").isEmpty();

    ((ch.qos.logback.classic.Logger) log.slf4jLogger())
        .setLevel(ch.qos.logback.classic.Level.DEBUG);
    log.cache("inference", "get", true, "9f86d081", 876);
    log.cache("embedding", "evict", false, null, 0);
    log.db("insert", 3, 1);

    List<JsonNode> lines = capture.lines();
    assertThat(lines).hasSize(3);
    JsonNode cache = lines.get(0);
    assertThat(cache.get("event").asString()).isEqualTo("cache");
    assertThat(cache.get("level").asString()).isEqualTo("DEBUG");
    assertThat(cache.get("cache").asString()).isEqualTo("inference");
    assertThat(cache.get("op").asString()).isEqualTo("get");
    assertThat(cache.get("hit").booleanValue()).isTrue();
    assertThat(cache.get("key_hash").asString()).isEqualTo("9f86d081");
    assertThat(cache.get("size").isIntegralNumber()).isTrue();
    assertThat(cache.get("size").longValue()).isEqualTo(876);
    assertThat(lines.get(1).has("key_hash")).isFalse();
    JsonNode db = lines.get(2);
    assertThat(db.get("event").asString()).isEqualTo("db");
    assertThat(db.get("op").asString()).isEqualTo("insert");
    assertThat(db.get("latency_ms").longValue()).isEqualTo(3);
    assertThat(db.get("rows").longValue()).isEqualTo(1);
  }

  @Test
  void standardFields_arePresent() {
    log.info("hello");

    JsonNode line = capture.single();
    assertThat(line.get("message").asString()).isEqualTo("hello");
    assertThat(line.get("logger").asString()).isEqualTo("test.Logger");
    assertThat(line.get("level").asString()).isEqualTo("INFO");
    assertThat(line.get("thread").isString()).isTrue();
    assertThat(line.get("time").asString())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
    assertThat(line.has("@version")).isFalse();
    assertThat(line.has("level_value")).isFalse();
  }

  @Test
  void caller_isTheCodeThatCalledUs() {
    log.info("specialised and generic");
    log.inference("m", "chat", 1, 1, false, null);
    log.atInfo().field("k", 1).log("fluent");

    for (JsonNode line : capture.lines()) {
      JsonNode caller = line.get("caller");
      assertThat(caller.get("caller_class_name").asString())
          .isEqualTo(StructuredLoggerTest.class.getName());
      assertThat(caller.get("caller_method_name").asString())
          .isEqualTo("caller_isTheCodeThatCalledUs");
      assertThat(caller.get("caller_file_name").asString()).isEqualTo("StructuredLoggerTest.java");
      assertThat(caller.get("caller_line_number").isIntegralNumber()).isTrue();
    }
  }

  @Test
  void genericFields_keepTheirTypesAndOrder() {
    log.info(
        "order placed",
        Fields.of("order_id", "o-1", "items", 3, "paid", true).and("total", 12.5).and("n", null));
    log.warn("w", Fields.builder().add("attempt", 2L).build());
    log.error("e", Fields.of("code", 7), new IllegalStateException("boom"));

    List<JsonNode> lines = capture.lines();
    JsonNode info = lines.get(0);
    assertThat(info.get("order_id").asString()).isEqualTo("o-1");
    assertThat(info.get("items").longValue()).isEqualTo(3);
    assertThat(info.get("paid").booleanValue()).isTrue();
    assertThat(info.get("total").isNumber()).isTrue();
    assertThat(info.get("total").decimalValue()).isEqualByComparingTo("12.5");
    assertThat(info.has("event")).isFalse();
    assertThat(lines.get(1).get("level").asString()).isEqualTo("WARN");
    assertThat(lines.get(1).get("attempt").longValue()).isEqualTo(2);
    JsonNode error = lines.get(2);
    assertThat(error.get("level").asString()).isEqualTo("ERROR");
    assertThat(error.get("stack_trace").asString())
        .contains("IllegalStateException: boom")
        .contains("StructuredLoggerTest");
  }

  @Test
  void fluentEvent_writesFieldsAndCause() {
    log.atWarn()
        .field("attempt", 3)
        .field("ratio", 0.5)
        .field("ok", false)
        .field("backend", "http://localhost:8080")
        .fields(Fields.of("extra", "x"))
        .cause(new RuntimeException("retry me"))
        .log("retrying");

    JsonNode line = capture.single();
    assertThat(line.get("message").asString()).isEqualTo("retrying");
    assertThat(line.get("attempt").longValue()).isEqualTo(3);
    assertThat(line.get("ratio").isDouble()).isTrue();
    assertThat(line.get("ok").booleanValue()).isFalse();
    assertThat(line.get("backend").asString()).isEqualTo("http://localhost:8080");
    assertThat(line.get("extra").asString()).isEqualTo("x");
    assertThat(line.get("stack_trace").asString()).contains("retry me");
  }

  @Test
  void disabledLevel_writesNothingAndHandsOutTheSharedNoop() {
    ((ch.qos.logback.classic.Logger) log.slf4jLogger())
        .setLevel(ch.qos.logback.classic.Level.ERROR);

    log.info("x", Fields.of("a", 1));
    log.warn("x");
    log.debug("x");
    log.httpRequest("GET", "/", 200, 1);
    log.inference("m", "chat", 1, 1, false, null);
    log.inference(InferenceEvent.builder("m").error("timeout").build());
    log.atInfo().field("a", 1).log("x");

    assertThat(capture.rawLines()).isEmpty();
    assertThat(log.atInfo()).isSameAs(log.atWarn()).isSameAs(log.atDebug());
    assertThat(log.isInfoEnabled()).isFalse();
  }

  @Test
  void hostileValues_stayOneValidJsonLine() {
    String hostile = "line1\nline2\r\n\"quoted\" \\ {\"level\":\"ERROR\",\"injected\":true}\u0007";

    log.info(hostile, Fields.of("note", hostile));
    log.inference(hostile, hostile, 1, 1, false, hostile);
    log.atInfo().field(hostile, hostile).log("key too");

    List<String> raw = capture.rawLines();
    assertThat(raw).hasSize(3);
    List<JsonNode> lines = capture.lines();
    assertThat(lines.get(0).get("message").asString()).isEqualTo(hostile);
    assertThat(lines.get(0).get("note").asString()).isEqualTo(hostile);
    assertThat(lines.get(0).get("level").asString()).isEqualTo("INFO");
    assertThat(lines.get(0).has("injected")).isFalse();
    assertThat(lines.get(1).get("model").asString()).isEqualTo(hostile);
    assertThat(lines.get(1).get("user_id").asString()).isEqualTo(hostile);
    assertThat(lines.get(2).get(hostile).asString()).isEqualTo(hostile);
  }

  @Test
  void secretsUnderAnyRedactedName_neverAppear() {
    String[] names = {
      "api_key", "apiKey", "x-api-key", "X_API_KEY", "apikey", "Authorization",
      "proxy_authorization", "password", "db_password", "passwordHash", "secret", "clientSecret",
      "token", "access_token", "refreshToken"
    };
    for (int i = 0; i < names.length; i++) {
      String secret = "s3cr3t-value-" + i;
      log.info("generic", Fields.of(names[i], secret));
      log.atInfo().field(names[i], secret).log("fluent");
    }

    assertThat(capture.text()).doesNotContain("s3cr3t-value");
    for (JsonNode line : capture.lines()) {
      boolean redacted = false;
      for (String name : names) {
        if (line.has(name)) {
          assertThat(line.get(name).asString()).isEqualTo(LogPolicy.REDACTED);
          redacted = true;
        }
      }
      assertThat(redacted).as(line.toString()).isTrue();
    }
  }

  @Test
  void tokenCounts_areNotMistakenForTokens() {
    log.info("counts", Fields.of("tokens_used", 42, "max_tokens", 100, "prompt_tokens", 7));

    JsonNode line = capture.single();
    assertThat(line.get("tokens_used").longValue()).isEqualTo(42);
    assertThat(line.get("max_tokens").longValue()).isEqualTo(100);
    assertThat(line.get("prompt_tokens").longValue()).isEqualTo(7);
  }

  @Test
  void customRedactedNames_replaceTheDefaults() {
    StructuredLogger custom =
        log.withPolicy(LogPolicy.builder().redactedNames(List.of("session_cookie")).build());

    custom.info("x", Fields.of("session_cookie", "c-1", "password", "visible-now"));

    JsonNode line = capture.single();
    assertThat(line.get("session_cookie").asString()).isEqualTo("[REDACTED]");
    assertThat(line.get("password").asString()).isEqualTo("visible-now");
  }

  @Test
  void factories_nameTheLogger() {
    assertThat(StructuredLogger.of(StructuredLoggerTest.class).slf4jLogger().getName())
        .isEqualTo(StructuredLoggerTest.class.getName());
    assertThat(StructuredLogger.of("x.y").slf4jLogger().getName()).isEqualTo("x.y");
    assertThat(StructuredLogger.of("x.y").policy()).isSameAs(LogPolicy.defaults());
    assertThat(StructuredLogger.of("x.y")).hasToString("StructuredLogger{x.y}");
    assertThatThrownBy(() -> StructuredLogger.of((String) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("name");
    assertThatThrownBy(() -> log.withPolicy(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("policy");
  }

  @Test
  void fields_toStringShowsNamesOnly() {
    Fields fields = Fields.of("password", "hunter2", "user", "u");

    assertThat(fields).hasToString("Fields[password, user]");
    assertThat(fields.size()).isEqualTo(2);
    assertThat(fields.value(0)).isEqualTo("hunter2");
    assertThatThrownBy(() -> fields.key(2))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("index must be in [0, 2) but was 2");
    assertThat(Fields.empty().size()).isZero();
  }

  @Test
  void inferenceEvent_validatesAndHidesText() {
    assertThatThrownBy(() -> InferenceEvent.builder("m").tokensUsed(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tokensUsed must be >= 0 but was -1");
    assertThatThrownBy(() -> InferenceEvent.builder("m").latencyMs(-5))
        .hasMessage("latencyMs must be >= 0 but was -5");
    InferenceEvent event =
        InferenceEvent.builder("m").prompt("private words").tokensUsed(3).build();
    assertThat(event.toString()).doesNotContain("private words").contains("tokensUsed=3");
    assertThat(event.toBuilder().build().prompt()).contains("private words");
    assertThat(event.promptTokens()).isEmpty();
  }
}
