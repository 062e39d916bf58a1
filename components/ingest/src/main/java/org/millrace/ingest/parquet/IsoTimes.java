package org.millrace.ingest.parquet;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A Parquet timestamp as the text ExampleGen types it by: {@link DateTimeFormatter#ISO_INSTANT}
 * ({@code 2001-01-01T00:47:00Z}) for UTC-adjusted timestamps, {@link DateTimeFormatter#ISO_LOCAL_DATE_TIME}
 * ({@code 2001-01-01T00:47:00}) otherwise, written directly for years 0000 to 9999 (the formatters
 * cost about a microsecond a value) and by the formatters beyond. The same characters either way.
 */
final class IsoTimes {
  private static final long SECONDS_PER_DAY = 86_400;

  private IsoTimes() {}

  static String format(long seconds, long nanos, boolean utc) {
    long day = Math.floorDiv(seconds, SECONDS_PER_DAY);
    LocalDate date = LocalDate.ofEpochDay(day);
    int year = date.getYear();
    if (year < 0 || year > 9999) {
      return utc ? DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(seconds, nanos))
          : DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(LocalDateTime.ofEpochSecond(seconds, (int) nanos,
              ZoneOffset.UTC));
    }
    int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
    var sb = new StringBuilder(30);
    digits(sb, year, 4).append('-');
    digits(sb, date.getMonthValue(), 2).append('-');
    digits(sb, date.getDayOfMonth(), 2).append('T');
    digits(sb, secondOfDay / 3600, 2).append(':');
    digits(sb, secondOfDay / 60 % 60, 2).append(':');
    digits(sb, secondOfDay % 60, 2);
    int n = (int) nanos;
    if (n != 0) {
      sb.append('.');
      if (utc) {
        // ISO_INSTANT: the fraction in groups of three digits, as many groups as it needs.
        if (n % 1_000_000 == 0) {
          digits(sb, n / 1_000_000, 3);
        } else if (n % 1_000 == 0) {
          digits(sb, n / 1_000, 6);
        } else {
          digits(sb, n, 9);
        }
      } else {
        // ISO_LOCAL_DATE_TIME: nine digits less the trailing zeros.
        int width = 9;
        while (n % 10 == 0) {
          n /= 10;
          width--;
        }
        digits(sb, n, width);
      }
    }
    return utc ? sb.append('Z').toString() : sb.toString();
  }

  /** {@code value} (non-negative, under 10^width) in {@code width} digits, zero-padded. */
  private static StringBuilder digits(StringBuilder sb, int value, int width) {
    int divisor = 1;
    for (int i = 1; i < width; i++) {
      divisor *= 10;
    }
    for (; divisor > 0; divisor /= 10) {
      sb.append((char) ('0' + value / divisor % 10));
    }
    return sb;
  }
}
