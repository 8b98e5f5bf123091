package ai.vaultgemma.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the whole JMH suite with settings sized for a 2-core machine and writes {@code jmh.json}
 * (JMH's own format), {@code results.md} (a table of every score plus the ours-vs-baseline ratios)
 * and {@code speedups.png}.
 *
 * <p>Usage: {@code java -jar benchmarks.jar}'s classpath with this main class, arguments {@code
 * [--profile quick|full] [--out DIR] [--include REGEX]}. The quick profile (one short fork per
 * benchmark) finishes in under five minutes; the full profile takes longer and has tighter error
 * bars.
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
        new OptionsBuilder()
            .include(include)
            .forks(1)
            .shouldFailOnError(true)
            .addProfiler(GCProfiler.class)
            .jvmArgsAppend("-Xms1g", "-Xmx1g", "-Dsun.net.httpserver.nodelay=true")
            .resultFormat(ResultFormatType.JSON)
            .result(json.toString());
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
    Collection<RunResult> results = new Runner(options.build()).run();
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
    System.out.println(table);
    System.out.println("Wrote " + json + ", " + out.resolve("results.md") + " and charts.");
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
   * The pairs the README reports. Each names ours and its baseline by a regular expression over
   * {@link Row#key()}; the same params and thread count are paired.
   */
  static final class Comparisons {
    private static final Map<String, String[]> PAIRS = new LinkedHashMap<>();

    static {
      PAIRS.put(
          "SHA-256: reused digest vs new digest",
          new String[] {"Sha256Benchmark\\.reusedDigest", "Sha256Benchmark\\.freshDigest"});
    }

    private Comparisons() {}

    static List<Ratio> ratios(List<Row> rows) {
      List<Ratio> ratios = new ArrayList<>();
      for (Map.Entry<String, String[]> pair : PAIRS.entrySet()) {
        Pattern ours = Pattern.compile(pair.getValue()[0]);
        Pattern base = Pattern.compile(pair.getValue()[1]);
        for (Row o : rows) {
          if (!ours.matcher(o.benchmark()).find()) {
            continue;
          }
          Optional<Row> b =
              rows.stream()
                  .filter(r -> base.matcher(r.benchmark()).find())
                  .filter(r -> r.params().equals(o.params()) && r.threads() == o.threads())
                  .findFirst();
          if (b.isPresent()) {
            String suffix =
                (o.params().isEmpty() ? "" : " " + o.params())
                    + (o.threads() > 1 ? " " + o.threads() + "t" : "");
            ratios.add(
                new Ratio(
                    pair.getKey() + suffix,
                    o.key(),
                    b.get().key(),
                    b.get().nanosPerOp() / o.nanosPerOp()));
          }
        }
      }
      return ratios;
    }
  }

  private static String markdown(List<Row> rows, List<Ratio> ratios, boolean quick) {
    StringBuilder md = new StringBuilder();
    md.append("Profile: ")
        .append(quick ? "quick (1 fork, 2x0.5 s warm-up, 3x0.5 s measured)" : "full")
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
