/**
 * SLA calendar arithmetic against hand-computed instants. Each case's comment
 * shows the reasoning; the UTC offsets used are those of the 2026 time-zone
 * rules:
 *
 * - Europe (London, Warsaw): summer time from 2026-03-29T01:00Z to 2026-10-25T01:00Z. On 25 Oct
 *   London repeats 01:00-02:00 (first 00:00Z-01:00Z, again 01:00Z-02:00Z) and Warsaw 02:00-03:00
 *   (first 00:00Z-01:00Z, again 01:00Z-02:00Z).
 * - America/New_York: EDT from 2026-03-08T07:00Z (02:00 EST) to 2026-11-01T06:00Z (02:00 EDT), so
 *   01:00-02:00 runs first 05:00Z-06:00Z, again 06:00Z-07:00Z.
 * - Australia/Sydney: AEDT (+11) until 2026-04-04T16:00Z (03:00 -> 02:00), again from 2026-10-03T16:00Z (02:00 -> 03:00).
 *   The repeated 02:00-03:00 runs first 15:00Z-16:00Z, again 16:00Z-17:00Z.
 * - Australia/Lord_Howe: +11 until 2026-04-04T15:00Z (02:00 -> 01:30, +10:30), +11 again from 2026-10-03T15:30Z (02:00 -> 02:30).
 *   The repeated 01:30-02:00 runs first 14:30Z-15:00Z, again 15:00Z-15:30Z.
 * - Asia/Kolkata: +05:30 all year.
 *
 * Weekdays in 2026: Jan 12 and 19 are Mondays, Mar 8 and 29, Apr 5, Oct 4 and 25, Nov 1 are Sundays,
 * Apr 3 and Dec 25 are Fridays.
 *
 * Calendars of local hours count a repeated local time once, at its first
 * occurrence; only 24x7 counts real time.
 */

import { DateTime, Interval } from 'luxon';

import {
  alwaysOpenCalendar,
  buildSlaCalendarRegistry,
  deskCalendar,
  findSlaCalendar,
  followTheSunCalendar,
  InvalidSlaCalendarError,
  specialistGroupCalendar,
  timeZoneIssue,
  UnknownSlaCalendarError,
  weeklyCalendar,
  type WeeklyCalendarDefinition,
} from '../src/calendar/business-calendars';
import { repeatedLocalTimeIntervals } from '../src/calendar/local-time-ranges';
import { computeDueInstant, dueInstantAfterPriorityChange, elapsedBusinessMinutes, escalationInstants, InvalidSlaArgumentError, NoOpenTimeError, type SlaCalendar } from '../src/calendar/sla-calendar';
import { computeSlaClockSnapshot, type SlaClockRecord } from '../src/calendar/sla-clock';
import type { DeskDefinition } from '../src/domain/desks';
import { defaultEscalationLevels, defaultSlaPolicy, formatTargetDuration, parseTargetDuration, resolveCalendarName, selectSlaTargets, validateSlaPolicy } from '../src/domain/sla';

const weekdays = [1, 2, 3, 4, 5] as const;
const everyDay = [1, 2, 3, 4, 5, 6, 7] as const;

/** 09:00-17:30 with lunch 12:30-13:00: eight open hours a day. UK bank holidays around Easter and Christmas 2026. */
const londonOffice = weeklyCalendar({
  name: 'london-office',
  timeZone: 'Europe/London',
  weeklyHours: [{ weekdays: [...weekdays], start: '09:00', end: '17:30' }],
  breaks: [{ start: '12:30', end: '13:00' }],
  holidays: ['2026-04-03', '2026-04-06', '2026-12-25', '2026-12-28'],
});

/** A night operations centre open 00:00-06:00 local every day, so DST changes fall inside its hours. */
const warsawNightOperations = weeklyCalendar({ name: 'warsaw-night', timeZone: 'Europe/Warsaw', weeklyHours: [{ weekdays: [...everyDay], start: '00:00', end: '06:00' }] });

/** An overnight shift 22:00-06:00 every day, crossing midnight. */
const newYorkOvernight = weeklyCalendar({ name: 'new-york-overnight', timeZone: 'America/New_York', weeklyHours: [{ weekdays: [...everyDay], start: '22:00', end: '06:00' }] });

const sydneyOffice = weeklyCalendar({ name: 'sydney-office', timeZone: 'Australia/Sydney', weeklyHours: [{ weekdays: [...weekdays], start: '09:00', end: '17:00' }] });

const sydneyNight = weeklyCalendar({ name: 'sydney-night', timeZone: 'Australia/Sydney', weeklyHours: [{ weekdays: [...everyDay], start: '00:00', end: '08:00' }] });

const lordHoweNight = weeklyCalendar({ name: 'lord-howe-night', timeZone: 'Australia/Lord_Howe', weeklyHours: [{ weekdays: [...everyDay], start: '00:00', end: '04:00' }] });

/** Monday to Saturday 09:30-18:30 with lunch 13:00-14:00 (eight open hours); Republic Day 2026-01-26 is a Monday. */
const kolkataOffice = weeklyCalendar({
  name: 'kolkata-office',
  timeZone: 'Asia/Kolkata',
  weeklyHours: [{ weekdays: [1, 2, 3, 4, 5, 6], start: '09:30', end: '18:30' }],
  breaks: [{ start: '13:00', end: '14:00' }],
  holidays: ['2026-01-26'],
});

const alwaysOpen = alwaysOpenCalendar();

/** Desks like the example configuration, written out here so that changes to the examples do not move these expectations. */
const testDesks: DeskDefinition[] = [
  { id: 'apac', name: 'APAC desk', timeZone: 'Asia/Singapore', taskQueue: 'desk-apac', shifts: [{ weekdays: [...weekdays], start: '07:00', end: '16:00' }], holidays: [] },
  { id: 'emea', name: 'EMEA desk', timeZone: 'Europe/Warsaw', taskQueue: 'desk-emea', shifts: [{ weekdays: [...weekdays], start: '08:00', end: '17:00' }], holidays: ['2026-12-24', '2026-12-25'] },
  { id: 'amer', name: 'AMER desk', timeZone: 'America/New_York', taskQueue: 'desk-amer', shifts: [{ weekdays: [...weekdays], start: '10:00', end: '19:00' }], holidays: [] },
];
const [apacDesk, emeaDesk, amerDesk] = testDesks as [DeskDefinition, DeskDefinition, DeskDefinition];

/** A weekend night desk in London, Saturday 22:00 to Sunday 06:00: the night on which London falls back. */
const londonWeekendNightDesk: DeskDefinition = {
  id: 'london-night',
  name: 'London weekend night desk',
  timeZone: 'Europe/London',
  taskQueue: 'desk-london-night',
  shifts: [{ weekdays: [6], start: '22:00', end: '06:00' }],
  holidays: [],
};

/** A specialist group on call in New York on Saturday nights, 22:00 to Sunday 06:00. */
const newYorkNightGroup = {
  id: 'database-l3',
  name: 'Database engineering',
  supportLevel: 'L3' as const,
  timeZone: 'America/New_York',
  shifts: [{ weekdays: [6 as const], start: '22:00', end: '06:00' }],
  holidays: [],
};
const followTheSun = followTheSunCalendar(testDesks);

function instant(text: string): DateTime {
  return DateTime.fromISO(text, { setZone: true });
}

function pause(start: string, end: string): Interval {
  return Interval.fromDateTimes(instant(start), instant(end));
}

function utc(value: DateTime): string {
  return value.toUTC().toISO()!;
}

interface DueCase {
  name: string;
  calendar: SlaCalendar;
  start: string;
  targetMinutes: number;
  pauses?: Interval[];
  expected: string;
}

const dueCases: DueCase[] = [
  {
    // Mon 11:00 GMT: 11:00-12:30 gives 90 min, lunch, 13:00-14:30 the other 90.
    name: 'lunch break skipped',
    calendar: londonOffice,
    start: '2026-01-12T11:00:00Z',
    targetMinutes: 180,
    expected: '2026-01-12T14:30:00.000Z',
  },
  {
    // 09:00-12:30 is exactly 210 min, so the due instant is the start of lunch, not 13:00.
    name: 'due at start of lunch stays there',
    calendar: londonOffice,
    start: '2026-01-12T09:00:00Z',
    targetMinutes: 210,
    expected: '2026-01-12T12:30:00.000Z',
  },
  {
    // 13:00-17:30 is exactly 270 min: due at closing time on Monday, not at Tuesday's opening.
    name: 'due at closing time stays there',
    calendar: londonOffice,
    start: '2026-01-12T13:00:00Z',
    targetMinutes: 270,
    expected: '2026-01-12T17:30:00.000Z',
  },
  {
    // 12:45 is inside lunch; the clock starts at 13:00 and runs 60 min.
    name: 'start inside lunch break',
    calendar: londonOffice,
    start: '2026-01-12T12:45:00Z',
    targetMinutes: 60,
    expected: '2026-01-12T14:00:00.000Z',
  },
  {
    // 20 h = Mon 8 h + Tue 8 h + Wed 09:00-12:30 (3.5 h) + 13:00-13:30 (0.5 h).
    name: 'target spanning three days',
    calendar: londonOffice,
    start: '2026-01-12T09:00:00Z',
    targetMinutes: 20 * 60,
    expected: '2026-01-14T13:30:00.000Z',
  },
  {
    // Thu 2 Apr 16:00 BST (15:00Z): 1.5 h until 17:30. Good Friday, the weekend and Easter Monday are closed.
    // Tue 7 Apr 09:00 BST + 2.5 h = 11:30 BST = 10:30Z.
    name: 'holidays on both sides of Easter weekend',
    calendar: londonOffice,
    start: '2026-04-02T15:00:00Z',
    targetMinutes: 240,
    expected: '2026-04-07T10:30:00.000Z',
  },
  {
    // Thu 24 Dec 17:00 GMT: 30 min until 17:30. Fri 25 and Mon 28 are holidays around the weekend.
    // Tue 29 Dec 09:00 + 90 min = 10:30 GMT.
    name: 'holidays on both sides of Christmas weekend',
    calendar: londonOffice,
    start: '2026-12-24T17:00:00Z',
    targetMinutes: 120,
    expected: '2026-12-29T10:30:00.000Z',
  },
  {
    // Fri 27 Mar 16:30 GMT: 60 min until 17:30 GMT. London springs forward on Sunday.
    // Mon 30 Mar 09:00 BST + 120 min = 11:00 BST = 10:00Z.
    name: 'London office across spring forward',
    calendar: londonOffice,
    start: '2026-03-27T16:30:00Z',
    targetMinutes: 180,
    expected: '2026-03-30T10:00:00.000Z',
  },
  {
    // Sun 29 Mar 00:00 CET = Sat 23:00Z. Local 02:00-03:00 does not exist, so 00:00-06:00 lasts
    // 23:00Z-04:00Z = 5 real hours. A 5 h target is due at 06:00 CEST = 04:00Z, the end of the range.
    name: 'Warsaw spring forward skips missing hour',
    calendar: warsawNightOperations,
    start: '2026-03-28T23:00:00Z',
    targetMinutes: 300,
    expected: '2026-03-29T04:00:00.000Z',
  },
  {
    // Sun 25 Oct 00:00 CEST = Sat 22:00Z. Local 02:00-03:00 happens twice and counts once, at
    // 00:00Z-01:00Z, so the night is open 22:00Z-01:00Z and 02:00Z-05:00Z: 6 hours.
    // 4 h: 3 h until 01:00Z, the second 02:00-03:00 is skipped, 1 h from 02:00Z = 03:00Z (04:00 CET).
    name: 'Warsaw fall back counts repeated hour once',
    calendar: warsawNightOperations,
    start: '2026-10-24T22:00:00Z',
    targetMinutes: 240,
    expected: '2026-10-25T03:00:00.000Z',
  },
  {
    // The fall-back night gives 6 hours, so 30 of 390 min remain at 06:00 CET.
    // Mon 26 Oct 00:00 CET = Sun 23:00Z + 30 min.
    name: 'Warsaw fall back night is six hours',
    calendar: warsawNightOperations,
    start: '2026-10-24T22:00:00Z',
    targetMinutes: 390,
    expected: '2026-10-25T23:30:00.000Z',
  },
  {
    // Sat 7 Mar 22:00 EST = 03:00Z; the shift ends Sun 06:00 EDT = 10:00Z: 7 real hours (02:00-03:00 is skipped).
    // The remaining 30 min start Sun 22:00 EDT = Mon 02:00Z.
    name: 'New York overnight across spring forward',
    calendar: newYorkOvernight,
    start: '2026-03-08T03:00:00Z',
    targetMinutes: 450,
    expected: '2026-03-09T02:30:00.000Z',
  },
  {
    // Sat 31 Oct 22:00 EDT = Sun 02:00Z. 01:00-02:00 counts at its first occurrence (05:00Z-06:00Z);
    // the second one, 06:00Z-07:00Z, does not. 5 h: 02:00Z-06:00Z (4 h) and 07:00Z-08:00Z,
    // due 03:00 EST, five wall-clock hours after 22:00.
    name: 'New York overnight across fall back',
    calendar: newYorkOvernight,
    start: '2026-11-01T02:00:00Z',
    targetMinutes: 300,
    expected: '2026-11-01T08:00:00.000Z',
  },
  {
    // The fall-back night 22:00 EDT-06:00 EST is 9 real hours and counts 8. 30 of 510 min remain
    // at 06:00 EST = 11:00Z; Sun 1 Nov 22:00 EST = Mon 03:00Z + 30 min.
    name: 'New York fall back night is eight hours',
    calendar: newYorkOvernight,
    start: '2026-11-01T02:00:00Z',
    targetMinutes: 510,
    expected: '2026-11-02T03:30:00.000Z',
  },
  {
    // AMER desk 10:00-19:00 New York. Fri 6 Mar 18:00 EST = 23:00Z: 60 min until 19:00 EST.
    // Mon 9 Mar 10:00 EDT = 14:00Z + 60 min = 15:00Z.
    name: 'AMER desk across US spring forward',
    calendar: deskCalendar(amerDesk),
    start: '2026-03-06T23:00:00Z',
    targetMinutes: 120,
    expected: '2026-03-09T15:00:00.000Z',
  },
  {
    // Fri 3 Apr 16:00 AEDT = 05:00Z: 60 min until 17:00. Sydney falls back on Sunday.
    // Mon 6 Apr 09:00 AEST = Sun 23:00Z + 120 min = 01:00Z.
    name: 'Sydney office across April fall back',
    calendar: sydneyOffice,
    start: '2026-04-03T05:00:00Z',
    targetMinutes: 180,
    expected: '2026-04-06T01:00:00.000Z',
  },
  {
    // Sun 5 Apr 00:00 AEDT = Sat 13:00Z; 08:00 AEST = 22:00Z. 02:00-03:00 counts at 15:00Z-16:00Z
    // only, so the night is open 13:00Z-16:00Z and 17:00Z-22:00Z: 8 hours.
    // 7 h: 3 h until 16:00Z, then 4 h from 17:00Z = 21:00Z (07:00 AEST).
    name: 'Sydney night across April fall back',
    calendar: sydneyNight,
    start: '2026-04-04T13:00:00Z',
    targetMinutes: 420,
    expected: '2026-04-04T21:00:00.000Z',
  },
  {
    // The 8 counted hours end at 08:00 AEST = 22:00Z with 30 of 510 min left.
    // Mon 6 Apr 00:00 AEST = Sun 14:00Z + 30 min.
    name: 'Sydney fall back night is eight hours',
    calendar: sydneyNight,
    start: '2026-04-04T13:00:00Z',
    targetMinutes: 510,
    expected: '2026-04-05T14:30:00.000Z',
  },
  {
    // Sun 4 Oct 00:00 AEST = Sat 14:00Z; 08:00 AEDT = 21:00Z: 7 real hours (02:00-03:00 skipped).
    // The remaining 15 min start Mon 5 Oct 00:00 AEDT = Sun 13:00Z.
    name: 'Sydney night across October spring forward',
    calendar: sydneyNight,
    start: '2026-10-03T14:00:00Z',
    targetMinutes: 435,
    expected: '2026-10-04T13:15:00.000Z',
  },
  {
    // Sun 5 Apr 00:00 +11:00 = Sat 13:00Z. At 15:00Z Lord Howe moves from 02:00 back to 01:30 (+10:30),
    // and 04:00+10:30 = 17:30Z. The second 01:30-02:00 (15:00Z-15:30Z) does not count, so the night
    // is open 13:00Z-15:00Z and 15:30Z-17:30Z. 3 h: 2 h until 15:00Z, 1 h from 15:30Z = 16:30Z (03:00 +10:30).
    name: 'Lord Howe half-hour fall back',
    calendar: lordHoweNight,
    start: '2026-04-04T13:00:00Z',
    targetMinutes: 180,
    expected: '2026-04-04T16:30:00.000Z',
  },
  {
    // The night counts 4 hours, as its wall clock shows, and 15 of 255 min remain at 17:30Z.
    // Mon 6 Apr 00:00 +10:30 = Sun 13:30Z + 15 min.
    name: 'Lord Howe fall back night is four hours',
    calendar: lordHoweNight,
    start: '2026-04-04T13:00:00Z',
    targetMinutes: 255,
    expected: '2026-04-05T13:45:00.000Z',
  },
  {
    // Sun 4 Oct 00:00 +10:30 = Sat 13:30Z. At 15:30Z the clock jumps from 02:00 to 02:30 (+11),
    // so 00:00-04:00 ends at 04:00+11:00 = 17:00Z: 3.5 real hours. The remaining 15 min start
    // Mon 5 Oct 00:00 +11:00 = Sun 13:00Z.
    name: 'Lord Howe half-hour spring forward',
    calendar: lordHoweNight,
    start: '2026-10-03T13:30:00Z',
    targetMinutes: 225,
    expected: '2026-10-04T13:15:00.000Z',
  },
  {
    // Thu 15 Jan 03:00Z = 08:30 IST, before opening. Thu gives 09:30-13:00 + 14:00-18:30 = 8 h.
    // Fri 09:30 IST + 2 h = 11:30 IST = 06:00Z.
    name: 'Kolkata half-hour offset with lunch',
    calendar: kolkataOffice,
    start: '2026-01-15T03:00:00Z',
    targetMinutes: 600,
    expected: '2026-01-16T06:00:00.000Z',
  },
  {
    // Sat 24 Jan 12:00Z = 17:30 IST: 1 h until 18:30. Sunday is closed, Monday 26 is Republic Day.
    // Tue 27 Jan 09:30 IST + 2 h = 11:30 IST = 06:00Z.
    name: 'Kolkata Sunday then holiday',
    calendar: kolkataOffice,
    start: '2026-01-24T12:00:00Z',
    targetMinutes: 180,
    expected: '2026-01-27T06:00:00.000Z',
  },
  {
    // Thu 10:00: 7 h on Thursday, 5.5 h on Friday until the pause at 15:00 (12.5 h).
    // Paused over the weekend until Mon 11:00; 11:00-12:30 (1.5 h) and 13:00-15:00 (2 h) make 16 h.
    name: 'pause and resume across weekend',
    calendar: londonOffice,
    start: '2026-01-15T10:00:00Z',
    targetMinutes: 16 * 60,
    pauses: [pause('2026-01-16T15:00:00Z', '2026-01-19T11:00:00Z')],
    expected: '2026-01-19T15:00:00.000Z',
  },
  {
    // Fri 12:00Z-14:00Z counts 2 h, paused until Mon 08:00Z, then 2 h more.
    name: '24x7 paused over weekend',
    calendar: alwaysOpen,
    start: '2026-01-16T12:00:00Z',
    targetMinutes: 240,
    pauses: [pause('2026-01-16T14:00:00Z', '2026-01-19T08:00:00Z')],
    expected: '2026-01-19T10:00:00.000Z',
  },
  {
    // Two pauses, one of them starting before the clock: 09:00-10:00 paused (the part before 09:30 is
    // ignored), 10:00-11:00 counts, 11:00-11:30 paused, 11:30-12:30 counts: 2 h at 12:30, the start of lunch.
    name: 'two pauses on one day',
    calendar: londonOffice,
    start: '2026-01-13T09:30:00Z',
    targetMinutes: 120,
    pauses: [pause('2026-01-13T09:00:00Z', '2026-01-13T10:00:00Z'), pause('2026-01-13T11:00:00Z', '2026-01-13T11:30:00Z')],
    expected: '2026-01-13T12:30:00.000Z',
  },
  {
    // Coverage of the three desks in January (UTC): APAC 23:00-08:00, EMEA 07:00-16:00, AMER 15:00-24:00.
    // Fri 22:00Z: AMER until Sat 00:00Z gives 2 h; APAC opens Mon 07:00 SGT = Sun 23:00Z, 2 h more.
    name: 'follow-the-sun across weekend gap',
    calendar: followTheSun,
    start: '2026-01-16T22:00:00Z',
    targetMinutes: 240,
    expected: '2026-01-19T01:00:00.000Z',
  },
  {
    // EMEA desk 08:00-17:00 Warsaw, closed on 24 and 25 Dec. Wed 23 Dec 16:00 CET: 1 h until 17:00.
    // Mon 28 Dec 08:00 CET + 2 h = 10:00 CET = 09:00Z.
    name: 'desk holidays before weekend',
    calendar: deskCalendar(emeaDesk),
    start: '2026-12-23T15:00:00Z',
    targetMinutes: 180,
    expected: '2026-12-28T09:00:00.000Z',
  },
  {
    // Sun 29 Mar 00:30 CET = Sat 23:30Z. 24x7 counts real time: 2 h later is 01:30Z = 03:30 CEST,
    // three wall-clock hours after the start.
    name: '24x7 across spring forward',
    calendar: alwaysOpen,
    start: '2026-03-28T23:30:00Z',
    targetMinutes: 120,
    expected: '2026-03-29T01:30:00.000Z',
  },
  {
    // Sun 25 Oct 00:00 CEST = Sat 22:00Z. 24x7 has no local hours and counts both real hours of
    // the repeated 02:00-03:00: 4 h later is 02:00Z = 03:00 CET, three wall-clock hours on.
    name: '24x7 across fall back counts real time',
    calendar: alwaysOpen,
    start: '2026-10-24T22:00:00Z',
    targetMinutes: 240,
    expected: '2026-10-25T02:00:00.000Z',
  },
  {
    // London desk Sat 22:00 BST (21:00Z) to Sun 06:00 GMT (06:00Z). 01:00-02:00 counts at
    // 00:00Z-01:00Z only. 5 h: 21:00Z-01:00Z (4 h) and 02:00Z-03:00Z, due 03:00 GMT.
    name: 'London desk shift across fall back',
    calendar: deskCalendar(londonWeekendNightDesk),
    start: '2026-10-24T21:00:00Z',
    targetMinutes: 300,
    expected: '2026-10-25T03:00:00.000Z',
  },
  {
    // Group Sat 22:00 EDT (02:00Z) to Sun 06:00 EST (11:00Z), 8 counted hours. 8 h: all of it,
    // due at the end of the shift, 06:00 EST, not an hour before as in real time.
    name: 'New York group shift across fall back',
    calendar: specialistGroupCalendar(newYorkNightGroup),
    start: '2026-11-01T02:00:00Z',
    targetMinutes: 480,
    expected: '2026-11-01T11:00:00.000Z',
  },
  {
    // APAC desk 07:00-16:00 Singapore (+08:00, no DST). Mon 12 Jan 15:00 SGT = 07:00Z: 1 h until 16:00 SGT.
    // Tue 07:00 SGT = Mon 23:00Z + 3 h = Tue 02:00Z.
    name: 'APAC desk overnight in UTC',
    calendar: deskCalendar(apacDesk),
    start: '2026-01-12T07:00:00Z',
    targetMinutes: 240,
    expected: '2026-01-13T02:00:00.000Z',
  },
];

describe('computeDueInstant', () => {
  test('table has at least 20 cases', () => {
    expect(dueCases.length).toBeGreaterThanOrEqual(20);
  });

  test.each(dueCases)('$name', ({ calendar, start, targetMinutes, pauses, expected }) => {
    const dueAt = computeDueInstant(calendar, instant(start), targetMinutes, pauses);

    expect(utc(dueAt)).toBe(expected);
    expect(dueAt.zoneName).toBe(calendar.timeZone);
  });

  test.each(dueCases)('elapsed to due equals target: $name', ({ calendar, start, targetMinutes, pauses, expected }) => {
    expect(elapsedBusinessMinutes(calendar, instant(start), instant(expected), pauses)).toBe(targetMinutes);
  });

  test('zero target is due at start', () => {
    // Sunday: the office is closed, but nothing has to elapse.
    expect(utc(computeDueInstant(londonOffice, instant('2026-01-18T10:00:00Z'), 0))).toBe('2026-01-18T10:00:00.000Z');
  });

  test('fractional minutes count in milliseconds', () => {
    // 75 % of a 15 min response target on 24x7: 11 min 15 s.
    expect(utc(computeDueInstant(alwaysOpen, instant('2026-01-12T09:00:00Z'), 11.25))).toBe('2026-01-12T09:11:15.000Z');
  });

  test('long closure is searched through', () => {
    // Open Mondays 09:00-10:00 Warsaw, but the 40 Mondays from 5 Jan are holidays: the first open Monday
    // is 5 Jan + 280 days = 12 Oct, 09:00 CEST = 07:00Z, due an hour later.
    const closedForMonths = weeklyCalendar({
      name: 'closed-for-months',
      timeZone: 'Europe/Warsaw',
      weeklyHours: [{ weekdays: [1], start: '09:00', end: '10:00' }],
      holidays: Array.from({ length: 40 }, (_, week) => DateTime.fromISO('2026-01-05', { zone: 'utc' }).plus({ weeks: week }).toISODate()!),
    });

    expect(utc(computeDueInstant(closedForMonths, instant('2026-01-01T00:00:00Z'), 60))).toBe('2026-10-12T08:00:00.000Z');
  });

  test('calendar without open time fails', () => {
    const neverOpen: SlaCalendar = { ...alwaysOpen, name: 'never-open', openIntervals: () => [] };

    expect(() => computeDueInstant(neverOpen, instant('2026-01-01T00:00:00Z'), 60)).toThrow(NoOpenTimeError);
    expect(() => computeDueInstant(neverOpen, instant('2026-01-01T00:00:00Z'), 60)).toThrow(/calendar 'never-open' has no open time/);
  });

  test('negative target and invalid start fail', () => {
    expect(() => computeDueInstant(alwaysOpen, instant('2026-01-12T09:00:00Z'), -5)).toThrow(InvalidSlaArgumentError);
    expect(() => computeDueInstant(alwaysOpen, instant('2026-02-30T09:00:00Z'), 5)).toThrow(InvalidSlaArgumentError);
  });
});

describe('elapsedBusinessMinutes', () => {
  test('office hours over two days', () => {
    // Mon 08:00Z (before opening) to Tue 10:00Z: Monday's 8 h plus Tue 09:00-10:00.
    expect(elapsedBusinessMinutes(londonOffice, instant('2026-01-12T08:00:00Z'), instant('2026-01-13T10:00:00Z'))).toBe(540);
  });

  test('spring-forward night has five hours', () => {
    expect(elapsedBusinessMinutes(warsawNightOperations, instant('2026-03-28T12:00:00Z'), instant('2026-03-29T12:00:00Z'))).toBe(300);
  });

  test('fall-back night has six hours', () => {
    // 7 real hours, 22:00Z-05:00Z, of which the second 02:00-03:00 (01:00Z-02:00Z) does not count.
    expect(elapsedBusinessMinutes(warsawNightOperations, instant('2026-10-24T12:00:00Z'), instant('2026-10-25T12:00:00Z'))).toBe(360);
  });

  test('Lord Howe fall-back night has four hours', () => {
    expect(elapsedBusinessMinutes(lordHoweNight, instant('2026-04-04T12:00:00Z'), instant('2026-04-05T00:00:00Z'))).toBe(240);
  });

  test('fall-back day of an all-day calendar has 24 hours', () => {
    // Warsaw's 25 Oct lasts from 24 Oct 22:00Z to 25 Oct 23:00Z: 25 real hours, of which 24x7
    // counts all and a calendar open 00:00-24:00 counts the 24 that the wall clock shows.
    const allDay = weeklyCalendar({ name: 'all-day', timeZone: 'Europe/Warsaw', weeklyHours: [{ weekdays: [...everyDay], start: '00:00', end: '24:00' }] });
    const from = instant('2026-10-24T22:00:00Z');
    const until = instant('2026-10-25T23:00:00Z');

    expect(elapsedBusinessMinutes(allDay, from, until)).toBe(24 * 60);
    expect(elapsedBusinessMinutes(alwaysOpen, from, until)).toBe(25 * 60);
  });

  test('elapsed time split inside the repeated hour adds up', () => {
    // The counted time is the same however the range is cut, also inside the second 02:00-03:00.
    const start = instant('2026-10-24T22:00:00Z');
    const cut = instant('2026-10-25T01:30:00Z');
    const end = instant('2026-10-25T05:00:00Z');

    expect(elapsedBusinessMinutes(warsawNightOperations, start, cut)).toBe(180);
    expect(elapsedBusinessMinutes(warsawNightOperations, cut, end)).toBe(180);
  });

  test('Lord Howe spring-forward night has three and a half hours', () => {
    expect(elapsedBusinessMinutes(lordHoweNight, instant('2026-10-03T12:00:00Z'), instant('2026-10-04T00:00:00Z'))).toBe(210);
  });

  test('pause over weekend is not counted', () => {
    // Thu 10:00-17:30 (7 h), Fri 09:00-15:00 (5.5 h), Mon 11:00-15:00 (3.5 h).
    const pauses = [pause('2026-01-16T15:00:00Z', '2026-01-19T11:00:00Z')];
    expect(elapsedBusinessMinutes(londonOffice, instant('2026-01-15T10:00:00Z'), instant('2026-01-19T15:00:00Z'), pauses)).toBe(960);
  });

  test('follow-the-sun gap is not counted', () => {
    // Fri 20:00Z to Mon 02:00Z: AMER until Sat 00:00Z (4 h), APAC from Sun 23:00Z (3 h).
    expect(elapsedBusinessMinutes(followTheSun, instant('2026-01-16T20:00:00Z'), instant('2026-01-19T02:00:00Z'))).toBe(420);
  });

  test('seconds give a fraction of a minute', () => {
    expect(elapsedBusinessMinutes(alwaysOpen, instant('2026-01-12T09:00:00Z'), instant('2026-01-12T09:00:30Z'))).toBe(0.5);
  });

  test('empty range is zero, reversed range fails', () => {
    expect(elapsedBusinessMinutes(londonOffice, instant('2026-01-12T10:00:00Z'), instant('2026-01-12T10:00:00Z'))).toBe(0);
    expect(() => elapsedBusinessMinutes(londonOffice, instant('2026-01-12T10:00:00Z'), instant('2026-01-12T09:00:00Z'))).toThrow(InvalidSlaArgumentError);
  });

  test('a year of office hours', () => {
    // 2026 has 261 weekdays; four of them are holidays: 257 days of 8 h.
    expect(elapsedBusinessMinutes(londonOffice, instant('2026-01-01T00:00:00Z'), instant('2027-01-01T00:00:00Z'))).toBe(257 * 8 * 60);
  });
});

describe('escalationInstants', () => {
  test('default levels on 24x7', () => {
    // 75 %, 100 % and 150 % of 240 min: 180, 240 and 360 min after 09:00Z.
    const levels = escalationInstants(alwaysOpen, instant('2026-01-12T09:00:00Z'), 240, defaultEscalationLevels);

    expect(levels.map((level) => level.level.name)).toEqual(['warning', 'breach', 'service-owner']);
    expect(levels.map((level) => utc(level.dueAt))).toEqual(['2026-01-12T12:00:00.000Z', '2026-01-12T13:00:00.000Z', '2026-01-12T15:00:00.000Z']);
    expect(levels.map((level) => level.thresholdMinutes)).toEqual([180, 240, 360]);
  });

  test('default levels on office hours', () => {
    // Mon 11:00, 4 h target. 180 min: 11:00-12:30 + 13:00-14:30. 240 min: 15:30.
    // 360 min: 13:00 + 270 min = 17:30, the closing time, which stays.
    const levels = escalationInstants(londonOffice, instant('2026-01-12T11:00:00Z'), 240, defaultEscalationLevels);

    expect(levels.map((level) => utc(level.dueAt))).toEqual(['2026-01-12T14:30:00.000Z', '2026-01-12T15:30:00.000Z', '2026-01-12T17:30:00.000Z']);
  });

  test('levels come back sorted', () => {
    const reversed = [...defaultEscalationLevels].reverse();
    const levels = escalationInstants(alwaysOpen, instant('2026-01-12T09:00:00Z'), 60, reversed);

    expect(levels.map((level) => level.level.percentOfTarget)).toEqual([75, 100, 150]);
  });

  test('carried minutes reach a level at start', () => {
    // 200 min carried over on a 240 min target: 75 % (180) is already reached, 100 % needs 40 more
    // minutes and 150 % (360) needs 160 more.
    const levels = escalationInstants(alwaysOpen, instant('2026-01-12T12:00:00Z'), 240, defaultEscalationLevels, { carriedElapsedMinutes: 200 });

    expect(levels.map((level) => level.reachedAtStart)).toEqual([true, false, false]);
    expect(levels.map((level) => utc(level.dueAt))).toEqual(['2026-01-12T12:00:00.000Z', '2026-01-12T12:40:00.000Z', '2026-01-12T14:40:00.000Z']);
  });

  test('pauses move the levels', () => {
    // 24x7 from 09:00Z, 60 min target, paused 09:30Z-10:30Z: 45 min at 10:45Z, 60 at 11:00Z, 90 at 11:30Z.
    const levels = escalationInstants(alwaysOpen, instant('2026-01-12T09:00:00Z'), 60, defaultEscalationLevels, { pauses: [pause('2026-01-12T09:30:00Z', '2026-01-12T10:30:00Z')] });

    expect(levels.map((level) => utc(level.dueAt))).toEqual(['2026-01-12T10:45:00.000Z', '2026-01-12T11:00:00.000Z', '2026-01-12T11:30:00.000Z']);
  });
});

describe('dueInstantAfterPriorityChange', () => {
  test('lowered P1 to P3 keeps elapsed time', () => {
    // Opened Mon 16:00Z as P1 (24x7); at 17:00Z (60 min elapsed) lowered to P3: 24 h on office hours,
    // 23 h remaining from Mon 17:00. Mon 17:00-17:30 (0.5 h), Tue and Wed 8 h each (16.5 h),
    // Thu 09:00-12:30 (20 h) and 13:00-16:00 (23 h).
    const result = dueInstantAfterPriorityChange({ calendar: londonOffice, changedAt: instant('2026-01-12T17:00:00Z'), elapsedBusinessMinutes: 60, newTargetMinutes: 24 * 60 });

    expect(result.remainingMinutes).toBe(23 * 60);
    expect(utc(result.dueAt)).toBe('2026-01-15T16:00:00.000Z');
  });

  test('raised P3 to P1 within new target', () => {
    // Opened Mon 09:00Z as P3 on office hours; raised at 10:30Z after 90 business minutes.
    // P1 allows 240 min on 24x7: 150 min remain, due 13:00Z.
    const elapsed = elapsedBusinessMinutes(londonOffice, instant('2026-01-12T09:00:00Z'), instant('2026-01-12T10:30:00Z'));
    const result = dueInstantAfterPriorityChange({ calendar: alwaysOpen, changedAt: instant('2026-01-12T10:30:00Z'), elapsedBusinessMinutes: elapsed, newTargetMinutes: 240 });

    expect(elapsed).toBe(90);
    expect(result.remainingMinutes).toBe(150);
    expect(utc(result.dueAt)).toBe('2026-01-12T13:00:00.000Z');
  });

  test('raised across fall back counts wall-clock hours', () => {
    // Opened Sun 25 Oct 00:00 CEST (Sat 22:00Z) on the Warsaw night calendar; raised at 03:00Z
    // (04:00 CET). Elapsed: 22:00Z-01:00Z and 02:00Z-03:00Z = 240 min, four wall-clock hours,
    // although five real hours passed. 300 min on 24x7 leave 60: due 04:00Z.
    const elapsed = elapsedBusinessMinutes(warsawNightOperations, instant('2026-10-24T22:00:00Z'), instant('2026-10-25T03:00:00Z'));
    const result = dueInstantAfterPriorityChange({ calendar: alwaysOpen, changedAt: instant('2026-10-25T03:00:00Z'), elapsedBusinessMinutes: elapsed, newTargetMinutes: 300 });

    expect(elapsed).toBe(240);
    expect(result.remainingMinutes).toBe(60);
    expect(utc(result.dueAt)).toBe('2026-10-25T04:00:00.000Z');
  });

  test('raised priority already overdue', () => {
    // Mon 8 h + Tue 09:00-11:00 = 600 business minutes, more than P1's 240: due at the change, 360 min over.
    const elapsed = elapsedBusinessMinutes(londonOffice, instant('2026-01-12T09:00:00Z'), instant('2026-01-13T11:00:00Z'));
    const result = dueInstantAfterPriorityChange({ calendar: alwaysOpen, changedAt: instant('2026-01-13T11:00:00Z'), elapsedBusinessMinutes: elapsed, newTargetMinutes: 240 });

    expect(elapsed).toBe(600);
    expect(result.remainingMinutes).toBe(-360);
    expect(utc(result.dueAt)).toBe('2026-01-13T11:00:00.000Z');
  });
});

describe('weekly calendar edge cases', () => {
  test('opening inside spring-forward gap', () => {
    // Opens 02:30 on the night Warsaw skips 02:00-03:00: the clock reads 02:30 or later from the jump
    // at 01:00Z (03:00 CEST) on, so the range is 01:00Z-02:00Z (04:00 CEST).
    const calendar = weeklyCalendar({ name: 'gap', timeZone: 'Europe/Warsaw', weeklyHours: [{ weekdays: [7], start: '02:30', end: '04:00' }] });
    const open = calendar.openIntervals(instant('2026-03-28T00:00:00Z'), instant('2026-03-30T00:00:00Z'));

    expect(open.map((interval) => interval.toISO())).toEqual(['2026-03-29T01:00:00.000Z/2026-03-29T02:00:00.000Z']);
  });

  test('range inside repeated hour counts once', () => {
    // 02:15-02:45 on the night Warsaw repeats 02:00-03:00: the clock shows it in CEST (00:15Z-00:45Z)
    // and again in CET (01:15Z-01:45Z), and only the first occurrence is open.
    const calendar = weeklyCalendar({ name: 'repeat', timeZone: 'Europe/Warsaw', weeklyHours: [{ weekdays: [7], start: '02:15', end: '02:45' }] });
    const open = calendar.openIntervals(instant('2026-10-24T00:00:00Z'), instant('2026-10-26T00:00:00Z'));

    expect(open.map((interval) => interval.toISO())).toEqual(['2026-10-25T00:15:00.000Z/2026-10-25T00:45:00.000Z']);
  });

  test('range opening inside repeated hour', () => {
    // 02:30-04:00 on the same night: 02:30 CEST = 00:30Z until the change at 01:00Z, then the
    // second 02:00-03:00 is closed, then 03:00-04:00 CET = 02:00Z-03:00Z. 90 min, as on the wall clock.
    const calendar = weeklyCalendar({ name: 'repeat-start', timeZone: 'Europe/Warsaw', weeklyHours: [{ weekdays: [7], start: '02:30', end: '04:00' }] });
    const open = calendar.openIntervals(instant('2026-10-24T00:00:00Z'), instant('2026-10-26T00:00:00Z'));

    expect(open.map((interval) => interval.toISO())).toEqual(['2026-10-25T00:30:00.000Z/2026-10-25T01:00:00.000Z', '2026-10-25T02:00:00.000Z/2026-10-25T03:00:00.000Z']);
  });

  test('query starting in repeated hour', () => {
    // A window that starts at 01:30Z, inside the second 02:00-03:00, still finds the change at 01:00Z.
    const open = warsawNightOperations.openIntervals(instant('2026-10-25T01:30:00Z'), instant('2026-10-25T06:00:00Z'));

    expect(open.map((interval) => interval.toISO())).toEqual(['2026-10-25T02:00:00.000Z/2026-10-25T05:00:00.000Z']);
  });

  test('holiday closes the tail of an overnight range', () => {
    // 22:00-06:00 on Saturdays and Sundays; Sun 1 Feb is a holiday, which closes that whole local date.
    // Sat 22:00-24:00 EST counts (03:00Z-05:00Z), Sun 00:00-06:00 and 22:00-24:00 do not, and the
    // Sunday range's tail, Mon 00:00-06:00 EST (Mon 05:00Z-11:00Z), counts again.
    const calendar = weeklyCalendar({ name: 'overnight-holiday', timeZone: 'America/New_York', weeklyHours: [{ weekdays: [6, 7], start: '22:00', end: '06:00' }], holidays: ['2026-02-01'] });
    const open = calendar.openIntervals(instant('2026-01-31T12:00:00Z'), instant('2026-02-02T12:00:00Z'));

    expect(open.map((interval) => interval.toISO())).toEqual(['2026-02-01T03:00:00.000Z/2026-02-01T05:00:00.000Z', '2026-02-02T05:00:00.000Z/2026-02-02T11:00:00.000Z']);
  });

  test('open intervals are clipped to the range', () => {
    const open = londonOffice.openIntervals(instant('2026-01-12T10:00:00Z'), instant('2026-01-12T14:00:00Z'));

    expect(open.map((interval) => interval.toISO())).toEqual(['2026-01-12T10:00:00.000Z/2026-01-12T12:30:00.000Z', '2026-01-12T13:00:00.000Z/2026-01-12T14:00:00.000Z']);
  });

  test('invalid definitions name the field', () => {
    expect(() => weeklyCalendar({ name: 'x', timeZone: 'Europe/Warsow', weeklyHours: [{ weekdays: [1], start: '09:00', end: '17:00' }] })).toThrow(
      /^invalid weekly calendar at x \(1 problem\):\n {2}x\.timeZone: unknown time zone 'Europe\/Warsow': did you mean 'Europe\/Warsaw'\?/,
    );
    expect(() => weeklyCalendar({ name: 'x', timeZone: 'UTC', weeklyHours: [{ weekdays: [1], start: '9:00', end: '17:00' }] })).toThrow(/x\.weeklyHours\[0\]\.start: invalid time "9:00"/);
    expect(() => weeklyCalendar({ name: 'x', timeZone: 'UTC', weeklyHours: [{ weekdays: [8 as 1], start: '09:00', end: '17:00' }] })).toThrow(/x\.weeklyHours\[0\]\.weekdays: invalid weekdays \[8\]/);
    expect(() => weeklyCalendar({ name: 'x', timeZone: 'UTC', weeklyHours: [{ weekdays: [1], start: '09:00', end: '17:00' }], holidays: ['2026-02-30'] })).toThrow(/x\.holidays\[0\]: invalid holiday "2026-02-30"/);
    expect(() => weeklyCalendar({ name: '24x7', timeZone: 'UTC', weeklyHours: [{ weekdays: [1], start: '09:00', end: '17:00' }] })).toThrow(/built in/);
  });

  test('every problem is reported', () => {
    const definition = {
      name: 'x',
      timeZone: 'europe/warsaw',
      weeklyHours: [{ weekdays: [1], start: '09:00', end: '25:00' }],
      holdays: ['2026-12-25'],
    } as unknown as WeeklyCalendarDefinition;

    let message = '';
    try {
      weeklyCalendar(definition);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidSlaCalendarError);
      message = (error as Error).message;
    }

    expect(message.split('\n')).toEqual([
      'invalid weekly calendar at x (3 problems):',
      "  x.holdays: unknown field 'holdays': did you mean 'holidays'? a weekly calendar has the fields name, timeZone, weeklyHours, breaks, holidays",
      "  x.timeZone: time zone 'europe/warsaw' is spelt differently in the IANA database: write 'Europe/Warsaw'",
      '  x.weeklyHours[0].end: invalid time "25:00": use HH:mm between 00:00 and 24:00',
    ]);
  });
});

describe('timeZoneIssue', () => {
  test.each(['Europe/Warsaw', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/Argentina/Buenos_Aires', 'UTC', 'Etc/GMT+5', 'US/Eastern', 'Australia/NSW', 'NZ-CHAT'])('accepts %s', (timeZone) => {
    expect(timeZoneIssue(timeZone)).toBeUndefined();
  });

  test.each([
    ['europe/warsaw', 'Europe/Warsaw'],
    ['EUROPE/WARSAW', 'Europe/Warsaw'],
    ['asia/kolkata', 'Asia/Kolkata'],
    ['Asia/kolkata', 'Asia/Kolkata'],
    ['asia/ho_chi_minh', 'Asia/Ho_Chi_Minh'],
    ['utc', 'UTC'],
  ])('%s is spelt %s', (timeZone, spelling) => {
    expect(timeZoneIssue(timeZone)).toBe(`time zone '${timeZone}' is spelt differently in the IANA database: write '${spelling}'`);
  });

  test('lower-case link gets the zone name', () => {
    expect(timeZoneIssue('us/eastern')).toBe("time zone 'us/eastern' is not spelt as in the IANA database: write 'America/New_York', the name of the same zone there");
  });

  test('unknown zone gets the near name', () => {
    expect(timeZoneIssue('Europe/Londn')).toBe("unknown time zone 'Europe/Londn': did you mean 'Europe/London'? use an IANA time zone name such as Europe/Warsaw or Asia/Kolkata");
    expect(timeZoneIssue('Mars/Olympus')).toBe("unknown time zone 'Mars/Olympus': use an IANA time zone name such as Europe/Warsaw or Asia/Kolkata");
    expect(timeZoneIssue(7)).toBe('expected an IANA time zone name such as Europe/Warsaw, found number 7');
  });
});

describe('repeatedLocalTimeIntervals', () => {
  const year2026 = [instant('2026-01-01T00:00:00Z'), instant('2027-01-01T00:00:00Z')] as const;

  test.each([
    ['Europe/Warsaw', ['2026-10-25T01:00:00.000Z/2026-10-25T02:00:00.000Z']],
    ['America/New_York', ['2026-11-01T06:00:00.000Z/2026-11-01T07:00:00.000Z']],
    ['Australia/Sydney', ['2026-04-04T16:00:00.000Z/2026-04-04T17:00:00.000Z']],
    ['Australia/Lord_Howe', ['2026-04-04T15:00:00.000Z/2026-04-04T15:30:00.000Z']],
    ['America/Sao_Paulo', []],
    ['Asia/Kolkata', []],
  ])('%s in 2026', (timeZone, expected) => {
    expect(repeatedLocalTimeIntervals(timeZone, ...year2026).map((interval) => interval.toISO())).toEqual(expected);
  });

  test('clipped to the range', () => {
    const repeated = repeatedLocalTimeIntervals('Europe/Warsaw', instant('2026-10-25T01:30:00Z'), instant('2026-10-25T03:00:00Z'));

    expect(repeated.map((interval) => interval.toISO())).toEqual(['2026-10-25T01:30:00.000Z/2026-10-25T02:00:00.000Z']);
  });
});

describe('calendar registry', () => {
  test('names desks and built-in calendars', () => {
    const registry = buildSlaCalendarRegistry({ desks: testDesks, weeklyCalendars: [{ name: 'office', timeZone: 'UTC', weeklyHours: [{ weekdays: [1], start: '09:00', end: '17:00' }] }] });

    expect([...registry.keys()]).toEqual(['24x7', 'follow-the-sun', 'desk:apac', 'desk:emea', 'desk:amer', 'office']);
    expect(findSlaCalendar(registry, 'desk:emea').timeZone).toBe('Europe/Warsaw');
  });

  test('unknown name lists known names', () => {
    const registry = buildSlaCalendarRegistry({ desks: testDesks });

    expect(() => findSlaCalendar(registry, 'desk:emae')).toThrow(UnknownSlaCalendarError);
    expect(() => findSlaCalendar(registry, 'desk:emae')).toThrow("unknown calendar 'desk:emae': use one of 24x7, follow-the-sun, desk:apac, desk:emea, desk:amer");
  });

  test('specialist groups get group calendars', () => {
    // Network group 07:00-16:00 Stockholm: Fri 16 Jan 15:00 CET = 14:00Z, 1 h on Friday, Mon 07:00 CET = 06:00Z + 1 h.
    const networkGroup = { id: 'network-l2', name: 'Network operations', supportLevel: 'L2' as const, timeZone: 'Europe/Stockholm', shifts: [{ weekdays: [...weekdays], start: '07:00', end: '16:00' }], holidays: [] };
    const registry = buildSlaCalendarRegistry({ desks: [emeaDesk], specialistGroups: [networkGroup] });

    expect([...registry.keys()]).toEqual(['24x7', 'follow-the-sun', 'desk:emea', 'group:network-l2']);
    expect(utc(computeDueInstant(findSlaCalendar(registry, 'group:network-l2'), instant('2026-01-16T14:00:00Z'), 120))).toBe('2026-01-19T07:00:00.000Z');
  });

  test('no desks means no follow-the-sun', () => {
    expect([...buildSlaCalendarRegistry({ desks: [] }).keys()]).toEqual(['24x7']);
  });
});

describe('computeSlaClockSnapshot', () => {
  const registry = buildSlaCalendarRegistry({ desks: testDesks });
  const newClock: SlaClockRecord = {
    kind: 'resolution',
    calendar: '24x7',
    targetMinutes: 240,
    runStartedAt: '2026-01-12T09:00:00Z',
    carriedElapsedMinutes: 0,
    pauses: [],
    stoppedAt: null,
  };

  test('running clock', () => {
    const snapshot = computeSlaClockSnapshot(registry, newClock, defaultEscalationLevels, '2026-01-12T10:00:00Z');

    expect(snapshot.state).toBe('running');
    expect(snapshot.elapsedBusinessMinutes).toBe(60);
    expect(snapshot.remainingMinutes).toBe(180);
    expect(snapshot.dueAt).toBe('2026-01-12T13:00:00.000Z');
    expect(snapshot.escalations.map((level) => level.dueAt)).toEqual(['2026-01-12T12:00:00.000Z', '2026-01-12T13:00:00.000Z', '2026-01-12T15:00:00.000Z']);
  });

  test('paused clock has no due instant', () => {
    // 09:00-09:30 counted, paused since 09:30.
    const snapshot = computeSlaClockSnapshot(registry, { ...newClock, pauses: [{ start: '2026-01-12T09:30:00Z', end: null }] }, defaultEscalationLevels, '2026-01-12T11:00:00Z');

    expect(snapshot.state).toBe('paused');
    expect(snapshot.elapsedBusinessMinutes).toBe(30);
    expect(snapshot.dueAt).toBeNull();
    expect(snapshot.escalations.every((level) => level.dueAt === null)).toBe(true);
  });

  test('resumed clock moves due instant by the pause', () => {
    // Paused 09:30-11:00 (90 min), so due 13:00Z + 90 min = 14:30Z.
    const snapshot = computeSlaClockSnapshot(registry, { ...newClock, pauses: [{ start: '2026-01-12T09:30:00Z', end: '2026-01-12T11:00:00Z' }] }, defaultEscalationLevels, '2026-01-12T11:00:00Z');

    expect(snapshot.state).toBe('running');
    expect(snapshot.elapsedBusinessMinutes).toBe(30);
    expect(snapshot.dueAt).toBe('2026-01-12T14:30:00.000Z');
  });

  test('stopped clock stops counting', () => {
    const snapshot = computeSlaClockSnapshot(registry, { ...newClock, stoppedAt: '2026-01-12T12:00:00Z' }, defaultEscalationLevels, '2026-01-12T20:00:00Z');

    expect(snapshot.state).toBe('stopped');
    expect(snapshot.elapsedBusinessMinutes).toBe(180);
    expect(snapshot.dueAt).toBe('2026-01-12T13:00:00.000Z');
  });

  test('reopen with resume carries elapsed minutes', () => {
    // Resolved after 200 minutes, reopened Tue 09:00Z: 40 min remain, due 09:40Z; the warning (180) is reached at the reopen.
    const snapshot = computeSlaClockSnapshot(registry, { ...newClock, runStartedAt: '2026-01-13T09:00:00Z', carriedElapsedMinutes: 200 }, defaultEscalationLevels, '2026-01-13T09:10:00Z');

    expect(snapshot.elapsedBusinessMinutes).toBe(210);
    expect(snapshot.dueAt).toBe('2026-01-13T09:40:00.000Z');
    expect(snapshot.escalations.map((level) => level.reachedAtStart)).toEqual([true, false, false]);
  });

  test('desk calendar in its own zone', () => {
    // EMEA desk: Fri 16 Jan 15:00Z = 16:00 CET, 1 h until 17:00; Mon 08:00 CET + 1 h = 09:00 CET = 08:00Z.
    const snapshot = computeSlaClockSnapshot(registry, { ...newClock, calendar: 'desk:emea', targetMinutes: 120, runStartedAt: '2026-01-16T15:00:00Z' }, [], '2026-01-16T15:00:00Z');

    expect(snapshot.dueAt).toBe('2026-01-19T08:00:00.000Z');
    expect(snapshot.dueAtLocal).toBe('2026-01-19T09:00:00.000+01:00');
  });

  test('unknown calendar fails', () => {
    expect(() => computeSlaClockSnapshot(registry, { ...newClock, calendar: 'owning-desk' }, [], '2026-01-12T10:00:00Z')).toThrow(UnknownSlaCalendarError);
  });
});

describe('SLA policy', () => {
  test('default policy selects per priority', () => {
    expect(selectSlaTargets(defaultSlaPolicy, { priority: 1 }).resolution).toEqual({ targetMinutes: 240, calendar: '24x7' });
    expect(selectSlaTargets(defaultSlaPolicy, { priority: 4 }).resolution.calendar).toBe('owning-desk');
    expect(resolveCalendarName(selectSlaTargets(defaultSlaPolicy, { priority: 4 }).resolution.calendar, 'emea')).toBe('desk:emea');
  });

  test('most specific rule wins', () => {
    const general = { targetMinutes: 240, calendar: '24x7' };
    const policy = validateSlaPolicy({
      ...defaultSlaPolicy,
      rules: [
        ...defaultSlaPolicy.rules,
        { priority: 2, ticketType: 'service_request', response: general, resolution: { targetMinutes: 600, calendar: '24x7' } },
        { priority: 2, customerGroup: 'executives', response: general, resolution: { targetMinutes: 120, calendar: '24x7' } },
      ],
    });

    expect(selectSlaTargets(policy, { priority: 2 }).resolution.targetMinutes).toBe(480);
    expect(selectSlaTargets(policy, { priority: 2, ticketType: 'service_request' }).resolution.targetMinutes).toBe(600);
    expect(selectSlaTargets(policy, { priority: 2, ticketType: 'service_request', customerGroup: 'executives' }).resolution.targetMinutes).toBe(120);
  });

  test('validation names the bad value', () => {
    const withoutP5 = { ...defaultSlaPolicy, rules: defaultSlaPolicy.rules.filter((rule) => rule.priority !== 5) };
    expect(() => validateSlaPolicy(withoutP5)).toThrow(/no general rule for P5/);

    const negativeTarget = { ...defaultSlaPolicy, rules: [{ ...defaultSlaPolicy.rules[0]!, resolution: { targetMinutes: -1, calendar: '24x7' } }, ...defaultSlaPolicy.rules.slice(1)] };
    expect(() => validateSlaPolicy(negativeTarget)).toThrow(/rules\[0\]\.resolution\.targetMinutes/);

    expect(() => validateSlaPolicy({ ...defaultSlaPolicy, pausingPendingReasons: ['customer', 'lunch'] })).toThrow(/pausingPendingReasons/);
    expect(() => validateSlaPolicy({ ...defaultSlaPolicy, reopenBehaviour: 'reset' })).toThrow(/resume, restart/);
  });

  test('pickup escalations pass validation', () => {
    const rule = { fromGroup: 'service-desk', priorities: [1, 2], notPickedUpWithinMinutes: 30, toGroup: 'network-l2', supportLevel: 'L2' };
    expect(validateSlaPolicy({ ...defaultSlaPolicy, pickupEscalations: [rule] }).pickupEscalations).toEqual([rule]);
    expect(validateSlaPolicy(defaultSlaPolicy)).not.toHaveProperty('pickupEscalations');

    expect(() => validateSlaPolicy({ ...defaultSlaPolicy, pickupEscalations: [{ ...rule, toGroup: 'service-desk' }] })).toThrow(/pickupEscalations\[0\]\.toGroup/);
    expect(() => validateSlaPolicy({ ...defaultSlaPolicy, pickupEscalations: [{ ...rule, supportLevel: 'L4' }] })).toThrow(/pickupEscalations\[0\]\.supportLevel: "L4"; use L1, L2 or L3/);
  });

  test('durations parse and format', () => {
    expect(parseTargetDuration('90m')).toBe(90);
    expect(parseTargetDuration('4h')).toBe(240);
    expect(parseTargetDuration('1h30m')).toBe(90);
    expect(parseTargetDuration('3d')).toBe(4320);
    expect(parseTargetDuration('2d4h')).toBe(3120);
    expect(formatTargetDuration(1530)).toBe('1d1h30m');
    expect(formatTargetDuration(11.25)).toBe('11m15s');
    expect(() => parseTargetDuration('4 hours')).toThrow(/invalid duration '4 hours'/);
    expect(() => parseTargetDuration('30m2h')).toThrow(/in that order/);
    expect(() => parseTargetDuration('0h')).toThrow(/longer than zero/);
    expect(() => parseTargetDuration('')).toThrow(/invalid duration/);
  });
});
