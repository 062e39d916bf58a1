package org.millrace.trainer.fit;

import org.millrace.trainer.backend.Loss;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.millrace.trainer.backend.Backend;
import org.millrace.trainer.backend.Tensor;
import org.millrace.trainer.data.DenseData;
import org.millrace.trainer.dist.RingAllReduce;
import org.millrace.trainer.nn.Network;
import org.millrace.trainer.nn.Optimizer;
import org.millrace.trainer.nn.Param;

/**
 * The data-parallel step of one process of a distributed training job: this rank's contiguous
 * shard of every global batch (the shard a {@link Workers} replica of the same index would get),
 * its gradients weighted by shard size and summed over the ranks with one ring all-reduce, then
 * the same optimizer step as every other rank. Batch-norm running statistics follow rank 0's.
 */
final class RingReplica implements Replicas {
  private final Network net;
  private final Optimizer opt;
  private final RingAllReduce ring;
  private final Tensor labels;
  private final Tensor grad;
  private final Tensor acc;
  private final float[] hostX;
  private final float[] hostY;
  private long shardRows;
  private long shardChecksum;

  RingReplica(Network net, Optimizer opt, RingAllReduce ring, int dim, Tensor acc) {
    this.net = net;
    this.opt = opt;
    this.ring = ring;
    Backend b = net.backend();
    this.labels = b.allocate(net.maxRows());
    this.grad = b.allocate(net.maxRows() * net.outputSize());
    this.acc = acc;
    this.hostX = new float[net.maxRows() * dim];
    this.hostY = new float[net.maxRows()];
  }

  @Override
  public void step(DenseData train, int[] order, int from, int rows, Loss loss, int seed) {
    int n = ring.size();
    int r = ring.rank();
    int first = 0;
    for (int w = 0; w < r; w++) {
      first += rows / n + (w < rows % n ? 1 : 0);
    }
    int k = rows / n + (r < rows % n ? 1 : 0);
    Backend b = net.backend();
    List<Param> params = net.parameters();
    if (k > 0) {
      train.gather(order, from + first, k, hostX, hostY);
      shardRows += k;
      shardChecksum += ReplicaRows.checksum(order, from + first, k);
      b.upload(hostX, 0, net.input(), 0, k * train.dim());
      b.upload(hostY, 0, labels, 0, k);
      Tensor out = net.forward(k, true, seed, first);
      b.loss(loss, out, labels, k, net.outputSize(), grad, acc);
      net.backward(grad, k);
    }
    int total = 0;
    for (Param p : params) {
      total += p.size();
    }
    float[] flat = new float[total];
    if (k > 0) {
      float weight = (float) ((double) k / rows);
      int at = 0;
      for (Param p : params) {
        float[] g = b.download(p.grad());
        for (int i = 0; i < g.length; i++) {
          flat[at + i] = g[i] * weight;
        }
        at += g.length;
      }
    }
    reduce(flat);
    int at = 0;
    for (Param p : params) {
      b.upload(flat, at, p.grad(), 0, p.size());
      at += p.size();
    }
    opt.step();
    List<Param> state = net.state();
    if (!state.isEmpty()) {
      int size = 0;
      for (Param p : state) {
        size += p.size();
      }
      float[] values = new float[size];
      if (r == 0) {
        int o = 0;
        for (Param p : state) {
          b.download(p.value(), 0, values, o, p.size());
          o += p.size();
        }
      }
      reduce(values);
      int o = 0;
      for (Param p : state) {
        b.upload(values, o, p.value(), 0, p.size());
        o += p.size();
      }
    }
  }

  private void reduce(float[] data) {
    try {
      ring.sum(data);
    } catch (IOException e) {
      throw new UncheckedIOException("distributed training: the all-reduce of rank " + ring.rank() + " of "
          + ring.size() + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Rank 0's metrics, bit for bit, on every rank, so that every rank picks the same best epoch and
   * stops together, on the values a single process would have decided by.
   */
  @Override
  public double[] agree(double[] metrics) {
    long[] bits = new long[metrics.length];
    for (int i = 0; i < bits.length; i++) {
      bits[i] = Double.doubleToRawLongBits(metrics[i]);
    }
    long[][] all = gather(bits);
    double[] out = new double[metrics.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = Double.longBitsToDouble(all[0][i]);
    }
    return out;
  }

  /** Every rank's rows of this epoch, gathered from the ranks (a collective: every rank calls it). */
  @Override
  public List<ReplicaRows> rowsTrained() {
    long[][] all = gather(new long[] {shardRows, shardChecksum});
    var out = new java.util.ArrayList<ReplicaRows>();
    for (int r = 0; r < all.length; r++) {
      out.add(new ReplicaRows(r, all[r][0], all[r][1]));
    }
    return out;
  }

  /**
   * Every rank's {@code values} (the same length on all ranks), exactly: each 64-bit value travels
   * as four 16-bit pieces in floats, in a slot only its rank fills, so the ring's sum adds only
   * zeros to it.
   */
  private long[][] gather(long[] values) {
    int n = ring.size();
    int m = values.length;
    float[] v = new float[n * m * 4];
    int at = ring.rank() * m * 4;
    for (int i = 0; i < m; i++) {
      for (int p = 0; p < 4; p++) {
        v[at + 4 * i + p] = (float) ((values[i] >>> (16 * p)) & 0xFFFF);
      }
    }
    reduce(v);
    long[][] out = new long[n][m];
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < m; i++) {
        long x = 0;
        for (int p = 0; p < 4; p++) {
          x |= ((long) v[r * m * 4 + 4 * i + p]) << (16 * p);
        }
        out[r][i] = x;
      }
    }
    return out;
  }

  @Override
  public void clearAccumulators() {
    // The loop's own accumulator is the only other one.
    shardRows = 0;
    shardChecksum = 0;
  }

  @Override
  public void addAccumulators(float[] sums) {
    reduce(sums);
  }

  @Override
  public void close() {
    // The ring belongs to the caller.
  }
}
