package org.millrace.trainer.component;

import com.fasterxml.jackson.annotation.JsonValue;
import org.millrace.api.spec.Spellings;

/**
 * The Trainer's {@code backend} parameter: {@code auto} (an OpenCL GPU, else Java), {@code java},
 * {@code opencl} (GPU first, then a CPU device), {@code opencl_gpu} or {@code opencl_cpu}.
 * {@link Backends} opens the backend a choice names.
 */
public enum BackendChoice {
  AUTO,
  JAVA,
  OPENCL,
  OPENCL_GPU,
  OPENCL_CPU;

  /** The spelling in parameters: {@code auto}, {@code java}, {@code opencl}, {@code opencl_gpu}, {@code opencl_cpu}. */
  @JsonValue
  public String spelling() {
    return Spellings.of(this);
  }

  /** Reads a spelling (any case); a wrong one fails naming {@code path} and the allowed values. */
  public static BackendChoice parse(String value, String path) {
    return Spellings.parse(BackendChoice.class, value, path);
  }
}
