package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run that fails on a data anomaly prints the anomaly once, through the real launcher. */
class AnomalyOnceIT {
  @TempDir
  Path dir;

  @Test
  void eachAnomalyIsPrintedOnce() throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(NewUserDataIT.PENGUINS));
    for (int i = 1; i <= 6; i++) { // islands no other row has: some land in eval only, outside the schema's domain
      String[] cells = lines.get(i * 10).split(",", -1);
      cells[1] = "Atlantis" + i;
      lines.set(i * 10, String.join(",", cells));
    }
    Path csv = Files.write(dir.resolve("penguins-atlantis.csv"), lines);
    var r = new MillraceProcess(dir).run("run", NewUserDataIT.pipeline(dir, csv, "").toString(), "--to", "validator");
    assertEquals(1, r.code(), r.toString());
    String all = r.out() + r.err();
    int first = all.indexOf("OUT_OF_DOMAIN");
    assertTrue(first >= 0, r.toString());
    assertEquals(-1, all.indexOf("OUT_OF_DOMAIN", first + 1), "printed twice:\n" + r);
  }
}
