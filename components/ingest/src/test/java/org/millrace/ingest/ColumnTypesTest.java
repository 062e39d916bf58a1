package org.millrace.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.data.ExamplesIO;
import org.millrace.api.data.FeatureType;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.api.spec.ParameterException;

/**
 * {@code column_types}: a column read as the type given, not the inferred one (zip codes with
 * leading zeros as text: inferred as int, 02134 was read as 2134).
 */
class ColumnTypesTest {
  @TempDir
  Path dir;

  Path csv() throws Exception {
    return Files.write(dir.resolve("homes.csv"), List.of("zip,rooms,price", "02134,3,510.5", "10001,2,720.0",
        "00501,4,330.25"));
  }

  @Test
  void aColumnIsReadAsTheTypeGiven() throws Exception {
    Path out = dir.resolve("out");
    ExampleGenRuns.properties(dir, Map.of("input", csv().toString(), "split_ratios", Map.of("train", 1),
        "column_types", Map.of("zip", "string", "rooms", "float")), out);
    var table = ExamplesIO.readAll(out.resolve("Split-train"));
    assertEquals(FeatureType.STRING, table.schema().feature("zip").type());
    assertEquals(FeatureType.FLOAT, table.schema().feature("rooms").type());
    var zips = new java.util.TreeSet<String>();
    for (int r = 0; r < table.rowCount(); r++) {
      zips.add((String) table.row(r).get("zip"));
    }
    assertEquals(new java.util.TreeSet<>(List.of("00501", "02134", "10001")), zips, "the zeros kept");
  }

  @Test
  void aColumnTheInputLacksOrATypeThatIsNoneIsNamed() throws Exception {
    Path csv = csv();
    var missing = assertThrows(ParameterException.class, () -> ExampleGenRuns.properties(dir, Map.of("input",
        csv.toString(), "column_types", Map.of("zipcode", "string")), dir.resolve("a")));
    assertTrue(missing.getMessage().contains("column_types expected columns of the input [zip, rooms, price]"
        + " (inferred from " + csv + "), got 'zipcode'"), missing.getMessage());
    var type = assertThrows(ParameterException.class, () -> ParameterBinder.bind(ExampleGenParams.class,
        Map.of("input", csv.toString(), "column_types", Map.of("zip", "text"))));
    assertEquals("column_types.zip expected int, float, string or bool, got 'text'", type.getMessage());
    var parquet = assertThrows(ParameterException.class, () -> ParameterBinder.bind(ExampleGenParams.class,
        Map.of("input", "x.parquet", "column_types", Map.of("zip", "string"))));
    assertTrue(parquet.getMessage().contains("column_types expected a text format (csv, jsonl, json), got parquet"),
        parquet.getMessage());
  }
}
