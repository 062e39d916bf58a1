package org.millrace.pusher;

import org.millrace.api.spec.ParameterException;

/**
 * Pusher parameters.
 *
 * @param baseDir the registry root; versions go to {@code <base_dir>/<model_name>/<version>/}
 * @param modelName the served model's name
 */
public record PusherParams(String baseDir, String modelName) {
  public PusherParams {
    if (baseDir == null || baseDir.isBlank()) {
      throw new ParameterException("base_dir", "base_dir expected a directory for the model registry, got nothing");
    }
    if (modelName == null || !modelName.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
      throw new ParameterException("model_name", "model_name expected letters, digits, '.', '_' or '-', got '"
          + modelName + "'");
    }
  }
}
