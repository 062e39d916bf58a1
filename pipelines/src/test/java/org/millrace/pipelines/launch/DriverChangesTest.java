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
}
