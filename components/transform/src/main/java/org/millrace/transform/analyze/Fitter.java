package org.millrace.transform.analyze;

import java.util.ArrayList;
import java.util.List;
import org.millrace.api.data.FeatureType;
import org.millrace.api.spec.ParameterException;
import org.millrace.transform.graph.GraphOp;
import org.millrace.transform.spec.OpSpec;

/** Turns spec ops into fitted graph ops, from analyzer state where the op needs it. */
final class Fitter {
  private Fitter() {}

  /** An op that needs no statistics. */
  static GraphOp fixed(OpSpec op, PipelineState p) {
    if (op instanceof OpSpec.FillMissing f) {
      Object v = f.value();
      if (p.categorical) {
        String s = v instanceof String str ? str : textOf((Number) v, p.sources.get(0).type());
        return new GraphOp.FillMissing("constant", null, s, f.indicator());
      }
      if (!(v instanceof Number n)) {
        throw new ParameterException(p.where() + ".fill_missing.value", "fill_missing value for numeric feature '"
            + p.spec.name() + "' expected a number, got '" + v + "'");
      }
      return new GraphOp.FillMissing("constant", n.doubleValue(), null, f.indicator());
    }
    if (op instanceof OpSpec.Log1p) {
      return new GraphOp.Log1p();
    }
    if (op instanceof OpSpec.Clip c) {
      return new GraphOp.Clip(c.min(), c.max());
    }
    if (op instanceof OpSpec.Bucketize b) {
      return new GraphOp.Bucketize(b.boundaries());
    }
    if (op instanceof OpSpec.Hash h) {
      return new GraphOp.Hash(h.buckets());
    }
    if (op instanceof OpSpec.OneHot) {
      return new GraphOp.OneHot();
    }
    throw new IllegalStateException("BUG: op " + op.op() + " needs analysis");
  }

  /** An op fitted from the accumulator of its analysis point. */
  static GraphOp fit(OpSpec op, PipelineState p, Accumulator acc) {
    String what = "op " + op.op() + " at " + p.where() + " on feature '" + p.spec.name() + "'";
    if (acc.count() == 0) {
      throw new IllegalArgumentException(what + " expected at least one value to fit, got none ("
          + acc.missing() + " rows, all missing). Check the column or use fill_missing: {strategy: constant}.");
    }
    if (op instanceof OpSpec.Vocabulary v) {
      List<String> terms = ((TermCounts) acc).top(v.topK(), v.minFrequency());
      if (terms.isEmpty()) {
        throw new IllegalArgumentException(what + " expected at least one term with frequency >= " + v.minFrequency()
            + ", got an empty vocabulary (" + ((TermCounts) acc).counts().size() + " distinct terms). Lower min_frequency.");
      }
      return new GraphOp.Vocabulary(terms, v.numOovBuckets());
    }
    if (op instanceof OpSpec.FillMissing f) {
      if (acc instanceof TermCounts t) {
        if (!"mode".equals(f.strategy())) {
          throw new ParameterException(p.where() + ".fill_missing.strategy", "fill_missing on categorical feature '"
              + p.spec.name() + "' expected mode or constant, got " + f.strategy());
        }
        return new GraphOp.FillMissing("mode", null, t.top(1, 1).get(0), f.indicator());
      }
      var s = (NumericStats) acc;
      double value;
      switch (f.strategy()) {
        case "mean":
          value = s.mean();
          break;
        case "median":
          value = s.sketch().quantile(0.5);
          break;
        default:
          value = s.sketch().mode();
      }
      return new GraphOp.FillMissing(f.strategy(), value, null, f.indicator());
    }
    var s = (NumericStats) acc;
    if (op instanceof OpSpec.ZScore) {
      return new GraphOp.ZScore(s.mean(), s.std());
    }
    if (op instanceof OpSpec.MinMax) {
      return new GraphOp.MinMax(s.min(), s.max());
    }
    if (op instanceof OpSpec.Bucketize b) {
      var bounds = new ArrayList<Double>();
      for (int i = 1; i < b.quantiles(); i++) {
        double q = s.sketch().quantile((double) i / b.quantiles());
        if (bounds.isEmpty() || q > bounds.get(bounds.size() - 1)) {
          bounds.add(q);
        }
      }
      return new GraphOp.Bucketize(bounds);
    }
    throw new IllegalStateException("BUG: no fitting for op " + op.op());
  }

  static String textOf(Number n, FeatureType type) {
    return type == FeatureType.INT ? Long.toString(n.longValue()) : Double.toString(n.doubleValue());
  }
}
