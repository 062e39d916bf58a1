package org.millrace.pipelines.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** runs explain names the file whose size or time changed, not two fingerprints cut to the same text. */
class DriverChangesTest {
  @Test
  void theLinesThatDifferAreNamed() {
    String before = "spans=[20261203] versions=[0]\n/lake/span-20261203/data.csv 1200 1000";
    String after = "spans=[20261203] versions=[0]\n/lake/span-20261203/data.csv 1260 2000";
    assertEquals(List.of("  external data changed (the driver's fingerprint):",
        "    - /lake/span-20261203/data.csv 1200 1000", "    + /lake/span-20261203/data.csv 1260 2000"),
        CacheExplainer.driverChanges(before, after));
  }

  @Test
  void pastFiveEachWayTheRestIsCounted() {
    var before = new StringBuilder("spans=[1, 2]");
    var after = new StringBuilder("spans=[1, 2]");
    for (int i = 0; i < 20_000; i++) {
      before.append("\n/lake/f").append(i).append(".csv 100 ").append(i < 7 ? 1 : 0);
      after.append("\n/lake/f").append(i).append(".csv 100 0");
    }
    after.append("\n/lake/new.csv 5 5");
    var lines = CacheExplainer.driverChanges(before.toString(), after.toString());
    assertEquals(List.of("    - /lake/f0.csv 100 1", "    - /lake/f1.csv 100 1", "    - /lake/f2.csv 100 1",
        "    - /lake/f3.csv 100 1", "    - /lake/f4.csv 100 1", "    + /lake/f0.csv 100 0", "    + /lake/f1.csv 100 0",
        "    + /lake/f2.csv 100 0", "    + /lake/f3.csv 100 0", "    + /lake/f4.csv 100 0",
        "    (7 lines gone, 8 new in all)"), lines.subList(1, lines.size()));
  }
}
