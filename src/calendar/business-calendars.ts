/**
 * The named calendars that SLA targets are measured on:
 *
 * - `24x7`: always open.
 * - weekly hours in an IANA zone, with breaks (for example lunch) and holidays,
 *   defined in configuration (`WeeklyCalendarDefinition`).
 * - `desk:<id>`: a desk's business hours, its shifts as `deskShifts` computes them.
 * - `group:<id>`: a specialist group's hours, its shifts as `scheduleShifts` computes them.
 * - `follow-the-sun`: the union of all desks' shifts, open while any desk is on duty.
 */

import { DateTime, Info, Interval } from 'luxon';

import type { DeskDefinition, IsoWeekday, SpecialistGroupDefinition } from '../domain/desks';
import { deskShifts } from './desk-schedule';
import { formatLocalDate, isoWeekdayOf, localDateAt, localDatesBetween, localRangeIntervals, offsetSegments, searchWindowForLocalDates } from './local-time-ranges';
import type { SlaCalendar } from './sla-calendar';
import { scheduleShifts } from './weekly-schedule';

/** Name of the calendar that is always open. */
export const alwaysOpenCalendarName = '24x7';

/** Name of the calendar that is open while any desk is on duty. */
export const followTheSunCalendarName = 'follow-the-sun';

/** Prefix of a desk's calendar name: `desk:emea` is the EMEA desk's business hours. */
export const deskCalendarPrefix = 'desk:';

/** Prefix of a specialist group's calendar name: `group:network-l2` is that group's hours. */
export const groupCalendarPrefix = 'group:';

/**
 * A daily range of local wall-clock time. `end` at or before `start` means the
 * range crosses midnight and ends on the next day, as desk shifts do.
 */
export interface LocalTimeRange {
  /** Local dates whose weekday is listed get the range; every day when absent (breaks only). */
  weekdays?: IsoWeekday[];
  /** Local start time, `HH:mm`. */
  start: string;
  /** Local end time, `HH:mm`; `24:00` is the end of the day. */
  end: string;
}

/** A business calendar from weekly opening hours in one time zone. */
export interface WeeklyCalendarDefinition {
  /** Calendar name; must not be `24x7`, `follow-the-sun` or start with `desk:` or `group:`. */
  name: string;
  /** IANA time zone of the local times, for example `Asia/Kolkata`. */
  timeZone: string;
  /** Opening hours. Each range needs `weekdays`. */
  weeklyHours: Array<LocalTimeRange & { weekdays: IsoWeekday[] }>;
  /** Closed ranges inside the opening hours, for example lunch from 12:00 to 13:00. */
  breaks?: LocalTimeRange[];
  /** Local dates (`yyyy-MM-dd`) that are closed from midnight to midnight. */
  holidays?: string[];
}

/** Thrown for a calendar definition or name that cannot be used; the message names the value and the fix. */
export class InvalidSlaCalendarError extends Error {
  override name = 'InvalidSlaCalendarError';
}

/** Thrown for a calendar name that the registry does not contain; the message lists the names it does contain. */
export class UnknownSlaCalendarError extends Error {
  override name = 'UnknownSlaCalendarError';

  constructor(
    readonly calendarName: string,
    readonly knownNames: readonly string[],
  ) {
    super(`unknown calendar '${calendarName}': use one of ${knownNames.join(', ')}`);
  }
}

function clip(intervals: readonly Interval[], from: DateTime, until: DateTime): Interval[] {
  const range = Interval.fromDateTimes(from, until);
  return intervals.map((interval) => interval.intersection(range)).filter((interval): interval is Interval => interval !== null && interval.isValid && !interval.isEmpty());
}

/**
 * Builds the calendar that is always open.
 *
 * @example
 *   alwaysOpenCalendar().openIntervals(from, until); // [from, until)
 */
export function alwaysOpenCalendar(): SlaCalendar {
  return {
    name: alwaysOpenCalendarName,
    timeZone: 'UTC',
    description: 'always open, every hour of every day',
    openIntervals(from: DateTime, until: DateTime): Interval[] {
      return until > from ? [Interval.fromDateTimes(from.toUTC(), until.toUTC())] : [];
    },
  };
}

/**
 * Builds a desk's calendar: open during the desk's shifts as `deskShifts`
 * computes them, with the desk's holidays closed.
 *
 * @example
 *   deskCalendar(exampleDeskConfiguration.desks[1]!).name; // 'desk:emea'
 */
export function deskCalendar(desk: DeskDefinition): SlaCalendar {
  return {
    name: `${deskCalendarPrefix}${desk.id}`,
    timeZone: desk.timeZone,
    description: `business hours of ${desk.name} in ${desk.timeZone}`,
    openIntervals(from: DateTime, until: DateTime): Interval[] {
      return clip(deskShifts(desk, from, until), from, until);
    },
  };
}

/**
 * Builds a specialist group's calendar: open during the group's shifts, with
 * its holidays closed. A ticket escalated to the group may measure its target
 * on it.
 *
 * @example
 *   specialistGroupCalendar(networkGroup).name; // 'group:network-l2'
 */
export function specialistGroupCalendar(group: SpecialistGroupDefinition): SlaCalendar {
  return {
    name: `${groupCalendarPrefix}${group.id}`,
    timeZone: group.timeZone,
    description: `hours of the ${group.supportLevel} group ${group.name} in ${group.timeZone}`,
    openIntervals(from: DateTime, until: DateTime): Interval[] {
      return clip(scheduleShifts(group, from, until), from, until);
    },
  };
}

/**
 * Builds the follow-the-sun calendar: open while at least one of the desks is
 * on duty, closed in the gaps between their shifts (weekends, holidays, hours
 * that no desk covers).
 *
 * @example
 *   followTheSunCalendar(exampleDeskConfiguration.desks).openIntervals(from, until);
 */
export function followTheSunCalendar(desks: readonly DeskDefinition[]): SlaCalendar {
  return {
    name: followTheSunCalendarName,
    timeZone: 'UTC',
    description: `open while any desk is on duty (${desks.map((desk) => desk.id).join(', ')})`,
    openIntervals(from: DateTime, until: DateTime): Interval[] {
      const shifts = desks.flatMap((desk) => deskShifts(desk, from, until));
      return clip(Interval.merge(shifts), from, until);
    },
  };
}

/** A time range as minutes after local midnight; `endMinute` exceeds 1440 when the range crosses midnight. */
interface MinuteRange {
  weekdays: readonly number[] | undefined;
  startMinute: number;
  endMinute: number;
}

function parseMinuteOfDay(text: unknown, path: string): number {
  const match = typeof text === 'string' ? /^(\d{2}):(\d{2})$/.exec(text) : null;
  const hour = Number(match?.[1]);
  const minute = Number(match?.[2]);
  if (match === null || hour > 24 || minute > 59 || (hour === 24 && minute !== 0)) {
    throw new InvalidSlaCalendarError(`invalid time ${JSON.stringify(text)} at ${path}: use HH:mm between 00:00 and 24:00`);
  }
  return hour * 60 + minute;
}

function minuteRangeOf(range: LocalTimeRange, path: string): MinuteRange {
  const startMinute = parseMinuteOfDay(range.start, `${path}.start`);
  const endOfDayMinute = parseMinuteOfDay(range.end, `${path}.end`);
  const endMinute = endOfDayMinute <= startMinute ? endOfDayMinute + 1440 : endOfDayMinute;
  return { weekdays: range.weekdays, startMinute, endMinute };
}

function appliesOn(range: MinuteRange, weekday: number): boolean {
  return range.weekdays === undefined || range.weekdays.includes(weekday);
}

/**
 * Builds a calendar from weekly opening hours in a time zone. Open time is
 * the real time during which a wall clock in the zone reads a time inside the
 * opening hours and outside the breaks, on a date that is not a holiday. A
 * range that crosses midnight belongs to the date on which it starts. A holiday
 * closes its whole local date, including the part of a range that started the
 * evening before.
 *
 * @throws InvalidSlaCalendarError when the definition is invalid; `validateWeeklyCalendarDefinition` gives the path.
 * @example
 *   weeklyCalendar({ name: 'kolkata-office', timeZone: 'Asia/Kolkata',
 *     weeklyHours: [{ weekdays: [1, 2, 3, 4, 5], start: '09:30', end: '18:30' }],
 *     breaks: [{ start: '13:00', end: '14:00' }], holidays: ['2026-01-26'] });
 */
export function weeklyCalendar(definition: WeeklyCalendarDefinition): SlaCalendar {
  const checked = validateWeeklyCalendarDefinition(definition, definition.name);
  const openingRanges = checked.weeklyHours.map((range, index) => minuteRangeOf(range, `weeklyHours[${index}]`));
  const breakRanges = (checked.breaks ?? []).map((range, index) => minuteRangeOf(range, `breaks[${index}]`));
  const holidays = new Set(checked.holidays ?? []);

  return {
    name: checked.name,
    timeZone: checked.timeZone,
    description: `weekly hours in ${checked.timeZone}${breakRanges.length > 0 ? ' with breaks' : ''}${holidays.size > 0 ? `, ${holidays.size} holidays` : ''}`,
    openIntervals(from: DateTime, until: DateTime): Interval[] {
      if (until <= from) {
        return [];
      }

      // Ranges that cross midnight start on the previous date, hence the day before `from`.
      const firstDate = localDateAt(from.minus({ days: 1 }), checked.timeZone);
      const lastDate = localDateAt(until, checked.timeZone);
      const dates = localDatesBetween(firstDate, lastDate);
      const window = searchWindowForLocalDates(firstDate, lastDate);
      const segments = offsetSegments(checked.timeZone, window.start!, window.end!);

      const open: Interval[] = [];
      const closed: Interval[] = [];
      for (const date of dates) {
        const weekday = isoWeekdayOf(date);
        for (const range of openingRanges.filter((candidate) => appliesOn(candidate, weekday))) {
          open.push(...localRangeIntervals(segments, date, range.startMinute, range.endMinute));
        }
        for (const range of breakRanges.filter((candidate) => appliesOn(candidate, weekday))) {
          closed.push(...localRangeIntervals(segments, date, range.startMinute, range.endMinute));
        }
        if (holidays.has(formatLocalDate(date))) {
          closed.push(...localRangeIntervals(segments, date, 0, 1440));
        }
      }

      const mergedOpen = Interval.merge(open);
      const openWithoutClosures = closed.length === 0 ? mergedOpen : mergedOpen.flatMap((interval) => interval.difference(...Interval.merge(closed)));
      return clip(openWithoutClosures, from, until);
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks one range of local time, such as an opening range, a break or a desk
 * shift, and returns it typed.
 *
 * @param path where the range sits in its file, for error messages, for example `calendars[0].breaks[1]`.
 * @throws InvalidSlaCalendarError naming the path of the bad value and how to fix it.
 * @example
 *   validateLocalTimeRange({ weekdays: [1, 2, 3, 4, 5], start: '22:00', end: '06:00' }, 'desks[0].shifts[0]', true);
 */
export function validateLocalTimeRange(value: unknown, path: string, weekdaysRequired: boolean): LocalTimeRange {
  if (!isRecord(value)) {
    throw new InvalidSlaCalendarError(`invalid range ${JSON.stringify(value)} at ${path}: expected an object such as { "weekdays": [1, 2, 3, 4, 5], "start": "09:00", "end": "17:00" }`);
  }

  const { weekdays, start, end } = value;
  if (weekdays === undefined && weekdaysRequired) {
    throw new InvalidSlaCalendarError(`missing weekdays at ${path}: list the ISO weekdays of the range, 1 for Monday to 7 for Sunday`);
  }
  if (weekdays !== undefined && (!Array.isArray(weekdays) || weekdays.length === 0 || weekdays.some((day) => !Number.isInteger(day) || day < 1 || day > 7))) {
    throw new InvalidSlaCalendarError(`invalid weekdays ${JSON.stringify(weekdays)} at ${path}.weekdays: use a non-empty list of ISO weekdays, 1 for Monday to 7 for Sunday`);
  }
  parseMinuteOfDay(start, `${path}.start`);
  parseMinuteOfDay(end, `${path}.end`);

  return { ...(weekdays === undefined ? {} : { weekdays: weekdays as IsoWeekday[] }), start: start as string, end: end as string };
}

/**
 * Checks a weekly calendar definition, for example one read from a
 * configuration file, and returns it typed.
 *
 * @param path where the definition sits in its file, for error messages, for example `calendars[0]`.
 * @throws InvalidSlaCalendarError naming the path of the bad value and how to fix it.
 * @example
 *   validateWeeklyCalendarDefinition(JSON.parse(text).calendars[0], 'calendars[0]');
 */
export function validateWeeklyCalendarDefinition(value: unknown, path: string): WeeklyCalendarDefinition {
  if (!isRecord(value)) {
    throw new InvalidSlaCalendarError(`invalid calendar at ${path}: expected an object with name, timeZone, weeklyHours, and optionally breaks and holidays`);
  }

  const { name, timeZone, weeklyHours, breaks, holidays } = value;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new InvalidSlaCalendarError(`invalid calendar name ${JSON.stringify(name)} at ${path}.name: use a non-empty name such as "uk-office"`);
  }
  if (name === alwaysOpenCalendarName || name === followTheSunCalendarName || name.startsWith(deskCalendarPrefix) || name.startsWith(groupCalendarPrefix)) {
    throw new InvalidSlaCalendarError(
      `invalid calendar name '${name}' at ${path}.name: ${alwaysOpenCalendarName}, ${followTheSunCalendarName} and names starting with '${deskCalendarPrefix}' or '${groupCalendarPrefix}' are built in; choose another name`,
    );
  }
  if (typeof timeZone !== 'string' || !Info.isValidIANAZone(timeZone)) {
    throw new InvalidSlaCalendarError(`invalid time zone ${JSON.stringify(timeZone)} at ${path}.timeZone: use an IANA zone name such as Europe/Warsaw`);
  }
  if (!Array.isArray(weeklyHours) || weeklyHours.length === 0) {
    throw new InvalidSlaCalendarError(`invalid weeklyHours at ${path}.weeklyHours: list at least one opening range`);
  }
  if (breaks !== undefined && !Array.isArray(breaks)) {
    throw new InvalidSlaCalendarError(`invalid breaks at ${path}.breaks: use a list of ranges, or leave it out`);
  }
  if (holidays !== undefined && (!Array.isArray(holidays) || holidays.some((holiday) => typeof holiday !== 'string'))) {
    throw new InvalidSlaCalendarError(`invalid holidays at ${path}.holidays: use a list of dates such as "2026-12-25", or leave it out`);
  }
  (holidays ?? []).forEach((holiday: string, index: number) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(holiday) || !DateTime.fromISO(holiday, { zone: 'utc' }).isValid) {
      throw new InvalidSlaCalendarError(`invalid holiday '${holiday}' at ${path}.holidays[${index}]: use a date as yyyy-MM-dd, for example 2026-12-25`);
    }
  });

  return {
    name,
    timeZone,
    weeklyHours: weeklyHours.map((range, index) => validateLocalTimeRange(range, `${path}.weeklyHours[${index}]`, true) as LocalTimeRange & { weekdays: IsoWeekday[] }),
    ...(breaks === undefined ? {} : { breaks: breaks.map((range, index) => validateLocalTimeRange(range, `${path}.breaks[${index}]`, false)) }),
    ...(holidays === undefined ? {} : { holidays: holidays as string[] }),
  };
}

/** Calendars by name. */
export type SlaCalendarRegistry = ReadonlyMap<string, SlaCalendar>;

/** Desks, specialist groups and weekly calendars from which a registry is built. */
export interface SlaCalendarSources {
  /** Desks, each giving `desk:<id>`; together they give `follow-the-sun` unless the list is empty. */
  desks: readonly DeskDefinition[];
  /** Specialist groups, each giving `group:<id>`. */
  specialistGroups?: readonly SpecialistGroupDefinition[];
  weeklyCalendars?: readonly WeeklyCalendarDefinition[];
}

/**
 * Builds the calendars that policies and the CLI can name: `24x7`,
 * `follow-the-sun` (when there are desks), `desk:<id>` per desk,
 * `group:<id>` per specialist group, and each weekly calendar under its own
 * name. A desk configuration supplies the first three kinds:
 * `buildSlaCalendarRegistry({ desks: configuration.desks, specialistGroups: configuration.specialistGroups })`.
 *
 * @throws InvalidSlaCalendarError for two calendars with the same name or an invalid weekly definition.
 * @example
 *   const calendars = buildSlaCalendarRegistry({ desks: exampleDeskConfiguration.desks });
 *   [...calendars.keys()]; // ['24x7', 'follow-the-sun', 'desk:apac', 'desk:emea', 'desk:amer']
 */
export function buildSlaCalendarRegistry(sources: SlaCalendarSources): SlaCalendarRegistry {
  const calendars = [alwaysOpenCalendar()];
  if (sources.desks.length > 0) {
    calendars.push(followTheSunCalendar(sources.desks));
  }
  calendars.push(...sources.desks.map(deskCalendar));
  calendars.push(...(sources.specialistGroups ?? []).map(specialistGroupCalendar));
  calendars.push(...(sources.weeklyCalendars ?? []).map(weeklyCalendar));

  const registry = new Map<string, SlaCalendar>();
  for (const calendar of calendars) {
    if (registry.has(calendar.name)) {
      throw new InvalidSlaCalendarError(`duplicate calendar name '${calendar.name}': give each desk and calendar its own name`);
    }
    registry.set(calendar.name, calendar);
  }
  return registry;
}

/**
 * Looks a calendar up by name.
 *
 * @throws UnknownSlaCalendarError listing the registry's names when there is none of that name.
 * @example
 *   findSlaCalendar(calendars, 'desk:emea').timeZone; // 'Europe/Warsaw'
 */
export function findSlaCalendar(registry: SlaCalendarRegistry, name: string): SlaCalendar {
  const calendar = registry.get(name);
  if (calendar === undefined) {
    throw new UnknownSlaCalendarError(name, [...registry.keys()]);
  }
  return calendar;
}
