package ai.vaultgemma.benchmarks;

import ai.vaultgemma.benchmarks.cache.HitRateSimulation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Runs the whole JMH suite with settings sized for a 2-core machine and writes {@code jmh.json}
 * (JMH's own format), {@code results.md} (a table of every score plus the ours-vs-baseline ratios)
 * and {@code speedups.png}.
 *
 * <p>Usage: {@code java -jar benchmarks.jar}'s classpath with this main class, arguments {@code
 * [--profile quick|full] [--out DIR] [--include REGEX]}. The quick profile (one short fork per
 * benchmark) finishes in under five minutes; the full profile takes longer and has tighter error
 * bars.
 *
 * <p>Batch benchmarks ({@code ConcurrentStreamsBenchmark}: one batch of concurrent streams per
 * iteration) run in a second JMH run with single-shot iterations, 1 warm-up and 1 (quick) or 3
 * (full) measured batches, and write {@code jmh-batches.json}; the quick profile runs them at 1, 10
 * and 100 streams, the full profile also at 1000. Their scores join the same {@code results.md}.
 */
public final class Suite {

  private Suite() {}

  /**
   * Runs the suite.
   *
   * @param args {@code --quick}, {@code --out DIR}, {@code --include REGEX}
   * @throws RunnerException if JMH fails
   * @throws IOException if the results cannot be written
   */
  public static void main(String[] args) throws RunnerException, IOException {
    boolean quick = false;
    Path out = Paths.get("benchmarks", "target", "results");
    String include = "ai\\.vaultgemma\\.benchmarks\\..*";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--profile" -> quick = profile(args[++i]);
        case "--out" -> out = Paths.get(args[++i]);
        case "--include" -> include = args[++i];
        default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
      }
    }
    Files.createDirectories(out);
    Path json = out.resolve("jmh.json");
    ChainedOptionsBuilder options =
        common(include).exclude(BATCH_BENCHMARKS).result(json.toString());
    if (quick) {
      options
          .warmupIterations(2)
          .warmupTime(TimeValue.milliseconds(500))
          .measurementIterations(3)
          .measurementTime(TimeValue.milliseconds(500));
    } else {
      options
          .warmupIterations(3)
          .warmupTime(TimeValue.seconds(2))
          .measurementIterations(5)
          .measurementTime(TimeValue.seconds(2));
    }
    Collection<RunResult> results = new ArrayList<>(run(options));
    // Batch benchmarks (one batch of concurrent calls per iteration, seconds each) get their own
    // run: the time-based settings above would repeat a 1000-stream batch eight times.
    Path batchJson = out.resolve("jmh-batches.json");
    ChainedOptionsBuilder batches =
        common(include)
            .exclude(NOT_BATCH_BENCHMARKS)
            .result(batchJson.toString())
            .mode(Mode.SingleShotTime)
            .warmupIterations(1)
            .measurementIterations(quick ? 1 : 3);
    if (quick) {
      // The quick suite stays short while the client's concurrency cap makes 1000 streams take
      // about 100 s; the full suite runs every size.
      batches.param("streams", "1", "10", "100");
    }
    results.addAll(run(batches));
    if (results.isEmpty()) {
      throw new NoBenchmarksException();
    }
    List<Row> rows = new ArrayList<>();
    for (RunResult r : results) {
      rows.add(Row.of(r));
    }
    List<Ratio> ratios = Comparisons.ratios(rows);
    String table = markdown(rows, ratios, quick);
    Files.writeString(out.resolve("results.md"), table, StandardCharsets.UTF_8);
    List<Charts.Bar> bars = new ArrayList<>();
    for (Ratio ratio : ratios) {
      bars.add(new Charts.Bar(ratio.label(), ratio.factor()));
    }
    if (!bars.isEmpty()) {
      Charts.barChart(out.resolve("speedups.png"), "Speed-up: ours against the baseline", bars);
    }
    String traces = System.getenv("VAULTGEMMA_TRACES_DIR");
    if (traces != null && !traces.isBlank()) {
      Path hitRates = out.resolve("hitrate.json");
      HitRateSimulation.main(new String[] {traces, hitRates.toString()});
      hitRateCharts(hitRates, out);
    } else {
      System.out.println(
          "Hit-rate simulation NOT run: set VAULTGEMMA_TRACES_DIR to the folder holding"
              + " web12.trace.xz and scarab-recs.trace.xz (see README).");
    }
    System.out.println(table);
    System.out.println("Wrote " + json + ", " + out.resolve("results.md") + " and charts.");
  }

  /**
   * Benchmarks that time one batch of concurrent calls per iteration, matched against the full
   * benchmark name (JMH's include and exclude patterns are searched, not matched whole).
   */
  static final String BATCH_BENCHMARKS = "\\.ConcurrentStreamsBenchmark\\.";

  /** Every benchmark that {@link #BATCH_BENCHMARKS} does not match. */
  static final String NOT_BATCH_BENCHMARKS = "^(?!.*" + BATCH_BENCHMARKS + ")";

  /** The options both runs share. */
  private static ChainedOptionsBuilder common(String include) {
    return new OptionsBuilder()
        .include(include)
        .forks(1)
        .shouldFailOnError(true)
        .addProfiler(GCProfiler.class)
        .jvmArgsAppend("-Xms1g", "-Xmx1g", "-Dsun.net.httpserver.nodelay=true")
        .resultFormat(ResultFormatType.JSON);
  }

  /** Runs JMH; an include that matches nothing in this run gives no results, not a failure. */
  private static Collection<RunResult> run(ChainedOptionsBuilder options) throws RunnerException {
    try {
      return new Runner(options.build()).run();
    } catch (NoBenchmarksException e) {
      return List.of();
    }
  }

  /** Draws one hit-rate chart per trace from the simulation's JSON. */
  static void hitRateCharts(Path hitRates, Path out) throws IOException {
    JsonNode root = new ObjectMapper().readTree(hitRates.toFile());
    for (JsonNode trace : root.get("traces")) {
      List<String> capacities = new ArrayList<>();
      List<JsonNode> points = new ArrayList<>();
      trace.get("points").forEach(points::add);
      double[] ours = new double[points.size()];
      double[] caffeine = new double[points.size()];
      double[] lru = new double[points.size()];
      double[] opt = new double[points.size()];
      for (int i = 0; i < points.size(); i++) {
        JsonNode p = points.get(i);
        capacities.add(p.get("capacity").asString());
        ours[i] = p.get("ours").asDouble();
        caffeine[i] = p.get("caffeine_async").asDouble();
        lru[i] = p.get("lru").asDouble();
        opt[i] = p.get("opt").asDouble();
      }
      String name = trace.get("name").asString();
      Charts.lineChart(
          out.resolve("hitrate-" + name + ".png"),
          "Hit rate on the " + name + " trace (" + trace.get("accesses").asLong() + " accesses)",
          capacities,
          List.of(
              new Charts.Series("optimal (Belady)", opt),
              new Charts.Series("VaultGemma cache", ours),
              new Charts.Series("raw Caffeine", caffeine),
              new Charts.Series("exact LRU (seed)", lru)));
    }
  }

  private static boolean profile(String name) {
    return switch (name) {
      case "quick" -> true;
      case "full" -> false;
      default ->
          throw new IllegalArgumentException("--profile must be quick or full but was " + name);
    };
  }

  /** One benchmark score, flattened from JMH's result. */
  record Row(
      String benchmark,
      String params,
      int threads,
      String mode,
      double score,
      double error,
      String unit,
      double allocBytesPerOp) {

    static Row of(RunResult r) {
      BenchmarkParams p = r.getParams();
      Result<?> primary = r.getPrimaryResult();
      StringBuilder params = new StringBuilder();
      for (String key : p.getParamsKeys()) {
        params.append(params.length() == 0 ? "" : ",").append(key).append('=');
        params.append(p.getParam(key));
      }
      Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
      String name = p.getBenchmark().replace("ai.vaultgemma.benchmarks.", "");
      return new Row(
          name,
          params.toString(),
          p.getThreads(),
          p.getMode().shortLabel(),
          primary.getScore(),
          primary.getScoreError(),
          primary.getScoreUnit(),
          alloc == null ? Double.NaN : alloc.getScore());
    }

    String key() {
      return benchmark + (params.isEmpty() ? "" : "[" + params + "]") + "@" + threads;
    }

    /** Time per operation in nanoseconds, whatever mode and unit JMH reported. */
    double nanosPerOp() {
      String u = unit.toLowerCase(Locale.ROOT);
      if (u.startsWith("ops/")) {
        return 1e9 / (score * perSecond(u.substring(4)));
      }
      return score * 1e9 / perSecond(u.substring(0, u.indexOf('/')));
    }

    private static double perSecond(String timeUnit) {
      return switch (timeUnit) {
        case "ns" -> 1e9;
        case "us" -> 1e6;
        case "ms" -> 1e3;
        case "s" -> 1;
        case "min" -> 1.0 / 60;
        default -> throw new IllegalArgumentException("unit: " + timeUnit);
      };
    }
  }

  /** One "ours against its baseline" comparison: how many times faster ours is. */
  record Ratio(String label, String ours, String baseline, double factor) {}

  /**
   * The pairs the README reports: ours against its baseline, each found by a regular expression
   * over {@link Row#key()} ({@code Class.method[params]@threads}). "Faster" is the baseline's time
   * per operation divided by ours, so below 1 means ours is slower.
   */
  static final class Comparisons {
    private static final String[][] PAIRS = {
      // label, ours, baseline
      {
        "cache get-hit 1t: ours vs raw Caffeine",
        "getHit1\\[impl=ours\\]",
        "getHit1\\[impl=caffeine\\]"
      },
      {
        "cache get-hit 2t: ours vs raw Caffeine",
        "getHit2\\[impl=ours\\]",
        "getHit2\\[impl=caffeine\\]"
      },
      {"cache put 1t: ours vs raw Caffeine", "put1\\[impl=ours\\]", "put1\\[impl=caffeine\\]"},
      {
        "cache 80/20 2t: ours vs raw Caffeine",
        "readWrite2\\[impl=ours\\]",
        "readWrite2\\[impl=caffeine\\]"
      },
      {
        "cache 80/20 2t: ours vs synchronized LRU",
        "readWrite2\\[impl=ours\\]",
        "readWrite2\\[impl=lru\\]"
      },
      {"DB SELECT 1: ours vs new connection per query", "select1_ours", "select1_driverManager"},
      {"DB SELECT 1: ours vs raw HikariCP", "select1_ours", "select1_hikari"},
      {"DB lookup: ours vs new connection per query", "lookup_ours", "lookup_driverManager"},
      {"DB lookup: ours vs raw HikariCP", "lookup_ours", "lookup_hikari"},
      {"HTTP plain: pooled vs new connection", "plainPooledOurs", "plainNewConnection"},
      {"HTTP TLS: pooled vs new connection", "tlsPooledOurs", "tlsNewConnection"},
      {"HTTP plain: ours vs bare OkHttp", "plainPooledOurs", "plainPooledBareOkHttp"},
      {
        "log inference event: ours vs raw SLF4J fluent",
        "ours\\[caller=false\\]",
        "rawFluent\\[caller=false\\]"
      },
      {
        "log disabled: ours vs raw SLF4J fluent",
        "oursDisabled\\[caller=false\\]",
        "rawFluentDisabled\\[caller=false\\]"
      },
      {"inference log: batched vs one insert per row", "batchedWriter", "singleRowInserts"},
      {"facade chat: cache hit vs miss (loopback)", "ours_cacheHit", "ours_miss"},
      {"facade miss vs openai-java", "ours_miss", "baseline_openaiJava"},
      {"facade miss vs LangChain4j", "ours_miss", "baseline_langchain4j"},
      {"facade miss vs bare OkHttp", "ours_miss", "baseline_bareOkHttp"},
      {
        "50-chunk stream, whole: ours vs bare OkHttp + okhttp-sse",
        "stream_ours",
        "stream_bareOkHttpSse"
      },
      {
        "50-chunk stream, first chunk: ours vs bare OkHttp + okhttp-sse",
        "firstChunk_ours",
        "firstChunk_bareOkHttpSse"
      },
      {"50-chunk stream, whole: ours vs openai-java", "stream_ours", "stream_openaiJava"},
      {
        "50-chunk stream, first chunk: ours vs openai-java",
        "firstChunk_ours",
        "firstChunk_openaiJava"
      },
      {
        "100 concurrent 1 s streams: ours vs openai-java async",
        "concurrent_ours\\[streams=100\\]",
        "concurrent_openaiJavaAsync\\[streams=100\\]"
      },
      {
        "1000 concurrent 1 s streams: ours vs openai-java async",
        "concurrent_ours\\[streams=1000\\]",
        "concurrent_openaiJavaAsync\\[streams=1000\\]"
      },
    };

    /**
     * Scores held against a fixed floor rather than another benchmark: label, ours, floor in
     * nanoseconds per operation. "Faster" is the floor divided by ours, so 1 is the best possible.
     */
    private static final Object[][] FLOORS = {
      {
        "100 concurrent 1 s streams: ours vs the 1 s floor (goal: >= 0.87x)",
        "concurrent_ours\\[streams=100\\]",
        1e9
      },
      {
        "1000 concurrent 1 s streams: ours vs the 1 s floor",
        "concurrent_ours\\[streams=1000\\]",
        1e9
      },
    };

    private Comparisons() {}

    static List<Ratio> ratios(List<Row> rows) {
      List<Ratio> ratios = new ArrayList<>();
      for (String[] pair : PAIRS) {
        Optional<Row> ours = find(rows, pair[1]);
        Optional<Row> base = find(rows, pair[2]);
        if (ours.isPresent() && base.isPresent()) {
          ratios.add(
              new Ratio(
                  pair[0],
                  ours.get().key(),
                  base.get().key(),
                  base.get().nanosPerOp() / ours.get().nanosPerOp()));
        }
      }
      for (Object[] floor : FLOORS) {
        Optional<Row> ours = find(rows, (String) floor[1]);
        if (ours.isPresent()) {
          double floorNanos = (Double) floor[2];
          ratios.add(
              new Ratio(
                  (String) floor[0],
                  ours.get().key(),
                  "floor",
                  floorNanos / ours.get().nanosPerOp()));
        }
      }
      return ratios;
    }

    private static Optional<Row> find(List<Row> rows, String regex) {
      Pattern p = Pattern.compile("\\." + regex + "(\\[|@)");
      return rows.stream().filter(r -> p.matcher(r.key()).find()).findFirst();
    }
  }

  private static String markdown(List<Row> rows, List<Ratio> ratios, boolean quick) {
    StringBuilder md = new StringBuilder();
    md.append("Profile: ")
        .append(
            quick
                ? "quick (1 fork, 2x0.5 s warm-up, 3x0.5 s measured; batches: 1 warm-up, 1"
                    + " measured, up to 100 streams)"
                : "full (batches: 1 warm-up, 3 measured, up to 1000 streams)")
        .append("; JVM ")
        .append(System.getProperty("java.vm.version"))
        .append("; ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores\n\n");
    md.append("| comparison | ours is |\n| --- | ---: |\n");
    for (Ratio r : ratios) {
      md.append("| ")
          .append(r.label())
          .append(" | ")
          .append(String.format(Locale.ROOT, "%.2fx faster", r.factor()))
          .append(" |\n");
    }
    md.append("\n| benchmark | params | threads | mode | score | error | unit | alloc B/op |\n");
    md.append("| --- | --- | ---: | --- | ---: | ---: | --- | ---: |\n");
    for (Row r : rows) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %d | %s | %.3f | %.3f | %s | %s |%n",
              r.benchmark(),
              r.params(),
              r.threads(),
              r.mode(),
              r.score(),
              r.error(),
              r.unit(),
              Double.isNaN(r.allocBytesPerOp())
                  ? ""
                  : String.format(Locale.ROOT, "%.0f", r.allocBytesPerOp())));
    }
    return md.toString();
  }
}
