package org.millrace.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.data.ExamplesIO;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.api.spec.ParameterException;

/** {@code missing_label: fail | drop | quarantine}: rows whose label is empty, located by file and line. */
class MissingLabelTest {
  @TempDir
  Path dir;

  /** Ten rows, the label {@code y} empty on lines 4 and 9 (NA on 9), the header on line 1. */
  Path csv() throws Exception {
    var lines = new ArrayList<String>(List.of("x,y"));
    for (int i = 0; i < 10; i++) {
      lines.add(i + "," + (i == 2 ? "" : i == 7 ? "NA" : Double.toString(i * 1.5)));
    }
    return Files.write(dir.resolve("data.csv"), lines);
  }

  Map<String, Object> run(Path out, Map<String, Object> params) throws Exception {
    return ExampleGenRuns.properties(dir, params, out);
  }

  long rows(Path out) {
    return ExamplesIO.readAll(out.resolve("Split-train")).rowCount() + ExamplesIO.readAll(out.resolve("Split-eval")).rowCount();
  }

  @Test
  void failNamesFileLineAndColumn() throws Exception {
    Path csv = csv();
    var e = assertThrows(IllegalArgumentException.class, () -> run(dir.resolve("f"),
        Map.of("input", csv.toString(), "label", "y")));
    assertTrue(e.getMessage().contains(csv + " line 4: label column 'y' expected a value, got missing ('')"),
        e.getMessage());
    assertTrue(e.getMessage().contains("missing_label: drop"), e.getMessage());
  }

  @Test
  void dropAndQuarantineSetTheRowsAsideAndCountThem() throws Exception {
    Path csv = csv();
    Path dropped = dir.resolve("d");
    var d = run(dropped, Map.of("input", csv.toString(), "label", "y", "missing_label", "drop"));
    assertEquals(2L, d.get("missing_label_dropped"));
    assertEquals(0L, d.get("missing_label_quarantined"));
    assertEquals(0L, d.get("rejected_rows"));
    assertEquals(8, rows(dropped));

    Path quarantined = dir.resolve("q");
    var q = run(quarantined, Map.of("input", csv.toString(), "label", "y", "missing_label", "quarantine"));
    assertEquals(2L, q.get("missing_label_quarantined"));
    assertEquals(8, rows(quarantined));
    List<String> entries = Files.readAllLines(quarantined.resolve(ExampleGenExecutor.QUARANTINE));
    assertEquals(2, entries.size(), entries.toString());
    JsonNode first = new ObjectMapper().readTree(entries.get(0));
    assertEquals(csv.toString(), first.get("file").asText());
    assertEquals(4, first.get("line").asInt());
    assertEquals("2,", first.get("row").asText());
    assertEquals(9, new ObjectMapper().readTree(entries.get(1)).get("line").asInt());
  }

  @Test
  void aLabelThatIsNoColumnOrAPolicyWithoutALabelIsAParameterError() throws Exception {
    Path csv = csv();
    var e = assertThrows(ParameterException.class, () -> run(dir.resolve("x"),
        Map.of("input", csv.toString(), "label", "z", "missing_label", "drop")));
    assertEquals("label", e.path());
    e = assertThrows(ParameterException.class, () -> ParameterBinder.bind(ExampleGenParams.class,
        Map.of("input", csv.toString(), "missing_label", "drop")));
    assertEquals("missing_label", e.path());
  }
}
