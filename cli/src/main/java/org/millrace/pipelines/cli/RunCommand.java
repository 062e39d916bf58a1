package org.millrace.pipelines.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.millrace.metadata.MetadataStore;
import org.millrace.pipelines.compile.ComponentRegistry;
import org.millrace.pipelines.compile.Overrides;
import org.millrace.pipelines.compile.PipelineCompiler;
import org.millrace.pipelines.compile.YamlPipelineLoader;
import org.millrace.pipelines.run.LocalRunner;
import org.millrace.pipelines.run.RunResult;
import org.millrace.pipelines.run.Selection;
import org.millrace.pipelines.spec.PipelineSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code millrace run pipeline.yaml}. */
@Command(name = "run", description = "Compile and run a pipeline YAML file.")
final class RunCommand implements Callable<Integer> {
  @ParentCommand
  MillraceCli cli;

  @Parameters(index = "0", paramLabel = "PIPELINE_YAML")
  Path file;

  @Option(names = "--from", description = "Run this node and everything downstream of it.")
  String from;

  @Option(names = "--to", description = "Run this node and everything it depends on.")
  String to;

  @Option(names = "--only", description = "Run just this node (inputs from earlier runs).")
  String only;

  @Option(names = "--parallelism", converter = Ranges.PositiveCount.class, description = "Nodes run at once (default: number of cores, at least 2).")
  Integer parallelism;

  @Option(names = "--trainer-backend", description = "Backend of trainer nodes whose backend parameter is auto:"
      + " auto (an OpenCL GPU, else Java), java, opencl, opencl_gpu or opencl_cpu. It sets their backend"
      + " parameter, so a changed backend misses the cache.")
  TrainerBackend trainerBackend;

  /** The trainer's backend choices (see org.millrace.trainer.component.Backends). */
  enum TrainerBackend { auto, java, opencl, opencl_gpu, opencl_cpu }

  @Option(names = "--no-cache", description = "Run every node even when a cached result exists.")
  boolean noCache;

  @Option(names = "--set", paramLabel = "NODE.PARAMETER=VALUE",
      description = "Override a node's parameter for this run (a YAML value), e.g. --set ingest.span=3.")
  List<String> sets = new ArrayList<>();

  @Override
  public Integer call() {
    var overrides = new ArrayList<Overrides.Set>();
    if (trainerBackend != null) {
      // The trainer nodes' backend parameter, so a changed backend is a cache miss; --set wins.
      overrides.addAll(Overrides.whereDefault(YamlPipelineLoader.load(file), "Trainer", "backend", "auto",
          trainerBackend.name()));
    }
    sets.stream().map(Overrides::parse).forEach(overrides::add);
    try (MetadataStore store = cli.openStore()) {
      RunResult result = runOnce(cli, store, file, overrides, new Selection(from, to, only), parallelism, noCache);
      return Summaries.print(cli.out(), result);
    }
  }

  /** Compiles the pipeline with {@code overrides} and runs it once on the local runner. */
  static RunResult runOnce(MillraceCli cli, MetadataStore store, Path file, List<Overrides.Set> overrides,
      Selection selection, Integer parallelism, boolean noCache) {
    ComponentRegistry registry = ComponentRegistry.load();
    PipelineSpec spec = new PipelineCompiler(registry).compile(Overrides.apply(YamlPipelineLoader.load(file),
        overrides));
    selection.nodes(spec); // a misspelled --from/--to/--only is said before the run starts
    var defaults = LocalRunner.Options.defaults();
    var options = new LocalRunner.Options(parallelism == null ? defaults.parallelism() : parallelism, !noCache);
    var runner = new LocalRunner(store, registry, Path.of("").toAbsolutePath(), new ConsoleProgress());
    cli.out().println("millrace: running pipeline " + spec.name() + " (" + spec.nodes().size() + " nodes)"
        + (overrides.isEmpty() ? "" : " with " + overrides.stream().map(o -> o.option() != null
            && o.option().startsWith("--set ") ? o.option().substring("--set ".length()) // as the user wrote it
            : o.node() + "." + o.parameter() + "=" + o.value()).toList()));
    cli.out().flush();
    return runner.run(spec, selection, options);
  }
}
