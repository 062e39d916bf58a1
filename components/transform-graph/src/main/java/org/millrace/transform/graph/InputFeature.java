package org.millrace.transform.graph;

import org.millrace.api.data.FeatureType;

/**
 * A raw feature the graph reads, with the type it had at analyze time. The type fixes how a
 * serving value is read (a JSON number for an INT feature becomes "3", never "3.0").
 *
 * @param name raw feature name
 * @param type raw type
 */
public record InputFeature(String name, FeatureType type) {
  public InputFeature {
    if (name == null || name.isBlank() || type == null) {
      throw new IllegalArgumentException("input feature expected a name and a type, got " + name + ", " + type);
    }
  }
}
