package org.millrace.ingest.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.millrace.api.data.BatchBuilder;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;

/**
 * The typer reads ASCII number fields straight from the reader's bytes ({@link CsvReader.Fields});
 * that gives the same values and the same problems as typing the fields' strings, for plain
 * numbers, signs, spaces, exponents, null markers, too many digits, non-ASCII digits and junk.
 */
class RowTyperBytesTest {
  private static final DataSchema SCHEMA = DataSchema.of(Feature.of("i", FeatureType.INT, true),
      Feature.of("f", FeatureType.FLOAT, true), Feature.of("strict", FeatureType.INT, false),
      Feature.of("s", FeatureType.STRING, true));
  private static final String[] SHAPES = {"%d", "-%d", "+%d", " %d", "%d ", "%d.%d", "-%d.%d", ".%d", "%d.", "%de3",
      "%d.%dE-2", "NA", "", "null", "N/A", "%d%d%d%d%d%d%d", "0x%d", "١٢", "%d.%d.%d", "\"%d\"", "-", "+", "%df"};

  private static String value(Random rnd) {
    String shape = SHAPES[rnd.nextInt(SHAPES.length)];
    Object[] args = new Object[7];
    for (int k = 0; k < args.length; k++) {
      args[k] = rnd.nextInt(4) == 0 ? rnd.nextLong() & Long.MAX_VALUE : rnd.nextInt(100_000);
    }
    return String.format(shape, args);
  }

  @Test
  void bytesAndStringsTypeEveryFieldAlike() throws Exception {
    var rnd = new Random(7);
    var csv = new StringBuilder();
    for (int r = 0; r < 50_000; r++) {
      csv.append(value(rnd)).append(',').append(value(rnd)).append(',').append(value(rnd)).append(',')
          .append(value(rnd)).append('\n');
    }
    var fromBytes = new BatchBuilder(SCHEMA, 1024);
    var fromStrings = new BatchBuilder(SCHEMA, 1024);
    var typerA = new RowTyper(SCHEMA, Set.of("", "NA", "null"));
    var typerB = new RowTyper(SCHEMA, Set.of("", "NA", "null"));
    var problems = new ArrayList<String>();
    int typed = 0;
    try (var reader = new CsvReader(new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)), ',')) {
      while (reader.advance()) {
        List<String> fields = reader.fields();
        assertTrue(fields instanceof CsvReader.Fields);
        List<String> copy = List.copyOf(fields);
        String b = typerB.tryAppend(fromStrings, copy);
        String a = typerA.tryAppend(fromBytes, fields);
        assertEquals(b, a, copy.toString());
        if (a == null) {
          typed++;
        } else {
          problems.add(a);
        }
      }
    }
    // Both outcomes are well represented, so both paths were compared.
    assertTrue(typed > 2_000 && problems.size() > 2_000, typed + " typed, " + problems.size() + " problems");
    var x = fromBytes.build();
    var y = fromStrings.build();
    assertEquals(y.rowCount(), x.rowCount());
    for (int r = 0; r < x.rowCount(); r++) {
      assertEquals(y.row(r), x.row(r), "row " + r);
    }
  }
}
