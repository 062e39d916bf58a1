package org.millrace.trainer.nn;

/**
 * The learning rate at each optimizer step: an optional linear warmup from 0, then constant,
 * step decay ({@code gamma} every {@code stepSize} steps) or cosine decay to {@code minFactor}
 * of the base rate over {@code totalSteps}.
 */
public record LrSchedule(Kind kind, int warmupSteps, int stepSize, double gamma, double minFactor, long totalSteps) {

  /** Decay shapes. */
  public enum Kind { CONSTANT, STEP, COSINE }

  public static final LrSchedule CONSTANT = new LrSchedule(Kind.CONSTANT, 0, 1, 1, 0, 1);

  public LrSchedule {
    if (warmupSteps < 0 || stepSize < 1 || gamma <= 0 || minFactor < 0 || minFactor > 1 || totalSteps < 1) {
      throw new IllegalArgumentException(String.format("learning-rate schedule expected warmup_steps >= 0, step_size >= 1,"
          + " gamma > 0, min_factor in [0, 1], got %d, %d, %s, %s", warmupSteps, stepSize, gamma, minFactor));
    }
  }

  /** The factor of the base learning rate at step {@code step} (1-based). */
  public double factor(long step) {
    if (step <= warmupSteps) {
      return (double) step / warmupSteps;
    }
    long t = step - warmupSteps;
    return switch (kind) {
      case CONSTANT -> 1;
      case STEP -> Math.pow(gamma, (t - 1) / stepSize);
      case COSINE -> {
        double progress = Math.min(1, (double) (t - 1) / Math.max(1, totalSteps - warmupSteps - 1));
        yield minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * progress));
      }
    };
  }
}
