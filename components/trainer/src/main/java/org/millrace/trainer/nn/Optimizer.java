package org.millrace.trainer.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * Updates parameters from gradients. SGD (with momentum and Nesterov), Adam (L2 weight decay
 * added to the gradient) and AdamW (decoupled weight decay), after optional global-norm clipping.
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
  private final List<float[]> m = new ArrayList<>();
  private final List<float[]> v = new ArrayList<>();
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

  /** The learning rate the next step will use. */
  public double currentLearningRate() {
    return lr * schedule.factor(step + 1);
  }

  public void step(List<float[]> params, List<float[]> grads) {
    if (m.isEmpty()) {
      params.forEach(p -> {
        m.add(new float[p.length]);
        v.add(new float[p.length]);
      });
    }
    step++;
    double lr = this.lr * schedule.factor(step);
    double scale = 1;
    if (clipNorm != null) {
      double sq = 0;
      for (float[] g : grads) {
        for (float x : g) {
          sq += (double) x * x;
        }
      }
      double norm = Math.sqrt(sq);
      scale = norm > clipNorm ? clipNorm / norm : 1;
    }
    double bc1 = 1 - Math.pow(beta1, step);
    double bc2 = 1 - Math.pow(beta2, step);
    for (int t = 0; t < params.size(); t++) {
      float[] p = params.get(t);
      float[] g = grads.get(t);
      float[] mt = m.get(t);
      float[] vt = v.get(t);
      for (int i = 0; i < p.length; i++) {
        double gi = g[i] * scale;
        switch (kind) {
          case SGD -> {
            gi += weightDecay * p[i];
            double vel = momentum * mt[i] + gi;
            mt[i] = (float) vel;
            double upd = nesterov ? gi + momentum * vel : (momentum > 0 ? vel : gi);
            p[i] -= (float) (lr * upd);
          }
          case ADAM, ADAMW -> {
            if (kind == Kind.ADAM) {
              gi += weightDecay * p[i];
            }
            mt[i] = (float) (beta1 * mt[i] + (1 - beta1) * gi);
            vt[i] = (float) (beta2 * vt[i] + (1 - beta2) * gi * gi);
            double upd = (mt[i] / bc1) / (Math.sqrt(vt[i] / bc2) + epsilon);
            if (kind == Kind.ADAMW) {
              upd += weightDecay * p[i];
            }
            p[i] -= (float) (lr * upd);
          }
        }
      }
    }
  }
}
