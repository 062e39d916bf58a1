package org.millrace.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TableTest {
  @Test
  void columnsAlignAndNoLineEndsInPadding() {
    String text = new Table("node", "outputs").row("ingest", "a").row("statistics", "longer/path").render();
    assertEquals(String.join(System.lineSeparator(),
        "node        outputs",
        "----------  -----------",
        "ingest      a",
        "statistics  longer/path", ""), text);
  }

  @Test
  void outputsBelowTheWorkingDirectoryAreShownRelativeToIt() {
    String below = Path.of("").toAbsolutePath().resolve(".millrace/pipelines/p/ingest/examples/1-ab").toString();
    assertEquals(".millrace/pipelines/p/ingest/examples/1-ab", Summaries.shown(below));
    assertEquals("/elsewhere/examples/1", Summaries.shown("/elsewhere/examples/1"));
    assertEquals("s3://bucket/examples/1", Summaries.shown("s3://bucket/examples/1"));
  }
}
