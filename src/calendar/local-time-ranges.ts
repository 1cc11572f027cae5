/**
 * Exact conversion of local wall-clock ranges ("Monday 09:00-17:00 in
 * Europe/Warsaw") to the real instants at which they occur, using the UTC
 * offsets of the time-zone database. A range that contains a spring-forward
 * gap is shorter than its wall-clock length. One that spans a fall-back overlap
 * is longer, by exactly the shift (60 minutes in most zones, 30 on Lord Howe
 * Island). Runs in activities and the CLI, never in workflow code, because it
 * reads the time-zone database.
 */

import { DateTime, FixedOffsetZone, IANAZone, Interval } from 'luxon';

/** A calendar date without a time of day, as configurations write it (`2026-03-29`). */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** A stretch of real time during which a zone's UTC offset does not change. */
export interface OffsetSegment {
  interval: Interval;
  /** UTC offset in minutes during the segment, for example 120 for CEST. */
  offsetMinutes: number;
}

const millisecondsPerHour = 3_600_000;

/**
 * UTC offsets lie between -12:00 and +14:00 in today's time-zone database. The
 * margin of a few hours also covers historical local mean time offsets.
 */
const widestOffsetMinutes = 18 * 60;

/**
 * Splits [from, until) into stretches of constant UTC offset in `timeZone`,
 * in time order. The offset is probed every hour and each change is located to
 * the millisecond by bisection, so two offset changes less than an hour apart
 * would be missed (no zone has them).
 *
 * @throws RangeError when `timeZone` is not an IANA zone.
 * @example
 *   offsetSegments('Europe/Warsaw', DateTime.fromISO('2026-03-28T00:00Z'), DateTime.fromISO('2026-03-30T00:00Z'));
 *   // two segments: +60 until 2026-03-29T01:00Z, then +120
 */
export function offsetSegments(timeZone: string, from: DateTime, until: DateTime): OffsetSegment[] {
  const zone = IANAZone.create(timeZone);
  if (!zone.isValid) {
    throw new RangeError(`invalid time zone '${timeZone}': use an IANA zone name such as Europe/Warsaw`);
  }

  const untilMilliseconds = until.toMillis();
  const segments: OffsetSegment[] = [];
  let segmentStart = from.toMillis();
  let segmentOffset = zone.offset(segmentStart);

  let probe = segmentStart;
  while (probe < untilMilliseconds) {
    const nextProbe = Math.min(probe + millisecondsPerHour, untilMilliseconds);
    if (zone.offset(nextProbe) !== segmentOffset) {
      // Bisect: `low` still has the segment's offset, `high` no longer has it.
      let low = probe;
      let high = nextProbe;
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if (zone.offset(middle) === segmentOffset) {
          low = middle;
        } else {
          high = middle;
        }
      }

      segments.push(segmentOf(segmentStart, high, segmentOffset));
      segmentStart = high;
      segmentOffset = zone.offset(high);
    }
    probe = nextProbe;
  }

  if (segmentStart < untilMilliseconds) {
    segments.push(segmentOf(segmentStart, untilMilliseconds, segmentOffset));
  }
  return segments;
}

function segmentOf(startMilliseconds: number, endMilliseconds: number, offsetMinutes: number): OffsetSegment {
  const interval = Interval.fromDateTimes(DateTime.fromMillis(startMilliseconds, { zone: 'utc' }), DateTime.fromMillis(endMilliseconds, { zone: 'utc' }));
  return { interval, offsetMinutes };
}

/**
 * Returns the instant at which a clock running at a fixed UTC offset shows
 * `minuteOfDay` minutes after midnight of `date`. Minutes beyond 1440 fall on
 * the following days.
 */
function instantAtFixedOffset(date: LocalDate, minuteOfDay: number, offsetMinutes: number): DateTime {
  const midnight = DateTime.fromObject(date, { zone: FixedOffsetZone.instance(offsetMinutes) });
  return midnight.plus({ minutes: minuteOfDay });
}

/**
 * Returns the range of real instants that covers every instant at which the
 * clock in a zone can show [startMinute, endMinute) of `date`, whatever the
 * zone's offset. Callers pass it to `offsetSegments`.
 *
 * @example
 *   const window = searchWindowForLocalDates({ year: 2026, month: 3, day: 29 }, { year: 2026, month: 3, day: 30 });
 */
export function searchWindowForLocalDates(firstDate: LocalDate, lastDate: LocalDate): Interval {
  const earliest = instantAtFixedOffset(firstDate, 0, widestOffsetMinutes);
  const latest = instantAtFixedOffset(lastDate, 2 * 1440, -widestOffsetMinutes);
  return Interval.fromDateTimes(earliest.toUTC(), latest.toUTC());
}

/**
 * Returns the real instants at which the local clock shows a time in
 * [startMinute, endMinute) of `date`, as disjoint intervals in time order.
 * Minutes count from the midnight that begins `date`, and `endMinute` may
 * exceed 1440 for a range that continues into the next day. `segments` are the
 * zone's offset segments (from `offsetSegments`) over a window that contains
 * the range, for example `searchWindowForLocalDates(date, date)`.
 *
 * Local times that the zone skips have no instant, so they add nothing. Local
 * times that occur twice have two instants, and both belong to the range. So a
 * range covers exactly the real time during which a wall clock in the zone
 * reads a time inside it.
 *
 * @example
 *   // 00:00-06:00 on the night Warsaw springs forward lasts 5 real hours:
 *   localRangeIntervals(segments, { year: 2026, month: 3, day: 29 }, 0, 360);
 *   // [2026-03-28T23:00Z, 2026-03-29T04:00Z)
 */
export function localRangeIntervals(segments: readonly OffsetSegment[], date: LocalDate, startMinute: number, endMinute: number): Interval[] {
  const pieces: Interval[] = [];
  for (const segment of segments) {
    const rangeStart = instantAtFixedOffset(date, startMinute, segment.offsetMinutes);
    const rangeEnd = instantAtFixedOffset(date, endMinute, segment.offsetMinutes);
    const overlap = Interval.fromDateTimes(rangeStart.toUTC(), rangeEnd.toUTC()).intersection(segment.interval);
    if (overlap !== null && overlap.isValid && !overlap.isEmpty()) {
      pieces.push(overlap);
    }
  }

  return Interval.merge(pieces);
}

/**
 * Lists the local dates from `first` to `last`, both included.
 *
 * @example
 *   localDatesBetween({ year: 2026, month: 3, day: 31 }, { year: 2026, month: 4, day: 1 }); // two dates
 */
export function localDatesBetween(first: LocalDate, last: LocalDate): LocalDate[] {
  const dates: LocalDate[] = [];
  let cursor = DateTime.fromObject(first, { zone: 'utc' });
  const end = DateTime.fromObject(last, { zone: 'utc' });
  while (cursor <= end) {
    dates.push({ year: cursor.year, month: cursor.month, day: cursor.day });
    cursor = cursor.plus({ days: 1 });
  }
  return dates;
}

/**
 * Returns the local date on which `instant` falls in `timeZone`.
 *
 * @example
 *   localDateAt(DateTime.fromISO('2026-03-28T23:30Z'), 'Europe/Warsaw'); // { year: 2026, month: 3, day: 29 }
 */
export function localDateAt(instant: DateTime, timeZone: string): LocalDate {
  const local = instant.setZone(timeZone);
  return { year: local.year, month: local.month, day: local.day };
}

/**
 * Returns the ISO weekday (1 is Monday, 7 is Sunday) of a local date.
 *
 * @example
 *   isoWeekdayOf({ year: 2026, month: 3, day: 29 }); // 7
 */
export function isoWeekdayOf(date: LocalDate): number {
  return DateTime.fromObject(date, { zone: 'utc' }).weekday;
}

/**
 * Formats a local date as `yyyy-MM-dd`.
 *
 * @example
 *   formatLocalDate({ year: 2026, month: 4, day: 6 }); // '2026-04-06'
 */
export function formatLocalDate(date: LocalDate): string {
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}
