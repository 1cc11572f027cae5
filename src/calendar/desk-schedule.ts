/**
 * Desk shift arithmetic on real calendars: which desk is on duty at an instant,
 * when its shift ends, and who receives its tickets then. Runs in activities and
 * in the CLI, never in workflow code, because it depends on the time-zone database.
 */

import { DateTime, Interval } from 'luxon';

import type { DeskConfiguration, DeskDefinition, ShiftDefinition } from '../domain/desks';
import type { DeskOwnership } from '../domain/ticket';

/** How far ahead to look for a desk's next shift; covers long holiday closures. */
const searchHorizonDays = 60;

/** Thrown when no desk of the configuration has a shift within the search horizon. */
export class NoDeskCoverageError extends Error {
  override name = 'NoDeskCoverageError';
}

function parseLocalTime(text: string, deskId: string): { hour: number; minute: number } {
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  const hour = Number(match?.[1]);
  const minute = Number(match?.[2]);
  if (match === null || hour > 24 || minute > 59 || (hour === 24 && minute !== 0)) {
    throw new Error(`invalid shift time '${text}' for desk '${deskId}': use HH:mm between 00:00 and 24:00`);
  }

  return { hour, minute };
}

function shiftOnDate(desk: DeskDefinition, shift: ShiftDefinition, localDate: DateTime): Interval {
  const start = parseLocalTime(shift.start, desk.id);
  const end = parseLocalTime(shift.end, desk.id);

  const startsAt = localDate.set({ hour: start.hour, minute: start.minute, second: 0, millisecond: 0 });
  let endsAt = end.hour === 24 ? localDate.plus({ days: 1 }).startOf('day') : localDate.set({ hour: end.hour, minute: end.minute, second: 0, millisecond: 0 });
  if (endsAt <= startsAt) {
    endsAt = localDate.plus({ days: 1 }).set({ hour: end.hour % 24, minute: end.minute, second: 0, millisecond: 0 });
  }

  return Interval.fromDateTimes(startsAt.toUTC(), endsAt.toUTC());
}

/**
 * Lists a desk's shifts that overlap [from, until), merged where one shift ends
 * exactly when the next begins, in time order. A holiday closes every shift
 * that starts on that local date.
 *
 * @example
 *   deskShifts(emeaDesk, DateTime.fromISO('2026-12-07T00:00Z'), DateTime.fromISO('2026-12-08T00:00Z'));
 */
export function deskShifts(desk: DeskDefinition, from: DateTime, until: DateTime): Interval[] {
  const holidays = new Set(desk.holidays);
  const intervals: Interval[] = [];

  let localDate = from.setZone(desk.timeZone).startOf('day').minus({ days: 1 });
  const lastDate = until.setZone(desk.timeZone).startOf('day');
  while (localDate <= lastDate) {
    if (!holidays.has(localDate.toISODate() ?? '')) {
      for (const shift of desk.shifts) {
        if (shift.weekdays.includes(localDate.weekday as ShiftDefinition['weekdays'][number])) {
          intervals.push(shiftOnDate(desk, shift, localDate));
        }
      }
    }
    localDate = localDate.plus({ days: 1 }).startOf('day');
  }

  const merged = Interval.merge(intervals.filter((interval) => interval.isValid));
  return merged.filter((interval) => interval.end! > from && interval.start! < until);
}

/**
 * Finds the desk's shift that contains the instant, or undefined when the desk is off duty then.
 *
 * @example
 *   currentShift(emeaDesk, DateTime.utc()); // Interval, or undefined at night
 */
export function currentShift(desk: DeskDefinition, instant: DateTime): Interval | undefined {
  const shifts = deskShifts(desk, instant, instant.plus({ days: searchHorizonDays }));
  return shifts.find((shift) => shift.start! <= instant && instant < shift.end!);
}

/**
 * Finds the desk's first shift that starts after the instant, or undefined when
 * none starts within 60 days.
 *
 * @example
 *   nextShift(emeaDesk, DateTime.fromISO('2026-12-05T12:00Z')); // Monday's shift
 */
export function nextShift(desk: DeskDefinition, instant: DateTime): Interval | undefined {
  const shifts = deskShifts(desk, instant, instant.plus({ days: searchHorizonDays }));
  return shifts.find((shift) => shift.start! > instant);
}

function ownershipOf(desk: DeskDefinition, shift: Interval): DeskOwnership {
  return {
    deskId: desk.id,
    taskQueue: desk.taskQueue,
    onDutyFrom: shift.start!.toISO()!,
    shiftEndsAt: shift.end!.toISO()!,
  };
}

/** Desks in ring order starting with the desk after `deskId` (or the first desk). */
function ringAfter(configuration: DeskConfiguration, deskId: string | undefined): DeskDefinition[] {
  const index = configuration.desks.findIndex((desk) => desk.id === deskId);
  return [...configuration.desks.slice(index + 1), ...configuration.desks.slice(0, index + 1)];
}

/**
 * Chooses the desk that owns a ticket from the instant on. Among the desks on
 * duty it takes the next one in follow-the-sun order after `previousDeskId`
 * (or, for a new ticket, the one whose shift runs longest). When no desk is on
 * duty, the ticket goes to the desk whose next shift starts first.
 *
 * @throws NoDeskCoverageError when no desk has a shift in the next 60 days.
 * @example
 *   chooseOwningDesk(exampleDeskConfiguration, DateTime.fromISO('2026-12-07T09:00Z'));
 *   // { deskId: 'emea', shiftEndsAt: '2026-12-07T16:00:00.000Z', ... }
 */
export function chooseOwningDesk(configuration: DeskConfiguration, instant: DateTime, previousDeskId?: string): DeskOwnership {
  const candidates = ringAfter(configuration, previousDeskId).filter((desk) => desk.id !== previousDeskId || configuration.desks.length === 1);

  const onDuty = candidates
    .map((desk) => ({ desk, shift: currentShift(desk, instant) }))
    .filter((entry): entry is { desk: DeskDefinition; shift: Interval } => entry.shift !== undefined);
  if (onDuty.length > 0) {
    const chosen = previousDeskId === undefined ? onDuty.reduce((best, entry) => (entry.shift.end! > best.shift.end! ? entry : best)) : onDuty[0]!;
    return ownershipOf(chosen.desk, chosen.shift);
  }

  const upcoming = configuration.desks
    .map((desk) => ({ desk, shift: nextShift(desk, instant) }))
    .filter((entry): entry is { desk: DeskDefinition; shift: Interval } => entry.shift !== undefined);
  if (upcoming.length === 0) {
    throw new NoDeskCoverageError(`no desk has a shift in the ${searchHorizonDays} days after ${instant.toISO()}: add shifts to the desk configuration`);
  }

  const first = upcoming.reduce((best, entry) => (entry.shift.start! < best.shift.start! ? entry : best));
  return ownershipOf(first.desk, first.shift);
}
