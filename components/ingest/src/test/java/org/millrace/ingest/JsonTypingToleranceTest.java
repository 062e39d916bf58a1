package org.millrace.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.data.FeatureType;

/**
 * JSON lines get CSV's typing tolerance: one {@code "n": "many"} among 300 integers leaves n an int
 * column and makes its object a bad row naming line and column (it turned the whole key into text,
 * a category per number, without a word: an audit with a new user's data); more than 1% of other
 * values make it text, as in CSV.
 */
class JsonTypingToleranceTest {
  @TempDir
  Path dir;

  private Path lines(String name, int strings) throws Exception {
    var sb = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      String n = i >= 150 && i < 150 + strings ? "\"many\"" : Integer.toString(i % 17);
      sb.append("{\"x\": ").append(i * 0.5).append(", \"n\": ").append(n).append(", \"label\": \"")
          .append(i % 2 == 0 ? "a" : "b").append("\"}\n");
    }
    return Files.writeString(dir.resolve(name), sb);
  }

  @Test
  void oneStringAmongIntegersIsABadRowNotATextColumn() throws Exception {
    Path one = lines("one.jsonl", 1);
    assertEquals(FeatureType.INT, InputRecords.schema(ExampleGenParams.of(one.toString())).feature("n").type());
    var e = assertThrows(IllegalArgumentException.class, () -> ExampleGenRuns.properties(dir,
        Map.of("input", one.toString()), dir.resolve("out-one")));
    assertTrue(e.getMessage().startsWith(one + " line 151: column 'n' (2) expected int, got 'many'"), e.getMessage());
    var kept = ExampleGenRuns.properties(dir, Map.of("input", one.toString(), "bad_rows", "quarantine"),
        dir.resolve("out-kept"));
    assertEquals(1L, kept.get("rejected_rows"));

    Path many = lines("many.jsonl", 30);
    assertEquals(FeatureType.STRING, InputRecords.schema(ExampleGenParams.of(many.toString())).feature("n").type());
  }
}
