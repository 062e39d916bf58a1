package org.millrace.trainer.component;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.millrace.api.artifact.Examples;
import org.millrace.api.artifact.Model;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.Executor;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ExecutorResult;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.transform.graph.Graph;
import org.millrace.trainer.backend.MatMul;
import org.millrace.trainer.data.DenseData;
import org.millrace.trainer.model.ModelFiles;
import org.millrace.trainer.nn.Activation;
import org.millrace.trainer.nn.Dense;
import org.millrace.trainer.nn.Loss;
import org.millrace.trainer.nn.Network;
import org.millrace.trainer.nn.Training;

/**
 * Trains a dense network on the transformed train split, validates on the eval split each epoch,
 * and writes the model (with the transform graph embedded, so it predicts from raw features) and
 * the run history.
 */
public final class TrainerExecutor implements Executor<TrainerParams> {

  @Override
  public ExecutorResult execute(ExecutorInput<TrainerParams> input, ExecutionContext ctx) throws Exception {
    TrainerParams p = input.parameters();
    Examples examples = input.input(TrainerComponents.EXAMPLES);
    Graph graph = Graph.read(input.input(TrainerComponents.TRANSFORM_GRAPH).path());
    DenseData train = DenseData.read(examples.splitDir("train"));
    DenseData eval = DenseData.read(examples.splitDir(examples.splitNames().contains("eval") ? "eval" : "train"));
    if (train.dim() != graph.featureDim()) {
      throw new IllegalArgumentException("transformed examples expected " + graph.featureDim() + " features (the"
          + " transform graph's outputs), got " + train.dim() + ". Wire the Transform node's two outputs together.");
    }
    boolean classification = graph.task().equals("classification");
    int classes = graph.labelVocabulary().size();
    if (classification && classes < 2) {
      throw new IllegalArgumentException("classification expected at least 2 classes in the label vocabulary, got "
          + graph.labelVocabulary());
    }
    var mm = new MatMul(p.threads());
    var layers = new ArrayList<Dense>();
    int in = train.dim();
    for (TrainerParams.Layer l : p.hiddenLayers()) {
      layers.add(new Dense(in, l.units(), Activation.of(l.activation()), l.dropout().floatValue()));
      in = l.units();
    }
    layers.add(new Dense(in, classification ? classes : 1, Activation.LINEAR, 0f));
    Network net = new Network(layers, mm);
    net.initialize(p.seed());
    Optional<Model> base = input.optionalInput(TrainerComponents.BASE_MODEL);
    if (base.isPresent()) {
      warmStart(net, base.get(), mm);
      ctx.log().info("Trainer: warm start from {}", base.get().uri());
    }
    Loss loss = classification ? Loss.SOFTMAX_CROSS_ENTROPY : Loss.MSE;
    var es = p.earlyStopping();
    Training.Result result;
    try (var progress = ctx.progress("epochs", p.epochs())) {
      long steps = (long) p.epochs() * ((train.rows() + p.batchSize() - 1) / p.batchSize());
      var optimizer = p.optimizer().create(p.clipNorm()).withSchedule(p.schedule().create(steps));
      result = Training.run(net, loss, optimizer, train, eval, p.epochs(), p.batchSize(),
          p.seed(), es == null ? null : es.patience(), es == null ? 0 : es.minDelta(), m -> {
            progress.advance(1);
            ctx.log().info("epoch {}: train loss {}, val loss {}, val accuracy {}", m.epoch(),
                String.format("%.4f", m.trainLoss()), String.format("%.4f", m.validationLoss()),
                String.format("%.4f", m.validationAccuracy()));
          });
    }
    var best = result.history().get(result.bestEpoch() - 1);
    var provenance = new LinkedHashMap<String, Object>();
    provenance.put("parameters", ParameterBinder.toMap(p));
    provenance.put("seed", p.seed());
    provenance.put("training_examples", examples.uri());
    provenance.put("training_examples_fingerprint", examples.stringProperty("fingerprint").orElse(""));
    provenance.put("train_rows", train.rows());
    provenance.put("backend", "java (" + mm.threads() + " threads, jdk.incubator.vector)");
    provenance.put("jdk", System.getProperty("java.version") + " " + System.getProperty("java.vendor"));
    provenance.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    provenance.put("arch", System.getProperty("os.arch"));
    provenance.put("best_epoch", result.bestEpoch());
    base.ifPresent(b -> provenance.put("base_model", b.uri()));
    ModelFiles.write(input.output(TrainerComponents.MODEL), net, loss, graph, provenance);
    Path run = input.output(TrainerComponents.MODEL_RUN);
    RunReport.write(run, result.history(), result.bestEpoch(), result.stoppedEarly(),
        Map.of("backend", provenance.get("backend"), "train_rows", train.rows(), "eval_rows", eval.rows()));
    var props = new LinkedHashMap<String, Object>();
    props.put("best_epoch", (long) result.bestEpoch());
    props.put("validation_loss", best.validationLoss());
    if (classification) {
      props.put("validation_accuracy", best.validationAccuracy());
    }
    props.put("backend", (String) provenance.get("backend"));
    return ExecutorResult.builder().properties(TrainerComponents.MODEL, props)
        .property(TrainerComponents.MODEL_RUN, "epochs", (long) result.history().size()).build();
  }

  private static void warmStart(Network net, Model base, MatMul mm) throws Exception {
    Network old = ModelFiles.read(base.path(), mm).network();
    if (old.layers().size() != net.layers().size()) {
      throw new IllegalArgumentException("base_model expected " + net.layers().size() + " layers, got "
          + old.layers().size() + " in " + base.uri());
    }
    List<float[]> to = net.parameters();
    List<float[]> from = old.parameters();
    for (int i = 0; i < to.size(); i++) {
      if (to.get(i).length != from.get(i).length) {
        throw new IllegalArgumentException("base_model parameter " + i + " expected " + to.get(i).length
            + " values, got " + from.get(i).length + " in " + base.uri() + " (different architecture)");
      }
      System.arraycopy(from.get(i), 0, to.get(i), 0, to.get(i).length);
    }
  }
}
