package org.millrace.trainer.fit;

import org.millrace.trainer.backend.Loss;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.millrace.trainer.backend.Backend;
import org.millrace.trainer.backend.Tensor;
import org.millrace.trainer.data.DenseData;
import org.millrace.trainer.nn.Network;
import org.millrace.trainer.nn.Optimizer;
import org.millrace.trainer.nn.Param;

/**
 * The data-parallel steps of {@link Training#run(List, Loss, List, DenseData, DenseData,
 * Training.Options)}: one thread per replica computes its shard's gradients, an all-reduce (on
 * the host, in replica order, so the result does not depend on timing) averages them weighted by
 * shard size, and every replica applies the same optimizer step.
 */
final class Workers implements Replicas {
  private final List<Network> nets;
  private final List<Optimizer> opts;
  private final ExecutorService pool;
  private final Tensor[] labels;
  private final Tensor[] grads;
  /** Loss and hit sums of replicas 1..n-1 (replica 0 uses the training loop's own accumulator). */
  private final Tensor[] accs;
  private final float[][] hostX;
  private final float[][] hostY;
  /** Rows each replica trained this epoch, and their checksum ({@link ReplicaRows}). */
  private final long[] shardRows;
  private final long[] shardChecksums;

  Workers(List<Network> nets, List<Optimizer> opts, int dim, Tensor acc0) {
    this.nets = nets;
    this.opts = opts;
    int n = nets.size();
    labels = new Tensor[n];
    grads = new Tensor[n];
    accs = new Tensor[n];
    hostX = new float[n][];
    hostY = new float[n][];
    shardRows = new long[n];
    shardChecksums = new long[n];
    for (int w = 0; w < n; w++) {
      Network net = nets.get(w);
      Backend b = net.backend();
      labels[w] = b.allocate(net.maxRows());
      grads[w] = b.allocate(net.maxRows() * net.outputSize());
      accs[w] = w == 0 ? acc0 : b.allocate(2);
      hostX[w] = new float[net.maxRows() * dim];
      hostY[w] = new float[net.maxRows()];
    }
    pool = Executors.newFixedThreadPool(n, r -> {
      Thread t = new Thread(r, "millrace-train-worker");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public void step(DenseData train, int[] order, int from, int rows, Loss loss, int seed) {
    int n = nets.size();
    int[] start = new int[n + 1];
    for (int w = 0; w < n; w++) {
      start[w + 1] = start[w] + rows / n + (w < rows % n ? 1 : 0);
    }
    parallel(w -> {
      int k = start[w + 1] - start[w];
      if (k == 0) {
        return;
      }
      Network net = nets.get(w);
      Backend b = net.backend();
      train.gather(order, from + start[w], k, hostX[w], hostY[w]);
      shardRows[w] += k;
      shardChecksums[w] += ReplicaRows.checksum(order, from + start[w], k);
      b.upload(hostX[w], 0, net.input(), 0, k * train.dim());
      b.upload(hostY[w], 0, labels[w], 0, k);
      Tensor out = net.forward(k, true, seed, start[w]);
      b.loss(loss, out, labels[w], k, net.outputSize(), grads[w], accs[w]);
      net.backward(grads[w], k);
    });
    allReduce(start, rows);
    parallel(w -> opts.get(w).step());
    broadcastState();
  }

  /** Every replica's gradients become sum over shards of (shard rows / rows) x the shard's mean gradient. */
  private void allReduce(int[] start, int rows) {
    List<Param> params = nets.get(0).parameters();
    int n = nets.size();
    for (int j = 0; j < params.size(); j++) {
      int size = params.get(j).size();
      double[] sum = new double[size];
      for (int w = 0; w < n; w++) {
        int k = start[w + 1] - start[w];
        if (k == 0) {
          continue;
        }
        float[] g = nets.get(w).backend().download(nets.get(w).parameters().get(j).grad());
        double weight = (double) k / rows;
        for (int i = 0; i < size; i++) {
          sum[i] += weight * g[i];
        }
      }
      float[] mean = new float[size];
      for (int i = 0; i < size; i++) {
        mean[i] = (float) sum[i];
      }
      final int index = j;
      parallel(w -> nets.get(w).backend().upload(mean, nets.get(w).parameters().get(index).grad()));
    }
  }

  /** Non-trainable state (batch-norm running statistics) follows replica 0, as DDP broadcasts buffers. */
  private void broadcastState() {
    List<Param> state = nets.get(0).state();
    for (int j = 0; j < state.size(); j++) {
      float[] v = nets.get(0).backend().download(state.get(j).value());
      final int index = j;
      parallel(w -> {
        if (w > 0) {
          nets.get(w).backend().upload(v, nets.get(w).state().get(index).value());
        }
      });
    }
  }

  @Override
  public void clearAccumulators() {
    for (int w = 1; w < nets.size(); w++) {
      nets.get(w).backend().fill(accs[w], 0f, 2);
    }
    java.util.Arrays.fill(shardRows, 0);
    java.util.Arrays.fill(shardChecksums, 0);
  }

  @Override
  public List<ReplicaRows> rowsTrained() {
    var out = new ArrayList<ReplicaRows>();
    for (int w = 0; w < nets.size(); w++) {
      out.add(new ReplicaRows(w, shardRows[w], shardChecksums[w]));
    }
    return out;
  }

  /** Adds replicas 1..n-1's loss and hit sums to {@code acc} (replica 0's). */
  @Override
  public void addAccumulators(float[] acc) {
    for (int w = 1; w < nets.size(); w++) {
      float[] a = nets.get(w).backend().download(accs[w]);
      acc[0] += a[0];
      acc[1] += a[1];
    }
  }

  @FunctionalInterface
  private interface PerWorker {
    void run(int worker) throws Exception;
  }

  /** Runs {@code body} for every replica at once and waits; the first failure is rethrown. */
  private void parallel(PerWorker body) {
    var futures = new ArrayList<Future<?>>();
    for (int w = 0; w < nets.size(); w++) {
      final int worker = w;
      futures.add(pool.submit((Callable<Void>) () -> {
        body.run(worker);
        return null;
      }));
    }
    RuntimeException failure = null;
    boolean interrupted = false;
    for (Future<?> f : futures) {
      while (true) {
        try {
          f.get();
          break;
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = e.getCause() instanceof RuntimeException r ? r
                : new IllegalStateException("data-parallel worker failed: " + e.getCause(), e.getCause());
          }
          break;
        } catch (InterruptedException e) {
          // The step finishes on every replica (they must stay equal); the training loop sees the
          // interrupt after it and checkpoints.
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
