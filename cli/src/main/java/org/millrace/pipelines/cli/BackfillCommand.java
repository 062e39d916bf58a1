package org.millrace.pipelines.cli;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.millrace.metadata.MetadataStore;
import org.millrace.pipelines.compile.Overrides;
import org.millrace.pipelines.compile.RawNode;
import org.millrace.pipelines.compile.RawPipeline;
import org.millrace.pipelines.compile.YamlPipelineLoader;
import org.millrace.pipelines.run.RunResult;
import org.millrace.pipelines.run.Selection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code millrace backfill}: one run per span, oldest first, each reading its span (the ExampleGen
 * node's {@code span} parameter), so that "previous run" baselines chain through the spans. Spans
 * already run are cache hits and cost nothing.
 */
@Command(name = "backfill", description = "Run a pipeline once per span, oldest first: --spans 3..7 or --dates"
    + " 2026-11-01..2026-11-07 (spans named by date, --span-format).")
final class BackfillCommand implements Callable<Integer> {
  @ParentCommand
  MillraceCli cli;

  @Parameters(index = "0", paramLabel = "PIPELINE_YAML")
  Path file;

  @Option(names = "--spans", paramLabel = "FIRST..LAST", description = "Span numbers, inclusive.")
  String spans;

  @Option(names = "--dates", paramLabel = "FIRST..LAST", description = "Days, inclusive (ISO dates); each day's"
      + " span is the date formatted with --span-format.")
  String dates;

  @Option(names = "--span-format", description = "Span of a day (with --dates). Default: yyyyMMdd.")
  String spanFormat;

  @Option(names = "--span-node", description = "The node that gets the span (default: the only ExampleGen node).")
  String spanNode;

  @Option(names = "--set", paramLabel = "NODE.PARAMETER=VALUE", description = "Parameter overrides for every run.")
  List<String> sets = new ArrayList<>();

  @Option(names = "--keep-going", description = "Go on with the next span after a failed run (default: stop).")
  boolean keepGoing;

  @Option(names = "--parallelism", converter = Ranges.PositiveCount.class, description = "Nodes run at once (default: number of cores, at least 2).")
  Integer parallelism;

  @Override
  public Integer call() {
    if ((spans == null) == (dates == null)) {
      throw new IllegalArgumentException("backfill expected one of --spans FIRST..LAST and --dates FIRST..LAST");
    }
    if (spans != null && spanFormat != null) {
      // Not silently ignored: it formats --dates' days, and --spans are numbers already.
      throw new IllegalArgumentException("--span-format expected with --dates only, got it with --spans");
    }
    List<Long> list = spans != null ? spanRange(spans)
        : dateSpans(dates, spanFormatter(spanFormat == null ? "yyyyMMdd" : spanFormat));
    RawPipeline raw = YamlPipelineLoader.load(file);
    String node = spanNode(raw, spanNode);
    var fixed = sets.stream().map(Overrides::parse).toList();
    int failed = 0;
    try (MetadataStore store = cli.openStore()) {
      for (long span : list) {
        var overrides = new ArrayList<>(fixed);
        overrides.add(new Overrides.Set(node, "span", span));
        RunResult r = RunCommand.runOnce(cli, store, file, overrides, Selection.ALL, parallelism, false);
        Summaries.print(cli.out(), r);
        cli.out().println("backfill: span " + span + (r.succeeded() ? " done" : " FAILED") + " (run " + r.runId() + ")");
        cli.out().flush();
        if (!r.succeeded()) {
          failed++;
          if (!keepGoing) {
            break;
          }
        }
      }
    }
    return failed == 0 ? MillraceCli.OK : MillraceCli.NODE_FAILED;
  }

  static List<Long> spanRange(String text) {
    String[] ab = text.split("\\.\\.", -1);
    try {
      long a = Long.parseLong(ab[0].trim());
      long b = ab.length == 2 ? Long.parseLong(ab[1].trim()) : a;
      if (ab.length > 2 || a < 0 || b < a || b - a > 100_000) {
        throw new NumberFormatException();
      }
      var out = new ArrayList<Long>();
      for (long s = a; s <= b; s++) {
        out.add(s);
      }
      return out;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--spans expected FIRST..LAST, whole numbers >= 0 with FIRST <= LAST and at"
          + " most 100,001 spans, got '" + text + "'");
    }
  }

  static List<Long> dateSpans(String text, DateTimeFormatter format) {
    String[] ab = text.split("\\.\\.", -1);
    try {
      LocalDate a = LocalDate.parse(ab[0].trim());
      LocalDate b = ab.length == 2 ? LocalDate.parse(ab[1].trim()) : a;
      if (ab.length > 2 || b.isBefore(a) || a.plusYears(100).isBefore(b)) {
        throw new IllegalArgumentException("--dates expected FIRST..LAST with FIRST on or before LAST and at most 100"
            + " years apart, got '" + text + "'");
      }
      var out = new ArrayList<Long>();
      for (LocalDate d = a; !d.isAfter(b); d = d.plusDays(1)) {
        out.add(span(d.atStartOfDay(java.time.ZoneOffset.UTC), format));
      }
      return out;
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("--dates expected ISO dates FIRST..LAST such as 2026-11-01..2026-11-07, got '"
          + text + "'");
    }
  }

  static DateTimeFormatter spanFormatter(String pattern) {
    try {
      return DateTimeFormatter.ofPattern(pattern);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--span-format expected a date pattern such as yyyyMMdd, got '" + pattern
          + "': " + e.getMessage());
    }
  }

  /** A span number from a time: its digits under {@code format}. */
  static long span(ZonedDateTime t, DateTimeFormatter format) {
    String text = format.format(t);
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--span-format expected a pattern of digits only (a span is a number), got"
          + " '" + text + "' for " + t);
    }
  }

  /** The node a span goes to: {@code requested}, else the pipeline's only ExampleGen node. */
  static String spanNode(RawPipeline raw, String requested) {
    return spanNode(raw, requested, true);
  }

  /**
   * As {@link #spanNode(RawPipeline, String)}; {@code checkInput}: refuse a span node whose input has no
   * span placeholder (where millrace runs the spans itself: backfill, schedule; an exported Airflow DAG
   * runs where the workers' files are).
   */
  static String spanNode(RawPipeline raw, String requested, boolean checkInput) {
    String id;
    if (requested != null) {
      if (raw.nodes().stream().noneMatch(n -> n.id().equals(requested))) {
        throw new IllegalArgumentException("--span-node expected a node of pipeline '" + raw.name() + "' "
            + raw.nodes().stream().map(RawNode::id).toList() + ", got '" + requested + "'");
      }
      id = requested;
    } else {
      List<String> gens = raw.nodes().stream().filter(n -> n.component().equals("ExampleGen")).map(RawNode::id)
          .toList();
      if (gens.size() != 1) {
        throw new IllegalArgumentException("--span-node expected: the node to give the span to (pipeline '"
            + raw.name() + "' has " + gens.size() + " ExampleGen nodes" + (gens.isEmpty() ? "" : ": " + gens) + ")");
      }
      id = gens.get(0);
    }
    RawNode gen = raw.nodes().stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow();
    if (!checkInput || !gen.component().equals("ExampleGen")) {
      return id;
    }
    var patterns = new ArrayList<String>();
    if (gen.parameters().get("input") instanceof String in) {
      patterns.add(in);
    }
    if (gen.parameters().get("input_splits") instanceof java.util.Map<?, ?> splits) {
      splits.values().forEach(v -> patterns.add(String.valueOf(v)));
    }
    if (!patterns.isEmpty() && patterns.stream().noneMatch(x -> x.contains("{SPAN") || x.contains("{YYYY}"))) {
      // Every span would read the same files (or none): said before any run, not as a failed one per span.
      throw new IllegalArgumentException("node '" + gen.id() + "' expected an input pattern with {SPAN} or {YYYY}{MM}{DD}"
          + " for spans to choose its files, got " + patterns + " (docs/scheduling.md)");
    }
    return id;
  }
}
