package org.millrace.trainer.component;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.millrace.api.spec.ExecutionSetting;
import org.millrace.api.spec.ParameterException;
import org.millrace.trainer.backend.Activation;
import org.millrace.trainer.nn.Dense;
import org.millrace.trainer.nn.Dropout;
import org.millrace.trainer.nn.LayerSpec;
import org.millrace.trainer.nn.Layers;
import org.millrace.trainer.nn.LrSchedule;
import org.millrace.trainer.nn.Optimizer;

/**
 * Trainer parameters: the hidden layers (the output layer follows from the task), the optimizer,
 * and the training loop. Like Keras Sequential, as data:
 *
 * <pre>
 * hidden_layers: [{units: 64, activation: relu, dropout: 0.1}, {units: 32}]
 * # or any stack of layers (Keras-style), e.g. a small CNN on 28x28 grey images:
 * # input_shape: [28, 28, 1]
 * # layers: [{type: conv2d, filters: 16, kernel_size: 3, activation: relu}, {type: max_pool2d},
 * #          {type: flatten}, {type: dense, units: 64, activation: relu}, {type: batch_norm}]
 * optimizer: {type: adam, learning_rate: 0.001}
 * epochs: 50
 * batch_size: 32
 * seed: 42
 * early_stopping: {patience: 5}
 * checkpoint_every_steps: 500   # and at every epoch end; a failed run resumes from the last one
 * backend: auto                 # an OpenCL GPU, else Java; or java, opencl, opencl_gpu, opencl_cpu
 * workers: 1                    # data-parallel replicas, each with a shard of every batch (threads
 *                               # are shared out; OpenCL: one device each, round robin)
 * threads: 8                    # Java backend threads; default: this machine's cores
 * </pre>
 *
 * <p>The output layer follows from the task: one linear unit per class (logits) or one value.
 * Each {@code layers} entry binds once into a {@link LayerSpec} record (errors name it, e.g.
 * {@code layers[2] (conv2d): ...}), which serializes as written; {@link #buildHidden} builds from those.
 *
 * <p>{@code threads} is an {@link ExecutionSetting}: the Java backend computes every value in one
 * thread in a fixed order, so the weights are bit-identical for any thread count, and the
 * parameter stays out of the cache key. Unset, it stays null here and the executor takes the
 * cores of the machine it runs on ({@link #threadCount()}), not those of the machine that compiled
 * the pipeline. {@code backend} stays in the key: another backend computes other floats.
 */
public record TrainerParams(List<Layer> hiddenLayers, List<LayerSpec> layers, List<Integer> inputShape,
    OptimizerConfig optimizer, Integer epochs, Integer batchSize, Long seed, EarlyStopping earlyStopping,
    Double clipNorm, @ExecutionSetting Integer threads, Schedule schedule, Integer checkpointEverySteps,
    BackendChoice backend, Integer workers, Distributed distributed) {

  /**
   * Training across processes: {@code ranks} processes launched by {@code launcher} (spark:
   * barrier tasks on a Spark cluster, {@code settings: {master: spark://host:7077}}), each with a
   * shard of every batch, gradients summed over a TCP ring.
   */
  public record Distributed(String launcher, Integer ranks, Map<String, Object> settings) {
    public Distributed {
      launcher = launcher == null ? "spark" : launcher;
      settings = settings == null ? Map.of() : Map.copyOf(settings);
      if (ranks == null || ranks < 1) {
        throw new ParameterException("distributed", "distributed expected ranks >= 1, got " + ranks);
      }
    }
  }

  /**
   * Learning-rate schedule: {@code {type: cosine, warmup_steps: 100, min_factor: 0.1}} or
   * {@code {type: step, step_size: 1000, gamma: 0.5}}; default constant.
   */
  public record Schedule(LrSchedule.Kind type, Integer warmupSteps, Integer stepSize, Double gamma, Double minFactor) {
    public Schedule {
      type = type == null ? LrSchedule.Kind.CONSTANT : type;
      warmupSteps = warmupSteps == null ? 0 : warmupSteps;
      stepSize = stepSize == null ? 1000 : stepSize;
      gamma = gamma == null ? 0.5 : gamma;
      minFactor = minFactor == null ? 0.0 : minFactor;
      if (warmupSteps < 0 || stepSize < 1 || gamma <= 0 || minFactor < 0 || minFactor > 1) {
        throw new ParameterException("schedule", "schedule expected warmup_steps >= 0, step_size >= 1, gamma > 0 and"
            + " min_factor in [0, 1], got " + warmupSteps + ", " + stepSize + ", " + gamma + ", " + minFactor);
      }
    }

    LrSchedule create(long totalSteps) {
      return new LrSchedule(type, warmupSteps, stepSize, gamma, minFactor, Math.max(1, totalSteps));
    }
  }

  /** One hidden layer. */
  public record Layer(Integer units, String activation, Double dropout) {
    public Layer {
      if (units == null || units <= 0) {
        throw new ParameterException("units", "units expected a positive integer, got " + units);
      }
      activation = activation == null ? "relu" : activation;
      try {
        Activation.of(activation);
      } catch (IllegalArgumentException e) {
        throw new ParameterException("activation", e.getMessage());
      }
      dropout = dropout == null ? 0.0 : dropout;
      if (dropout < 0 || dropout >= 1) {
        throw new ParameterException("dropout", "dropout expected a rate in [0, 1), got " + dropout);
      }
    }
  }

  /** Optimizer settings. */
  public record OptimizerConfig(Optimizer.Kind type, Double learningRate, Double momentum, Boolean nesterov,
      Double weightDecay, Double beta1, Double beta2, Double epsilon) {
    public OptimizerConfig {
      type = type == null ? Optimizer.Kind.ADAM : type;
      learningRate = learningRate == null ? (type == Optimizer.Kind.SGD ? 0.01 : 0.001) : learningRate;
      if (learningRate <= 0) {
        throw new ParameterException("learning_rate", "learning_rate expected a positive number, got " + learningRate);
      }
      momentum = momentum == null ? 0.0 : momentum;
      nesterov = nesterov != null && nesterov;
      weightDecay = weightDecay == null ? 0.0 : weightDecay;
      beta1 = beta1 == null ? 0.9 : beta1;
      beta2 = beta2 == null ? 0.999 : beta2;
      epsilon = epsilon == null ? 1e-7 : epsilon;
      if (momentum < 0 || momentum >= 1 || weightDecay < 0) {
        throw new ParameterException("optimizer", "momentum expected [0, 1) and weight_decay >= 0, got " + momentum
            + " and " + weightDecay);
      }
    }

    Optimizer create(Double clipNorm) {
      return new Optimizer(type, learningRate, momentum, nesterov, weightDecay, beta1, beta2, epsilon, clipNorm);
    }
  }

  /** Stop when the validation loss has not improved by {@code minDelta} for {@code patience} epochs. */
  public record EarlyStopping(Integer patience, Double minDelta) {
    public EarlyStopping {
      patience = patience == null ? 5 : patience;
      minDelta = minDelta == null ? 0.0 : minDelta;
      if (patience < 1) {
        throw new ParameterException("patience", "patience expected a positive integer, got " + patience);
      }
    }
  }

  public TrainerParams {
    if (hiddenLayers != null && layers != null) {
      throw new ParameterException("layers", "expected either hidden_layers or layers, got both");
    }
    // With layers, hidden_layers stays unset, so that these parameters bind again as they are.
    hiddenLayers = hiddenLayers == null ? (layers == null ? List.of(new Layer(64, "relu", 0.0)) : null)
        : List.copyOf(hiddenLayers);
    // Each entry was parsed (and checked) into its record when the parameters bound: LayerSpec.parse.
    layers = layers == null ? null : List.copyOf(layers);
    if (inputShape != null && (inputShape.isEmpty() || inputShape.stream().anyMatch(d -> d == null || d < 1))) {
      throw new ParameterException("input_shape", "input_shape expected a list of positive sizes, got " + inputShape);
    }
    inputShape = inputShape == null ? null : List.copyOf(inputShape);
    backend = backend == null ? BackendChoice.AUTO : backend;
    checkpointEverySteps = checkpointEverySteps == null ? 0 : checkpointEverySteps;
    if (checkpointEverySteps < 0) {
      throw new ParameterException("checkpoint_every_steps", "checkpoint_every_steps expected >= 0 (0: at epoch ends"
          + " only), got " + checkpointEverySteps);
    }
    optimizer = optimizer == null ? new OptimizerConfig(null, null, null, null, null, null, null, null) : optimizer;
    epochs = epochs == null ? 20 : epochs;
    if (epochs < 1) {
      throw new ParameterException("epochs", "epochs expected a positive integer, got " + epochs);
    }
    batchSize = batchSize == null ? 32 : batchSize;
    if (batchSize < 1) {
      throw new ParameterException("batch_size", "batch_size expected a positive integer, got " + batchSize);
    }
    seed = seed == null ? 42L : seed;
    if (clipNorm != null && clipNorm <= 0) {
      throw new ParameterException("clip_norm", "clip_norm expected a positive number, got " + clipNorm);
    }
    schedule = schedule == null ? new Schedule(null, null, null, null, null) : schedule;
    if (threads != null && threads < 1) {
      throw new ParameterException("threads", "threads expected a positive integer, got " + threads);
    }
    workers = workers == null ? 1 : workers;
    if (workers < 1 || workers > batchSize) {
      throw new ParameterException("workers", "workers expected 1..batch_size (" + batchSize + "), got " + workers);
    }
    if (distributed != null && (workers > 1 || distributed.ranks() > batchSize)) {
      throw new ParameterException("distributed", "distributed expected ranks 1..batch_size (" + batchSize + ") and"
          + " workers 1 (one replica per rank), got ranks " + distributed.ranks() + " and workers " + workers);
    }
    if (distributed != null && checkpointEverySteps > 0) {
      throw new ParameterException("distributed", "distributed training does not checkpoint (a failed job starts"
          + " again); expected no checkpoint_every_steps, got " + checkpointEverySteps);
    }
  }

  /** The Java backend's threads: {@code threads}, else the cores of the machine this runs on. */
  public int threadCount() {
    return threads != null ? threads : Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  /** Fresh layers for the configured architecture (hidden part; the output layer is the caller's). */
  public List<org.millrace.trainer.nn.Layer> buildHidden() {
    var out = new ArrayList<org.millrace.trainer.nn.Layer>();
    if (layers != null) {
      for (LayerSpec spec : layers) {
        out.addAll(Layers.create(spec));
      }
      return out;
    }
    for (Layer l : hiddenLayers) {
      out.add(new Dense(l.units(), Activation.of(l.activation())));
      if (l.dropout() > 0) {
        out.add(new Dropout(l.dropout().floatValue()));
      }
    }
    return out;
  }
}
