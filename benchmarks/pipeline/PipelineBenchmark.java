import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.millrace.metadata.MetadataStore;
import org.millrace.metadata.MetadataStores;
import org.millrace.pipelines.compile.ComponentRegistry;
import org.millrace.pipelines.compile.PipelineCompiler;
import org.millrace.pipelines.compile.YamlPipelineLoader;
import org.millrace.pipelines.launch.ProgressFactory;
import org.millrace.pipelines.run.LocalRunner;
import org.millrace.pipelines.run.NodeResult;
import org.millrace.pipelines.run.RunResult;
import org.millrace.pipelines.run.Selection;

/**
 * Runs one pipeline {@code reps} times in this JVM with the cache off (every node executes), into a
 * fresh SQLite store, and prints the run's and each node's wall time per repetition. The first
 * repetition is the cold JVM; the rest are warm. Usage: PipelineBenchmark pipeline.yaml reps workdir
 */
public class PipelineBenchmark {
  public static void main(String[] args) throws Exception {
    Path yaml = Path.of(args[0]).toAbsolutePath();
    int reps = Integer.parseInt(args[1]);
    Path work = Path.of(args[2]).toAbsolutePath();
    Files.createDirectories(work);
    long start = System.nanoTime();
    ComponentRegistry registry = ComponentRegistry.load();
    var spec = new PipelineCompiler(registry).compile(YamlPipelineLoader.load(yaml));
    Map<String, List<Long>> perNode = new LinkedHashMap<>();
    List<Long> totals = new ArrayList<>();
    try (MetadataStore store = MetadataStores.sqlite(work.resolve("metadata.db"))) {
      // The pipeline's relative paths (input, pipeline_root) resolve against the repository root.
      var runner = new LocalRunner(store, registry, Path.of("").toAbsolutePath(), ProgressFactory.NONE);
      for (int r = 0; r < reps; r++) {
        long t0 = System.nanoTime();
        RunResult result = runner.run(spec, Selection.ALL,
            new LocalRunner.Options(LocalRunner.Options.defaults().parallelism(), false));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (!result.succeeded()) {
          throw new IllegalStateException("run " + r + " failed: " + result.nodes());
        }
        totals.add(ms);
        StringBuilder line = new StringBuilder(String.format("rep %d (%s): run %.2f s |", r + 1,
            r == 0 ? "cold JVM" : "warm JVM", ms / 1000.0));
        for (NodeResult n : result.nodes()) {
          perNode.computeIfAbsent(n.node(), k -> new ArrayList<>()).add(n.durationMillis());
          line.append(String.format(" %s %.2f", n.node(), n.durationMillis() / 1000.0));
        }
        System.out.println(line);
      }
    }
    System.out.printf("JVM start to end of last run: %.2f s%n", (System.nanoTime() - start) / 1e9);
    List<Long> warm = totals.subList(1, totals.size()).stream().sorted().toList();
    if (!warm.isEmpty()) {
      System.out.printf("warm runs: median %.2f s, min %.2f s, max %.2f s (n=%d)%n", warm.get(warm.size() / 2) / 1000.0,
          warm.get(0) / 1000.0, warm.get(warm.size() - 1) / 1000.0, warm.size());
      StringBuilder nodes = new StringBuilder("warm median per node:");
      perNode.forEach((node, list) -> {
        List<Long> w = list.subList(1, list.size()).stream().sorted().toList();
        nodes.append(String.format(" %s %.2f", node, w.get(w.size() / 2) / 1000.0));
      });
      System.out.println(nodes);
    }
  }
}
