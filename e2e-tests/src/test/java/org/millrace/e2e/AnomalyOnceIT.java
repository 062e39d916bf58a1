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
    var cli = new MillraceProcess(dir);
    Path first = Files.write(dir.resolve("penguins.csv"), lines);
    assertEquals(0, cli.run("run", NewUserDataIT.pipeline(dir, first, "").toString(), "--to", "validator").code());
    // The next delivery: half the penguins on an island the last one did not have (a drift against its statistics;
    // a schema inferred from this delivery's own splits knows every island in it).
    for (int i = 1; i < lines.size(); i += 2) {
      String[] cells = lines.get(i).split(",", -1);
      cells[1] = "Atlantis";
      lines.set(i, String.join(",", cells));
    }
    Files.write(first, lines);
    var r = cli.run("run", NewUserDataIT.pipeline(dir, first, "").toString(), "--to", "validator");
    assertEquals(1, r.code(), r.toString());
    String all = r.out() + r.err();
    String anomaly = "split train, feature 'island': DRIFT";
    int at = all.indexOf(anomaly);
    assertTrue(at >= 0, r.toString());
    assertEquals(-1, all.indexOf(anomaly, at + 1), "printed twice:\n" + r);
  }

}
