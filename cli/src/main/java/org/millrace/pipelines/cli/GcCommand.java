package org.millrace.pipelines.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.millrace.metadata.Artifact;
import org.millrace.metadata.Context;
import org.millrace.metadata.Value;
import org.millrace.pipelines.launch.Keys;
import org.millrace.pipelines.spec.PipelineSpec;
import org.millrace.metadata.MetadataStore;
import org.millrace.pipelines.compile.YamlPipelineLoader;
import org.millrace.pipelines.run.GarbageCollector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code millrace gc}: delete the files of old artifacts, keep their lineage. */
@Command(name = "gc", description = "Delete the files of a pipeline's artifacts that are no longer needed; their"
    + " lineage stays (state DELETED). Keeps each node's newest runs' outputs and what its newest run read.")
final class GcCommand implements Callable<Integer> {
  @ParentCommand
  MillraceCli cli;

  @Parameters(index = "0", paramLabel = "PIPELINE", description = "A pipeline YAML file, or the name of a pipeline"
      + " the metadata store has runs of (one defined in Java: its newest run's pipeline root).")
  String pipeline;

  @Option(names = "--keep-runs", defaultValue = "3", converter = Ranges.PositiveCount.class, description = "Outputs of each node's newest N successful runs"
      + " are kept. Default: ${DEFAULT-VALUE}.")
  int keepRuns;

  @Option(names = "--min-age-days", defaultValue = "1", converter = Ranges.AgeDays.class, description = "Only artifacts at least this old go (so that"
      + " runs in progress keep what they just wrote or read). Default: ${DEFAULT-VALUE}.")
  double minAgeDays;

  @Option(names = "--dry-run", description = "Say what would be deleted; delete nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    if (!(minAgeDays >= 0)) {
      throw new IllegalArgumentException("--min-age-days expected >= 0, got " + minAgeDays);
    }
    Path file = Path.of(pipeline);
    boolean byName = !java.nio.file.Files.exists(file) && pipeline.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")
        && !pipeline.matches(".*\\.ya?ml");
    // A YAML file is compiled before the store opens (a bad file makes no store); a name is looked up in it.
    PipelineSpec compiled = byName ? null : new org.millrace.pipelines.compile.PipelineCompiler(
        org.millrace.pipelines.compile.ComponentRegistry.load()).compile(YamlPipelineLoader.load(file));
    try (MetadataStore store = byName ? cli.openExistingStore() : cli.openStore()) {
      PipelineSpec spec = byName ? newestRunSpec(store, pipeline) : compiled;
      var raw = spec;
      Path root = Path.of("").toAbsolutePath().resolve(spec.pipelineRoot()).normalize();
      var gc = new GarbageCollector(store);
      var plan = gc.plan(raw.name(), root, keepRuns, Duration.ofSeconds(Math.round(minAgeDays * 86_400)),
          Instant.now());
      var t = new Table("id", "type", "created", "uri");
      for (Artifact a : plan.delete()) {
        t.row(a.id(), a.type(), a.createTime(), a.uri());
      }
      if (!plan.delete().isEmpty()) {
        cli.out().print(t.render());
      }
      if (dryRun) {
        cli.out().printf("gc %s: would delete the files of %d artifacts (dry run), keeps %d%n", raw.name(),
            plan.delete().size(), plan.kept().size());
        return MillraceCli.OK;
      }
      var outcome = gc.collect(plan, root);
      gc.cleanStaleTemps(root).forEach(p -> cli.out().println("gc: deleted " + p
          + " (temporary files of an execution that no longer runs)"));
      cli.out().printf("gc %s: deleted the files of %d artifacts (lineage kept, state DELETED), kept %d%n", raw.name(),
          outcome.deleted().size(), plan.kept().size());
      outcome.failed().forEach((id, why) -> cli.spec.commandLine().getErr().println("gc: artifact #" + id
          + " stays marked for deletion, its files could not all be deleted: " + why));
      return outcome.failed().isEmpty() ? MillraceCli.OK : MillraceCli.INFRASTRUCTURE;
    }
  }

  /**
   * The pipeline spec of the newest run of the pipeline {@code name} (a pipeline defined in Java has
   * no YAML file to name: its runs keep its spec, pipeline root included).
   */
  static PipelineSpec newestRunSpec(MetadataStore store, String name) {
    var runs = new java.util.ArrayList<>(store.getContexts(Keys.RUN_CONTEXT));
    java.util.Collections.reverse(runs);
    for (Context run : runs) {
      Value json = run.properties().get(Keys.SPEC);
      if (run.name().startsWith(name + "-") && json != null) {
        PipelineSpec spec = PipelineSpec.fromJson(String.valueOf(json.raw()));
        if (spec.name().equals(name)) {
          return spec;
        }
      }
    }
    throw new IllegalArgumentException("PIPELINE expected a pipeline YAML file or the name of a pipeline with runs in"
        + " the metadata store, got '" + name + "' (no such file, and no run of a pipeline of that name)");
  }
}
