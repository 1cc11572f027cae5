/**
 * Exact conversion of local wall-clock ranges ("Monday 09:00-17:00 in
 * Europe/Warsaw") to the real instants at which they occur, using the UTC
 * offsets of the time-zone database. A range that contains a spring-forward
 * gap is shorter than its wall-clock length. One that spans a fall-back overlap
 * covers the repeated local times twice, and `withoutRepeatedLocalTimes` then
 * removes their second occurrence, so that a calendar counts wall-clock time.
 * Runs in activities and the CLI, never in workflow code, because it reads the
 * time-zone database.
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

const millisecondsPerMinute = 60_000;

/**
 * UTC offsets lie between -12:00 and +14:00 in today's time-zone database. The
 * margin of a few hours also covers historical local mean time offsets.
 */
const widestOffsetMinutes = 18 * 60;

/**
 * How far back `repeatedLocalTimeIntervals` looks for the change that set a
 * clock back. A local time read more than 36 hours earlier is always behind
 * the present local time, because offsets differ by at most 2 × 18 hours.
 */
const repeatLookbackMilliseconds = 2 * widestOffsetMinutes * millisecondsPerMinute;

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
 * reads a time inside it. Calendars that count each local time once pass the
 * result through `withoutRepeatedLocalTimes`.
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
 * Lists the real time within [from, until) during which the wall clock in
 * `timeZone` shows a local time for the second time, as disjoint intervals in
 * time order. A change that sets the clock back by `d` ends summer time, or
 * moves a zone to a smaller UTC offset. The clock then repeats the last `d` of
 * local time, so the first `d` of real time after the change is listed. On 2026-10-25 Warsaw sets 03:00 CEST back to 02:00 CET at 01:00Z, so
 * [01:00Z, 02:00Z) is the second 02:00-03:00.
 *
 * An instant is listed when the local time that the clock shows then is
 * earlier than a local time that it showed before. Offsets lie within ±18
 * hours, so only the 36 hours before an instant can decide, and the search
 * starts that far before `from`.
 *
 * @throws RangeError when `timeZone` is not an IANA zone.
 * @example
 *   repeatedLocalTimeIntervals('Australia/Lord_Howe', DateTime.fromISO('2026-04-04T00:00Z'), DateTime.fromISO('2026-04-06T00:00Z'));
 *   // [2026-04-04T15:00Z, 2026-04-04T15:30Z): 01:30-02:00 a second time
 */
export function repeatedLocalTimeIntervals(timeZone: string, from: DateTime, until: DateTime): Interval[] {
  if (until <= from) {
    return [];
  }

  const searchStart = from.minus({ milliseconds: repeatLookbackMilliseconds });
  const segments = offsetSegments(timeZone, searchStart, until);
  const requested = Interval.fromDateTimes(from.toUTC(), until.toUTC());

  // Local time is shown as milliseconds since the epoch of a clock at UTC+0:
  // the instant plus the offset. `latestLocalTime` is the latest one shown so far.
  const repeated: Interval[] = [];
  let latestLocalTime = Number.NEGATIVE_INFINITY;
  for (const segment of segments) {
    const offsetMilliseconds = segment.offsetMinutes * millisecondsPerMinute;
    const segmentStart = segment.interval.start!.toMillis();
    const segmentEnd = segment.interval.end!.toMillis();

    // Within the segment the local time grows with real time, so the repeated
    // part is its beginning, up to the instant at which it passes `latestLocalTime`.
    const repeatEnd = Math.min(segmentEnd, latestLocalTime - offsetMilliseconds);
    if (repeatEnd > segmentStart) {
      const overlap = segmentOf(segmentStart, repeatEnd, segment.offsetMinutes).interval.intersection(requested);
      if (overlap !== null && overlap.isValid && !overlap.isEmpty()) {
        repeated.push(overlap);
      }
    }

    latestLocalTime = Math.max(latestLocalTime, segmentEnd + offsetMilliseconds);
  }

  return Interval.merge(repeated);
}

/**
 * Removes from `intervals` the real time during which the wall clock in
 * `timeZone` repeats local times after it was set back, so that each local
 * time counts once, at its first occurrence. Calendars defined by local hours
 * count business hours as the clock on the wall shows them: the night of
 * 2026-10-25 in Warsaw, 00:00-06:00, counts 6 hours, not the 7 real hours
 * that pass. The intervals must be disjoint and in time order, and so is the result.
 *
 * @throws RangeError when `timeZone` is not an IANA zone.
 * @example
 *   withoutRepeatedLocalTimes([Interval.fromISO('2026-10-24T22:00Z/2026-10-25T05:00Z')], 'Europe/Warsaw');
 *   // [22:00Z, 01:00Z) and [02:00Z, 05:00Z)
 */
export function withoutRepeatedLocalTimes(intervals: readonly Interval[], timeZone: string): Interval[] {
  const first = intervals[0];
  const last = intervals.at(-1);
  if (first === undefined || last === undefined) {
    return [];
  }

  const repeated = repeatedLocalTimeIntervals(timeZone, first.start!, last.end!);
  if (repeated.length === 0) {
    return [...intervals];
  }

  return intervals.flatMap((interval) => interval.difference(...repeated)).filter((interval) => interval.isValid && !interval.isEmpty());
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
