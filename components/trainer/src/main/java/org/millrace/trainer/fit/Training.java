package org.millrace.trainer.fit;

import org.millrace.trainer.backend.Loss;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.millrace.trainer.backend.Backend;
import org.millrace.trainer.backend.Tensor;
import org.millrace.trainer.data.DenseData;
import org.millrace.trainer.nn.BatchNorm;
import org.millrace.trainer.nn.Embedding;
import org.millrace.trainer.nn.Layer;
import org.millrace.trainer.nn.Network;
import org.millrace.trainer.nn.Optimizer;

/**
 * The training loop: mini-batches in a per-epoch shuffled order drawn from the seed, validation
 * after each epoch, early stopping on the validation loss (restoring the best weights), and
 * checkpoints. Every random choice is a function of (seed, epoch) or (seed, step), so a run
 * resumed from a checkpoint makes exactly the choices the uninterrupted run made: on the Java
 * backend it ends with bit-identical weights.
 */
public final class Training {
  private Training() {}

  /** What a run produced. {@code resumedFromStep} is 0 for a fresh start. */
  public record Result(List<EpochMetrics> history, int bestEpoch, boolean stoppedEarly, long steps,
      long resumedFromStep) {}

  /**
   * How to train. {@code checkpointDir} null disables checkpoints; otherwise one is written every
   * {@code checkpointEverySteps} steps (0: only at epoch ends) and when training stops, and a run
   * finds the latest one with the same {@code fingerprint} and continues from it.
   * {@code afterStep} is called with the step number after each optimizer step.
   */
  public record Options(int epochs, int batchSize, long seed, Integer patience, double minDelta, Path checkpointDir,
      int checkpointEverySteps, String fingerprint, Consumer<EpochMetrics> onEpoch, LongConsumer afterStep) {
    public Options {
      if (epochs < 1 || batchSize < 1 || checkpointEverySteps < 0) {
        throw new IllegalArgumentException("training expected epochs >= 1, batch_size >= 1 and"
            + " checkpoint_every_steps >= 0, got " + epochs + ", " + batchSize + ", " + checkpointEverySteps);
      }
      onEpoch = onEpoch == null ? m -> { } : onEpoch;
      afterStep = afterStep == null ? s -> { } : afterStep;
      fingerprint = fingerprint == null ? "" : fingerprint;
    }

    public static Options of(int epochs, int batchSize, long seed) {
      return new Options(epochs, batchSize, seed, null, 0, null, 0, null, null, null);
    }

    public Options withEarlyStopping(Integer patience, double minDelta) {
      return new Options(epochs, batchSize, seed, patience, minDelta, checkpointDir, checkpointEverySteps, fingerprint,
          onEpoch, afterStep);
    }

    public Options withCheckpoints(Path dir, int everySteps, String fingerprint) {
      return new Options(epochs, batchSize, seed, patience, minDelta, dir, everySteps, fingerprint, onEpoch, afterStep);
    }

    public Options onEpoch(Consumer<EpochMetrics> c) {
      return new Options(epochs, batchSize, seed, patience, minDelta, checkpointDir, checkpointEverySteps, fingerprint,
          c, afterStep);
    }

    public Options afterStep(LongConsumer c) {
      return new Options(epochs, batchSize, seed, patience, minDelta, checkpointDir, checkpointEverySteps, fingerprint,
          onEpoch, c);
    }
  }

  /**
   * Trains {@code net} (built, with at least {@code batchSize} rows, and initialized) with
   * {@code opt} (bound to it is not required: this binds it).
   */
  public static Result run(Network net, Loss loss, Optimizer opt, DenseData train, DenseData eval, Options o)
      throws IOException {
    return run(List.of(net), loss, List.of(opt), train, eval, o);
  }

  /**
   * Synchronous data-parallel training on replicas of one network (each built on its own backend,
   * with the same architecture): every global batch is cut into one contiguous shard per replica,
   * each computes the gradients of its shard, the gradients are averaged (weighted by shard size,
   * in replica order) and every replica takes the same optimizer step, so the replicas stay equal.
   * N replicas with batch size B train the model one replica trains with batch size B, to float
   * rounding, for networks without batch norm (whose batch statistics are per shard, as in
   * PyTorch's DistributedDataParallel; its running statistics are replica 0's, copied to the others
   * after each step). Replica 0 is evaluated, checkpointed and holds the result; the others start
   * from its weights. One replica is {@link #run(Network, Loss, Optimizer, DenseData, DenseData,
   * Options)}.
   */
  public static Result run(List<Network> nets, Loss loss, List<Optimizer> opts, DenseData train, DenseData eval,
      Options o) throws IOException {
    return run(nets, loss, opts, train, eval, o, null);
  }

  /**
   * One process of a distributed data-parallel job: this process trains its replica on its rank's
   * shard of every global batch and sums the gradients with the other ranks over {@code ring}, so
   * that the ranks together take the steps {@code ring.size()} local replicas would
   * ({@link #run(List, Loss, List, DenseData, DenseData, Options)}), to float rounding. Every rank
   * must be given the same network, data, options and seed; each ends with the same weights.
   * Every rank decides the best epoch and early stopping on rank 0's validation metrics, bit for
   * bit, so all ranks stop after the same epoch and keep the same best weights.
   * Checkpoints are not written in this mode (one failed rank fails the job, which then starts
   * again).
   */
  public static Result runDistributed(Network net, Loss loss, Optimizer opt, DenseData train, DenseData eval,
      Options o, org.millrace.trainer.dist.RingAllReduce ring) throws IOException {
    if (o.checkpointDir() != null) {
      throw new IllegalArgumentException("distributed training expected no checkpoint directory (it does not"
          + " checkpoint: a failed job starts again), got " + o.checkpointDir());
    }
    if (o.batchSize() < ring.size()) {
      throw new IllegalArgumentException("distributed training expected batch_size >= the number of ranks ("
          + ring.size() + "), got " + o.batchSize());
    }
    if (o.batchSize() / ring.size() < 2 && net.layers().stream().anyMatch(l -> l instanceof BatchNorm)) {
      throw new IllegalArgumentException("distributed training with batch norm expected at least 2 rows per rank,"
          + " got batch_size " + o.batchSize() + " for " + ring.size() + " ranks");
    }
    return run(List.of(net), loss, List.of(opt), train, eval, o, ring);
  }

  private static Result run(List<Network> nets, Loss loss, List<Optimizer> opts, DenseData train, DenseData eval,
      Options o, org.millrace.trainer.dist.RingAllReduce ring) throws IOException {
    checkReplicas(nets, opts, train, eval, o);
    Network net = nets.get(0);
    Optimizer opt = opts.get(0);
    Backend b = net.backend();
    for (int i = 0; i < nets.size(); i++) {
      opts.get(i).bind(nets.get(i));
    }
    int width = net.outputSize();
    Tensor labels = b.allocate(net.maxRows());
    Tensor grad = b.allocate(net.maxRows() * width);
    Tensor acc = b.allocate(2);
    Tensor evalLabels = b.allocate(net.maxRows());
    Tensor evalAcc = b.allocate(2);
    int batches = (train.rows() + o.batchSize() - 1) / o.batchSize();

    Progress p = Progress.resume(nets, opts, acc, o);
    if (p.finished) {
      net.load(p.bestTensors);
      return new Result(p.history, p.bestEpoch, p.stoppedEarly, p.resumedFrom, p.resumedFrom);
    }
    for (int r = 1; r < nets.size(); r++) {
      nets.get(r).load(net.values());
    }
    Replicas workers = ring != null && ring.size() > 1 ? new RingReplica(net, opt, ring, train.dim(), acc)
        : nets.size() == 1 ? null : new Workers(nets, opts, train.dim(), acc);
    try {
      BatchSource source = workers == null ? new BatchSource(net, train, labels) : null;
      int[] order = new int[train.rows()];
      boolean stopped = false;
      int epoch = p.startEpoch;
      for (; epoch <= o.epochs(); epoch++) {
        long t0 = System.currentTimeMillis();
        epochOrder(order, o.seed(), epoch);
        if (source != null) {
          source.newEpoch(order);
        }
        long rowsTrained = 0;
        long rowsChecksum = 0;
        if (epoch != p.startEpoch || p.startBatch == 0) {
          b.fill(acc, 0f, 2);
          if (workers != null) {
            workers.clearAccumulators();
          }
        }
        for (int batch = epoch == p.startEpoch ? p.startBatch : 0; batch < batches; batch++) {
          int from = batch * o.batchSize();
          int rows = Math.min(train.rows(), from + o.batchSize()) - from;
          long step = opt.steps() + 1;
          if (workers == null) {
            rowsTrained += rows;
            rowsChecksum += ReplicaRows.checksum(order, from, rows);
            source.load(order, from, rows);
            Tensor out = net.forward(rows, true, stepSeed(o.seed(), step));
            b.loss(loss, out, labels, rows, width, grad, acc);
            net.backward(grad, rows);
            opt.step();
          } else {
            workers.step(train, order, from, rows, loss, stepSeed(o.seed(), step));
          }
          o.afterStep().accept(step);
          boolean interrupted = Thread.currentThread().isInterrupted();
          if (o.checkpointDir() != null && (interrupted
              || o.checkpointEverySteps() > 0 && step % o.checkpointEverySteps() == 0 && batch + 1 < batches)) {
            save(o, net, opt, epochAcc(b, acc, workers), epoch, batch + 1, p, false, false);
          }
          if (interrupted) {
            throw new IOException("training interrupted at step " + step + (o.checkpointDir() == null ? ""
                : "; checkpoint written to " + o.checkpointDir()));
          }
        }
        float[] accHost = epochAcc(b, acc, workers);
        double[] val = evaluate(net, loss, eval, evalLabels, evalAcc);
        if (workers != null) {
          val = workers.agree(val);
        }
        List<ReplicaRows> shards = workers == null ? List.of(new ReplicaRows(0, rowsTrained, rowsChecksum))
            : workers.rowsTrained();
        var m = new EpochMetrics(epoch, accHost[0] / train.rows(), val[0], val[1], System.currentTimeMillis() - t0,
            shards);
        p.history.add(m);
        o.onEpoch().accept(m);
        if (val[0] < p.best - o.minDelta()) {
          p.best = val[0];
          p.bestEpoch = epoch;
          p.bestTensors = net.values();
          p.sinceBest = 0;
        } else if (o.patience() != null && ++p.sinceBest >= o.patience()) {
          stopped = true;
          break;
        }
        if (o.checkpointDir() != null && epoch < o.epochs()) {
          save(o, net, opt, accHost, epoch + 1, 0, p, false, false);
        }
        if (epoch < o.epochs()) {
          org.millrace.api.fault.CrashPoints.hit("trainer-epoch"); // test-only: kill -9 mid-training
        }
      }
      if (o.checkpointDir() != null) {
        save(o, net, opt, epochAcc(b, acc, workers), Math.min(epoch, o.epochs()), batches, p, true, stopped);
      }
      net.load(p.bestTensors);
      return new Result(p.history, p.bestEpoch, stopped, opt.steps(), p.resumedFrom);
    } finally {
      if (workers != null) {
        workers.close();
      }
    }
  }

  /** The replicas, optimizers, data and options must fit together; throws naming what does not. */
  private static void checkReplicas(List<Network> nets, List<Optimizer> opts, DenseData train, DenseData eval,
      Options o) {
    if (nets.isEmpty() || nets.size() != opts.size()) {
      throw new IllegalArgumentException("data-parallel training expected one optimizer per replica, got "
          + nets.size() + " replicas and " + opts.size() + " optimizers");
    }
    Network net = nets.get(0);
    for (Network r : nets) {
      if (!architecture(r).equals(architecture(net)) || r.maxRows() != net.maxRows()) {
        throw new IllegalArgumentException("data-parallel replicas expected the architecture and row capacity of"
            + " replica 0, got " + architecture(r) + " (" + r.maxRows() + " rows) vs " + architecture(net) + " ("
            + net.maxRows() + " rows)");
      }
    }
    if (new java.util.HashSet<>(nets).size() != nets.size() || new java.util.HashSet<>(opts).size() != opts.size()
        || nets.stream().map(Network::backend).distinct().count() != nets.size()) {
      throw new IllegalArgumentException("data-parallel training expected a network, an optimizer and a backend of its"
          + " own for each replica, got some shared");
    }
    if (nets.size() > 1 && o.batchSize() / nets.size() < 2 && net.layers().stream().anyMatch(l -> l instanceof BatchNorm)) {
      throw new IllegalArgumentException("data-parallel training with batch norm expected at least 2 rows per worker"
          + " (batch statistics of one row are meaningless), got batch_size " + o.batchSize() + " for " + nets.size()
          + " workers");
    }
    if (o.batchSize() < nets.size()) {
      throw new IllegalArgumentException("data-parallel training expected batch_size >= the number of workers ("
          + nets.size() + "), got " + o.batchSize());
    }
    if (train.dim() != net.inputSize()) {
      throw new IllegalArgumentException("training data expected " + net.inputSize() + " features per row, got "
          + train.dim());
    }
    if (eval.dim() != net.inputSize()) {
      throw new IllegalArgumentException("validation data expected " + net.inputSize() + " features per row, got "
          + eval.dim());
    }
    if (net.maxRows() < o.batchSize()) {
      throw new IllegalArgumentException("network built for " + net.maxRows() + " rows, batch_size expected at most"
          + " that, got " + o.batchSize());
    }
    if (net.layers().get(0) instanceof Embedding e) {
      train.checkIds(e.inputDim(), "train");
      eval.checkIds(e.inputDim(), "eval");
    }
  }

  /**
   * Where the run stands: the history, the best validation loss so far and its weights, and where
   * to start (epoch and batch), fresh or from the latest checkpoint with the run's fingerprint.
   */
  private static final class Progress {
    final List<EpochMetrics> history = new ArrayList<>();
    double best = Double.POSITIVE_INFINITY;
    int bestEpoch;
    int sinceBest;
    List<float[]> bestTensors;
    int startEpoch = 1;
    int startBatch;
    long resumedFrom;
    boolean finished;
    boolean stoppedEarly;

    /** A fresh start, or the checkpoint's state loaded into every replica, its optimizer and the accumulator. */
    static Progress resume(List<Network> nets, List<Optimizer> opts, Tensor acc, Options o) throws IOException {
      Network net = nets.get(0);
      var p = new Progress();
      p.bestTensors = net.values();
      Checkpoint ck = o.checkpointDir() == null ? null : Checkpoint.readLatest(o.checkpointDir());
      if (ck == null || !ck.fingerprint().equals(o.fingerprint())) {
        return p;
      }
      net.load(ck.tensors());
      List<Tensor> slots = opts.get(0).slots();
      if (slots.size() != ck.slots().size()) {
        throw new IllegalArgumentException(o.checkpointDir() + ": checkpoint expected " + slots.size()
            + " optimizer slots, got " + ck.slots().size());
      }
      for (int r = 0; r < nets.size(); r++) {
        for (int i = 0; i < slots.size(); i++) {
          nets.get(r).backend().upload(ck.slots().get(i), opts.get(r).slots().get(i));
        }
        opts.get(r).restoreStep(ck.step());
      }
      net.backend().upload(ck.epochAcc(), acc);
      p.history.addAll(ck.history());
      p.best = ck.best();
      p.bestEpoch = ck.bestEpoch();
      p.sinceBest = ck.sinceBest();
      p.bestTensors = ck.bestTensors();
      p.startEpoch = ck.epoch();
      p.startBatch = ck.batch();
      p.resumedFrom = ck.step();
      p.finished = ck.finished();
      p.stoppedEarly = ck.stoppedEarly();
      return p;
    }
  }

  /**
   * Puts each step's batch into the network's input and the labels tensor. Where the backend's
   * tensors are host arrays ({@link Backend#view}) or it keeps the training set in its memory when
   * it fits ({@link Backend#holdsData}), each epoch puts the shuffled order there once and each
   * step gathers its batch there, so a step moves nothing more; otherwise the batch is gathered on
   * the host and uploaded.
   */
  private static final class BatchSource {
    private final Backend b;
    private final Network net;
    private final DenseData train;
    private final Tensor labels;
    private final boolean resident;
    private Tensor dataX;
    private Tensor dataY;
    private Tensor order;
    private float[] orderFloats;
    private float[] hostX;
    private float[] hostY;

    BatchSource(Network net, DenseData train, Tensor labels) {
      this.b = net.backend();
      this.net = net;
      this.train = train;
      this.labels = labels;
      long floats = (long) train.rows() * train.dim();
      // The order goes to the backend as floats: row numbers are exact up to 2^24.
      var viewX = train.rows() <= 1 << 24 ? b.view(train.features()) : java.util.Optional.<Tensor>empty();
      boolean viewed = viewX.isPresent();
      this.resident = viewed || b.holdsData(train.rows(), floats);
      if (viewed) {
        dataX = viewX.get();
        dataY = b.view(train.labels()).orElseThrow();
      } else if (resident) {
        dataX = b.allocate((int) floats);
        dataY = b.allocate(train.rows());
        b.upload(train.features(), 0, dataX, 0, (int) floats);
        b.upload(train.labels(), 0, dataY, 0, train.rows());
      } else {
        hostX = new float[net.maxRows() * train.dim()];
        hostY = new float[net.maxRows()];
      }
      if (resident) {
        order = b.allocate(train.rows());
        orderFloats = new float[train.rows()];
      }
    }

    void newEpoch(int[] shuffled) {
      if (resident) {
        for (int i = 0; i < shuffled.length; i++) {
          orderFloats[i] = shuffled[i];
        }
        b.upload(orderFloats, order);
      }
    }

    void load(int[] shuffled, int from, int rows) {
      if (resident) {
        b.gatherBatch(dataX, dataY, train.dim(), order, from, rows, net.input(), labels);
      } else {
        train.gather(shuffled, from, rows, hostX, hostY);
        b.upload(hostX, 0, net.input(), 0, rows * train.dim());
        b.upload(hostY, 0, labels, 0, rows);
      }
    }
  }

  private static List<Object> architecture(Network n) {
    return List.of(java.util.Arrays.stream(n.inputShape()).boxed().toList(), n.layers().stream().map(Layer::config)
        .toList());
  }

  /** The epoch's loss and hit sums: replica 0's accumulator, plus the other workers' when data-parallel. */
  private static float[] epochAcc(Backend b, Tensor acc, Replicas workers) {
    float[] a = b.download(acc);
    if (workers != null) {
      workers.addAccumulators(a);
    }
    return a;
  }

  private static void save(Options o, Network net, Optimizer opt, float[] acc, int epoch, int batch, Progress p,
      boolean finished, boolean stopped) throws IOException {
    Backend b = net.backend();
    new Checkpoint(o.fingerprint(), epoch, batch, opt.steps(), acc, List.copyOf(p.history), p.best, p.bestEpoch,
        p.sinceBest, finished, stopped, net.values(), opt.slots().stream().map(b::download).toList(), p.bestTensors)
        .write(o.checkpointDir());
  }

  /** The dropout seed of a step: a hash of (seed, step). */
  static int stepSeed(long seed, long step) {
    return Long.hashCode(new SplittableRandom(seed ^ step * 0xD1B54A32D192ED03L).nextLong());
  }

  /** Mean loss and accuracy (NaN for regression) of a data set, in inference mode. */
  public static double[] evaluate(Network net, Loss loss, DenseData data) {
    return evaluate(net, loss, data, net.backend().allocate(net.maxRows()), net.backend().allocate(2));
  }

  private static double[] evaluate(Network net, Loss loss, DenseData data, Tensor labels, Tensor acc) {
    Backend b = net.backend();
    int width = net.outputSize();
    int step = net.maxRows();
    b.fill(acc, 0f, 2);
    float[] hostX = new float[step * data.dim()];
    float[] hostY = new float[step];
    for (int from = 0; from < data.rows(); from += step) {
      int rows = Math.min(data.rows(), from + step) - from;
      data.gather(null, from, rows, hostX, hostY);
      b.upload(hostX, 0, net.input(), 0, rows * data.dim());
      b.upload(hostY, 0, labels, 0, rows);
      b.loss(loss, net.forward(rows, false, 0), labels, rows, width, null, acc);
    }
    float[] a = b.download(acc);
    boolean classes = loss != Loss.MSE;
    return new double[] {(double) a[0] / data.rows(), classes ? (double) a[1] / data.rows() : Double.NaN};
  }

  /**
   * Fills {@code order} with the order in which epoch {@code epoch} (from 1) of a run with this seed
   * visits the training rows: a seeded Fisher-Yates shuffle. Public so that a peer can be fed the
   * same batches (benchmarks/trainer/time_to_accuracy.sh).
   */
  public static void epochOrder(int[] order, long seed, int epoch) {
    shuffle(order, new SplittableRandom(seed + epoch * 0x9E3779B97F4A7C15L));
  }

  static void shuffle(int[] a, SplittableRandom rnd) {
    for (int i = 0; i < a.length; i++) {
      a[i] = i;
    }
    for (int i = a.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
