package org.millrace.serving;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.millrace.api.artifact.Artifact;
import org.millrace.api.artifact.Examples;
import org.millrace.api.artifact.TransformGraph;
import org.millrace.api.data.BatchBuilder;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.ExamplesIO;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.trainer.component.TrainerExecutor;
import org.millrace.trainer.component.TrainerParams;

/**
 * Real models for the server's tests: the Trainer on three blobs of (a, b) labelled p, q, r, with
 * the transform graph of {@code blobs_graph.json} (z-scores of a and b) embedded.
 */
final class Models {
  private Models() {}

  /** Trains a model into {@code dir/name/model} and returns that directory. */
  static Path train(Path dir, String name, long seed, int epochs) throws Exception {
    Path ex = dir.resolve(name + "/examples");
    for (String split : List.of("train", "eval")) {
      var schema = DataSchema.of(Feature.vector("features", 2), Feature.of("label", FeatureType.FLOAT, false));
      var b = new BatchBuilder(schema, 300);
      var r = new SplittableRandom(split.hashCode() + seed);
      for (int i = 0; i < 300; i++) {
        int c = i % 3;
        double a = c * 3 + r.nextGaussian();
        double bb = c % 2 * 3 + r.nextGaussian();
        b.addRow(new float[] {(float) ((a - 3) / 2), (float) ((bb - 1.5) / 2)}, (double) c);
      }
      ExamplesIO.write(ex.resolve("Split-" + split), schema, 0, List.of(b.build()));
    }
    Path graph = Files.createDirectories(dir.resolve(name + "/graph"));
    Files.copy(Path.of("src/test/resources/blobs_graph.json"), graph.resolve("transform_graph.json"));
    Path model = Files.createDirectories(dir.resolve(name + "/model"));
    Path run = Files.createDirectories(dir.resolve(name + "/run"));
    Map<String, Object> params = Map.of("epochs", epochs, "seed", seed, "backend", "java",
        "hidden_layers", List.of(Map.of("units", 8)), "optimizer", Map.of("type", "adam", "learning_rate", 0.03));
    var in = new ExecutorInput<>(Map.<String, List<Artifact>>of(
        "examples", List.of(new Examples(ex.toString(), Examples.splitProperties(List.of("train", "eval")))),
        "transform_graph", List.of(new TransformGraph(graph.toString(), Map.of()))),
        Map.of("model", model, "model_run", run), ParameterBinder.bind(TrainerParams.class, params));
    new TrainerExecutor().execute(in, ExecutionContext.standalone("trainer", dir.resolve(name), List.of()));
    return model;
  }
}
