/**
 * Renders a week of desk coverage as a terminal chart. Each UTC day is a
 * block with one row per desk and specialist group, one column per 30
 * minutes, and a row that marks gaps and overlaps. A legend and the gaps and
 * overlaps as exact UTC times follow.
 */

import type { DateTime, Interval } from 'luxon';

import type { ScheduleWeek, WeekCoverage } from './desk-coverage';

/** Minutes per chart column. */
const columnMinutes = 30;
const columnsPerDay = (24 * 60) / columnMinutes;

/** Characters of one chart style. */
interface ChartSymbols {
  onDuty: string;
  partlyOnDuty: string;
  offDuty: string;
  holiday: string;
  oneDesk: string;
  gap: string;
}

const unicodeSymbols: ChartSymbols = { onDuty: '█', partlyOnDuty: '▌', offDuty: '·', holiday: 'h', oneDesk: '─', gap: '!' };
const asciiSymbols: ChartSymbols = { onDuty: '#', partlyOnDuty: '+', offDuty: '.', holiday: 'h', oneDesk: '-', gap: '!' };

/** Milliseconds of the column [start, end) that the intervals cover. */
function coveredMilliseconds(intervals: Interval<true>[], start: DateTime, end: DateTime): number {
  let covered = 0;
  for (const interval of intervals) {
    const from = Math.max(interval.start.toMillis(), start.toMillis());
    const until = Math.min(interval.end.toMillis(), end.toMillis());
    if (until > from) {
      covered += until - from;
    }
  }

  return covered;
}

function scheduleRow(schedule: ScheduleWeek, dayStart: DateTime, symbols: ChartSymbols): string {
  let row = '';
  for (let column = 0; column < columnsPerDay; column += 1) {
    const start = dayStart.plus({ minutes: column * columnMinutes });
    const end = start.plus({ minutes: columnMinutes });
    const length = end.toMillis() - start.toMillis();

    const onDuty = coveredMilliseconds(schedule.shifts, start, end);
    if (onDuty === length) {
      row += symbols.onDuty;
    } else if (onDuty > 0) {
      row += symbols.partlyOnDuty;
    } else if (coveredMilliseconds(schedule.holidayClosures, start, end) > 0) {
      row += symbols.holiday;
    } else {
      row += symbols.offDuty;
    }
  }

  return row;
}

/** Builds the coverage row: a gap mark where no desk is on duty for part of a column, else the maximum number of desks on duty in it. */
function coverageRow(desks: ScheduleWeek[], dayStart: DateTime, symbols: ChartSymbols): string {
  let row = '';
  for (let column = 0; column < columnsPerDay; column += 1) {
    const start = dayStart.plus({ minutes: column * columnMinutes });
    const end = start.plus({ minutes: columnMinutes });

    // Desk counts change only at shift boundaries, so checking the column's
    // start and every boundary inside it finds every count in the column.
    const probes = [start.toMillis()];
    for (const desk of desks) {
      for (const shift of desk.shifts) {
        for (const boundary of [shift.start.toMillis(), shift.end.toMillis()]) {
          if (boundary > start.toMillis() && boundary < end.toMillis()) {
            probes.push(boundary);
          }
        }
      }
    }

    const counts = probes.map((probe) => desks.filter((desk) => desk.shifts.some((shift) => shift.start.toMillis() <= probe && probe < shift.end.toMillis())).length);
    const most = Math.max(...counts);
    if (Math.min(...counts) === 0) {
      row += symbols.gap;
    } else if (most === 1) {
      row += symbols.oneDesk;
    } else {
      row += most > 9 ? '+' : String(most);
    }
  }

  return row;
}

function ruler(): string {
  let text = '';
  for (let hour = 0; hour < 24; hour += 3) {
    text += String(hour).padStart(2, '0').padEnd((3 * 60) / columnMinutes);
  }

  return text.trimEnd();
}

function formatSpan(interval: Interval<true>): string {
  const sameDay = interval.start.hasSame(interval.end, 'day') || interval.end.equals(interval.start.plus({ days: 1 }).startOf('day'));
  const end = sameDay ? interval.end.toFormat('HH:mm').replace(/^00:00$/, '24:00') : interval.end.toFormat('ccc yyyy-MM-dd HH:mm');
  const minutes = Math.round(interval.length('minutes'));
  const hourPart = Math.floor(minutes / 60) === 0 ? '' : `${Math.floor(minutes / 60)} h`;
  const minutePart = minutes % 60 === 0 ? '' : `${minutes % 60} min`;
  const duration = [hourPart, minutePart].filter((part) => part !== '').join(' ') || '0 min';
  return `${interval.start.toFormat('ccc yyyy-MM-dd HH:mm')} - ${end}  (${duration})`;
}

function rowLabel(schedule: ScheduleWeek): string {
  if (schedule.kind === 'desk') {
    return schedule.id;
  }

  return `${schedule.id} (group)`;
}

/**
 * Renders the week as text lines for a terminal of at least 80 columns
 * (wider when ids are long). `ascii` replaces the block characters with
 * `#`, `+`, `.` and `-`.
 *
 * @example
 *   process.stdout.write(renderCoverageChart(computeWeekCoverage(configuration, DateTime.utc())));
 */
export function renderCoverageChart(coverage: WeekCoverage, options: { ascii?: boolean } = {}): string {
  const symbols = options.ascii === true ? asciiSymbols : unicodeSymbols;
  const schedules = [...coverage.desks, ...coverage.specialistGroups];
  const labelWidth = Math.max(12, ...schedules.map((schedule) => rowLabel(schedule).length)) + 4;
  const lines: string[] = [];

  const lastDay = coverage.weekEnd.minus({ days: 1 });
  lines.push(`Desk coverage in UTC, ${coverage.weekStart.toFormat('ccc yyyy-MM-dd')} to ${lastDay.toFormat('ccc yyyy-MM-dd')}; one column is ${columnMinutes} minutes.`);
  lines.push('');
  lines.push(`${''.padEnd(labelWidth)}${ruler()}`);

  for (let day = coverage.weekStart; day < coverage.weekEnd; day = day.plus({ days: 1 })) {
    lines.push(day.toFormat('ccc yyyy-MM-dd'));
    for (const desk of coverage.desks) {
      lines.push(`  ${rowLabel(desk).padEnd(labelWidth - 2)}${scheduleRow(desk, day, symbols)}`);
    }
    lines.push(`  ${'all desks'.padEnd(labelWidth - 2)}${coverageRow(coverage.desks, day, symbols)}`);
    for (const group of coverage.specialistGroups) {
      lines.push(`  ${rowLabel(group).padEnd(labelWidth - 2)}${scheduleRow(group, day, symbols)}`);
    }
  }

  lines.push('');
  lines.push(`Legend: ${symbols.onDuty} on duty   ${symbols.partlyOnDuty} on duty for part of the column   ${symbols.holiday} closed for a holiday   ${symbols.offDuty} off duty`);
  lines.push(`        all desks: ${symbols.oneDesk} one desk on duty   2-9 overlap, that many desks on duty   ${symbols.gap} gap, no desk on duty`);
  if (coverage.specialistGroups.length > 0) {
    lines.push('        (group) rows are specialist groups; they do not count as desk coverage');
  }

  lines.push('');
  if (coverage.gaps.length === 0) {
    lines.push('Gaps: none, a desk is on duty at every moment of the week.');
  } else {
    lines.push('Gaps (no desk on duty):');
    for (const gap of coverage.gaps) {
      lines.push(`  ${formatSpan(gap)}`);
    }
  }

  if (coverage.overlaps.length === 0) {
    lines.push('Overlaps: none.');
  } else {
    lines.push('Overlaps (two or more desks on duty):');
    for (const overlap of coverage.overlaps) {
      lines.push(`  ${formatSpan(overlap.interval)}  ${overlap.deskIds.join(', ')}; at most ${overlap.maximumDesksOnDuty} at once`);
    }
  }

  const holidays = schedules.flatMap((schedule) => schedule.holidays.map((holiday) => `  ${holiday.date}  ${schedule.id}: ${holiday.name}`));
  if (holidays.length > 0) {
    lines.push('Holidays (local dates):');
    lines.push(...holidays.sort());
  }

  return `${lines.join('\n')}\n`;
}
