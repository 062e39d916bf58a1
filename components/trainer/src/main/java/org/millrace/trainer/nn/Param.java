package org.millrace.trainer.nn;

import java.util.List;
import org.millrace.trainer.backend.Tensor;

/**
 * A named tensor of a layer: a trainable parameter with its gradient, or (grad null) state that
 * is saved with the model but not trained, such as batch-norm running statistics.
 */
public record Param(String name, List<Integer> shape, Tensor value, Tensor grad) {
  public int size() {
    return value.size();
  }
}
