package org.millrace.ingest.parquet;

import java.nio.charset.StandardCharsets;
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
    byte[] b = new byte[30];
    int at = digits(b, 0, year, 4);
    b[at++] = '-';
    at = digits(b, at, date.getMonthValue(), 2);
    b[at++] = '-';
    at = digits(b, at, date.getDayOfMonth(), 2);
    b[at++] = 'T';
    at = digits(b, at, secondOfDay / 3600, 2);
    b[at++] = ':';
    at = digits(b, at, secondOfDay / 60 % 60, 2);
    b[at++] = ':';
    at = digits(b, at, secondOfDay % 60, 2);
    int n = (int) nanos;
    if (n != 0) {
      b[at++] = '.';
      if (utc) {
        // ISO_INSTANT: the fraction in groups of three digits, as many groups as it needs.
        if (n % 1_000_000 == 0) {
          at = digits(b, at, n / 1_000_000, 3);
        } else if (n % 1_000 == 0) {
          at = digits(b, at, n / 1_000, 6);
        } else {
          at = digits(b, at, n, 9);
        }
      } else {
        // ISO_LOCAL_DATE_TIME: nine digits less the trailing zeros.
        int width = 9;
        while (n % 10 == 0) {
          n /= 10;
          width--;
        }
        at = digits(b, at, n, width);
      }
    }
    if (utc) {
      b[at++] = 'Z';
    }
    return new String(b, 0, at, StandardCharsets.ISO_8859_1);
  }

  /** Writes {@code value} (non-negative, under 10^width) at {@code at} in {@code width} digits, zero-padded; returns the end. */
  private static int digits(byte[] b, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      b[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    return at + width;
  }
}
