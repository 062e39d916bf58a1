package org.millrace.trainer.nn;

import java.util.ArrayList;
import java.util.List;
import org.millrace.trainer.backend.Backend;
import org.millrace.trainer.backend.Tensor;

/**
 * Updates parameters from gradients on the parameters' backend: SGD (with momentum and Nesterov),
 * Adam (L2 weight decay added to the gradient) and AdamW (decoupled weight decay), after optional
 * global-norm clipping. The slots (momentum / first and second moments) live on the backend too;
 * {@link #slots()} and {@link #steps()} are what a checkpoint saves.
 */
public final class Optimizer {
  /** Which update rule. */
  public enum Kind { SGD, ADAM, ADAMW }

  private final Kind kind;
  private final double lr;
  private final double momentum;
  private final boolean nesterov;
  private final double weightDecay;
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final Double clipNorm;
  private LrSchedule schedule = LrSchedule.CONSTANT;
  private Backend backend;
  private List<Param> params;
  private List<Tensor> values;
  private List<Tensor> grads;
  private final List<Tensor> m = new ArrayList<>();
  private final List<Tensor> v = new ArrayList<>();
  private long step;

  public Optimizer(Kind kind, double lr, double momentum, boolean nesterov, double weightDecay, double beta1,
      double beta2, double epsilon, Double clipNorm) {
    this.kind = kind;
    this.lr = lr;
    this.momentum = momentum;
    this.nesterov = nesterov;
    this.weightDecay = weightDecay;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.clipNorm = clipNorm;
  }

  /** Uses {@code s} for the learning rate of every following step. */
  public Optimizer withSchedule(LrSchedule s) {
    this.schedule = s;
    return this;
  }

  public Kind kind() {
    return kind;
  }

  /** The learning rate the next step will use. */
  public double currentLearningRate() {
    return lr * schedule.factor(step + 1);
  }

  /** Steps taken so far. */
  public long steps() {
    return step;
  }

  /** Allocates the slots for a network's parameters (zero), resetting the step count. */
  public void bind(Network net) {
    this.backend = net.backend();
    this.params = net.parameters();
    this.values = params.stream().map(Param::value).toList();
    this.grads = params.stream().map(Param::grad).toList();
    m.clear();
    v.clear();
    for (Param p : params) {
      m.add(backend.allocate(p.size()));
      if (kind != Kind.SGD) {
        v.add(backend.allocate(p.size()));
      }
    }
    step = 0;
  }

  /** Slot tensors in a fixed order (first moments / velocities, then second moments). */
  public List<Tensor> slots() {
    var out = new ArrayList<Tensor>(m);
    out.addAll(v);
    return out;
  }

  /** Restores the step count (slot values are uploaded into {@link #slots()} by the caller). */
  public void restoreStep(long step) {
    this.step = step;
  }

  /** One update of every bound parameter from its gradient. */
  public void step() {
    if (params == null) {
      throw new IllegalStateException("optimizer expected bind(network) first");
    }
    step++;
    float rate = (float) (lr * schedule.factor(step));
    float scale = 1f;
    if (clipNorm != null) {
      double sq = 0;
      for (Param p : params) {
        sq += backend.sumSquares(p.grad(), p.size());
      }
      double norm = Math.sqrt(sq);
      scale = norm > clipNorm ? (float) (clipNorm / norm) : 1f;
    }
    float bc1 = (float) (1 - Math.pow(beta1, step));
    float bc2 = (float) (1 - Math.pow(beta2, step));
    if (kind == Kind.SGD) {
      backend.sgdAll(values, grads, m, rate, (float) momentum, nesterov, (float) weightDecay, scale);
    } else {
      backend.adamAll(values, grads, m, v, rate, (float) beta1, (float) beta2, (float) epsilon, (float) weightDecay,
          kind == Kind.ADAMW, bc1, bc2, scale);
    }
  }
}
