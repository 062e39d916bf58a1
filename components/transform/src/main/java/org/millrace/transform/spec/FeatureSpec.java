package org.millrace.transform.spec;

import java.util.List;

/**
 * One entry of {@code features}: a raw feature (or a cross of several), an output name and ops.
 *
 * @param name output base name (default: the feature, or {@code a_x_b} for a cross)
 * @param sources raw feature names (one, or several for a cross)
 * @param ops ops in order
 * @param path where the entry sits in the parameters (e.g. {@code features[2]}), for errors
 */
public record FeatureSpec(String name, List<String> sources, List<OpSpec> ops, String path) {
  public FeatureSpec {
    sources = List.copyOf(sources);
    ops = List.copyOf(ops);
  }

  public boolean isCross() {
    return sources.size() > 1;
  }
}
