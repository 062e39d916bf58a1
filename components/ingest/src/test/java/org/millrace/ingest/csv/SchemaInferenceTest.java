package org.millrace.ingest.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;

/** Types inferred from a real file's first rows: a stray value, a byte-order mark, a header alone. */
class SchemaInferenceTest {
  static DataSchema infer(String text) throws Exception {
    return SchemaInference.infer(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "f.csv", ',',
        Set.of("", "NA"), 1000);
  }

  static String column(int rows, String stray, int strays) {
    var sb = new StringBuilder("id,x\n");
    for (int i = 0; i < rows; i++) {
      sb.append(i).append(',').append(i < strays ? stray : Double.toString(i * 0.5)).append('\n');
    }
    return sb.toString();
  }

  @Test
  void aFewNonNumbersInANumericColumnKeepItNumeric() throws Exception {
    // 1 of 344 (the penguins case), 3 of 344 (floor(1% of 344) = 3): numeric; 4 of 344: text.
    assertEquals(FeatureType.FLOAT, infer(column(344, "abc", 1)).features().get(1).type());
    assertEquals(FeatureType.FLOAT, infer(column(344, "abc", 3)).features().get(1).type());
    assertEquals(FeatureType.STRING, infer(column(344, "abc", 4)).features().get(1).type());
    // Under 100 values nothing is tolerated.
    assertEquals(FeatureType.STRING, infer(column(99, "abc", 1)).features().get(1).type());
    // Integers with a stray stay integers; a column of text with one number stays text.
    assertEquals(FeatureType.INT, infer(column(300, "abc", 1).replace(".0\n", "\n").replaceAll("\\.5\n", "\n"))
        .features().get(1).type());
    assertEquals(FeatureType.STRING, infer(column(300, "abc", 299)).features().get(1).type());
  }

  @Test
  void infAndNanAreFloatsJavasLiteralsAreText() throws Exception {
    DataSchema schema = infer("id,x,days,mask\n1,inf,3d,0x10\n2,-Inf,4d,0x20\n3,nan,5d,0x30\n4,1.5e3,6d,0x40\n");
    assertEquals(List.of(FeatureType.INT, FeatureType.FLOAT, FeatureType.STRING, FeatureType.STRING),
        schema.features().stream().map(Feature::type).toList());
    var typer = new RowTyper(schema, Set.of("", "NA"));
    var b = new org.millrace.api.data.BatchBuilder(schema, 4);
    assertEquals(null, typer.tryAppend(b, List.of("1", "-infinity", "3d", "0x10")));
    var batch = b.build();
    assertEquals(Double.NEGATIVE_INFINITY, batch.row(0).get("x"));
    // A float column refuses a Java literal as it refuses any text, naming it.
    String problem = typer.tryAppend(b, List.of("2", "2.5f", "4d", "0x20"));
    assertTrue(problem != null && problem.contains("'2.5f'"), String.valueOf(problem));
  }

  @Test
  void theStrayRowIsABadRowNamingColumnAndValue() throws Exception {
    DataSchema schema = infer(column(344, "abc", 1));
    var typer = new RowTyper(schema, Set.of("", "NA"));
    var b = new org.millrace.api.data.BatchBuilder(schema, 4);
    String problem = typer.tryAppend(b, List.of("0", "abc"));
    assertTrue(problem != null && problem.contains("x") && problem.contains("abc"), String.valueOf(problem));
  }

  @Test
  void aByteOrderMarkIsNotPartOfTheFirstColumnsName() throws Exception {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] text = "species,mass\r\nAdelie,3750\r\n".getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[bom.length + text.length];
    System.arraycopy(bom, 0, all, 0, 3);
    System.arraycopy(text, 0, all, 3, text.length);
    DataSchema schema = SchemaInference.infer(new ByteArrayInputStream(all), "excel.csv", ',', Set.of(""), 10);
    assertEquals(List.of("species", "mass"), schema.names());
    assertEquals(Feature.of("mass", FeatureType.INT, true), schema.features().get(1));
    try (var lines = new LineReader(new ByteArrayInputStream(all))) {
      var first = lines.next();
      assertEquals("species,mass", new String(first.bytes(), StandardCharsets.UTF_8));
      assertEquals(3, first.offset(), "offsets stay file offsets");
    }
  }

  @Test
  void aHeaderOnlyFileHasNoTypesToGive() {
    var e = assertThrows(SchemaInference.NoRowsException.class, () -> infer("a,b,c\r\n"));
    assertEquals("f.csv: expected data rows after the header to infer column types from, got none", e.getMessage());
  }

  @Test
  void aRepeatedColumnNameIsNamedWithItsColumnsAndAnEmptyOneAsPandasNamesIt() throws Exception {
    var dup = assertThrows(IllegalArgumentException.class, () -> infer("a,b,a\n1,2,3\n"));
    assertEquals("f.csv line 1: expected unique column names, got 'a' as columns 1 and 3 of [a, b, a]",
        dup.getMessage());
    // pandas's to_csv writes its index under an empty name; a trailing separator leaves one at the end.
    assertEquals(List.of("Unnamed: 0", "a", "Unnamed: 2"), infer(",a,\n0,2,\n1,3,\n").features().stream()
        .map(Feature::name).toList());
    var clash = assertThrows(IllegalArgumentException.class, () -> infer("Unnamed: 1,\n1,2\n"));
    assertEquals("f.csv line 1: expected unique column names, got 'Unnamed: 1' as columns 1 and 2 of [Unnamed: 1, ]",
        clash.getMessage());
  }
}
