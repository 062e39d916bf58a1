package org.millrace.trainer.component;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.millrace.trainer.dist.RingAllReduce;
import org.millrace.api.artifact.Examples;
import org.millrace.api.artifact.Model;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.Executor;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ExecutorResult;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.transform.graph.Graph;
import org.millrace.trainer.backend.Backend;
import org.millrace.trainer.component.Backends;
import org.millrace.trainer.data.DenseData;
import org.millrace.trainer.model.ModelFiles;
import org.millrace.trainer.model.OnnxExport;
import org.millrace.trainer.backend.Activation;
import org.millrace.trainer.nn.Dense;
import org.millrace.trainer.nn.Layer;
import org.millrace.trainer.backend.Loss;
import org.millrace.trainer.nn.Network;
import org.millrace.trainer.nn.Optimizer;
import org.millrace.trainer.fit.Training;

/**
 * Trains a network on the transformed train split, validates on the eval split each epoch, and
 * writes the model (with the transform graph embedded, so it predicts from raw features) and the
 * run history. Checkpoints go to the execution's resume directory, so a failed run that is
 * retried or resumed continues from its last checkpoint.
 */
public final class TrainerExecutor implements Executor<TrainerParams> {
  /**
   * An output's property: its content records how the run went (the model run's epoch timings), so
   * equal inputs give different bytes; {@code runs diff} does not compare it.
   */
  public static final String RECORD_OF_RUN = "record_of_run";


  @Override
  public ExecutorResult execute(ExecutorInput<TrainerParams> input, ExecutionContext ctx) throws Exception {
    TrainerParams p = input.parameters();
    Examples examples = input.input(TrainerComponents.EXAMPLES);
    Graph graph = Graph.read(input.input(TrainerComponents.TRANSFORM_GRAPH).path());
    DenseData train = DenseData.read(examples.splitDir("train"));
    DenseData eval = DenseData.read(examples.splitDir(examples.splitNames().contains("eval") ? "eval" : "train"));
    Shape shape = Shape.of(p, train, graph);
    boolean classification = shape.classification();
    int[] inputShape = shape.inputShape();
    int outputs = shape.outputs();
    Network net = new Network(inputShape, layers(p, outputs));
    int workers = p.workers();
    int threadsPerWorker = Math.max(1, p.threadCount() / workers);
    // A distributed Trainer's driver only holds the ranks' result: it takes no device of its own.
    Backends.Selected selected = p.distributed() != null ? Backends.open(BackendChoice.JAVA, 1)
        : Backends.open(p.backend(), threadsPerWorker);
    ctx.log().info("Trainer: {}", selected.reason());
    var workerBackends = new java.util.ArrayList<Backend>();
    String distributedBackend = null;
    try (Backend backend = selected.backend()) {
      net.build(backend, p.batchSize());
      net.initialize(p.seed());
      Optional<Model> base = input.optionalInput(TrainerComponents.BASE_MODEL);
      if (base.isPresent()) {
        warmStart(net, base.get(), backend);
        ctx.log().info("Trainer: warm start from {}", base.get().uri());
      }
      ctx.log().info("Trainer: backend {}", backend.description());
      Loss loss = shape.loss();
      long steps = shape.steps(p, train);
      var optimizer = optimizer(p, steps);
      // Checkpoints resume only into the same training: same parameters (threads aside: they do not
      // change the weights, and a resume may run on another machine), data and base model.
      String fingerprint = ParameterBinder.toCacheMap(p) + "|" + examples.stringProperty("fingerprint").orElse(examples.uri())
          + "|" + base.map(Model::uri).orElse("");
      Training.Result result;
      try (var progress = ctx.progress("epochs", p.epochs())) {
        int[] reported = {0};
        var options = options(p)
            .withCheckpoints(ctx.resumeDir().resolve("checkpoints"), p.checkpointEverySteps(), fingerprint)
            .onEpoch(m -> {
              if (reported[0] == 0 && m.epoch() > 1) {
                // Resumed from a checkpoint: the epochs before count as done (the count started from 0 again).
                ctx.log().info("Trainer: resumed from a checkpoint, epochs 1-{} done before", m.epoch() - 1);
              }
              progress.advance(m.epoch() - reported[0]);
              reported[0] = m.epoch();
              ctx.log().info("epoch {}: train loss {}, val loss {}, val accuracy {}", m.epoch(),
                  String.format("%.4f", m.trainLoss()), String.format("%.4f", m.validationLoss()),
                  String.format("%.4f", m.validationAccuracy()));
            });
        if (p.distributed() != null) {
          DistributedJob job = new DistributedJob(jobParameters(p), examples.splitDir("train").toString(),
              examples.splitDir(examples.splitNames().contains("eval") ? "eval" : "train").toString(), graph.toJson(),
              base.map(b -> b.path().toString()).orElse(null), p.distributed().ranks(),
              org.millrace.trainer.dist.RingAllReduce.newToken());
          DistributedLauncher launcher = DistributedLauncher.find(p.distributed().launcher());
          ctx.log().info("Trainer: distributed, {} ranks through {} ({})", p.distributed().ranks(), launcher.name(),
              p.distributed().settings());
          RankResult done = launcher.train(job, p.distributed().settings());
          net.load(done.weights());
          done.result().history().forEach(m -> progress.advance(1));
          distributedBackend = done.backend();
          result = done.result();
        } else {
        var nets = new java.util.ArrayList<Network>(List.of(net));
        var optimizers = new java.util.ArrayList<Optimizer>(List.of(optimizer));
        for (int w = 1; w < workers; w++) {
          Backends.Selected other = Backends.openWorker(backend, w, threadsPerWorker);
          workerBackends.add(other.backend());
          ctx.log().info("Trainer: {}", other.reason());
          Network replica = new Network(inputShape, layers(p, outputs));
          replica.build(other.backend(), p.batchSize());
          nets.add(replica);
          optimizers.add(p.optimizer().create(p.clipNorm()).withSchedule(p.schedule().create(steps)));
        }
        if (workers > 1) {
          ctx.log().info("Trainer: data-parallel, {} workers, {} threads each, shards of a {}-row batch", workers,
              threadsPerWorker, p.batchSize());
        }
        result = Training.run(nets, loss, optimizers, train, eval, options);
        }
      } finally {
        workerBackends.forEach(Backend::close);
      }
      if (result.resumedFromStep() > 0) {
        ctx.log().info("Trainer: resumed from the checkpoint at step {}", result.resumedFromStep());
      }
      var best = result.history().get(result.bestEpoch() - 1);
      var provenance = new LinkedHashMap<String, Object>();
      provenance.put("parameters", ParameterBinder.toMap(p));
      provenance.put("seed", p.seed());
      // The examples by content, not by location: where they lived is in the lineage (the model's
      // input event), and a path here would make two runs on the same data write different bytes.
      provenance.put("training_examples_fingerprint", examples.stringProperty("fingerprint").orElse(""));
      provenance.put("train_rows", train.rows());
      provenance.put("backend", distributedBackend != null ? distributedBackend : backend.description());
      provenance.put("backend_selection", distributedBackend != null ? "rank 0 of the distributed job"
          : selected.reason());
      provenance.put("workers", workers);
      if (p.distributed() != null) {
        var distributed = new LinkedHashMap<String, Object>();
        distributed.put("launcher", p.distributed().launcher());
        distributed.put("ranks", p.distributed().ranks());
        distributed.put("rank_backend", distributedBackend);
        provenance.put("distributed", distributed);
      }
      provenance.put("jdk", System.getProperty("java.version") + " " + System.getProperty("java.vendor"));
      provenance.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
      provenance.put("arch", System.getProperty("os.arch"));
      provenance.put("best_epoch", result.bestEpoch());
      provenance.put("steps", result.steps());
      base.ifPresent(b -> provenance.put("base_model", b.uri()));
      ModelFiles.write(input.output(TrainerComponents.MODEL), net, loss, graph, provenance);
      // The same network for ONNX Runtime and other ONNX tools (input: the transformed vector).
      OnnxExport.write(net, loss, OnnxExport.metadata(graph, graph.task()),
          input.output(TrainerComponents.MODEL).resolve(OnnxExport.FILE_NAME));
      Path run = input.output(TrainerComponents.MODEL_RUN);
      // Where training resumed is a record of how the run went (model_run), not of the model: a resumed
      // Trainer's model.json said so, and its fingerprint parted from the uninterrupted run's same model.
      var info = new LinkedHashMap<String, Object>(Map.of("backend", backend.description(), "train_rows", train.rows(),
          "eval_rows", eval.rows()));
      if (result.resumedFromStep() > 0) {
        info.put("resumed_from_step", result.resumedFromStep());
      }
      RunReport.write(run, result.history(), result.bestEpoch(), result.stoppedEarly(), info);
      var props = new LinkedHashMap<String, Object>();
      props.put("best_epoch", (long) result.bestEpoch());
      props.put("validation_loss", best.validationLoss());
      if (classification) {
        props.put("validation_accuracy", best.validationAccuracy());
      }
      props.put("backend", backend.description());
      return ExecutorResult.builder().properties(TrainerComponents.MODEL, props)
          .property(TrainerComponents.MODEL_RUN, "epochs", (long) result.history().size())
          // Its timings differ from run to run: a record of how the run went, not a result to compare.
          .property(TrainerComponents.MODEL_RUN, RECORD_OF_RUN, 1L).build();
    }
  }

  /** The shape of the network a Trainer builds for its data and graph, checked. */
  record Shape(int[] inputShape, int outputs, boolean classification, Loss loss) {
    static Shape of(TrainerParams p, DenseData train, Graph graph) {
      if (train.dim() != graph.featureDim()) {
        throw new IllegalArgumentException("transformed examples expected " + graph.featureDim() + " features (the"
            + " transform graph's outputs), got " + train.dim() + ". Wire the Transform node's two outputs together.");
      }
      boolean classification = graph.task() == org.millrace.api.model.Task.CLASSIFICATION;
      int classes = graph.labelVocabulary().size();
      if (classification && classes < 2) {
        throw new IllegalArgumentException("classification expected at least 2 classes in the label vocabulary, got "
            + graph.labelVocabulary());
      }
      int[] inputShape = p.inputShape() == null ? new int[] {train.dim()}
          : p.inputShape().stream().mapToInt(Integer::intValue).toArray();
      if (Arrays.stream(inputShape).reduce(1, Math::multiplyExact) != train.dim()) {
        throw new IllegalArgumentException("input_shape " + p.inputShape() + " expected " + train.dim()
            + " values per example (the transform graph's outputs), got "
            + Arrays.stream(inputShape).reduce(1, (a, b) -> a * b));
      }
      return new Shape(inputShape, classification ? classes : 1, classification,
          classification ? Loss.SOFTMAX_CROSS_ENTROPY : Loss.MSE);
    }

    long steps(TrainerParams p, DenseData train) {
      return (long) p.epochs() * ((train.rows() + p.batchSize() - 1) / p.batchSize());
    }
  }

  static Optimizer optimizer(TrainerParams p, long steps) {
    return p.optimizer().create(p.clipNorm()).withSchedule(p.schedule().create(steps));
  }

  /** Epochs, batch size, seed and early stopping (no checkpoints, no callbacks). */
  static Training.Options options(TrainerParams p) {
    var es = p.earlyStopping();
    return Training.Options.of(p.epochs(), p.batchSize(), p.seed())
        .withEarlyStopping(es == null ? null : es.patience(), es == null ? 0 : es.minDelta());
  }

  /**
   * The parameters every rank trains with: these, without the distribution itself and without
   * the driver's thread count (each rank takes its own machine's, or its launcher's).
   */
  private static Map<String, Object> jobParameters(TrainerParams p) {
    var m = new LinkedHashMap<>(ParameterBinder.toMap(p));
    m.remove("distributed");
    m.remove("threads");
    return m;
  }

  /** Fresh layers (hidden, then the output layer) for one network: each replica needs its own. */
  static List<Layer> layers(TrainerParams p, int outputs) {
    List<Layer> layers = new java.util.ArrayList<>(p.buildHidden());
    layers.add(new Dense(outputs, Activation.LINEAR));
    return layers;
  }

  private static void warmStart(Network net, Model base, Backend backend) throws Exception {
    warmStart(net, base.path(), base.uri(), backend);
  }

  static void warmStart(Network net, Path basePath, String baseUri, Backend backend) throws Exception {
    Network old = ModelFiles.read(basePath, backend, 1).network();
    var to = net.tensors();
    var from = old.tensors();
    if (to.size() != from.size()) {
      throw new IllegalArgumentException("base_model expected " + to.size() + " tensors, got " + from.size() + " in "
          + baseUri + " (different architecture)");
    }
    for (int i = 0; i < to.size(); i++) {
      if (!to.get(i).shape().equals(from.get(i).shape())) {
        throw new IllegalArgumentException("base_model tensor " + to.get(i).name() + " expected shape "
            + to.get(i).shape() + ", got " + from.get(i).shape() + " in " + baseUri + " (different architecture)");
      }
      backend.copy(from.get(i).value(), to.get(i).value(), to.get(i).size());
    }
  }
}
