/**
 * The desk configuration of a benchmark run: two follow-the-sun desks in UTC
 * whose shifts meet at a chosen instant, so every ticket opened before that
 * instant is handed off once, at that instant, while the benchmark waits.
 */

import type { DeskConfiguration, DeskDefinition, IsoWeekday } from '../src/domain/desks';

/** Ids of the two benchmark desks, in ring order. */
export const benchDeskIds = { first: 'bench-first', second: 'bench-second' } as const;

const everyWeekday: IsoWeekday[] = [1, 2, 3, 4, 5, 6, 7];
const hourMilliseconds = 60 * 60 * 1000;
const minuteMilliseconds = 60 * 1000;

/** How long the first desk has been on duty at the hand-off, and how long the second stays on duty after it. */
const firstShiftHours = 2;
const secondShiftHours = 6;

/**
 * Returns the first whole UTC minute at or after `instant`, because shifts
 * start and end on whole minutes (`HH:mm`).
 *
 * @example
 *   nextWholeMinute(new Date('2026-03-02T10:15:20Z')); // 2026-03-02T10:16:00.000Z
 */
export function nextWholeMinute(instant: Date): Date {
  return new Date(Math.ceil(instant.getTime() / minuteMilliseconds) * minuteMilliseconds);
}

/**
 * Builds the benchmark's desks: the first desk's shift ends at `handOffAt`
 * and the second desk's shift starts then and lasts six hours. P1 and P2
 * tickets follow the sun, so each one the first desk owns passes to the
 * second desk at `handOffAt`. Tickets opened after it go straight to the
 * second desk.
 *
 * @throws RangeError when `handOffAt` is not on a whole UTC minute.
 * @example
 *   const configuration = createBenchDeskConfiguration(nextWholeMinute(new Date(Date.now() + 30_000)));
 */
export function createBenchDeskConfiguration(handOffAt: Date): DeskConfiguration {
  if (handOffAt.getTime() % minuteMilliseconds !== 0) {
    throw new RangeError(`invalid hand-off instant ${handOffAt.toISOString()}: shifts end on whole minutes, use nextWholeMinute()`);
  }

  const firstShiftStart = new Date(handOffAt.getTime() - firstShiftHours * hourMilliseconds);
  const secondShiftEnd = new Date(handOffAt.getTime() + secondShiftHours * hourMilliseconds);
  const desks: DeskDefinition[] = [
    benchDesk(benchDeskIds.first, 'Benchmark desk, first shift', firstShiftStart, handOffAt),
    benchDesk(benchDeskIds.second, 'Benchmark desk, second shift', handOffAt, secondShiftEnd),
  ];

  return {
    desks,
    followTheSunPriorities: [1, 2],
    structure: { type: 'follow-the-sun', ring: [benchDeskIds.first, benchDeskIds.second] },
    specialistGroups: [],
  };
}

function benchDesk(id: string, name: string, start: Date, end: Date): DeskDefinition {
  return {
    id,
    name,
    timeZone: 'UTC',
    taskQueue: `${id}-desk`,
    shifts: [{ weekdays: everyWeekday, start: utcTimeOfDay(start), end: utcTimeOfDay(end) }],
    holidays: [],
  };
}

/** `HH:mm` of the instant in UTC. */
function utcTimeOfDay(instant: Date): string {
  return instant.toISOString().slice(11, 16);
}
