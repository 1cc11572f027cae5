/**
 * SLA clock arithmetic on business calendars: the instant at which a target is
 * due, the business time elapsed between two instants, the instants of the
 * escalation levels, and the new due instant after a priority change. Every
 * value is a real instant (luxon DateTime), and the calendars convert their
 * local hours to real intervals with the offsets of the time-zone database,
 * so DST changes are exact (see local-time-ranges.ts). Runs in activities and
 * the CLI, never in workflow code, because calendars read the time-zone
 * database.
 *
 * The calendars themselves (24x7, weekly hours, desks, follow the sun) are
 * built in business-calendars.ts.
 */

import { DateTime, Interval } from 'luxon';

import type { EscalationLevel } from '../domain/sla';

/** A named business calendar: when the SLA clock runs. */
export interface SlaCalendar {
  /** Name by which policies and the CLI refer to the calendar, for example `desk:emea`. */
  readonly name: string;
  /** IANA zone in which the calendar's instants are shown; UTC for calendars without a zone of their own. */
  readonly timeZone: string;
  /** One line for help text and listings. */
  readonly description: string;
  /**
   * Returns the open time within [from, until) as disjoint intervals in time
   * order, clipped to that range. Abutting intervals are merged.
   */
  openIntervals(from: DateTime, until: DateTime): Interval[];
}

/** Thrown when a calendar has no open time for so long that a due instant cannot be found. */
export class NoOpenTimeError extends Error {
  override name = 'NoOpenTimeError';
}

/** Thrown for an argument that no calendar arithmetic can use: an invalid instant, a negative target, a reversed range. */
export class InvalidSlaArgumentError extends Error {
  override name = 'InvalidSlaArgumentError';
}

/**
 * Days that `computeDueInstant` searches past the last open time it found
 * before it gives up. A year is longer than any real closure, so reaching it
 * means that the calendar has no opening hours left.
 */
export const maximumClosedDays = 366;

/** Width of the windows in which open time is requested from a calendar. */
const searchWindowDays = 14;

const millisecondsPerMinute = 60_000;

function requireValidInstant(instant: DateTime, argumentName: string): void {
  if (!instant.isValid) {
    throw new InvalidSlaArgumentError(`invalid ${argumentName}: ${instant.invalidExplanation ?? instant.invalidReason ?? 'not a valid instant'}; pass a valid luxon DateTime`);
  }
}

function requireValidMinutes(minutes: number, argumentName: string): void {
  if (!Number.isFinite(minutes) || minutes < 0) {
    throw new InvalidSlaArgumentError(`invalid ${argumentName} ${minutes}: use a finite number of minutes, 0 or more`);
  }
}

function lengthInMilliseconds(interval: Interval): number {
  return interval.end!.toMillis() - interval.start!.toMillis();
}

/**
 * Returns the calendar's open time within [from, until) minus the pauses.
 */
function countedIntervals(calendar: SlaCalendar, from: DateTime, until: DateTime, pauses: readonly Interval[]): Interval[] {
  const open = calendar.openIntervals(from, until);
  const validPauses = pauses.filter((pause) => pause.isValid && !pause.isEmpty());
  if (validPauses.length === 0) {
    return open;
  }

  const mergedPauses = Interval.merge(validPauses);
  return open.flatMap((interval) => interval.difference(...mergedPauses)).filter((interval) => !interval.isEmpty());
}

/**
 * Computes the instant at which `targetMinutes` of the calendar's open time
 * have elapsed after `start`, not counting the pause intervals. The calendar
 * decides what is open: on a calendar of local hours a local hour skipped by a
 * spring-forward change is not counted and the hour repeated by a fall-back
 * change is counted once, while 24x7 counts every real hour. A due instant
 * that falls exactly at the end of an open
 * interval stays there instead of moving to the next opening. A target of 0
 * is due at `start`.
 *
 * @returns the due instant in the calendar's time zone.
 * @throws NoOpenTimeError when the calendar has no open time for 366 days in a row.
 * @throws InvalidSlaArgumentError for an invalid start or a negative target.
 * @example
 *   // Friday 16:00 in Warsaw, 4 hours on Mon-Fri 08:00-17:00 with no pauses:
 *   computeDueInstant(warsawOffice, DateTime.fromISO('2026-03-27T16:00+01:00'), 240);
 *   // Monday 2026-03-30T11:00+02:00
 */
export function computeDueInstant(calendar: SlaCalendar, start: DateTime, targetMinutes: number, pauses: readonly Interval[] = []): DateTime {
  requireValidInstant(start, 'start');
  requireValidMinutes(targetMinutes, 'targetMinutes');

  let remainingMilliseconds = Math.round(targetMinutes * millisecondsPerMinute);
  if (remainingMilliseconds === 0) {
    return start.setZone(calendar.timeZone);
  }

  let windowStart = start.toUTC();
  let lastOpenTime = windowStart;
  for (;;) {
    const windowEnd = windowStart.plus({ days: searchWindowDays });
    for (const interval of countedIntervals(calendar, windowStart, windowEnd, pauses)) {
      const intervalMilliseconds = lengthInMilliseconds(interval);
      if (remainingMilliseconds <= intervalMilliseconds) {
        return interval.start!.plus({ milliseconds: remainingMilliseconds }).setZone(calendar.timeZone);
      }
      remainingMilliseconds -= intervalMilliseconds;
      lastOpenTime = interval.end!;
    }

    if (windowEnd.diff(lastOpenTime, 'days').days > maximumClosedDays) {
      throw new NoOpenTimeError(
        `calendar '${calendar.name}' has no open time between ${lastOpenTime.toISO()} and ${windowEnd.toISO()}, so ${targetMinutes} minutes after ${start.toISO()} are never reached: give the calendar opening hours, or remove holidays and pauses`,
      );
    }
    windowStart = windowEnd;
  }
}

/**
 * Counts the minutes of the calendar's open time in [from, to), not counting
 * the pause intervals. The result may have a fraction when the instants have
 * seconds.
 *
 * @throws InvalidSlaArgumentError when an instant is invalid or `to` is before `from`.
 * @example
 *   elapsedBusinessMinutes(calendars.get('24x7')!, DateTime.fromISO('2026-10-24T22:00Z'), DateTime.fromISO('2026-10-25T02:00Z')); // 240
 */
export function elapsedBusinessMinutes(calendar: SlaCalendar, from: DateTime, to: DateTime, pauses: readonly Interval[] = []): number {
  requireValidInstant(from, 'from');
  requireValidInstant(to, 'to');
  if (to < from) {
    throw new InvalidSlaArgumentError(`invalid range: 'to' ${to.toISO()} is before 'from' ${from.toISO()}; pass the earlier instant first`);
  }

  let elapsedMilliseconds = 0;
  let windowStart = from.toUTC();
  while (windowStart < to) {
    const windowEnd = DateTime.min(windowStart.plus({ days: searchWindowDays }), to.toUTC());
    for (const interval of countedIntervals(calendar, windowStart, windowEnd, pauses)) {
      elapsedMilliseconds += lengthInMilliseconds(interval);
    }
    windowStart = windowEnd;
  }
  return elapsedMilliseconds / millisecondsPerMinute;
}

/** The instant at which one escalation level of a clock is reached. */
export interface EscalationInstant {
  level: EscalationLevel;
  /** Business minutes of the whole clock at which the level is reached: `percentOfTarget` of the target. */
  thresholdMinutes: number;
  /** When the level is reached, in the calendar's zone. */
  dueAt: DateTime;
  /** True when the minutes carried over from before `start` already reach the threshold, so `dueAt` is `start`. */
  reachedAtStart: boolean;
}

/** Options of `escalationInstants`. */
export interface EscalationInstantOptions {
  pauses?: readonly Interval[];
  /** Business minutes that the clock counted before `start`, after a priority change or a reopen that resumes; 0 when absent. */
  carriedElapsedMinutes?: number;
}

/**
 * Computes the instant of each escalation level of a clock that runs from
 * `start` on the calendar: the instant at which `percentOfTarget` percent of
 * `targetMinutes` have elapsed, counting the minutes carried over from before
 * `start`. A level that the carried minutes already reach is due at `start`
 * with `reachedAtStart` set, so the caller fires it at once unless it fired
 * before. Levels come back in ascending percentage.
 *
 * @throws NoOpenTimeError and InvalidSlaArgumentError as `computeDueInstant` does.
 * @example
 *   escalationInstants(calendar24x7, DateTime.fromISO('2026-01-05T09:00Z'), 240, defaultEscalationLevels);
 *   // warning 12:00Z, breach 13:00Z, service-owner 15:00Z
 */
export function escalationInstants(
  calendar: SlaCalendar,
  start: DateTime,
  targetMinutes: number,
  levels: readonly EscalationLevel[],
  options: EscalationInstantOptions = {},
): EscalationInstant[] {
  const carriedElapsedMinutes = options.carriedElapsedMinutes ?? 0;
  requireValidInstant(start, 'start');
  requireValidMinutes(targetMinutes, 'targetMinutes');
  requireValidMinutes(carriedElapsedMinutes, 'carriedElapsedMinutes');

  const sortedLevels = [...levels].sort((first, second) => first.percentOfTarget - second.percentOfTarget);
  return sortedLevels.map((level) => {
    const thresholdMinutes = (targetMinutes * level.percentOfTarget) / 100;
    const minutesAfterStart = thresholdMinutes - carriedElapsedMinutes;
    if (minutesAfterStart <= 0 && carriedElapsedMinutes > 0) {
      return { level, thresholdMinutes, dueAt: start.setZone(calendar.timeZone), reachedAtStart: true };
    }

    const dueAt = computeDueInstant(calendar, start, minutesAfterStart, options.pauses);
    return { level, thresholdMinutes, dueAt, reachedAtStart: false };
  });
}

/** Input of `dueInstantAfterPriorityChange`. */
export interface PriorityChangeInput {
  /** Calendar of the new priority's target; it may differ from the old one. */
  calendar: SlaCalendar;
  /** Instant of the priority change. */
  changedAt: DateTime;
  /** Business minutes the clock counted up to `changedAt`, on the old target's calendar. */
  elapsedBusinessMinutes: number;
  newTargetMinutes: number;
  /** Pauses after the change that are already known; usually none. */
  pauses?: readonly Interval[];
}

/** The clock after a priority change. */
export interface PriorityChangeResult {
  /** New due instant in the calendar's zone; `changedAt` when the new target is already used up. */
  dueAt: DateTime;
  /** New target minus the elapsed minutes; negative when the ticket is already overdue on the new target. */
  remainingMinutes: number;
}

/**
 * Recomputes a clock's due instant when the ticket's priority (and so its
 * target) changes mid-flight. The business minutes elapsed so far stay
 * counted. The rest of the new target runs on the new calendar from the
 * change. When the elapsed minutes already reach the new target, the clock is
 * due at the change itself, and a negative `remainingMinutes` gives the minutes over.
 *
 * @throws NoOpenTimeError and InvalidSlaArgumentError as `computeDueInstant` does.
 * @example
 *   // P3 -> P1 after 60 business minutes: 180 of P1's 240 minutes remain on 24x7.
 *   dueInstantAfterPriorityChange({ calendar: calendar24x7, changedAt, elapsedBusinessMinutes: 60, newTargetMinutes: 240 });
 */
export function dueInstantAfterPriorityChange(input: PriorityChangeInput): PriorityChangeResult {
  requireValidInstant(input.changedAt, 'changedAt');
  requireValidMinutes(input.elapsedBusinessMinutes, 'elapsedBusinessMinutes');
  requireValidMinutes(input.newTargetMinutes, 'newTargetMinutes');

  const remainingMinutes = input.newTargetMinutes - input.elapsedBusinessMinutes;
  if (remainingMinutes <= 0) {
    return { dueAt: input.changedAt.setZone(input.calendar.timeZone), remainingMinutes };
  }

  return { dueAt: computeDueInstant(input.calendar, input.changedAt, remainingMinutes, input.pauses), remainingMinutes };
}
