package org.millrace.api.model;

import com.fasterxml.jackson.annotation.JsonValue;
import org.millrace.api.spec.Spellings;

/**
 * What a model predicts: a class ({@code classification}: class probabilities, a label
 * vocabulary) or a value ({@code regression}). Spelled in lower case in parameters, the transform
 * graph, model.json, ONNX metadata and the serving API.
 */
public enum Task {
  CLASSIFICATION,
  REGRESSION;

  /** The spelling in files and parameters: {@code classification} or {@code regression}. */
  @JsonValue
  public String spelling() {
    return Spellings.of(this);
  }

  /** Reads a spelling (any case); a wrong one fails naming {@code path} and the allowed values. */
  public static Task parse(String value, String path) {
    return Spellings.parse(Task.class, value, path);
  }
}
