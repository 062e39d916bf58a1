package org.millrace.api.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class ExamplesIOTest {
  static final DataSchema SCHEMA = DataSchema.of(
      Feature.of("id", FeatureType.INT, false),
      Feature.of("x", FeatureType.FLOAT, true),
      Feature.of("name", FeatureType.STRING, true),
      Feature.of("flag", FeatureType.BOOL, true),
      Feature.vector("pixels", 3));

  public static Batch sample() {
    var b = new BatchBuilder(SCHEMA, 2);
    b.addRow(1L, 0.5, "Adélie", true, new float[] {1f, 2f, 3f});
    b.addRow(2L, null, null, null, new float[] {4f, 5f, 6f});
    b.addRow(3L, Double.NaN, "", false, new float[] {7f, 8f, 9f});
    return b.build();
  }

  @Test
  void roundTripsEveryTypeAndNulls(@TempDir Path dir) {
    Batch batch = sample();
    Path split = dir.resolve("Split-train");
    assertEquals(6, ExamplesIO.write(split, SCHEMA, 0, List.of(batch, batch)));
    assertEquals(List.of(split.resolve("part-00000.arrow")), ExamplesIO.parts(split));
    assertEquals(SCHEMA, ExamplesIO.schema(split));
    Batch read = ExamplesIO.readAll(split);
    assertEquals(6, read.rowCount());
    assertEquals(batch, read.slice(0, 3));
    assertEquals(batch, read.slice(3, 6));
    assertNull(read.row(1).get("x"));
    assertEquals("Adélie", read.row(0).get("name"));
    assertTrue(Double.isNaN((Double) read.row(2).get("x")), "NaN is a value, not a null");
  }

  @Test
  void largeBatchesGrowTheArrowBuffers(@TempDir Path dir) {
    var b = new BatchBuilder(SCHEMA, 10);
    for (int i = 0; i < 10_000; i++) {
      b.addRow((long) i, i % 7 == 0 ? null : i * 0.5, "row-" + i, i % 2 == 0, new float[] {i, i + 1, i + 2});
    }
    Batch big = b.build();
    Path split = dir.resolve("Split-train");
    ExamplesIO.write(split, SCHEMA, 0, List.of(big));
    assertEquals(big, ExamplesIO.readAll(split));
  }

  @Test
  void rejectsMismatchedColumns() {
    var e = assertThrows(IllegalArgumentException.class, () -> new Batch(
        DataSchema.of(Feature.of("a", FeatureType.INT, false)),
        List.of(new Column.Doubles(new double[] {1}, new java.util.BitSet()))));
    assertEquals("batch column 'a' expected Longs for type int, got Doubles", e.getMessage());
  }

  @Test
  void rejectsWrongBoxedValue() {
    var b = new BatchBuilder(SCHEMA, 1);
    var e = assertThrows(IllegalArgumentException.class, () -> b.addRow("one", 1.0, "a", true, new float[3]));
    assertEquals("feature 'id' expected a int value, got String 'one'", e.getMessage());
  }

  @Test
  void missingSplitDirectoryIsNamed(@TempDir Path dir) {
    var e = assertThrows(IllegalArgumentException.class, () -> ExamplesIO.parts(dir.resolve("Split-x")));
    assertEquals("split directory expected to exist, got no directory " + dir.resolve("Split-x"), e.getMessage());
  }

  @Test
  void notAnArrowFileIsNamed(@TempDir Path dir) throws Exception {
    Path split = Files.createDirectories(dir.resolve("Split-train"));
    Files.writeString(split.resolve("part-00000.arrow"), "id,x\n1,2\n");
    var e = assertThrows(IllegalArgumentException.class,
        () -> ExamplesIO.forEachBatchInSplit(split, b -> {}));
    assertTrue(e.getMessage().startsWith("Arrow file " + split.resolve("part-00000.arrow")
        + " expected Arrow IPC file format, got"), e.getMessage());
  }

  @Test
  void schemaYamlRoundTripsAndErrorsNameTheLine(@TempDir Path dir) throws Exception {
    var schema = new DataSchema(List.of(
        new Feature("species", FeatureType.STRING, false, List.of(), 1.0, List.of("Adelie", "Gentoo"), null, null),
        new Feature("mass", FeatureType.FLOAT, true, List.of(), 0.9, null, 2700.0, 6300.0)));
    Path file = dir.resolve("schema.yaml");
    schema.writeYaml(file);
    assertEquals(schema, DataSchema.readYaml(file));
    Files.writeString(file, "features:\n- name: a\n  type: int\n- name: b\n  type: complex\n");
    var e = assertThrows(IllegalArgumentException.class, () -> DataSchema.readYaml(file));
    assertTrue(e.getMessage().startsWith("schema " + file + " at line 5"), e.getMessage());
    Files.writeString(file, "features:\n- name: a\n  type: int\n- name: a\n  type: float\n");
    e = assertThrows(IllegalArgumentException.class, () -> DataSchema.readYaml(file));
    assertTrue(e.getMessage().contains("schema expected unique feature names, got 'a' at positions 0 and 1"),
        e.getMessage());
  }
}
