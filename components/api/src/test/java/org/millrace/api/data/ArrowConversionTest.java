package org.millrace.api.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/**
 * Batches through Arrow vectors and back ({@link ArrowConversion#fill}, {@link ArrowConversion#toBatch}):
 * every value and every null, for row counts around the validity bytes' and words' edges, the same
 * vectors reused batch after batch as the writers do.
 */
class ArrowConversionTest {
  private static final DataSchema SCHEMA = new DataSchema(List.of(feature("n", FeatureType.INT),
      feature("x", FeatureType.FLOAT), feature("s", FeatureType.STRING), feature("b", FeatureType.BOOL)));

  @Test
  void valuesAndNullsSurviveTheRoundTripAtEveryEdge() {
    try (var allocator = new RootAllocator();
        var root = VectorSchemaRoot.create(ArrowConversion.toArrow(SCHEMA), allocator)) {
      for (int rows : new int[] {0, 1, 7, 8, 9, 13, 63, 64, 65, 130, 1000}) {
        for (int pattern = 0; pattern < 4; pattern++) {
          Batch batch = batch(rows, pattern);
          ArrowConversion.fill(batch, root);
          Batch back = ArrowConversion.toBatch(root, SCHEMA);
          if (rows % 8 != 0) {
            // No validity bit past the last row (readers ignore them; the files' bytes would differ).
            for (int c = 0; c < SCHEMA.size(); c++) {
              int last = root.getVector(c).getValidityBuffer().getByte(rows / 8) & 0xFF;
              assertEquals(0, last >>> (rows % 8), "validity bits past row " + rows);
            }
          }
          assertEquals(rows, back.rowCount());
          for (int c = 0; c < SCHEMA.size(); c++) {
            String where = rows + " rows, pattern " + pattern + ", column " + SCHEMA.names().get(c);
            assertEquals(batch.column(c).nulls(), back.column(c).nulls(), where);
            for (int r = 0; r < rows; r++) {
              if (!batch.column(c).nulls().get(r)) {
                assertEquals(batch.column(c).get(r), back.column(c).get(r), where + ", row " + r);
              }
            }
          }
        }
      }
    }
  }

  /** Rows with nulls by {@code pattern}: none, every third, all but every fifth, all. */
  private static Batch batch(int rows, int pattern) {
    var b = new BatchBuilder(SCHEMA, Math.max(1, rows));
    String[] words = {"", "a", "é", "日本", "longer text value", "x"};
    for (int r = 0; r < rows; r++) {
      int row = b.newRow();
      for (int c = 0; c < SCHEMA.size(); c++) {
        boolean isNull = switch (pattern) {
          case 0 -> false;
          case 1 -> (r + c) % 3 == 0;
          case 2 -> (r + c) % 5 != 0;
          default -> true;
        };
        if (isNull) {
          continue;
        }
        switch (c) {
          case 0 -> b.setLong(c, row, r * 1_000_003L - 77);
          case 1 -> b.setDouble(c, row, r == 5 ? -0.0 : r * 0.37 - 3);
          case 2 -> b.setString(c, row, words[r % words.length] + r);
          default -> b.setBool(c, row, r % 2 == 0);
        }
      }
    }
    return b.build();
  }

  private static Feature feature(String name, FeatureType type) {
    return new Feature(name, type, true, List.of(), null, null, null, null);
  }
}
