/**
 * The named calendars that SLA targets are measured on:
 *
 * - `24x7`: always open.
 * - weekly hours in an IANA zone, with breaks (for example lunch) and holidays,
 *   defined in configuration (`WeeklyCalendarDefinition`).
 * - `desk:<id>`: a desk's business hours, its shifts as `deskShifts` computes them.
 * - `group:<id>`: a specialist group's hours, its shifts as `scheduleShifts` computes them.
 * - `follow-the-sun`: the union of all desks' shifts, open while any desk is on duty.
 *
 * Every calendar but `24x7` is defined by local hours, and counts each local
 * time once: after a fall-back change the repeated local times are open only
 * at their first occurrence (see `withoutRepeatedLocalTimes`).
 */

import { DateTime, IANAZone, Interval } from 'luxon';

import { formatConfigurationPath, type ConfigurationPath } from '../config/desk-configuration-schema';
import type { DeskDefinition, IsoWeekday, SpecialistGroupDefinition } from '../domain/desks';
import { deskShifts } from './desk-schedule';
import {
  formatLocalDate,
  isoWeekdayOf,
  localDateAt,
  localDatesBetween,
  localRangeIntervals,
  offsetSegments,
  searchWindowForLocalDates,
  withoutRepeatedLocalTimes,
} from './local-time-ranges';
import type { SlaCalendar } from './sla-calendar';
import { parseLocalTime, scheduleShifts } from './weekly-schedule';

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

/** Returns the desk's or group's shifts within [from, until), each local time counted once. */
function shiftOpenIntervals(shifts: readonly Interval[], timeZone: string, from: DateTime, until: DateTime): Interval[] {
  return withoutRepeatedLocalTimes(clip(shifts, from, until), timeZone);
}

/**
 * Builds a desk's calendar: open during the desk's shifts as `deskShifts`
 * computes them, with the desk's holidays closed. A local time that a
 * fall-back change repeats is open only at its first occurrence.
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
      return shiftOpenIntervals(deskShifts(desk, from, until), desk.timeZone, from, until);
    },
  };
}

/**
 * Builds a specialist group's calendar: open during the group's shifts, with
 * its holidays closed, each local time once as on a desk's calendar. A ticket
 * escalated to the group may measure its target on it.
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
      return shiftOpenIntervals(scheduleShifts(group, from, until), group.timeZone, from, until);
    },
  };
}

/**
 * Builds the follow-the-sun calendar: open while at least one of the desks is
 * on duty, closed in the gaps between their shifts (weekends, holidays, hours
 * that no desk covers). It is the union of the desks' calendars, so the second
 * occurrence of a local time that a desk's zone repeats is open only when
 * another desk is on duty then.
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
      const shifts = desks.flatMap((desk) => shiftOpenIntervals(deskShifts(desk, from, until), desk.timeZone, from, until));
      return Interval.merge(shifts);
    },
  };
}

/** A time range as minutes after local midnight; `endMinute` exceeds 1440 when the range crosses midnight. */
interface MinuteRange {
  weekdays: readonly number[] | undefined;
  startMinute: number;
  endMinute: number;
}

/** Parses `HH:mm` from 00:00 to 24:00 into minutes after midnight with `parseLocalTime`, or returns undefined when the value is not such a time. */
function parseMinuteOfDay(text: unknown): number | undefined {
  const time = typeof text === 'string' ? parseLocalTime(text) : undefined;
  return time === undefined ? undefined : time.hour * 60 + time.minute;
}

/** Converts a range that `checkWeeklyCalendarDefinition` accepted. */
function minuteRangeOf(range: LocalTimeRange): MinuteRange {
  const startMinute = parseMinuteOfDay(range.start) ?? 0;
  const endOfDayMinute = parseMinuteOfDay(range.end) ?? 0;
  const endMinute = endOfDayMinute <= startMinute ? endOfDayMinute + 1440 : endOfDayMinute;
  return { weekdays: range.weekdays, startMinute, endMinute };
}

function appliesOn(range: MinuteRange, weekday: number): boolean {
  return range.weekdays === undefined || range.weekdays.includes(weekday);
}

/**
 * Builds a calendar from weekly opening hours in a time zone. Open time is
 * the real time during which a wall clock in the zone reads a time inside the
 * opening hours and outside the breaks, on a date that is not a holiday, each
 * local time counted once: a local time that a fall-back change repeats is
 * open only at its first occurrence. A range that crosses midnight belongs to
 * the date on which it starts. A holiday closes its whole local date,
 * including the part of a range that started the evening before.
 *
 * @throws InvalidSlaCalendarError listing every problem of the definition with its path.
 * @example
 *   weeklyCalendar({ name: 'kolkata-office', timeZone: 'Asia/Kolkata',
 *     weeklyHours: [{ weekdays: [1, 2, 3, 4, 5], start: '09:30', end: '18:30' }],
 *     breaks: [{ start: '13:00', end: '14:00' }], holidays: ['2026-01-26'] });
 */
export function weeklyCalendar(definition: WeeklyCalendarDefinition): SlaCalendar {
  const checked = validateWeeklyCalendarDefinition(definition, [String(definition.name)]);
  const openingRanges = checked.weeklyHours.map(minuteRangeOf);
  const breakRanges = (checked.breaks ?? []).map(minuteRangeOf);
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
      return withoutRepeatedLocalTimes(clip(openWithoutClosures, from, until), checked.timeZone);
    },
  };
}

/** One problem of a weekly calendar definition. */
export interface SlaCalendarIssue {
  /** Keys and list indexes from the root of the file to the bad value, for example `['calendars', 0, 'holidays', 1]`. */
  path: ConfigurationPath;
  /** Description of the problem and of its fix. */
  message: string;
}

/** Fields of a weekly calendar definition, in the order that the docs list them. */
export const weeklyCalendarFields: readonly string[] = ['name', 'timeZone', 'weeklyHours', 'breaks', 'holidays'];

const localTimeRangeFields: readonly string[] = ['weekdays', 'start', 'end'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  if (typeof value === 'object') {
    return 'an object';
  }
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Levenshtein distance between two texts: the fewest insertions, deletions and substitutions that turn one into the other. */
function editDistance(left: string, right: string): number {
  let previousRow = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let row = 1; row <= left.length; row += 1) {
    const currentRow = [row];
    for (let column = 1; column <= right.length; column += 1) {
      const substitutionCost = left[row - 1] === right[column - 1] ? 0 : 1;
      currentRow.push(Math.min(previousRow[column]! + 1, currentRow[column - 1]! + 1, previousRow[column - 1]! + substitutionCost));
    }
    previousRow = currentRow;
  }
  return previousRow[right.length]!;
}

/**
 * Finds the candidate closest to a misspelt name, ignoring case, or returns
 * undefined when none is within two edits.
 *
 * @example
 *   closestName('holdays', weeklyCalendarFields); // 'holidays'
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let closest: string | undefined;
  let closestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < closestDistance) {
      closest = candidate;
      closestDistance = distance;
    }
  }
  return closest;
}

function reportUnknownFields(fields: Record<string, unknown>, path: ConfigurationPath, allowedFields: readonly string[], objectName: string, issues: SlaCalendarIssue[]): void {
  for (const key of Object.keys(fields)) {
    if (!allowedFields.includes(key)) {
      const suggestion = closestName(key, allowedFields);
      const hint = suggestion === undefined ? '' : `did you mean '${suggestion}'? `;
      issues.push({ path: [...path, key], message: `unknown field '${key}': ${hint}${objectName} has the fields ${allowedFields.join(', ')}` });
    }
  }
}

/** Zone names of the ICU data of this Node.js build, in their exact spelling; computed on first use. */
let icuTimeZoneNames: readonly string[] | undefined;

function knownTimeZoneNames(): readonly string[] {
  icuTimeZoneNames ??= Intl.supportedValuesOf('timeZone');
  return icuTimeZoneNames;
}

/** Returns the id under which ICU stores a valid zone, for example `Asia/Calcutta` for `asia/kolkata`. */
function icuZoneId(timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
}

/**
 * Writes a location such as `buenos_aires` as IANA names write it: each word
 * starts with a capital letter. An all-capital word keeps its capitals, as
 * in `Australia/NSW`, unless it has four letters or more or the whole
 * location is in capitals (`HO_CHI_MINH`), because IANA locations are not
 * written in capitals.
 */
function capitalizeLocation(location: string): string {
  const words = location.split(/([_-])/);
  const typedInCapitals = location === location.toUpperCase() && words.length > 1;
  return words
    .map((word) => {
      const rest = typedInCapitals || /^[A-Z]{4,}$/.test(word) ? word.slice(1).toLowerCase() : word.slice(1);
      return word.charAt(0).toUpperCase() + rest;
    })
    .join('');
}

/**
 * Returns the spelling of a valid zone name in the IANA database, which
 * equals `timeZone` when it is spelt right. ICU accepts any case, so
 * `europe/warsaw` works in luxon, but it is not the name that other programs
 * and the IANA database use.
 *
 * ICU (Node.js 20) lists 418 zones under their exact names, and a name that
 * differs from one of them or from the zone's ICU id only in case gets that
 * spelling. The other valid names are current IANA names that ICU stores
 * under an older id (`Asia/Kolkata` is `Asia/Calcutta` in ICU) and
 * backward-compatible links such as `US/Eastern`. Their spelling follows the
 * IANA rule that each word starts with a capital letter.
 *
 * NOTE: without the IANA list of names, a wrong case inside a word of such a
 * name (`Brazil/Denoronha` for `Brazil/DeNoronha`) or in capitals of three
 * letters (`ETC/UTC`) is not detected.
 */
function ianaSpelling(timeZone: string): string {
  const icuId = icuZoneId(timeZone);
  const exactNames = [...knownTimeZoneNames(), icuId];
  const sameLetters = exactNames.find((name) => name.toLowerCase() === timeZone.toLowerCase());
  if (sameLetters !== undefined) {
    return sameLetters;
  }

  // Areas such as `America/Argentina`, spelt as in the names that ICU lists.
  const areaSpellings = new Map<string, string>();
  for (const name of exactNames) {
    const segments = name.split('/');
    for (let length = 1; length < segments.length; length += 1) {
      const area = segments.slice(0, length).join('/');
      areaSpellings.set(area.toLowerCase(), area);
    }
  }

  const separatorIndex = timeZone.lastIndexOf('/');
  const area = areaSpellings.get(timeZone.slice(0, Math.max(separatorIndex, 0)).toLowerCase());
  if (separatorIndex > 0 && area !== undefined) {
    return `${area}/${capitalizeLocation(timeZone.slice(separatorIndex + 1))}`;
  }

  // Links outside those areas, such as `US/Eastern` or `Cuba`: a word that
  // starts in lower case is wrong, and so is a word of four capitals or more
  // (`CUBA`) except in `NZ-CHAT`. The ICU id names the same zone and is spelt right.
  const startsInLowerCase = /(?:^|[/_-])[a-z]/.test(timeZone);
  const longCapitalWord = timeZone !== 'NZ-CHAT' && timeZone.split(/[/_-]/).some((word) => /^[A-Z]{4,}$/.test(word));
  return startsInLowerCase || longCapitalWord ? icuId : timeZone;
}

/**
 * Checks that a value is the name of an IANA time zone, spelt as the IANA
 * database spells it, and returns the problem or undefined.
 *
 * @example
 *   timeZoneIssue('europe/warsaw'); // "time zone 'europe/warsaw' is spelt differently in the IANA database: write 'Europe/Warsaw'"
 *   timeZoneIssue('Asia/Kolkata'); // undefined
 */
export function timeZoneIssue(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    return `expected an IANA time zone name such as Europe/Warsaw, found ${describeValue(value)}`;
  }
  if (!IANAZone.isValidZone(value)) {
    const suggestion = closestName(value, knownTimeZoneNames());
    const hint = suggestion === undefined ? '' : `did you mean '${suggestion}'? `;
    return `unknown time zone '${value}': ${hint}use an IANA time zone name such as Europe/Warsaw or Asia/Kolkata`;
  }

  const spelling = ianaSpelling(value);
  if (spelling !== value && spelling.toLowerCase() === value.toLowerCase()) {
    return `time zone '${value}' is spelt differently in the IANA database: write '${spelling}'`;
  }
  if (spelling !== value) {
    return `time zone '${value}' is not spelt as in the IANA database: write '${spelling}', the name of the same zone there`;
  }
  return undefined;
}

function checkTime(value: unknown, path: ConfigurationPath, issues: SlaCalendarIssue[]): void {
  if (value === undefined) {
    issues.push({ path, message: `missing ${String(path.at(-1))}: write the local time as HH:mm, for example "09:00"` });
  } else if (parseMinuteOfDay(value) === undefined) {
    issues.push({ path, message: `invalid time ${JSON.stringify(value)}: use HH:mm between 00:00 and 24:00` });
  }
}

/** Checks one range of local time (an opening range or a break) and returns it typed, or undefined after reporting its problems. */
function checkLocalTimeRange(value: unknown, path: ConfigurationPath, weekdaysRequired: boolean, issues: SlaCalendarIssue[]): LocalTimeRange | undefined {
  if (!isRecord(value)) {
    issues.push({ path, message: `expected an object such as { "weekdays": [1, 2, 3, 4, 5], "start": "09:00", "end": "17:00" }, found ${describeValue(value)}` });
    return undefined;
  }

  const issueCount = issues.length;
  reportUnknownFields(value, path, localTimeRangeFields, 'a range', issues);

  const { weekdays, start, end } = value;
  if (weekdays === undefined && weekdaysRequired) {
    issues.push({ path: [...path, 'weekdays'], message: 'missing weekdays: list the ISO weekdays of the range, 1 for Monday to 7 for Sunday' });
  }
  if (weekdays !== undefined && (!Array.isArray(weekdays) || weekdays.length === 0 || weekdays.some((day) => !Number.isInteger(day) || day < 1 || day > 7))) {
    issues.push({ path: [...path, 'weekdays'], message: `invalid weekdays ${JSON.stringify(weekdays)}: use a non-empty list of ISO weekdays, 1 for Monday to 7 for Sunday` });
  }
  checkTime(start, [...path, 'start'], issues);
  checkTime(end, [...path, 'end'], issues);

  if (issues.length > issueCount) {
    return undefined;
  }
  return { ...(weekdays === undefined ? {} : { weekdays: weekdays as IsoWeekday[] }), start: start as string, end: end as string };
}

function checkRangeList(value: unknown, path: ConfigurationPath, weekdaysRequired: boolean, issues: SlaCalendarIssue[]): LocalTimeRange[] | undefined {
  if (!Array.isArray(value)) {
    return undefined;
  }

  const ranges = value.map((range, index) => checkLocalTimeRange(range, [...path, index], weekdaysRequired, issues));
  return ranges.every((range) => range !== undefined) ? (ranges as LocalTimeRange[]) : undefined;
}

function checkCalendarName(name: unknown, path: ConfigurationPath, issues: SlaCalendarIssue[]): void {
  if (typeof name !== 'string' || name.trim() === '') {
    issues.push({ path, message: `invalid calendar name ${JSON.stringify(name) ?? 'undefined'}: use a non-empty name such as "uk-office"` });
  } else if (name === alwaysOpenCalendarName || name === followTheSunCalendarName || name.startsWith(deskCalendarPrefix) || name.startsWith(groupCalendarPrefix)) {
    issues.push({
      path,
      message: `invalid calendar name '${name}': ${alwaysOpenCalendarName}, ${followTheSunCalendarName} and names starting with '${deskCalendarPrefix}' or '${groupCalendarPrefix}' are built in; choose another name`,
    });
  }
}

function checkHolidays(holidays: unknown, path: ConfigurationPath, issues: SlaCalendarIssue[]): void {
  if (holidays === undefined) {
    return;
  }
  if (!Array.isArray(holidays)) {
    issues.push({ path, message: `expected a list of dates such as ["2026-12-25"], found ${describeValue(holidays)}; or leave holidays out` });
    return;
  }

  holidays.forEach((holiday: unknown, index: number) => {
    const isDate = typeof holiday === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(holiday) && DateTime.fromISO(holiday, { zone: 'utc' }).isValid;
    if (!isDate) {
      issues.push({ path: [...path, index], message: `invalid holiday ${JSON.stringify(holiday)}: use a date as yyyy-MM-dd, for example "2026-12-25"` });
    }
  });
}

/**
 * Checks a weekly calendar definition, for example one read from a file, and
 * collects every problem with the path of the bad value. `definition` is
 * present only when there are none.
 *
 * @param path where the definition sits in its file, for example `['calendars', 0]`.
 * @example
 *   const { definition, issues } = checkWeeklyCalendarDefinition(content.calendars[0], ['calendars', 0]);
 *   // issues: [{ path: ['calendars', 0, 'holdays'], message: "unknown field 'holdays': did you mean 'holidays'? …" }]
 */
export function checkWeeklyCalendarDefinition(value: unknown, path: ConfigurationPath): { definition?: WeeklyCalendarDefinition; issues: SlaCalendarIssue[] } {
  const issues: SlaCalendarIssue[] = [];
  if (!isRecord(value)) {
    issues.push({ path, message: `expected a weekly calendar as an object with the fields ${weeklyCalendarFields.join(', ')}, found ${describeValue(value)}` });
    return { issues };
  }

  reportUnknownFields(value, path, weeklyCalendarFields, 'a weekly calendar', issues);

  const { name, timeZone, weeklyHours, breaks, holidays } = value;
  checkCalendarName(name, [...path, 'name'], issues);

  const zoneProblem = timeZoneIssue(timeZone);
  if (zoneProblem !== undefined) {
    issues.push({ path: [...path, 'timeZone'], message: zoneProblem });
  }

  if (!Array.isArray(weeklyHours) || weeklyHours.length === 0) {
    issues.push({ path: [...path, 'weeklyHours'], message: `expected a list of at least one opening range such as { "weekdays": [1, 2, 3, 4, 5], "start": "09:00", "end": "17:00" }, found ${describeValue(weeklyHours)}` });
  }
  const openingRanges = checkRangeList(weeklyHours, [...path, 'weeklyHours'], true, issues);

  if (breaks !== undefined && !Array.isArray(breaks)) {
    issues.push({ path: [...path, 'breaks'], message: `expected a list of ranges such as { "start": "12:00", "end": "13:00" }, found ${describeValue(breaks)}; or leave breaks out` });
  }
  const breakRanges = checkRangeList(breaks, [...path, 'breaks'], false, issues);

  checkHolidays(holidays, [...path, 'holidays'], issues);

  if (issues.length > 0 || openingRanges === undefined) {
    return { issues };
  }
  return {
    definition: {
      name: name as string,
      timeZone: timeZone as string,
      weeklyHours: openingRanges as WeeklyCalendarDefinition['weeklyHours'],
      ...(breakRanges === undefined ? {} : { breaks: breakRanges }),
      ...(holidays === undefined ? {} : { holidays: holidays as string[] }),
    },
    issues,
  };
}

/**
 * Formats issues one per line as `path: message`, each line indented by two spaces.
 *
 * @example
 *   formatSlaCalendarIssues([{ path: ['calendars', 0, 'holdays'], message: "unknown field 'holdays'" }]);
 *   // "  calendars[0].holdays: unknown field 'holdays'"
 */
function formatSlaCalendarIssues(issues: readonly SlaCalendarIssue[]): string {
  return issues.map((issue) => `  ${formatConfigurationPath(issue.path)}: ${issue.message}`).join('\n');
}

/**
 * Checks a weekly calendar definition and returns it typed.
 *
 * @param path where the definition sits, for error messages; `weeklyCalendar` passes the calendar's name.
 * @throws InvalidSlaCalendarError listing every problem, one per line with its path.
 * @example
 *   validateWeeklyCalendarDefinition(JSON.parse(text).calendars[0], ['calendars', 0]);
 */
export function validateWeeklyCalendarDefinition(value: unknown, path: ConfigurationPath): WeeklyCalendarDefinition {
  const { definition, issues } = checkWeeklyCalendarDefinition(value, path);
  if (definition === undefined) {
    const count = `${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}`;
    throw new InvalidSlaCalendarError(`invalid weekly calendar at ${formatConfigurationPath(path)} (${count}):\n${formatSlaCalendarIssues(issues)}`);
  }
  return definition;
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
