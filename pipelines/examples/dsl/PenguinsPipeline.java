// The penguins pipeline's first three nodes as Java code (docs/pipelines.md, "The Java DSL"): the same
// nodes, parameters, cache keys and lineage as the YAML file's, recorded in the same metadata store.
// From the unpacked distribution (JDK 17+, run as a single source file, no build needed):
//   java @conf/jvm.options -cp 'lib/*' pipelines/examples/dsl/PenguinsPipeline.java
// then `bin/millrace runs` and `bin/millrace lineage <artifact>` show what it did.

import java.nio.file.Path;
import org.millrace.ingest.ExampleGenComponent;
import org.millrace.ingest.ExampleGenParams;
import org.millrace.metadata.MetadataStore;
import org.millrace.metadata.MetadataStores;
import org.millrace.pipelines.dsl.Pipeline;
import org.millrace.pipelines.launch.ProgressFactory;
import org.millrace.pipelines.run.LocalRunner;
import org.millrace.pipelines.run.NodeResult;
import org.millrace.pipelines.run.RunResult;
import org.millrace.pipelines.run.Selection;
import org.millrace.pipelines.spec.PipelineSpec;
import org.millrace.validate.component.StatisticsGenExecutor;
import org.millrace.validate.component.ValidateComponents;
import org.millrace.validate.schema.SchemaGenParams;

public class PenguinsPipeline {
  public static void main(String[] args) {
    var p = Pipeline.builder("penguins-dsl").root(".millrace/pipelines/penguins-dsl");
    var ingest = p.node("ingest", ExampleGenComponent.SPEC, ExampleGenParams.of("examples/data/penguins/penguins.csv"));
    var statistics = p.node("statistics", ValidateComponents.STATISTICS_GEN, new StatisticsGenExecutor.Params())
        .input(ValidateComponents.EXAMPLES, ingest.output(ExampleGenComponent.EXAMPLES));
    p.node("schema", ValidateComponents.SCHEMA_GEN, new SchemaGenParams(null, null, null, null))
        .input(ValidateComponents.STATISTICS_IN, statistics.output(ValidateComponents.STATISTICS));
    PipelineSpec spec = p.build(); // the same checks as a YAML file's: wiring, parameters, cycles
    Path projectDir = Path.of("").toAbsolutePath(); // relative paths above resolve against it
    try (MetadataStore store = MetadataStores.sqlite(projectDir.resolve(".millrace/metadata.db"))) {
      RunResult run = new LocalRunner(store, p.registry(), projectDir, ProgressFactory.NONE)
          .run(spec, Selection.ALL, LocalRunner.Options.defaults());
      for (NodeResult n : run.nodes()) {
        System.out.println(n.node() + " " + n.state() + (n.error() == null ? "" : ": " + n.error()));
      }
      System.out.println("run " + run.runId() + (run.nodes().stream().allMatch(NodeResult::succeeded)
          ? ": SUCCEEDED" : ": FAILED"));
      System.exit(run.nodes().stream().allMatch(NodeResult::succeeded) ? 0 : 1);
    }
  }
}
