package org.millrace.ingest.parquet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;

/**
 * Schemas of Parquet inputs, from the footers alone: inferred from the first file with every other
 * file checked against it, or a given schema checked against every file, before any row is read.
 */
public final class ParquetSchemas {
  private ParquetSchemas() {}

  /** The columns of one file (its footer). */
  static ParquetColumns columns(String file) {
    try (var reader = ParquetFileReader.open(new ChannelInputFile(file), ParquetFiles.readOptions())) {
      return ParquetColumns.of(reader.getFooter().getFileMetaData().getSchema(), file);
    } catch (RuntimeException e) {
      if (e instanceof IllegalArgumentException) {
        throw e;
      }
      throw new IllegalArgumentException(file + ": expected a Parquet file, got " + e, e);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": expected a Parquet file, got " + e.getMessage(), e);
    }
  }

  /**
   * The schema of the first file (columns nullable: presence is SchemaGen's call); every other file
   * must have the same columns of the same types, else the error names both files and the column.
   */
  public static DataSchema infer(List<String> files) {
    String first = files.get(0);
    ParquetColumns reference = columns(first);
    for (String file : files.subList(1, files.size())) {
      ParquetColumns other = columns(file);
      sameNames(reference.names(), other.names(), file, "as in " + first);
      for (ParquetColumns.Col c : other.columns()) {
        ParquetColumns.Col r = reference.find(c.name());
        if (r.type() != c.type()) {
          throw new IllegalArgumentException("column '" + c.name() + "' expected one type in every Parquet file, got "
              + r.parquetType() + " (" + r.type().label() + ") in " + first + " and " + c.parquetType() + " ("
              + c.type().label() + ") in " + file + ". Give a schema_file to read the column as one type.");
        }
      }
    }
    var features = new ArrayList<Feature>();
    for (ParquetColumns.Col c : reference.columns()) {
      features.add(Feature.of(c.name(), c.type(), true));
    }
    return new DataSchema(features);
  }

  /**
   * Checks a given schema against every file: the same column names (in any order), and each
   * column's values convertible to the schema's type (the same type, int to float, anything to string).
   */
  public static void check(List<String> files, DataSchema schema, String schemaSource) {
    for (String file : files) {
      ParquetColumns cols = columns(file);
      sameNames(schema.names(), cols.names(), file, "(" + schemaSource + ")");
      for (Feature f : schema.features()) {
        ParquetColumns.Col c = cols.find(f.name());
        if (f.isVector() || !convertible(c.type(), f.type())) {
          throw new IllegalArgumentException(file + ": column '" + f.name() + "' expected " + f.type().label()
              + (f.isVector() ? " shape " + f.shape() : "") + " (" + schemaSource + "), got Parquet " + c.parquetType()
              + ", which reads as " + c.type().label());
        }
      }
    }
  }

  static boolean convertible(FeatureType from, FeatureType to) {
    return from == to || to == FeatureType.STRING || from == FeatureType.INT && to == FeatureType.FLOAT;
  }

  private static void sameNames(List<String> expected, List<String> got, String file, String source) {
    if (!new java.util.HashSet<>(expected).equals(new java.util.HashSet<>(got))) {
      var missing = new ArrayList<>(expected);
      missing.removeAll(got);
      var extra = new ArrayList<>(got);
      extra.removeAll(expected);
      throw new IllegalArgumentException(file + ": expected the columns " + expected + " " + source + ", got " + got
          + " (missing " + missing + ", unexpected " + extra + ")");
    }
  }
}
