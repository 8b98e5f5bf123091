package ai.vaultgemma.benchmarks.logging;

import ai.vaultgemma.logging.LogOutput;
import ai.vaultgemma.logging.StructuredLogger;
import ai.vaultgemma.logging.internal.LogbackSetup;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.MDC;

/**
 * One {@code inference} event into the JSON encoder this module's zero-config setup builds
 * (logstash-logback-encoder 9.0), written to a null sink on one thread: through {@link
 * StructuredLogger}, through the raw SLF4J 2 fluent API with the same key-values, and as plain
 * parameterised text. The {@code *Disabled} pair measures a call whose level is off; run with
 * {@code -prof gc} to see its allocation (goal: 0 B/op).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar InferenceLogBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class InferenceLogBenchmark {

  /** Whether caller data is written; finding it walks the stack and dominates the cost. */
  @Param({"false", "true"})
  public boolean caller;

  private LoggerContext context = new LoggerContext();
  private Logger enabled = context.getLogger("bench.enabled");
  private Logger disabled = context.getLogger("bench.disabled");
  private StructuredLogger ours = StructuredLogger.of(enabled);
  private StructuredLogger oursDisabled = StructuredLogger.of(disabled);

  private String model = "vaultgemma-1b";
  private String domain = "chat";
  private long tokens = 42;
  private long latencyMs = 180;
  private boolean cacheHit;
  private String userId = "user-7";

  /** A private logback context with the module's JSON encoder writing to a null stream. */
  @Setup
  public void setUp() {
    context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter());
    context.start();
    LogbackSetup.install(
        context,
        LogOutput.builder().includeCaller(caller).build(),
        OutputStream.nullOutputStream());
    enabled = context.getLogger("bench.enabled");
    disabled = context.getLogger("bench.disabled");
    disabled.setLevel(Level.WARN);
    ours = StructuredLogger.of(enabled);
    oursDisabled = StructuredLogger.of(disabled);
  }

  /** Stops the context. */
  @TearDown
  public void tearDown() {
    context.stop();
  }

  /** Our specialised event. */
  @Benchmark
  public void ours() {
    ours.inference(model, domain, tokens, latencyMs, cacheHit, userId);
  }

  /** The same key-values through the raw SLF4J 2 fluent API: the baseline for our overhead. */
  @Benchmark
  public void rawFluent() {
    enabled
        .atInfo()
        .addKeyValue("event", "inference")
        .addKeyValue("model", model)
        .addKeyValue("domain", domain)
        .addKeyValue("tokens_used", tokens)
        .addKeyValue("latency_ms", latencyMs)
        .addKeyValue("cache_hit", cacheHit)
        .addKeyValue("user_id", userId)
        .log("inference");
  }

  /** The same facts as plain parameterised text (no structured fields). */
  @Benchmark
  public void parameterisedText() {
    enabled.info(
        "inference model={} domain={} tokens_used={} latency_ms={} cache_hit={} user_id={}",
        model,
        domain,
        tokens,
        latencyMs,
        cacheHit,
        userId);
  }

  /** Our event with INFO off: returns after one level check. */
  @Benchmark
  public void oursDisabled() {
    oursDisabled.inference(model, domain, tokens, latencyMs, cacheHit, userId);
  }

  /** The raw fluent call with INFO off (SLF4J hands out its no-op builder). */
  @Benchmark
  public void rawFluentDisabled() {
    disabled
        .atInfo()
        .addKeyValue("event", "inference")
        .addKeyValue("model", model)
        .addKeyValue("domain", domain)
        .addKeyValue("tokens_used", tokens)
        .addKeyValue("latency_ms", latencyMs)
        .addKeyValue("cache_hit", cacheHit)
        .addKeyValue("user_id", userId)
        .log("inference");
  }
}
