package org.millrace.pipelines.schedule;

import java.time.Instant;
import java.time.LocalDateTime;
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
 * {@code @monthly}, {@code @yearly}. Fields match local times in a zone: a fire time a
 * daylight-saving change skips fires at the end of the gap, one it repeats fires once.
 */
public final class Cron {
  private static final String[] NAMES = {"minute", "hour", "day of month", "month", "day of week"};
  private static final int[] MIN = {0, 0, 1, 1, 0};
  private static final int[] MAX = {59, 23, 31, 12, 7};

  private final String text;
  private final BitSet[] fields = new BitSet[5];
  private final boolean domRestricted;
  private final boolean dowRestricted;
  private final String canonical;

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
    // As Vixie cron: a day field that starts with * (also */2) counts as unrestricted.
    domRestricted = !parts[2].startsWith("*");
    dowRestricted = !parts[4].startsWith("*");
    canonical = String.join(" ", parts);
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
        try {
          step = Integer.parseInt(item.substring(slash + 1));
        } catch (NumberFormatException e) {
          throw error(f, item, "a whole-number step");
        }
        if (step < 1 || step > MAX[f]) {
          throw error(f, item, "a step of 1-" + MAX[f]);
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
    if (bits.isEmpty()) {
      throw error(f, spec, "at least one value");
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

  /**
   * The first fire time strictly after {@code after}, in {@code zone}; empty if none within eight
   * years. Fields match local times; a local time a daylight-saving change skips fires at the end
   * of the gap (as Vixie cron runs such jobs right after the jump), one it repeats fires once, at
   * the earlier offset.
   */
  public Optional<ZonedDateTime> next(ZonedDateTime after, ZoneId zone) {
    Instant a = after.toInstant();
    // Local times up to a gap's length before `after` may map to instants after it.
    LocalDateTime t = after.withZoneSameInstant(zone).toLocalDateTime().truncatedTo(ChronoUnit.MINUTES).minusHours(3);
    LocalDateTime limit = t.plusYears(8);
    ZonedDateTime best = null;
    LocalDateTime stop = null;
    while (t.isBefore(limit) && (stop == null || !t.isAfter(stop))) {
      if (!fields[3].get(t.getMonthValue())) {
        t = t.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay();
      } else if (!dayMatches(t)) {
        t = t.toLocalDate().plusDays(1).atStartOfDay();
      } else if (!fields[1].get(t.getHour())) {
        t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
      } else if (!fields[0].get(t.getMinute())) {
        t = t.plusMinutes(1);
      } else {
        ZonedDateTime z = ZonedDateTime.of(t, zone);
        if (z.toInstant().isAfter(a) && (best == null || z.isBefore(best))) {
          best = z;
          // Around a gap, later local times can be earlier instants: look a little further.
          stop = stop == null ? t.plusHours(3) : stop;
        }
        t = t.plusMinutes(1);
      }
    }
    return Optional.ofNullable(best);
  }

  /** The last fire time strictly before {@code before} (the same local-time rules); empty if none within eight years. */
  public Optional<ZonedDateTime> previous(ZonedDateTime before, ZoneId zone) {
    Instant b = before.toInstant();
    LocalDateTime t = before.withZoneSameInstant(zone).toLocalDateTime().truncatedTo(ChronoUnit.MINUTES).plusHours(3);
    LocalDateTime limit = t.minusYears(8);
    ZonedDateTime best = null;
    LocalDateTime stop = null;
    while (t.isAfter(limit) && (stop == null || !t.isBefore(stop))) {
      if (!fields[3].get(t.getMonthValue())) {
        t = t.toLocalDate().withDayOfMonth(1).atStartOfDay().minusMinutes(1);
      } else if (!dayMatches(t)) {
        t = t.toLocalDate().atStartOfDay().minusMinutes(1);
      } else if (!fields[1].get(t.getHour())) {
        t = t.truncatedTo(ChronoUnit.HOURS).minusMinutes(1);
      } else if (!fields[0].get(t.getMinute())) {
        t = t.minusMinutes(1);
      } else {
        ZonedDateTime z = ZonedDateTime.of(t, zone);
        if (z.toInstant().isBefore(b) && (best == null || z.isAfter(best))) {
          best = z;
          stop = stop == null ? t.minusHours(3) : stop;
        }
        t = t.minusMinutes(1);
      }
    }
    return Optional.ofNullable(best);
  }

  private boolean dayMatches(LocalDateTime t) {
    boolean dom = fields[2].get(t.getDayOfMonth());
    boolean dow = fields[4].get(t.getDayOfWeek().getValue() % 7);
    return domRestricted && dowRestricted ? dom || dow : dom && dow;
  }

  /** The expression with @-names expanded and single spaces: the same schedule, the same text. */
  public String canonical() {
    return canonical;
  }

  @Override
  public String toString() {
    return text;
  }
}
