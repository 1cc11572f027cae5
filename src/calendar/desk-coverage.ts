/**
 * A week of desk coverage in UTC: each desk's and specialist group's shifts,
 * the shifts that holidays closed, and the gaps (no desk on duty) and overlaps
 * (several desks on duty) of the desks together. The data behind
 * `sundesk desk coverage` and `sundesk desk check`.
 */

import { DateTime, Interval } from 'luxon';

import type { DeskConfiguration, HolidayDefinition, WeeklySchedule } from '../domain/desks';
import { holidayDate, scheduleShifts } from './weekly-schedule';

/** One desk's or specialist group's week. */
export interface ScheduleWeek {
  id: string;
  name: string;
  kind: 'desk' | 'specialist-group';
  timeZone: string;
  /** Open shifts, cut to the week. */
  shifts: Interval<true>[];
  /** Time that a shift would have covered but a holiday closed, cut to the week. */
  holidayClosures: Interval<true>[];
  /** Holidays whose local date overlaps the week. */
  holidays: HolidayDefinition[];
}

/** A longest stretch of time in which two or more desks are on duty. */
export interface CoverageOverlap {
  interval: Interval<true>;
  /** Every desk on duty at some moment of the stretch, in configuration order. */
  deskIds: string[];
  /** Maximum number of desks on duty at one moment of the stretch. */
  maximumDesksOnDuty: number;
}

/** A week of coverage, Monday 00:00 UTC to the next Monday 00:00 UTC. */
export interface WeekCoverage {
  weekStart: DateTime<true>;
  weekEnd: DateTime<true>;
  desks: ScheduleWeek[];
  specialistGroups: ScheduleWeek[];
  /** Stretches in which no desk is on duty. */
  gaps: Interval<true>[];
  /** Longest stretches in which two or more desks are on duty. */
  overlaps: CoverageOverlap[];
}

/** The same week as plain JSON, instants as ISO strings in UTC. */
export interface WeekCoverageJson {
  weekStart: string;
  weekEnd: string;
  desks: ScheduleWeekJson[];
  specialistGroups: ScheduleWeekJson[];
  gaps: Array<{ start: string; end: string }>;
  overlaps: Array<{ start: string; end: string; deskIds: string[]; maximumDesksOnDuty: number }>;
}

export interface ScheduleWeekJson {
  id: string;
  name: string;
  kind: 'desk' | 'specialist-group';
  timeZone: string;
  shifts: Array<{ start: string; end: string }>;
  holidayClosures: Array<{ start: string; end: string }>;
  holidays: HolidayDefinition[];
}

function isValidInterval(interval: Interval): interval is Interval<true> {
  return interval.isValid;
}

function clipToWeek(intervals: Interval<true>[], week: Interval<true>): Interval<true>[] {
  return intervals.map((interval) => interval.intersection(week)).filter((interval): interval is Interval<true> => interval !== null && isValidInterval(interval) && !interval.isEmpty());
}

function holidaysInWeek(schedule: WeeklySchedule, week: Interval<true>): HolidayDefinition[] {
  const found: HolidayDefinition[] = [];
  for (const entry of schedule.holidays) {
    const day = DateTime.fromISO(holidayDate(entry), { zone: schedule.timeZone });
    if (day.isValid && day.plus({ days: 1 }) > week.start && day < week.end) {
      found.push(typeof entry === 'string' ? { date: entry, name: 'holiday' } : entry);
    }
  }

  return found.sort((left, right) => left.date.localeCompare(right.date));
}

function scheduleWeek(schedule: WeeklySchedule & { name: string }, kind: ScheduleWeek['kind'], week: Interval<true>): ScheduleWeek {
  const open = scheduleShifts(schedule, week.start, week.end);
  const withoutHolidays = scheduleShifts(schedule, week.start, week.end, { applyHolidays: false });
  const closed = withoutHolidays.flatMap((interval) => interval.difference(...open).filter(isValidInterval));

  return {
    id: schedule.id,
    name: schedule.name,
    kind,
    timeZone: schedule.timeZone,
    shifts: clipToWeek(open, week),
    holidayClosures: clipToWeek(closed, week),
    holidays: holidaysInWeek(schedule, week),
  };
}

/** Splits the week at every shift boundary and lists the desks on duty in each piece. */
function dutySegments(desks: ScheduleWeek[], week: Interval<true>): Array<{ interval: Interval<true>; deskIds: string[] }> {
  const boundaries = new Set<number>([week.start.toMillis(), week.end.toMillis()]);
  for (const desk of desks) {
    for (const shift of desk.shifts) {
      boundaries.add(shift.start.toMillis());
      boundaries.add(shift.end.toMillis());
    }
  }
  const instants = [...boundaries].sort((left, right) => left - right);

  const segments: Array<{ interval: Interval<true>; deskIds: string[] }> = [];
  for (let index = 0; index + 1 < instants.length; index += 1) {
    const start = DateTime.fromMillis(instants[index]!, { zone: 'utc' });
    const end = DateTime.fromMillis(instants[index + 1]!, { zone: 'utc' });
    const interval = Interval.fromDateTimes(start, end);
    if (!isValidInterval(interval)) {
      continue;
    }

    const deskIds = desks.filter((desk) => desk.shifts.some((shift) => shift.contains(start))).map((desk) => desk.id);
    const previous = segments.at(-1);
    if (previous !== undefined && previous.deskIds.join(',') === deskIds.join(',')) {
      const joined = previous.interval.union(interval);
      if (isValidInterval(joined)) {
        previous.interval = joined;
        continue;
      }
    }
    segments.push({ interval, deskIds });
  }

  return segments;
}

/** Joins neighbouring segments with two or more desks on duty into longest stretches. */
function overlapStretches(segments: Array<{ interval: Interval<true>; deskIds: string[] }>, desks: ScheduleWeek[]): CoverageOverlap[] {
  const stretches: CoverageOverlap[] = [];
  let previousEnd: number | undefined;
  for (const segment of segments) {
    if (segment.deskIds.length < 2) {
      previousEnd = undefined;
      continue;
    }

    const last = stretches.at(-1);
    if (last !== undefined && previousEnd === segment.interval.start.toMillis()) {
      const joined = last.interval.union(segment.interval);
      if (isValidInterval(joined)) {
        const involved = new Set([...last.deskIds, ...segment.deskIds]);
        last.interval = joined;
        last.deskIds = desks.map((desk) => desk.id).filter((deskId) => involved.has(deskId));
        last.maximumDesksOnDuty = Math.max(last.maximumDesksOnDuty, segment.deskIds.length);
      }
    } else {
      stretches.push({ interval: segment.interval, deskIds: segment.deskIds, maximumDesksOnDuty: segment.deskIds.length });
    }
    previousEnd = segment.interval.end.toMillis();
  }

  return stretches;
}

/**
 * Computes the coverage of the UTC week (Monday 00:00 to Monday 00:00) that
 * contains `dayInWeek`.
 *
 * @example
 *   const coverage = computeWeekCoverage(exampleDeskConfiguration, DateTime.fromISO('2026-03-25', { zone: 'utc' }));
 *   coverage.gaps[0]?.toISO(); // '2026-03-27T23:00:00.000Z/2026-03-29T23:00:00.000Z'
 */
export function computeWeekCoverage(configuration: DeskConfiguration, dayInWeek: DateTime): WeekCoverage {
  const weekStart = dayInWeek.toUTC().startOf('week');
  const weekEnd = weekStart.plus({ weeks: 1 });
  const week = Interval.fromDateTimes(weekStart, weekEnd);
  if (!isValidInterval(week)) {
    throw new Error(`invalid day '${dayInWeek.toString()}': pass a valid DateTime`);
  }

  const desks = configuration.desks.map((desk) => scheduleWeek(desk, 'desk', week));
  const specialistGroups = (configuration.specialistGroups ?? []).map((group) => scheduleWeek(group, 'specialist-group', week));
  const segments = dutySegments(desks, week);

  return {
    weekStart: week.start,
    weekEnd: week.end,
    desks,
    specialistGroups,
    gaps: segments.filter((segment) => segment.deskIds.length === 0).map((segment) => segment.interval),
    overlaps: overlapStretches(segments, desks),
  };
}

function intervalJson(interval: Interval<true>): { start: string; end: string } {
  return { start: interval.start.toUTC().toISO(), end: interval.end.toUTC().toISO() };
}

function scheduleWeekJson(schedule: ScheduleWeek): ScheduleWeekJson {
  return {
    id: schedule.id,
    name: schedule.name,
    kind: schedule.kind,
    timeZone: schedule.timeZone,
    shifts: schedule.shifts.map(intervalJson),
    holidayClosures: schedule.holidayClosures.map(intervalJson),
    holidays: schedule.holidays,
  };
}

/**
 * Converts a week of coverage to plain JSON for `--json` output.
 *
 * @example
 *   JSON.stringify(weekCoverageToJson(coverage));
 */
export function weekCoverageToJson(coverage: WeekCoverage): WeekCoverageJson {
  return {
    weekStart: coverage.weekStart.toUTC().toISO(),
    weekEnd: coverage.weekEnd.toUTC().toISO(),
    desks: coverage.desks.map(scheduleWeekJson),
    specialistGroups: coverage.specialistGroups.map(scheduleWeekJson),
    gaps: coverage.gaps.map(intervalJson),
    overlaps: coverage.overlaps.map((overlap) => ({ ...intervalJson(overlap.interval), deskIds: overlap.deskIds, maximumDesksOnDuty: overlap.maximumDesksOnDuty })),
  };
}
