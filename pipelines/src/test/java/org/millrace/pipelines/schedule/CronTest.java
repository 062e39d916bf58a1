package org.millrace.pipelines.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CronTest {
  static final ZoneId UTC = ZoneOffset.UTC;

  static ZonedDateTime at(String iso) {
    return ZonedDateTime.parse(iso);
  }

  static List<String> fires(String cron, String after, int n, ZoneId zone) {
    var c = Cron.parse(cron);
    var out = new ArrayList<String>();
    ZonedDateTime t = at(after);
    for (int i = 0; i < n; i++) {
      t = c.next(t, zone).orElseThrow();
      out.add(t.toString());
    }
    return out;
  }

  @Test
  void nextFireTimes() {
    assertEquals(List.of("2026-12-01T02:00Z", "2026-12-02T02:00Z"), fires("0 2 * * *", "2026-12-01T01:00Z", 2, UTC));
    // Strictly after: a fire time itself is not its own next.
    assertEquals(List.of("2026-12-02T02:00Z"), fires("0 2 * * *", "2026-12-01T02:00Z", 1, UTC));
    // Every 15 minutes in office hours on weekdays: Friday 17:45 is the last, then Monday 09:00.
    assertEquals(List.of("2026-12-04T17:45Z", "2026-12-07T09:00Z", "2026-12-07T09:15Z"),
        fires("*/15 9-17 * * 1-5", "2026-12-04T17:31Z", 3, UTC));
    assertEquals(List.of("2026-12-15T00:00Z", "2027-01-01T00:00Z"), fires("0 0 1,15 * *", "2026-12-01T00:00Z", 2, UTC));
    // Both day fields restricted: the 13th or a Friday (crontab(5)).
    assertEquals(List.of("2026-11-13T00:00Z", "2026-11-20T00:00Z", "2026-11-27T00:00Z", "2026-12-04T00:00Z",
        "2026-12-11T00:00Z", "2026-12-13T00:00Z"), fires("0 0 13 * 5", "2026-11-12T00:00Z", 6, UTC));
    assertEquals(List.of("2026-12-02T00:00Z"), fires("@daily", "2026-12-01T00:00Z", 1, UTC));
    assertEquals("0 0 * * *", Cron.parse(" @daily").canonical());
    assertEquals("0 2 * * *", Cron.parse("0  2 * *\t*").canonical());
    // A day field starting with * is unrestricted (Vixie cron): every other day AND Mondays.
    assertEquals(List.of("2026-03-09T00:00Z", "2026-03-23T00:00Z"), fires("0 0 */2 * 1", "2026-03-01T00:00Z", 2, UTC));
    assertEquals(List.of("2027-01-03T00:00Z"), fires("0 0 * * 7", "2026-12-31T00:00Z", 1, UTC), "7 is Sunday too");
    assertEquals(List.of("2028-02-29T12:00Z"), fires("0 12 29 2 *", "2026-03-01T00:00Z", 1, UTC), "a leap day");
    assertEquals("2026-12-01T02:00Z", Cron.parse("0 2 * * *").previous(at("2026-12-02T02:00Z"), UTC).orElseThrow()
        .toString());
    assertEquals("2026-12-02T02:00Z", Cron.parse("0 2 * * *").previous(at("2026-12-02T02:00:00.001Z"), UTC)
        .orElseThrow().toString());
  }

  @Test
  void aTimeTheClocksSkipFiresAtTheEndOfTheGapAndARepeatedOneFiresOnce() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    // 2026-03-29: 02:00 -> 03:00; 02:30 does not exist that day and fires at 03:30 (no day's span lost).
    assertEquals(List.of("2026-03-28T02:30+01:00[Europe/Berlin]", "2026-03-29T03:30+02:00[Europe/Berlin]",
        "2026-03-30T02:30+02:00[Europe/Berlin]"), fires("30 2 * * *", "2026-03-28T00:00+01:00[Europe/Berlin]", 3, berlin));
    assertEquals("2026-03-29T03:30+02:00[Europe/Berlin]", Cron.parse("30 2 * * *").previous(
        at("2026-03-30T02:30+02:00[Europe/Berlin]"), berlin).orElseThrow().toString());
    // Every half hour across the gap: 02:00 and 02:30 fire at 03:00 and 03:30, each once.
    assertEquals(List.of("2026-03-29T01:30+01:00[Europe/Berlin]", "2026-03-29T03:00+02:00[Europe/Berlin]",
        "2026-03-29T03:30+02:00[Europe/Berlin]", "2026-03-29T04:00+02:00[Europe/Berlin]"),
        fires("0,30 * * * *", "2026-03-29T01:00+01:00[Europe/Berlin]", 4, berlin));
    // Havana skips midnight (2026-03-08 00:00 -> 01:00): the next Monday's 00:30 still fires.
    ZoneId havana = ZoneId.of("America/Havana");
    assertEquals(List.of("2026-03-09T00:30-04:00[America/Havana]"), fires("30 0 * * 1",
        "2026-03-07T12:00-05:00[America/Havana]", 1, havana));
    // 2026-10-25: 03:00 -> 02:00; 02:30 happens twice and fires once.
    assertEquals(List.of("2026-10-25T02:30+02:00[Europe/Berlin]", "2026-10-26T02:30+01:00[Europe/Berlin]"),
        fires("30 2 * * *", "2026-10-25T00:00+02:00[Europe/Berlin]", 2, berlin));
  }

  @Test
  void badExpressionsNameTheFieldAndWhatWasExpected() {
    assertEquals("cron field 1 (minute) expected 0-59, got '61'",
        assertThrows(IllegalArgumentException.class, () -> Cron.parse("61 * * * *")).getMessage());
    assertEquals("cron expression expected 5 fields (minute hour day-of-month month day-of-week) or"
        + " @hourly/@daily/@weekly/@monthly/@yearly, got '* * *'",
        assertThrows(IllegalArgumentException.class, () -> Cron.parse("* * *")).getMessage());
    assertEquals("cron field 2 (hour) expected a range whose start is not after its end, got '5-1'",
        assertThrows(IllegalArgumentException.class, () -> Cron.parse("0 5-1 * * *")).getMessage());
    assertEquals("cron field 1 (minute) expected a step of 1-59, got '*/0'",
        assertThrows(IllegalArgumentException.class, () -> Cron.parse("*/0 * * * *")).getMessage());
    assertEquals("cron field 4 (month) expected numbers 1-12, got 'jan'",
        assertThrows(IllegalArgumentException.class, () -> Cron.parse("0 0 1 jan *")).getMessage());
    assertEquals("cron field 3 (day of month) expected a step of 1-31, got '*/0'",
        assertThrows(IllegalArgumentException.class, () -> Cron.parse("0 0 */0 * *")).getMessage());
    assertEquals("cron field 5 (day of week) expected at least one value, got '7/2'",
        assertThrows(IllegalArgumentException.class, () -> Cron.parse("0 0 * * 7/2")).getMessage());
    assertEquals("cron field 3 (day of month) expected 1-31, got '0'",
        assertThrows(IllegalArgumentException.class, () -> Cron.parse("0 0 0 * *")).getMessage());
  }
}
