package org.millrace.api.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BatchBuilderTest {
  @Test
  void missingValuesStayMissingAcrossWordsAndGrowth() {
    var schema = DataSchema.of(Feature.of("n", FeatureType.INT, true), Feature.of("s", FeatureType.STRING, true));
    // From a capacity of 16: grows several times, crossing 64-row words.
    var b = new BatchBuilder(schema, 1);
    int rows = 1000;
    for (int r = 0; r < rows; r++) {
      int row = b.newRow();
      if (r % 3 != 0) {
        b.setLong(0, row, r);
      }
      b.setString(1, row, r % 64 == 63 ? null : "v" + r);
    }
    Batch batch = b.build();
    assertEquals(rows, batch.rowCount());
    for (int r = 0; r < rows; r++) {
      assertEquals(r % 3 == 0, batch.column(0).isNull(r), "n at row " + r);
      assertEquals(r % 64 == 63, batch.column(1).isNull(r), "s at row " + r);
      if (r % 3 != 0) {
        assertEquals((long) r, batch.row(r).get("n"));
      }
    }
    assertEquals(334, batch.column(0).nulls().cardinality());
    assertEquals(15, batch.column(1).nulls().cardinality());
  }
}
