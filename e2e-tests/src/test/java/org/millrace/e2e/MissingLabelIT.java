package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows whose label is empty, through the real launcher: with {@code missing_label: quarantine} on
 * the ExampleGen the run succeeds and the rows are in the quarantine file with their file and line.
 */
class MissingLabelIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void rowsWithoutALabelAreQuarantinedWithFileAndLine() throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(NewUserDataIT.PENGUINS));
    var blanked = new ArrayList<Integer>();
    for (int line = 20; line <= lines.size(); line += 40) { // 1-based file lines: species emptied
      lines.set(line - 1, lines.get(line - 1).substring(lines.get(line - 1).indexOf(',')));
      blanked.add(line);
    }
    Path csv = Files.write(dir.resolve("penguins-unlabelled.csv"), lines);
    Path yaml = NewUserDataIT.pipeline(dir, csv, "\n      label: species\n      missing_label: quarantine");

    var r = new MillraceProcess(dir).run("run", yaml.toString());
    assertEquals(0, r.code(), r.toString());
    assertTrue((r.out() + r.err()).contains(blanked.size() + " rows with a missing label 'species' quarantined to "),
        r.toString());
    Path rejected;
    try (Stream<Path> s = Files.walk(dir.resolve("root"))) {
      rejected = s.filter(p -> p.endsWith(Path.of("quarantine", "rejected.jsonl"))).findFirst().orElseThrow();
    }
    var found = new ArrayList<Integer>();
    for (String entry : Files.readAllLines(rejected)) {
      JsonNode e = JSON.readTree(entry);
      assertEquals(csv.toString(), e.get("file").asText());
      assertTrue(e.get("reason").asText().startsWith("label column 'species' expected a value, got missing"), entry);
      found.add(e.get("line").asInt());
    }
    assertEquals(blanked, found);
  }
}
