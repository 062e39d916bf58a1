package org.millrace.serving;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.millrace.trainer.model.ModelRuntime;

/**
 * Forward passes of one model version on the Java backend, several at once: a network's buffers
 * serve one batch at a time, so the pool holds {@code replicas} copies of the version (each with
 * its own network, buffers and weights), and a call borrows one for its pass. A call finding every
 * copy busy waits for one ({@link Batcher} never lets more passes than copies run).
 */
final class RuntimePool implements Inference {
  private final BlockingQueue<ModelRuntime> free;

  RuntimePool(Path dir, ModelRuntime first, int replicas) throws IOException {
    if (replicas < 1) {
      throw new IllegalArgumentException("replicas expected >= 1, got " + replicas);
    }
    free = new ArrayBlockingQueue<>(replicas);
    free.add(first);
    for (int i = 1; i < replicas; i++) {
      free.add(ModelRuntime.load(dir));
    }
  }

  /** The Java backend's pool: the factory {@link ModelServer} uses unless told otherwise. */
  static Inference.Factory factory() {
    return RuntimePool::new;
  }

  @Override
  public float[] predict(float[] features, int rows) {
    ModelRuntime rt = free.poll();
    if (rt == null) {
      try {
        rt = free.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a free copy of the model", e);
      }
    }
    try {
      return rt.predictDense(features, rows);
    } finally {
      free.add(rt);
    }
  }
}
