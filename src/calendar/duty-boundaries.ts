/**
 * Duty boundaries: the instants at which any desk of a configuration comes on
 * or goes off duty. Between two neighbouring boundaries the set of desks on
 * duty stays the same, so routing and hand-off decisions stay the same too.
 * The replay driver cuts its clock steps at these instants.
 */

import type { DateTime } from 'luxon';

import type { DeskConfiguration } from '../domain/desks';
import { scheduleShifts } from './weekly-schedule';

/**
 * Lists, in time order and without repeats, the epoch milliseconds within
 * [from, until] at which a shift of any desk starts or ends. Holidays count:
 * a shift on a holiday is left out, and a shift that runs into one ends at
 * the local midnight that starts it. Shifts that meet or overlap within one desk are merged first, so the
 * instant where one shift hands over to the next of the same desk is not a
 * boundary.
 *
 * @example
 *   dutyBoundaries(exampleDeskConfiguration, DateTime.fromISO('2026-12-07T00:00Z'), DateTime.fromISO('2026-12-08T00:00Z'));
 *   // [2026-12-07T07:00Z, 2026-12-07T08:00Z, 2026-12-07T15:00Z, 2026-12-07T16:00Z, 2026-12-07T23:00Z, 2026-12-08T00:00Z] as epoch milliseconds
 */
export function dutyBoundaries(configuration: DeskConfiguration, from: DateTime, until: DateTime): number[] {
  const fromMilliseconds = from.toMillis();
  const untilMilliseconds = until.toMillis();
  const boundaries = new Set<number>();

  for (const desk of configuration.desks) {
    for (const shift of scheduleShifts(desk, from, until)) {
      for (const instant of [shift.start.toMillis(), shift.end.toMillis()]) {
        if (instant >= fromMilliseconds && instant <= untilMilliseconds) {
          boundaries.add(instant);
        }
      }
    }
  }

  return [...boundaries].sort((left, right) => left - right);
}
