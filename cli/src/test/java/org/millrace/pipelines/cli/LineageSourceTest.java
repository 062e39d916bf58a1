package org.millrace.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Where a source node's data came from, as its driver fingerprint recorded the files. */
class LineageSourceTest {
  @Test
  void theFilesReadAreNamedTheFirstThreeInFull() {
    String driver = "spans=[3, 4] versions=[0]\n/lake/span-3/a.csv 1200 0\n/lake/span-3/b.csv 5 1000\n"
        + "/lake/span-4/a.csv 7 2000\n/lake/span-4/b.csv 9 3000";
    assertEquals("read 4 files (spans=[3, 4] versions=[0]): /lake/span-3/a.csv (1,200 bytes, modified"
        + " 1970-01-01T00:00:00Z), /lake/span-3/b.csv (5 bytes, modified 1970-01-01T00:00:01Z), /lake/span-4/a.csv"
        + " (7 bytes, modified 1970-01-01T00:00:02Z), ... 1 more", LineageCommand.sourceFiles(driver));
    assertNull(LineageCommand.sourceFiles(""));
    assertNull(LineageCommand.sourceFiles("backend java"));
  }
}
