package org.millrace.ingest.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link IsoTimes} writes the same text as the ISO formatters, over the years 0000-9999 and beyond. */
class IsoTimesTest {
  private static final long YEAR_0 = -62_167_219_200L;
  private static final long YEAR_10000 = 253_402_300_800L;

  @Test
  void sameTextAsTheFormatters() {
    var rnd = new Random(11);
    for (int t = 0; t < 300_000; t++) {
      long seconds = switch (t % 4) {
        case 0 -> YEAR_0 - 1_000_000 + rnd.nextInt(2_000_000);
        case 1 -> YEAR_10000 - 1_000_000 + rnd.nextInt(2_000_000);
        case 2 -> rnd.nextInt(2_000_000_000) - 1_000_000_000L; // around 1970
        default -> YEAR_0 + (long) (rnd.nextDouble() * (YEAR_10000 - YEAR_0));
      };
      long nanos = switch (rnd.nextInt(5)) {
        case 0 -> 0;
        case 1 -> rnd.nextInt(1000) * 1_000_000L;
        case 2 -> rnd.nextInt(1_000_000) * 1_000L;
        case 3 -> rnd.nextInt(10) * 100_000_000L;
        default -> rnd.nextInt(1_000_000_000);
      };
      assertEquals(DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(seconds, nanos)),
          IsoTimes.format(seconds, nanos, true), seconds + " s " + nanos + " ns");
      assertEquals(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(LocalDateTime.ofEpochSecond(seconds, (int) nanos,
          ZoneOffset.UTC)), IsoTimes.format(seconds, nanos, false), seconds + " s " + nanos + " ns");
    }
  }
}
