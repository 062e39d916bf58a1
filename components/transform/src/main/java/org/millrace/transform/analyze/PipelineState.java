package org.millrace.transform.analyze;

import java.util.ArrayList;
import java.util.List;
import org.millrace.transform.graph.FeaturePipeline;
import org.millrace.transform.graph.GraphOp;
import org.millrace.transform.graph.InputFeature;
import org.millrace.transform.graph.Probe;
import org.millrace.transform.spec.FeatureSpec;
import org.millrace.transform.spec.OpSpec;

/** One feature pipeline while it is being fitted: the spec, the fitted prefix and the next op. */
final class PipelineState {
  final FeatureSpec spec;
  final List<InputFeature> sources;
  final boolean categorical;
  final List<GraphOp> fitted = new ArrayList<>();
  int next;

  PipelineState(FeatureSpec spec, List<InputFeature> sources, boolean categorical) {
    this.spec = spec;
    this.sources = List.copyOf(sources);
    this.categorical = categorical;
  }

  /** Converts ops that need no statistics; returns the op waiting for analysis, or null when done. */
  OpSpec advance() {
    while (next < spec.ops().size()) {
      OpSpec op = spec.ops().get(next);
      if (op.needsAnalysis()) {
        return op;
      }
      fitted.add(Fitter.fixed(op, this));
      next++;
    }
    return null;
  }

  Probe probe(String nanPolicy) {
    return new Probe(spec.name(), sources, categorical, fitted, nanPolicy);
  }

  String where() {
    return spec.path() + ".ops[" + next + "]";
  }

  FeaturePipeline build() {
    return new FeaturePipeline(spec.name(), spec.sources(), categorical, fitted);
  }
}
