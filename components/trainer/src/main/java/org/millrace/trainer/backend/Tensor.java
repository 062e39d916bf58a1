package org.millrace.trainer.backend;

/**
 * A handle to {@code size()} float32 values owned by a {@link Backend}: host memory for the Java
 * backend, device memory for OpenCL. Only the backend that allocated a tensor may use it; values
 * move between host and tensor only through {@link Backend#upload} and {@link Backend#download},
 * or are shared with a host array through a {@link Backend#view}.
 */
public interface Tensor {
  int size();
}
