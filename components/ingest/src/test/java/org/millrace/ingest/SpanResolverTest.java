package org.millrace.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpanResolverTest {
  @TempDir
  Path lake;

  Path touch(String rel) throws Exception {
    Path p = lake.resolve(rel);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, "x\n");
  }

  @Test
  void latestSpanByDefaultAndExplicitSpans() throws Exception {
    touch("span-1/a.csv");
    touch("span-2/a.csv");
    touch("span-2/b.csv");
    touch("span-10/a.csv");
    touch("span-x/a.csv");
    String pattern = lake + "/span-{SPAN}/*.csv";
    assertEquals(Set.of(1L, 2L, 10L), SpanResolver.spans(pattern).keySet());
    var latest = SpanResolver.resolve(pattern, null);
    assertEquals(10L, latest.span());
    var two = SpanResolver.resolve(pattern, 2L);
    assertEquals(List.of(lake.resolve("span-2/a.csv").toString(), lake.resolve("span-2/b.csv").toString()), two.files());
  }

  @Test
  void fixedWidthSpans() throws Exception {
    touch("data/2026-001.csv");
    touch("data/2026-002.csv");
    touch("data/2026-0003.csv");
    assertEquals(Set.of(1L, 2L), SpanResolver.spans(lake + "/data/2026-{SPAN:3}.csv").keySet());
  }

  @Test
  void missingSpanAndNoFilesAreClearErrors() throws Exception {
    touch("span-1/a.csv");
    touch("span-3/a.csv");
    var e = assertThrows(IllegalArgumentException.class, () -> SpanResolver.resolve(lake + "/span-{SPAN}/a.csv", 2L));
    assertEquals("input span expected one of [1, 3] for pattern '" + lake + "/span-{SPAN}/a.csv', got missing span 2",
        e.getMessage());
    var none = assertThrows(IllegalArgumentException.class, () -> SpanResolver.resolve(lake + "/nope/*.csv", null));
    assertEquals("input expected files matching '" + lake + "/nope/*.csv', got none", none.getMessage());
  }

  @Test
  void datesAndHivePartitionsAreDaySpans() throws Exception {
    touch("daily/20261101/a.csv");
    touch("daily/20261102/a.csv");
    var r = SpanResolver.resolve(lake + "/daily/{YYYY}{MM}{DD}/*.csv", null);
    assertEquals(java.time.LocalDate.of(2026, 11, 2).toEpochDay(), r.span());
    touch("hive/date=2026-10-31/part-0.csv");
    touch("hive/date=2026-11-01/part-0.csv");
    touch("hive/date=2026-11-01/part-1.csv");
    var h = SpanResolver.resolve(lake + "/hive/date={YYYY}-{MM}-{DD}/*.csv", null);
    assertEquals(java.time.LocalDate.of(2026, 11, 1).toEpochDay(), h.span());
    assertEquals(2, h.files().size());
    touch("bad/date=2026-13-01/a.csv");
    var e = assertThrows(IllegalArgumentException.class, () -> SpanResolver.spans(lake + "/bad/date={YYYY}-{MM}-{DD}/a.csv"));
    assertTrue(e.getMessage().contains("expected a valid date") && e.getMessage().contains("2026-13-01"), e.getMessage());
    var both = assertThrows(IllegalArgumentException.class, () -> SpanResolver.spans(lake + "/{SPAN}/{YYYY}{MM}{DD}"));
    assertTrue(both.getMessage().startsWith("input pattern expected either {SPAN} or {YYYY}{MM}{DD}, got both"));
  }

  @Test
  void rangesAndRollingWindows() throws Exception {
    for (int s : new int[] {1, 2, 3, 5}) {
      touch("span-" + s + "/a.csv");
    }
    String pattern = lake + "/span-{SPAN}/a.csv";
    assertEquals(List.of(1L, 2L, 3L), SpanResolver.resolve(pattern, null, List.of(1L, 3L), null, null).spans());
    assertEquals(List.of(3L, 5L), SpanResolver.resolve(pattern, null, null, 2, null).spans());
    assertEquals(4, SpanResolver.resolve(pattern, null, null, 10, null).files().size());
    var gap = assertThrows(IllegalArgumentException.class, () -> SpanResolver.resolve(pattern, null, List.of(3L, 5L), null, null));
    assertEquals("input span expected one of [1, 2, 3, 5] for pattern '" + pattern + "', got missing span 4",
        gap.getMessage());
  }

  @Test
  void aPlainFileIsSpanZero() throws Exception {
    Path f = touch("one.csv");
    assertEquals(0L, SpanResolver.resolve(f.toString(), null).span());
  }

  @Test
  void highestVersionOfTheChosenSpanByDefault() throws Exception {
    touch("span-1/v-1/a.csv");
    touch("span-1/v-7/a.csv");
    touch("span-2/v-1/a.csv");
    touch("span-2/v-3/a.csv");
    touch("span-2/v-3/b.csv");
    touch("span-2/v-10/a.csv");
    touch("span-2/v-x/a.csv");
    String pattern = lake + "/span-{SPAN}/v-{VERSION}/*.csv";
    var latest = SpanResolver.resolve(pattern, null);
    assertEquals(2L, latest.span());
    assertEquals(10L, latest.version());
    assertEquals(List.of(lake.resolve("span-2/v-10/a.csv").toString()), latest.files());
    var pinned = SpanResolver.resolve(pattern, 2L, null, null, 3L);
    assertEquals(List.of(3L), pinned.versions());
    assertEquals(2, pinned.files().size());
    var older = SpanResolver.resolve(pattern, 1L);
    assertEquals(7L, older.version());
    var both = SpanResolver.resolve(pattern, null, List.of(1L, 2L), null, null);
    assertEquals(List.of(7L, 10L), both.versions(), "each span reads its own highest version");
    assertEquals(Set.of(1L, 3L, 10L), SpanResolver.spans(pattern).get(2L).keySet());
  }

  @Test
  void fixedWidthVersionsAndSpanAndVersionInOneName() throws Exception {
    touch("data/span-3-v-01.csv");
    touch("data/span-3-v-02.csv");
    touch("data/span-3-v-003.csv");
    var r = SpanResolver.resolve(lake + "/data/span-{SPAN}-v-{VERSION:2}.csv", null);
    assertEquals(3L, r.span());
    assertEquals(2L, r.version());
  }

  @Test
  void missingVersionAndVersionWithoutSpanAreClearErrors() throws Exception {
    touch("span-1/v-1/a.csv");
    touch("span-1/v-2/a.csv");
    touch("span-2/v-2/a.csv");
    String pattern = lake + "/span-{SPAN}/v-{VERSION}/a.csv";
    var e = assertThrows(IllegalArgumentException.class, () -> SpanResolver.resolve(pattern, 1L, null, null, 5L));
    assertEquals("input version expected one of [1, 2] in span 1 for pattern '" + pattern + "', got missing version 5",
        e.getMessage());
    var inRange = assertThrows(IllegalArgumentException.class,
        () -> SpanResolver.resolve(pattern, null, List.of(1L, 2L), null, 1L));
    assertEquals("input version expected one of [2] in span 2 for pattern '" + pattern + "', got missing version 1",
        inRange.getMessage());
    var alone = assertThrows(IllegalArgumentException.class, () -> SpanResolver.spans(lake + "/v-{VERSION}/a.csv"));
    assertTrue(alone.getMessage().startsWith("input pattern expected {SPAN} or {YYYY}{MM}{DD} beside {VERSION}"),
        alone.getMessage());
    var param = assertThrows(org.millrace.api.spec.ParameterException.class, () -> org.millrace.api.spec.ParameterBinder
        .bind(ExampleGenParams.class, java.util.Map.of("input", lake + "/span-{SPAN}/a.csv", "version", 2)));
    assertEquals("version expected an input pattern with {VERSION}, got '" + lake + "/span-{SPAN}/a.csv'",
        param.getMessage());
  }

  @Test
  void fileUrisAndRelativePathsResolveLikeAbsolutePaths() throws Exception {
    touch("span-1/a.csv");
    touch("span-2/a.csv");
    touch("span-2/b.csv");
    var uri = SpanResolver.resolve("file://" + lake + "/span-{SPAN}/*.csv", null);
    assertEquals(2L, uri.span());
    assertEquals(List.of(lake.resolve("span-2/a.csv").toString(), lake.resolve("span-2/b.csv").toString()),
        uri.files());
    assertEquals(2L, uri.inputs().get(0).size(), "sizes come from the filesystem listing");
    var single = SpanResolver.resolve(lake.resolve("span-1/a.csv").toUri().toString(), null);
    assertEquals(List.of(lake.resolve("span-1/a.csv").toString()), single.files());
    Path cwd = Path.of("").toAbsolutePath();
    String relative = cwd.relativize(lake).toString() + "/span-{SPAN}/a.csv";
    assertEquals(List.of(lake.resolve("span-2/a.csv").toString()), SpanResolver.resolve(relative, null).files());
    var none = assertThrows(IllegalArgumentException.class, () -> SpanResolver.resolve("file://" + lake + "/x/*.csv",
        null));
    assertEquals("input expected files matching 'file://" + lake + "/x/*.csv', got none", none.getMessage());
    var scheme = assertThrows(IllegalArgumentException.class, () -> SpanResolver.resolve("nosuchfs://b/*.csv", null));
    assertTrue(scheme.getMessage().startsWith("input pattern 'nosuchfs://b/*.csv' expected a path on a registered"
        + " filesystem"), scheme.getMessage());
  }

  @Test
  void aRelativePathThatMatchesNothingSaysWhereItWasLookedFor() {
    var none = assertThrows(IllegalArgumentException.class, () -> SpanResolver.resolve("mydata/diabetis.csv", null));
    assertEquals("input expected files matching 'mydata/diabetis.csv', got none (a relative path: looked for under the"
        + " working directory " + java.nio.file.Path.of("").toAbsolutePath() + ")", none.getMessage());
  }
}
