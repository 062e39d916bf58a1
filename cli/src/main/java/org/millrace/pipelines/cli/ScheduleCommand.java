package org.millrace.pipelines.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.millrace.metadata.MetadataStore;
import org.millrace.pipelines.compile.Overrides;
import org.millrace.pipelines.compile.YamlPipelineLoader;
import org.millrace.pipelines.run.RunResult;
import org.millrace.pipelines.run.Selection;
import org.millrace.pipelines.schedule.Cron;
import org.millrace.pipelines.schedule.Scheduler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code millrace schedule}: runs a pipeline on a cron schedule, catching up missed fires over their spans. */
@Command(name = "schedule", description = "Run a pipeline on a cron schedule; each fire is recorded, missed fires"
    + " are caught up (--catch-up), and a fire can read the span of the interval it covers (--span-format).")
final class ScheduleCommand implements Callable<Integer> {
  @ParentCommand
  MillraceCli cli;

  @Parameters(index = "0", paramLabel = "PIPELINE_YAML")
  Path file;

  @Option(names = "--cron", required = true, description = "Five-field cron expression, e.g. \"0 2 * * *\", or"
      + " @daily, @hourly, ...")
  String cron;

  @Option(names = "--zone", defaultValue = "UTC", description = "Time zone of the cron expression. Default: UTC.")
  String zone;

  @Option(names = "--start", description = "For a new schedule, the first fire is the first at or after this"
      + " local time (e.g. 2026-11-01T00:00); with --catch-up every fire since then runs. Default: from now.")
  String start;

  @Option(names = "--catch-up", description = "Run every missed fire, oldest first (default: only the latest).")
  boolean catchUp;

  @Option(names = "--span-format", description = "Each fire reads the span of the interval it covers: its start"
      + " formatted with this pattern (e.g. yyyyMMdd) is set as the ExampleGen node's span.")
  String spanFormat;

  @Option(names = "--span-node", description = "The node that gets the span (default: the only ExampleGen node).")
  String spanNode;

  @Option(names = "--set", paramLabel = "NODE.PARAMETER=VALUE", description = "Parameter overrides for every run.")
  List<String> sets = new ArrayList<>();

  @Option(names = "--max-runs", defaultValue = "0", converter = Ranges.Count.class, description = "Stop after this many runs (default: never).")
  int maxRuns;

  @Option(names = "--parallelism", converter = Ranges.PositiveCount.class, description = "Nodes run at once (default: number of cores, at least 2).")
  Integer parallelism;

  @Override
  public Integer call() throws Exception {
    Cron expression = Cron.parse(cron);
    ZoneId zoneId;
    try {
      zoneId = ZoneId.of(zone);
    } catch (java.time.DateTimeException e) {
      throw new IllegalArgumentException("--zone expected a time zone such as UTC or Europe/Berlin, got '" + zone + "'");
    }
    if (expression.next(java.time.ZonedDateTime.now(zoneId), zoneId).isEmpty()) {
      // February 30th: valid fields that never meet, a usage error rather than a schedule that never runs.
      throw new IllegalArgumentException("--cron expected an expression with a fire time, got '" + cron
          + "', which has none within eight years");
    }
    Instant first = null;
    if (start != null) {
      try {
        first = LocalDateTime.parse(start).atZone(zoneId).toInstant();
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("--start expected a local date and time such as 2026-11-01T00:00, got '"
            + start + "'");
      }
    }
    var raw = YamlPipelineLoader.load(file);
    DateTimeFormatter format = spanFormat == null ? null : BackfillCommand.spanFormatter(spanFormat);
    String node = spanFormat == null ? null : BackfillCommand.spanNode(raw, spanNode);
    var fixed = sets.stream().map(Overrides::parse).toList();
    // Fail now on what would fail every fire (an unknown node or parameter, a span format that
    // makes no number) instead of recording one failed fire after another.
    var check = new ArrayList<>(fixed);
    if (format != null) {
      check.add(new Overrides.Set(node, "span", BackfillCommand.span(java.time.ZonedDateTime.now(zoneId), format)));
    }
    new org.millrace.pipelines.compile.PipelineCompiler(org.millrace.pipelines.compile.ComponentRegistry.load())
        .compile(Overrides.apply(raw, check));
    try (MetadataStore store = cli.openStore()) {
      var scheduler = new Scheduler(store, raw.name(), new Scheduler.Options(expression, zoneId, first, catchUp,
          maxRuns), Scheduler.Clock.system(), fire -> {
            var overrides = new ArrayList<>(fixed);
            if (format != null) {
              overrides.add(new Overrides.Set(node, "span", BackfillCommand.span(fire.intervalStart(), format)));
            }
            RunResult r = RunCommand.runOnce(cli, store, file, overrides, Selection.ALL, parallelism, false);
            Summaries.print(cli.out(), r);
            return new Scheduler.Outcome(r.runId(), r.succeeded(), r.succeeded() ? null : "a node failed");
          }, line -> {
            cli.out().println(line);
            cli.out().flush();
          });
      int failed = scheduler.run();
      return failed == 0 ? MillraceCli.OK : MillraceCli.NODE_FAILED;
    }
  }
}
