package org.millrace.transform.graph;

import java.util.ArrayList;
import java.util.List;
import org.millrace.api.data.FeatureType;

/**
 * The ops for one output feature: its raw sources (one feature, or several for a cross), whether
 * it reads them as categorical strings, and the fitted ops in order. Knows its output names.
 *
 * @param name output base name (the feature, or {@code a_x_b} for a cross of a and b)
 * @param sources raw feature names (more than one: a feature cross, values joined by {@link #CROSS_SEPARATOR})
 * @param categorical whether values are read as strings (vocabulary/hash) rather than numbers
 * @param ops fitted ops in order
 */
public record FeaturePipeline(String name, List<String> sources, boolean categorical, List<GraphOp> ops) {
  /** Joins the values of crossed features. */
  public static final String CROSS_SEPARATOR = " x ";

  public FeaturePipeline {
    sources = List.copyOf(sources);
    ops = List.copyOf(ops);
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("feature pipeline '" + name + "' expected at least one source, got none");
    }
    if (sources.size() > 1 && !categorical) {
      throw new IllegalArgumentException("cross '" + name + "' expected categorical reading, got numeric");
    }
    finalKind(name, categorical, ops);
  }

  /** Names of the floats this pipeline emits, in order. */
  public List<String> outputNames() {
    var out = new ArrayList<String>();
    Cursor.Kind kind = finalKind(name, categorical, ops);
    GraphOp last = ops.isEmpty() ? null : ops.get(ops.size() - 1);
    if (kind == Cursor.Kind.NUM) {
      String suffix = "";
      for (GraphOp op : ops) {
        if (!(op instanceof GraphOp.FillMissing)) {
          suffix = "_" + op.op();
        }
      }
      out.add(name + suffix);
    } else if (last instanceof GraphOp.OneHot) {
      GraphOp indexer = ops.get(ops.size() - 2);
      if (indexer instanceof GraphOp.Vocabulary v) {
        v.terms().forEach(t -> out.add(name + "=" + t));
        for (int i = 0; i < v.numOovBuckets(); i++) {
          out.add(name + "=__oov_" + i + "__");
        }
      } else if (indexer instanceof GraphOp.Bucketize b) {
        for (int i = 0; i <= b.boundaries().size(); i++) {
          out.add(name + "=bucket_" + i);
        }
      } else {
        for (int i = 0; i < ((GraphOp.Hash) indexer).buckets(); i++) {
          out.add(name + "=hash_" + i);
        }
      }
    } else {
      out.add(name + "_id");
    }
    if (hasIndicator()) {
      out.add(name + "_is_missing");
    }
    return out;
  }

  boolean hasIndicator() {
    for (GraphOp op : ops) {
      if (op instanceof GraphOp.FillMissing f && f.indicator()) {
        return true;
      }
    }
    return false;
  }

  /** Runs the ops on the raw values of {@link #sources} and writes the outputs at {@code out[off..]}. */
  int emit(Object[] raw, InputFeature[] types, Cursor c, boolean nanIsMissing, float[] out, int off) {
    load(raw, types, categorical, name, c, nanIsMissing);
    for (GraphOp op : ops) {
      op.apply(c, name);
    }
    int o = off;
    if (c.kind == Cursor.Kind.NUM) {
      if (c.missing) {
        throw new IllegalArgumentException("feature '" + name + "' expected a value, got missing. "
            + "Add {fill_missing: ...} to its ops.");
      }
      out[o++] = (float) c.num;
    } else if (ops.get(ops.size() - 1) instanceof GraphOp.OneHot) {
      java.util.Arrays.fill(out, o, o + c.size, 0f);
      if (c.idx >= 0) {
        out[o + c.idx] = 1f;
      }
      o += c.size;
    } else {
      out[o++] = c.idx;
    }
    if (hasIndicator()) {
      out[o++] = c.wasMissing ? 1f : 0f;
    }
    return o - off;
  }

  static void load(Object[] raw, InputFeature[] types, boolean categorical, String name, Cursor c,
      boolean nanIsMissing) {
    if (!categorical) {
      Object v = raw[0];
      if (v == null) {
        c.number(0, true);
        return;
      }
      double d = Values.toDouble(v, types[0], name);
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        if (!nanIsMissing) {
          throw new IllegalArgumentException("feature '" + types[0].name() + "' expected a finite number, got "
              + d + ". Set nan_policy: missing to treat NaN/Infinity as missing.");
        }
        c.number(0, true);
        return;
      }
      c.number(d, false);
      return;
    }
    if (raw.length == 1) {
      c.string(Values.toText(raw[0], types[0]));
      return;
    }
    var sb = new StringBuilder();
    for (int i = 0; i < raw.length; i++) {
      if (i > 0) {
        sb.append(CROSS_SEPARATOR);
      }
      String s = Values.toText(raw[i], types[i]);
      sb.append(s == null ? "" : s);
    }
    c.string(sb.toString());
  }

  /** Checks the op sequence and returns the kind of the final value. */
  static Cursor.Kind finalKind(String name, boolean categorical, List<GraphOp> ops) {
    Cursor.Kind k = categorical ? Cursor.Kind.STR : Cursor.Kind.NUM;
    for (int i = 0; i < ops.size(); i++) {
      GraphOp op = ops.get(i);
      String where = "op " + op.op() + " (ops[" + i + "]) of feature '" + name + "'";
      if (op instanceof GraphOp.FillMissing) {
        if (k == Cursor.Kind.IDX) {
          throw new IllegalArgumentException(where + " expected a raw value before it, got a category index");
        }
      } else if (op instanceof GraphOp.ZScore || op instanceof GraphOp.MinMax
          || op instanceof GraphOp.Log1p || op instanceof GraphOp.Clip || op instanceof GraphOp.Bucketize) {
        if (k != Cursor.Kind.NUM) {
          throw new IllegalArgumentException(where + " expected a numeric value, got "
              + (k == Cursor.Kind.STR ? "a string" : "a category index") + ". Use vocabulary or hash for strings.");
        }
        if (op instanceof GraphOp.Bucketize) {
          k = Cursor.Kind.IDX;
        }
      } else if (op instanceof GraphOp.Vocabulary || op instanceof GraphOp.Hash) {
        if (k != Cursor.Kind.STR) {
          throw new IllegalArgumentException(where + " expected a categorical (string) value, got "
              + (k == Cursor.Kind.NUM ? "a number" : "a category index")
              + ". Put vocabulary/hash first on a categorical feature.");
        }
        k = Cursor.Kind.IDX;
      } else if (op instanceof GraphOp.OneHot) {
        if (k != Cursor.Kind.IDX || i != ops.size() - 1) {
          throw new IllegalArgumentException(where
              + " expected to be the last op, after vocabulary, hash or bucketize, got it elsewhere");
        }
      }
    }
    if (k == Cursor.Kind.STR) {
      throw new IllegalArgumentException("feature '" + name
          + "' expected its ops to end in a number or a category index, got a string. Add vocabulary or hash.");
    }
    return k;
  }

  static boolean isNumericType(FeatureType t) {
    return t != FeatureType.STRING;
  }
}
