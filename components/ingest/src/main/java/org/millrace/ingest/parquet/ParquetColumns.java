package org.millrace.ingest.parquet;

import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.millrace.api.data.FeatureType;

/**
 * The columns of a Parquet file as ingest reads them: each top-level primitive, non-repeated
 * column with the feature type its values become and a label of its Parquet type for errors.
 */
record ParquetColumns(List<Col> columns) {

  /** How a column's values are read. */
  enum Kind { BOOL, INT32, UINT32, INT64, FLOAT, DOUBLE, STRING, DATE, TIMESTAMP_MILLIS, TIMESTAMP_MICROS,
    TIMESTAMP_NANOS }

  /** One column: name, feature type, how to read it, whether timestamps are UTC, and its Parquet type label. */
  record Col(String name, FeatureType type, Kind kind, boolean utc, String parquetType) {}

  List<String> names() {
    return columns.stream().map(Col::name).toList();
  }

  Col find(String name) {
    return columns.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
  }

  /** Maps a file's schema; a column ingest cannot read as a scalar fails naming the file, column and type. */
  static ParquetColumns of(MessageType schema, String file) {
    var out = new ArrayList<Col>();
    for (Type t : schema.getFields()) {
      if (!t.isPrimitive() || t.isRepetition(Type.Repetition.REPEATED)) {
        throw new IllegalArgumentException(file + ": column '" + t.getName() + "' expected a scalar (int, float,"
            + " string, bool, date, timestamp), got the nested or repeated Parquet type '" + t + "'; ingest reads"
            + " flat tables");
      }
      out.add(col(t.asPrimitiveType(), file));
    }
    return new ParquetColumns(List.copyOf(out));
  }

  private static Col col(PrimitiveType p, String file) {
    String name = p.getName();
    LogicalTypeAnnotation a = p.getLogicalTypeAnnotation();
    String label = p.getPrimitiveTypeName().name().toLowerCase(java.util.Locale.ROOT) + (a == null ? "" : " (" + a + ")");
    switch (p.getPrimitiveTypeName()) {
      case BOOLEAN:
        return new Col(name, FeatureType.BOOL, Kind.BOOL, false, label);
      case FLOAT:
        return new Col(name, FeatureType.FLOAT, Kind.FLOAT, false, label);
      case DOUBLE:
        return new Col(name, FeatureType.FLOAT, Kind.DOUBLE, false, label);
      case INT32:
        if (a == null) {
          return new Col(name, FeatureType.INT, Kind.INT32, false, label);
        }
        if (a instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i) {
          return new Col(name, FeatureType.INT, i.isSigned() ? Kind.INT32 : Kind.UINT32, false, label);
        }
        if (a instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
          return new Col(name, FeatureType.STRING, Kind.DATE, false, label);
        }
        break;
      case INT64:
        if (a == null || a instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i && i.isSigned()) {
          return new Col(name, FeatureType.INT, Kind.INT64, false, label);
        }
        if (a instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts) {
          Kind k = switch (ts.getUnit()) {
            case MILLIS -> Kind.TIMESTAMP_MILLIS;
            case MICROS -> Kind.TIMESTAMP_MICROS;
            case NANOS -> Kind.TIMESTAMP_NANOS;
          };
          return new Col(name, FeatureType.STRING, k, ts.isAdjustedToUTC(), label);
        }
        break;
      case BINARY:
        if (a instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
            || a instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
            || a instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
          return new Col(name, FeatureType.STRING, Kind.STRING, false, label);
        }
        break;
      default:
        break;
    }
    throw new IllegalArgumentException(file + ": column '" + name + "' expected a Parquet type ingest reads (boolean,"
        + " int32, int64, float, double, binary (STRING/ENUM/JSON), date, timestamp), got " + label
        + (a instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation
            ? "; cast decimals to double when writing the file" : ""));
  }
}
