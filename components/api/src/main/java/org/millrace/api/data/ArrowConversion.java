package org.millrace.api.data;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/** Converts between {@link Batch}/{@link DataSchema} and Arrow vectors. */
public final class ArrowConversion {
  private static final String SHAPE = "millrace.shape";

  private ArrowConversion() {}

  /** The Arrow schema of a data schema. */
  public static Schema toArrow(DataSchema schema) {
    var fields = new ArrayList<Field>();
    for (Feature f : schema.features()) {
      fields.add(toArrow(f));
    }
    return new Schema(fields);
  }

  private static Field toArrow(Feature f) {
    if (f.isVector()) {
      var child = new Field("item", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null);
      var meta = java.util.Map.of(SHAPE, f.shape().toString());
      return new Field(f.name(), new FieldType(f.nullable(), new ArrowType.FixedSizeList(f.width()), null, meta),
          List.of(child));
    }
    ArrowType t = switch (f.type()) {
      case INT -> new ArrowType.Int(64, true);
      case FLOAT -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      case STRING -> ArrowType.Utf8.INSTANCE;
      case BOOL -> ArrowType.Bool.INSTANCE;
    };
    return new Field(f.name(), new FieldType(f.nullable(), t, null), null);
  }

  /** The data schema of an Arrow schema; fails naming the field for unsupported Arrow types. */
  public static DataSchema fromArrow(Schema schema) {
    var out = new ArrayList<Feature>();
    for (Field field : schema.getFields()) {
      ArrowType t = field.getType();
      FeatureType type;
      List<Integer> shape = List.of();
      if (t instanceof ArrowType.FixedSizeList l) {
        type = FeatureType.FLOAT;
        String s = field.getMetadata() == null ? null : field.getMetadata().get(SHAPE);
        shape = s == null ? List.of(l.getListSize()) : parseShape(s);
      } else if (t instanceof ArrowType.Int i && i.getIsSigned()) {
        type = FeatureType.INT;
      } else if (t instanceof ArrowType.FloatingPoint) {
        type = FeatureType.FLOAT;
      } else if (t instanceof ArrowType.Utf8 || t instanceof ArrowType.LargeUtf8) {
        type = FeatureType.STRING;
      } else if (t instanceof ArrowType.Bool) {
        type = FeatureType.BOOL;
      } else {
        throw new IllegalArgumentException(String.format(
            "Arrow field '%s' expected int, floating point, utf8, bool or fixed-size list, got %s", field.getName(), t));
      }
      out.add(new Feature(field.getName(), type, field.isNullable(), shape, null, null, null, null));
    }
    return new DataSchema(out);
  }

  private static List<Integer> parseShape(String s) {
    String inner = s.replace("[", "").replace("]", "").trim();
    if (inner.isEmpty()) {
      return List.of();
    }
    var dims = new ArrayList<Integer>();
    for (String d : inner.split(",")) {
      dims.add(Integer.parseInt(d.trim()));
    }
    return dims;
  }

  /** Fills {@code root} (whose schema is {@code toArrow(batch.schema())}) with a batch. */
  public static void fill(Batch batch, VectorSchemaRoot root) {
    int n = batch.rowCount();
    for (int i = 0; i < batch.columns().size(); i++) {
      Column c = batch.column(i);
      FieldVector v = root.getVector(i);
      BitSet nulls = c.nulls();
      if (c instanceof Column.Longs l) {
        var vec = (BigIntVector) v;
        vec.allocateNew(n);
        ArrowBuf data = vec.getDataBuffer();
        long[] values = l.values();
        for (int r = 0; r < n; r++) {
          data.setLong((long) r * Long.BYTES, nulls.get(r) ? 0L : values[r]);
        }
        setValidity(vec.getValidityBuffer(), nulls, n);
      } else if (c instanceof Column.Doubles d) {
        var vec = (Float8Vector) v;
        vec.allocateNew(n);
        ArrowBuf data = vec.getDataBuffer();
        double[] values = d.values();
        for (int r = 0; r < n; r++) {
          data.setDouble((long) r * Double.BYTES, nulls.get(r) ? 0.0 : values[r]);
        }
        setValidity(vec.getValidityBuffer(), nulls, n);
      } else if (c instanceof Column.Strings s) {
        fillStrings((VarCharVector) v, s.values(), nulls, n);
      } else if (c instanceof Column.Bools b) {
        var vec = (BitVector) v;
        vec.allocateNew(n);
        for (int r = 0; r < n; r++) {
          if (nulls.get(r)) vec.setNull(r); else vec.set(r, b.values()[r] ? 1 : 0);
        }
      } else if (c instanceof Column.FloatVectors fv) {
        var list = (FixedSizeListVector) v;
        list.allocateNew();
        int w = fv.width();
        var data = (Float4Vector) list.getDataVector();
        data.setInitialCapacity(n * w);
        data.allocateNew();
        list.setValueCount(0);
        for (int r = 0; r < n; r++) {
          if (nulls.get(r)) {
            list.setNull(r);
          } else {
            list.setNotNull(r);
          }
          for (int k = 0; k < w; k++) {
            data.setSafe(r * w + k, fv.values()[r * w + k]);
          }
        }
        data.setValueCount(n * w);
      }
      v.setValueCount(n);
    }
    root.setRowCount(n);
  }

  /** The string values whose bytes a column's conversion keeps for reuse (a power of two). */
  private static final int RECENT = 256;

  /**
   * A string column into its vector in one pass over each buffer: the values' UTF-8 bytes first, so
   * that the data buffer is allocated once at its size (writing value by value regrows it). A value
   * seen lately in the column (a repeated value: {@value #RECENT} slots by hash) reuses its bytes.
   */
  private static void fillStrings(VarCharVector vec, String[] values, BitSet nulls, int n) {
    byte[][] utf8 = new byte[n][];
    long total = 0;
    String[] recent = new String[RECENT];
    byte[][] recentBytes = new byte[RECENT][];
    for (int r = 0; r < n; r++) {
      if (!nulls.get(r)) {
        String v = values[r];
        int slot = v.hashCode() & (RECENT - 1);
        String seen = recent[slot];
        if (seen != v && !v.equals(seen)) {
          recent[slot] = v;
          recentBytes[slot] = v.getBytes(StandardCharsets.UTF_8);
        }
        utf8[r] = recentBytes[slot];
        total += recentBytes[slot].length;
      }
    }
    vec.allocateNew(Math.max(total, 1), n);
    ArrowBuf offsets = vec.getOffsetBuffer();
    ArrowBuf data = vec.getDataBuffer();
    long end = 0;
    offsets.setInt(0, 0);
    for (int r = 0; r < n; r++) {
      if (utf8[r] != null) {
        data.setBytes(end, utf8[r]);
        end += utf8[r].length;
      }
      offsets.setInt((long) (r + 1) * Integer.BYTES, (int) end);
    }
    setValidity(vec.getValidityBuffer(), nulls, n);
    vec.setLastSet(n - 1);
  }

  /** Sets the validity bits of rows {@code [0, n)}: 1 unless the row is in {@code nulls}. */
  private static void setValidity(ArrowBuf validity, BitSet nulls, int n) {
    long[] words = nulls.toLongArray();
    int bytes = (n + 7) / 8;
    for (int b = 0; b < bytes; b++) {
      int w = b >>> 3;
      long nullBits = w < words.length ? words[w] >>> ((b & 7) * 8) : 0L;
      int valid = (int) ~nullBits & 0xFF;
      int rows = n - b * 8;
      if (rows < 8) {
        valid &= (1 << rows) - 1;
      }
      validity.setByte(b, valid);
    }
  }

  /** Copies the current contents of {@code root} into an on-heap batch. */
  public static Batch toBatch(VectorSchemaRoot root, DataSchema schema) {
    int n = root.getRowCount();
    var cols = new ArrayList<Column>(schema.size());
    for (int i = 0; i < schema.size(); i++) {
      Feature f = schema.features().get(i);
      FieldVector v = root.getVector(i);
      var nulls = new BitSet(n);
      for (int r = 0; r < n; r++) {
        if (v.isNull(r)) nulls.set(r);
      }
      if (f.isVector()) {
        var data = ((FixedSizeListVector) v).getDataVector();
        int w = f.width();
        float[] vals = new float[n * w];
        for (int k = 0; k < n * w; k++) {
          vals[k] = data.isNull(k) ? 0f : ((Float4Vector) data).get(k);
        }
        cols.add(new Column.FloatVectors(vals, w, nulls));
        continue;
      }
      switch (f.type()) {
        case INT -> cols.add(new Column.Longs(longs(v, n, nulls), nulls));
        case FLOAT -> cols.add(new Column.Doubles(doubles(v, n, nulls), nulls));
        case STRING -> cols.add(new Column.Strings(strings((VarCharVector) v, n, nulls), nulls));
        case BOOL -> {
          boolean[] vals = new boolean[n];
          var bv = (BitVector) v;
          for (int r = 0; r < n; r++) {
            if (!nulls.get(r)) vals[r] = bv.get(r) == 1;
          }
          cols.add(new Column.Bools(vals, nulls));
        }
      }
    }
    return new Batch(schema, cols);
  }

  // One small method per type, copying in bulk where Arrow's layout allows: a null's value is 0 (or null).

  private static long[] longs(FieldVector v, int n, BitSet nulls) {
    long[] vals = new long[n];
    if (v instanceof BigIntVector b) {
      b.getDataBuffer().nioBuffer(0, n * Long.BYTES).order(java.nio.ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(vals);
      for (int r = nulls.nextSetBit(0); r >= 0 && r < n; r = nulls.nextSetBit(r + 1)) {
        vals[r] = 0;
      }
      return vals;
    }
    var ints = (org.apache.arrow.vector.BaseIntVector) v;
    for (int r = 0; r < n; r++) {
      if (!nulls.get(r)) vals[r] = ints.getValueAsLong(r);
    }
    return vals;
  }

  private static double[] doubles(FieldVector v, int n, BitSet nulls) {
    double[] vals = new double[n];
    if (v instanceof Float8Vector d) {
      d.getDataBuffer().nioBuffer(0, n * Double.BYTES).order(java.nio.ByteOrder.LITTLE_ENDIAN).asDoubleBuffer()
          .get(vals);
      for (int r = nulls.nextSetBit(0); r >= 0 && r < n; r = nulls.nextSetBit(r + 1)) {
        vals[r] = 0;
      }
      return vals;
    }
    var floats = (Float4Vector) v;
    for (int r = 0; r < n; r++) {
      if (!nulls.get(r)) vals[r] = floats.get(r);
    }
    return vals;
  }

  /** Each string decoded from the data buffer through one reused array (no array per value). */
  /**
   * A string vector's values. A value equal to the last one read (a run of a repeated value) is
   * the same {@code String}, decoded once: consumers that count values find it again at once.
   */
  private static String[] strings(VarCharVector v, int n, BitSet nulls) {
    String[] vals = new String[n];
    var offsets = v.getOffsetBuffer();
    var data = v.getDataBuffer();
    byte[] scratch = new byte[256];
    byte[] last = new byte[256];
    int lastLength = -1;
    String lastValue = null;
    for (int r = 0; r < n; r++) {
      if (nulls.get(r)) {
        continue;
      }
      int start = offsets.getInt((long) r * Integer.BYTES);
      int length = offsets.getInt((long) (r + 1) * Integer.BYTES) - start;
      if (length > scratch.length) {
        scratch = new byte[Math.max(length, scratch.length * 2)];
      }
      data.getBytes(start, scratch, 0, length);
      if (length != lastLength || !Arrays.equals(scratch, 0, length, last, 0, length)) {
        lastValue = new String(scratch, 0, length, StandardCharsets.UTF_8);
        lastLength = length;
        byte[] swap = last; // the bytes just read become the last value's
        last = scratch;
        scratch = swap;
      }
      vals[r] = lastValue;
    }
    return vals;
  }
}
