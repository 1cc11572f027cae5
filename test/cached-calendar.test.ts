/**
 * The calendar memo must return the same open intervals as the calendar it
 * wraps for any range, so due instants do not depend on whether a worker
 * computed a day before.
 */

import { DateTime } from 'luxon';

import { buildSlaCalendarRegistry } from '../src/calendar/business-calendars';
import { cachedCalendar } from '../src/calendar/cached-calendar';
import { computeDueInstant, elapsedBusinessMinutes, type SlaCalendar } from '../src/calendar/sla-calendar';
import { exampleDeskConfiguration } from '../src/domain/desks';

const registry = buildSlaCalendarRegistry({
  desks: [
    ...exampleDeskConfiguration.desks,
    { id: 'sydney', name: 'Sydney desk', timeZone: 'Australia/Sydney', taskQueue: 'desk-sydney', shifts: [{ weekdays: [1, 2, 3, 4, 5], start: '01:30', end: '03:30' }, { weekdays: [7], start: '22:00', end: '06:00' }], holidays: ['2026-12-25', '2026-12-28'] },
  ],
  specialistGroups: [{ id: 'network-l2', name: 'Network L2', supportLevel: 'L2', timeZone: 'Europe/Warsaw', shifts: [{ weekdays: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' }], holidays: ['2026-11-11'] }],
});

function asMilliseconds(calendar: SlaCalendar, from: DateTime, until: DateTime): Array<[number, number]> {
  return calendar.openIntervals(from, until).map((interval) => [interval.start!.toMillis(), interval.end!.toMillis()]);
}

/** A small deterministic generator, so a failure names a range that can be run again. */
function* ranges(count: number): Generator<[DateTime, DateTime]> {
  let seed = 20261204;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const yearStart = DateTime.fromISO('2026-01-01T00:00:00Z', { zone: 'utc' }).toMillis();
  for (let index = 0; index < count; index++) {
    const from = yearStart + Math.floor(next() * 365 * 24 * 60) * 60_000 + Math.floor(next() * 60_000);
    const until = from + Math.floor(next() * 20 * 24 * 60) * 60_000;
    yield [DateTime.fromMillis(from, { zone: 'utc' }), DateTime.fromMillis(until, { zone: 'utc' })];
  }
}

describe('cached calendars', () => {
  for (const [name, calendar] of registry) {
    test(`${name} matches the wrapped calendar`, () => {
      const cached = cachedCalendar(calendar);
      for (const [from, until] of ranges(150)) {
        expect({ from: from.toISO(), intervals: asMilliseconds(cached, from, until) }).toEqual({ from: from.toISO(), intervals: asMilliseconds(calendar, from, until) });
      }

      for (const [from] of ranges(40)) {
        for (const targetMinutes of [11.25, 240, 2400]) {
          const due = computeDueInstant(cached, from, targetMinutes);
          expect(due.toMillis()).toBe(computeDueInstant(calendar, from, targetMinutes).toMillis());
          expect(elapsedBusinessMinutes(cached, from, due)).toBeCloseTo(targetMinutes, 6);
        }
      }
    });
  }
});
