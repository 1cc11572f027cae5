/**
 * A memo in front of a business calendar. Desk, group and follow-the-sun
 * calendars rebuild their open intervals from shifts and holidays on every
 * call, and the SLA arithmetic requests the same days many times, because
 * every clock of every ticket reads the next two weeks. The memo keeps each
 * UTC day's open intervals, so a day is built once per configuration.
 */

import { DateTime, Interval } from 'luxon';

import type { SlaCalendar } from './sla-calendar';

const dayMilliseconds = 24 * 60 * 60 * 1000;

/** Days kept per calendar before the memo is cleared: about five years of days, a few megabytes (an estimate). */
const maximumCachedDays = 2000;

/**
 * Wraps a calendar so that each UTC day's open intervals are computed once.
 * The wrapped calendar returns the same intervals as the original: clipped to
 * the requested range, in time order, with abutting intervals merged, also
 * across midnight UTC where the per-day pieces meet.
 *
 * @example
 *   const emea = cachedCalendar(deskCalendar(emeaDesk));
 *   emea.openIntervals(DateTime.fromISO('2026-12-07T00:00Z'), DateTime.fromISO('2026-12-21T00:00Z'));
 */
export function cachedCalendar(calendar: SlaCalendar): SlaCalendar {
  const days = new Map<number, ReadonlyArray<readonly [number, number]>>();

  const dayIntervals = (dayStartMilliseconds: number): ReadonlyArray<readonly [number, number]> => {
    let intervals = days.get(dayStartMilliseconds);
    if (intervals === undefined) {
      if (days.size >= maximumCachedDays) {
        days.clear();
      }
      const dayStart = DateTime.fromMillis(dayStartMilliseconds, { zone: 'utc' });
      intervals = calendar.openIntervals(dayStart, dayStart.plus({ days: 1 })).map((interval) => [interval.start!.toMillis(), interval.end!.toMillis()] as const);
      days.set(dayStartMilliseconds, intervals);
    }
    return intervals;
  };

  return {
    name: calendar.name,
    timeZone: calendar.timeZone,
    description: calendar.description,
    openIntervals(from: DateTime, until: DateTime): Interval[] {
      const fromMilliseconds = from.toMillis();
      const untilMilliseconds = until.toMillis();
      const merged: Array<[number, number]> = [];

      for (let day = Math.floor(fromMilliseconds / dayMilliseconds) * dayMilliseconds; day < untilMilliseconds; day += dayMilliseconds) {
        for (const [start, end] of dayIntervals(day)) {
          const clippedStart = Math.max(start, fromMilliseconds);
          const clippedEnd = Math.min(end, untilMilliseconds);
          if (clippedStart >= clippedEnd) {
            continue;
          }

          const last = merged.at(-1);
          if (last !== undefined && last[1] === clippedStart) {
            last[1] = clippedEnd;
          } else {
            merged.push([clippedStart, clippedEnd]);
          }
        }
      }

      return merged.map(([start, end]) => Interval.fromDateTimes(DateTime.fromMillis(start, { zone: 'utc' }), DateTime.fromMillis(end, { zone: 'utc' })));
    },
  };
}
