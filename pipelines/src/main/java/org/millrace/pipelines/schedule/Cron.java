package org.millrace.pipelines.schedule;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Optional;

/**
 * A five-field cron expression (minute, hour, day of month, month, day of week), as crontab(5)
 * reads it: {@code *}, numbers, ranges {@code a-b}, lists {@code a,b}, steps {@code * /n} and
 * {@code a-b/n}; day of week 0-7 (0 and 7 are Sunday); when both day fields are restricted a
 * day matching either fires. Also {@code @hourly}, {@code @daily}, {@code @weekly},
 * {@code @monthly}, {@code @yearly}. Times are evaluated in a zone; on a daylight-saving gap a
 * fire time that does not exist is skipped, and in an overlap it fires once.
 */
public final class Cron {
  private static final String[] NAMES = {"minute", "hour", "day of month", "month", "day of week"};
  private static final int[] MIN = {0, 0, 1, 1, 0};
  private static final int[] MAX = {59, 23, 31, 12, 7};

  private final String text;
  private final BitSet[] fields = new BitSet[5];
  private final boolean domRestricted;
  private final boolean dowRestricted;

  private Cron(String text) {
    this.text = text;
    String expanded = switch (text.trim()) {
      case "@hourly" -> "0 * * * *";
      case "@daily", "@midnight" -> "0 0 * * *";
      case "@weekly" -> "0 0 * * 0";
      case "@monthly" -> "0 0 1 * *";
      case "@yearly", "@annually" -> "0 0 1 1 *";
      default -> text.trim();
    };
    String[] parts = expanded.split("\\s+");
    if (parts.length != 5) {
      throw new IllegalArgumentException("cron expression expected 5 fields (minute hour day-of-month month"
          + " day-of-week) or @hourly/@daily/@weekly/@monthly/@yearly, got '" + text + "'");
    }
    for (int f = 0; f < 5; f++) {
      fields[f] = field(parts[f], f);
    }
    if (fields[4].get(7)) {
      fields[4].set(0);
    }
    domRestricted = !parts[2].equals("*");
    dowRestricted = !parts[4].equals("*");
  }

  public static Cron parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("cron expression expected, got none");
    }
    return new Cron(text);
  }

  private BitSet field(String spec, int f) {
    var bits = new BitSet();
    for (String item : spec.split(",", -1)) {
      String range = item;
      int step = 1;
      int slash = item.indexOf('/');
      if (slash >= 0) {
        range = item.substring(0, slash);
        step = number(item.substring(slash + 1), f, item);
        if (step < 1) {
          throw error(f, item, "a step >= 1");
        }
      }
      int lo;
      int hi;
      if (range.equals("*")) {
        lo = MIN[f];
        hi = f == 4 ? 6 : MAX[f];
      } else if (range.contains("-")) {
        String[] ab = range.split("-", -1);
        if (ab.length != 2) {
          throw error(f, item, "a range a-b");
        }
        lo = number(ab[0], f, item);
        hi = number(ab[1], f, item);
        if (lo > hi) {
          throw error(f, item, "a range whose start is not after its end");
        }
      } else {
        lo = number(range, f, item);
        hi = slash >= 0 ? (f == 4 ? 6 : MAX[f]) : lo;
      }
      for (int v = lo; v <= hi; v += step) {
        bits.set(v);
      }
    }
    return bits;
  }

  private static int number(String s, int f, String item) {
    try {
      int v = Integer.parseInt(s);
      if (v < MIN[f] || v > MAX[f]) {
        throw error(f, item, MIN[f] + "-" + MAX[f]);
      }
      return v;
    } catch (NumberFormatException e) {
      throw error(f, item, "numbers " + MIN[f] + "-" + MAX[f]);
    }
  }

  private static IllegalArgumentException error(int f, String item, String expected) {
    return new IllegalArgumentException("cron field " + (f + 1) + " (" + NAMES[f] + ") expected " + expected + ", got '"
        + item + "'");
  }

  /** Whether {@code t} (to the minute) is a fire time. */
  public boolean matches(ZonedDateTime t) {
    return fields[0].get(t.getMinute()) && fields[1].get(t.getHour()) && fields[3].get(t.getMonthValue())
        && dayMatches(t) && t.equals(t.withEarlierOffsetAtOverlap());
  }

  /** The first fire time strictly after {@code after}, in {@code zone}; empty if none within eight years. */
  public Optional<ZonedDateTime> next(ZonedDateTime after, ZoneId zone) {
    ZonedDateTime t = after.withZoneSameInstant(zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    ZonedDateTime limit = t.plusYears(8);
    while (t.isBefore(limit)) {
      if (!fields[3].get(t.getMonthValue())) {
        t = t.withDayOfMonth(1).withHour(0).withMinute(0).plusMonths(1);
        continue;
      }
      if (!dayMatches(t)) {
        t = t.withHour(0).withMinute(0).plusDays(1);
        continue;
      }
      if (!fields[1].get(t.getHour())) {
        t = t.withMinute(0).plusHours(1);
        continue;
      }
      if (!fields[0].get(t.getMinute()) || !t.equals(t.withEarlierOffsetAtOverlap())) {
        // (The second pass through a local time the clocks were set back over does not fire again.)
        t = t.plusMinutes(1);
        continue;
      }
      return Optional.of(t);
    }
    return Optional.empty();
  }

  /** The last fire time strictly before {@code before}; empty if none within eight years. */
  public Optional<ZonedDateTime> previous(ZonedDateTime before, ZoneId zone) {
    ZonedDateTime t = before.withZoneSameInstant(zone).truncatedTo(ChronoUnit.MINUTES);
    if (!t.isBefore(before)) {
      t = t.minusMinutes(1);
    }
    ZonedDateTime limit = t.minusYears(8);
    while (t.isAfter(limit)) {
      if (matches(t)) {
        return Optional.of(t);
      }
      if (!fields[3].get(t.getMonthValue()) || !dayMatches(t)) {
        t = t.withHour(0).withMinute(0).minusMinutes(1);
      } else if (!fields[1].get(t.getHour())) {
        t = t.withMinute(0).minusMinutes(1);
      } else {
        t = t.minusMinutes(1);
      }
    }
    return Optional.empty();
  }

  private boolean dayMatches(ZonedDateTime t) {
    boolean dom = fields[2].get(t.getDayOfMonth());
    boolean dow = fields[4].get(t.getDayOfWeek().getValue() % 7);
    return domRestricted && dowRestricted ? dom || dow : dom && dow;
  }

  @Override
  public String toString() {
    return text;
  }
}
