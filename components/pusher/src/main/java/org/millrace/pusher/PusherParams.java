package org.millrace.pusher;

import org.millrace.api.spec.ParameterException;

/**
 * Pusher parameters.
 *
 * @param baseDir registry root; versions go to {@code <base_dir>/<model_name>/<version>/}
 * @param modelName the served model's name
 */
public record PusherParams(String baseDir, String modelName) {
  public PusherParams {
    if (baseDir == null || baseDir.isBlank()) {
      throw new ParameterException("base_dir", "base_dir expected a directory path, got " + baseDir);
    }
    if (modelName == null || !modelName.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new ParameterException("model_name", "model_name expected [A-Za-z0-9][A-Za-z0-9._-]*, got '" + modelName + "'");
    }
  }
}
