import { DateTime } from 'luxon';

import type { DeskDefinition } from '../domain/desks';

/**
 * Adds business days of a desk to an instant: the result is the same local time
 * of day on the `days`-th following local date on which the desk works (has a
 * shift and no holiday). Without a desk, every day counts.
 *
 * @example
 *   addBusinessDays(emeaDesk, DateTime.fromISO('2026-12-04T10:00:00Z'), 2); // Tuesday 2026-12-08 11:00 Warsaw
 */
export function addBusinessDays(desk: DeskDefinition | undefined, from: DateTime, days: number): DateTime {
  if (desk === undefined) {
    return from.plus({ days });
  }

  const holidays = new Set(desk.holidays);
  const workdays = new Set(desk.shifts.flatMap((shift) => shift.weekdays));
  if (workdays.size === 0) {
    return from.plus({ days });
  }

  let local = from.setZone(desk.timeZone);
  let counted = 0;
  while (counted < days) {
    local = local.plus({ days: 1 });
    if (workdays.has(local.weekday as never) && !holidays.has(local.toISODate() ?? '')) {
      counted += 1;
    }
  }

  return local.toUTC();
}
