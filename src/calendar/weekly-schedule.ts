/**
 * Shift arithmetic on real calendars for anything with weekly shifts and
 * holidays: desks and specialist groups. Runs in activities and in the CLI,
 * never in workflow code, because it depends on the time-zone database.
 *
 * Local times follow luxon's rules at DST changes. A start or end time that
 * the clock skips moves forward by the length of the jump, so 02:30 becomes
 * 03:30 in Europe/Warsaw on the last Sunday of March. A time that occurs
 * twice means its first occurrence.
 */

import { DateTime, Interval } from 'luxon';

import type { HolidayDefinition, HolidayEntry, IsoWeekday, ShiftDefinition, WeeklySchedule } from '../domain/desks';

/** How far ahead the next shift is searched; covers long holiday closures. */
export const searchHorizonDays = 60;

/** A local time of day, parsed from `HH:mm`. */
export interface LocalTime {
  hour: number;
  minute: number;
}

/**
 * Parses a shift time `HH:mm` from 00:00 to 24:00, or returns undefined when
 * the text is not one.
 *
 * @example
 *   parseLocalTime('22:30'); // { hour: 22, minute: 30 }
 *   parseLocalTime('25:00'); // undefined
 */
export function parseLocalTime(text: string): LocalTime | undefined {
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  if (match === null) {
    return undefined;
  }

  const hour = Number(match[1]);
  const minute = Number(match[2]);
  if (hour > 24 || minute > 59 || (hour === 24 && minute !== 0)) {
    return undefined;
  }

  return { hour, minute };
}

/**
 * Returns the local date (`yyyy-MM-dd`) of a holiday entry.
 *
 * @example
 *   holidayDate({ date: '2026-11-11', name: 'Independence Day' }); // '2026-11-11'
 *   holidayDate('2026-12-25'); // '2026-12-25'
 */
export function holidayDate(entry: HolidayEntry): string {
  return typeof entry === 'string' ? entry : entry.date;
}

function requireLocalTime(text: string, scheduleId: string): LocalTime {
  const time = parseLocalTime(text);
  if (time === undefined) {
    throw new Error(`invalid shift time '${text}' of '${scheduleId}': use HH:mm from 00:00 to 24:00`);
  }

  return time;
}

function atLocalTime(localDate: DateTime, time: LocalTime): DateTime {
  if (time.hour === 24) {
    return localDate.plus({ days: 1 }).startOf('day');
  }

  return localDate.set({ hour: time.hour, minute: time.minute, second: 0, millisecond: 0 });
}

/** Builds the shift that starts on `localDate` (midnight in the schedule's zone), in UTC. */
function shiftOnDate(schedule: WeeklySchedule, shift: ShiftDefinition, localDate: DateTime): Interval<true> | undefined {
  const start = requireLocalTime(shift.start, schedule.id);
  const end = requireLocalTime(shift.end, schedule.id);

  const startsAt = atLocalTime(localDate, start);
  let endsAt = atLocalTime(localDate, end);
  if (endsAt <= startsAt) {
    endsAt = atLocalTime(localDate.plus({ days: 1 }), end);
  }

  const interval = Interval.fromDateTimes(startsAt.toUTC(), endsAt.toUTC());
  return interval.isValid ? interval : undefined;
}

function isValidInterval(interval: Interval): interval is Interval<true> {
  return interval.isValid;
}

function sortByStart(intervals: Interval<true>[]): Interval<true>[] {
  return [...intervals].sort((left, right) => left.start.toMillis() - right.start.toMillis());
}

/**
 * Lists the local-day closures (00:00 to 24:00 in the schedule's zone) of the
 * schedule's holidays that overlap [from, until), in UTC and time order.
 *
 * @example
 *   holidayClosures(polandDesk, DateTime.fromISO('2026-11-09T00:00Z'), DateTime.fromISO('2026-11-16T00:00Z'));
 *   // [2026-11-10T23:00Z/2026-11-11T23:00Z]
 */
export function holidayClosures(schedule: WeeklySchedule, from: DateTime, until: DateTime): Interval<true>[] {
  const closures: Interval<true>[] = [];
  for (const entry of schedule.holidays) {
    const localDay = DateTime.fromISO(holidayDate(entry), { zone: schedule.timeZone });
    if (!localDay.isValid) {
      continue;
    }

    const closure = Interval.fromDateTimes(localDay.startOf('day').toUTC(), localDay.plus({ days: 1 }).startOf('day').toUTC());
    if (isValidInterval(closure) && closure.end > from && closure.start < until) {
      closures.push(closure);
    }
  }

  return sortByStart(closures);
}

/**
 * Builds the shifts that start on the local dates firstDate..lastDate,
 * merged where they overlap or meet, with holiday closures cut out.
 */
function buildShifts(schedule: WeeklySchedule, firstDate: DateTime, lastDate: DateTime, applyHolidays: boolean): Interval<true>[] {
  const shifts: Interval<true>[] = [];
  for (let localDate = firstDate; localDate <= lastDate; localDate = localDate.plus({ days: 1 }).startOf('day')) {
    for (const shift of schedule.shifts) {
      if (shift.weekdays.includes(localDate.weekday as IsoWeekday)) {
        const interval = shiftOnDate(schedule, shift, localDate);
        if (interval !== undefined) {
          shifts.push(interval);
        }
      }
    }
  }

  const merged = Interval.merge(shifts).filter(isValidInterval);
  if (!applyHolidays) {
    return sortByStart(merged);
  }

  const closures = holidayClosures(schedule, firstDate, lastDate.plus({ days: 2 }));
  const open = closures.length === 0 ? merged : merged.flatMap((interval) => interval.difference(...closures).filter(isValidInterval));
  return sortByStart(open);
}

/**
 * Lists a schedule's shifts that overlap [from, until) in UTC and time order,
 * each whole (not cut at `from` or `until`). Shifts that overlap or meet are
 * merged into one, also across days, up to `searchHorizonDays` days before
 * `from` and after `until`. Holidays cut every shift out of their local day
 * unless `applyHolidays` is false.
 *
 * @example
 *   scheduleShifts(polandDesk, DateTime.fromISO('2026-03-23T00:00Z'), DateTime.fromISO('2026-03-30T00:00Z'));
 */
export function scheduleShifts(schedule: WeeklySchedule, from: DateTime, until: DateTime, options: { applyHolidays?: boolean } = {}): Interval<true>[] {
  const applyHolidays = options.applyHolidays !== false;

  // A shift that starts on local date D ends before D+2 00:00, so building
  // from the day before `from` finds every shift that runs at `from`.
  let firstDate = from.setZone(schedule.timeZone).startOf('day').minus({ days: 1 });
  let lastDate = until.setZone(schedule.timeZone).startOf('day');
  const earliestDate = firstDate.minus({ days: searchHorizonDays });
  const latestDate = lastDate.plus({ days: searchHorizonDays });

  for (;;) {
    const shifts = buildShifts(schedule, firstDate, lastDate, applyHolidays).filter((interval) => interval.end > from && interval.start < until);
    const first = shifts[0];
    const last = shifts.at(-1);

    // A chain of merged shifts may continue into dates not built yet: back in
    // time when it already runs at the start of the second built day, forward
    // when it runs into the day after the last built one. Build more and retry.
    const mayStartEarlier = first !== undefined && first.start < firstDate.plus({ days: 1 }).startOf('day') && firstDate > earliestDate;
    const mayEndLater = last !== undefined && last.end >= lastDate.plus({ days: 1 }).startOf('day') && lastDate < latestDate;
    if (!mayStartEarlier && !mayEndLater) {
      return shifts;
    }

    const builtDays = Math.ceil(lastDate.diff(firstDate, 'days').days) + 1;
    if (mayStartEarlier) {
      firstDate = DateTime.max(earliestDate, firstDate.minus({ days: builtDays }));
    }
    if (mayEndLater) {
      lastDate = DateTime.min(latestDate, lastDate.plus({ days: builtDays }));
    }
  }
}

const dayMilliseconds = 24 * 60 * 60 * 1000;

/** Width of one memo window of `shiftsOfWeek`: a week of UTC, counted from the epoch. */
const weekMilliseconds = 7 * dayMilliseconds;

/** Weeks kept per schedule before its memo is cleared: about eleven years of weeks (an estimate of need, a few megabytes at most). */
const maximumCachedWeeks = 600;

/**
 * A merged chain of shifts that reaches this close to the search horizon may
 * be cut by it, and then its ends depend on the instant asked about. Such a
 * shift (a desk on duty around the clock, for example) is computed for the
 * instant itself, without the memo.
 */
const horizonMarginMilliseconds = (searchHorizonDays - 2) * dayMilliseconds;

/** Per schedule (desk or group definition, treated as immutable), the whole shifts that overlap each UTC week. */
const weeksBySchedule = new WeakMap<WeeklySchedule, Map<number, Interval<true>[]>>();

function shiftsOfWeek(schedule: WeeklySchedule, week: number): Interval<true>[] {
  let weeks = weeksBySchedule.get(schedule);
  if (weeks === undefined) {
    weeks = new Map();
    weeksBySchedule.set(schedule, weeks);
  }

  let shifts = weeks.get(week);
  if (shifts === undefined) {
    if (weeks.size >= maximumCachedWeeks) {
      weeks.clear();
    }
    shifts = scheduleShifts(schedule, DateTime.fromMillis(week * weekMilliseconds, { zone: 'utc' }), DateTime.fromMillis((week + 1) * weekMilliseconds, { zone: 'utc' }));
    weeks.set(week, shifts);
  }
  return shifts;
}

/** Tells whether a shift found in a week's memo may be cut by the search horizon (see `horizonMarginMilliseconds`). */
function mayReachHorizon(shift: Interval<true>, week: number): boolean {
  return shift.start.toMillis() <= week * weekMilliseconds - horizonMarginMilliseconds || shift.end.toMillis() >= (week + 1) * weekMilliseconds + horizonMarginMilliseconds;
}

/**
 * Finds the schedule's shift that contains the instant (start inclusive, end
 * exclusive), or undefined when off duty then. Each UTC week's shifts are
 * built once per schedule object and kept, because routing and hand-off
 * planning ask about the same days many times.
 *
 * @example
 *   shiftContaining(polandDesk, DateTime.fromISO('2026-03-23T09:00Z')); // 07:00Z-16:00Z
 */
export function shiftContaining(schedule: WeeklySchedule, instant: DateTime): Interval<true> | undefined {
  const week = Math.floor(instant.toMillis() / weekMilliseconds);
  const found = shiftsOfWeek(schedule, week).find((shift) => shift.start <= instant && instant < shift.end);
  if (found === undefined || !mayReachHorizon(found, week)) {
    return found;
  }

  const shifts = scheduleShifts(schedule, instant, instant.plus({ milliseconds: 1 }));
  return shifts.find((shift) => shift.start <= instant && instant < shift.end);
}

/**
 * Finds the schedule's first shift that starts after the instant, or
 * undefined when none starts within `searchHorizonDays` days. Uses the same
 * weekly memo as `shiftContaining`.
 *
 * @example
 *   shiftStartingAfter(polandDesk, DateTime.fromISO('2026-03-28T12:00Z')); // Monday's shift
 */
export function shiftStartingAfter(schedule: WeeklySchedule, instant: DateTime): Interval<true> | undefined {
  const instantMilliseconds = instant.toMillis();
  const horizonEndMilliseconds = instantMilliseconds + searchHorizonDays * dayMilliseconds;

  for (let week = Math.floor(instantMilliseconds / weekMilliseconds); week * weekMilliseconds < horizonEndMilliseconds; week += 1) {
    const found = shiftsOfWeek(schedule, week).find((shift) => shift.start.toMillis() > instantMilliseconds);
    if (found === undefined) {
      continue;
    }
    if (mayReachHorizon(found, week)) {
      return searchShiftStartingAfter(schedule, instant);
    }
    return found.start.toMillis() < horizonEndMilliseconds ? found : undefined;
  }

  return undefined;
}

/** `shiftStartingAfter` without the memo, for shifts that may reach the search horizon. */
function searchShiftStartingAfter(schedule: WeeklySchedule, instant: DateTime): Interval<true> | undefined {
  // Nearly every next shift starts within the first week, so search that week
  // first and the rest of the horizon only when it has none.
  const firstWeek = scheduleShifts(schedule, instant, instant.plus({ days: 7 })).find((shift) => shift.start > instant);
  if (firstWeek !== undefined) {
    return firstWeek;
  }

  return scheduleShifts(schedule, instant.plus({ days: 7 }), instant.plus({ days: searchHorizonDays })).find((shift) => shift.start > instant);
}

/**
 * Finds the holiday that closes the schedule on the local date of the
 * instant, or undefined on a working day. A bare-date entry gets the name
 * `holiday`.
 *
 * @example
 *   holidayAt(polandDesk, DateTime.fromISO('2026-11-11T10:00Z')); // { date: '2026-11-11', name: 'Independence Day' }
 */
export function holidayAt(schedule: WeeklySchedule, instant: DateTime): HolidayDefinition | undefined {
  const localDate = instant.setZone(schedule.timeZone).toISODate();
  const entry = schedule.holidays.find((candidate) => holidayDate(candidate) === localDate);
  if (entry === undefined) {
    return undefined;
  }

  return typeof entry === 'string' ? { date: entry, name: 'holiday' } : entry;
}
