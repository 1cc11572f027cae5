/** `sundesk sla …`: check SLA due instants on the calendars that the desk uses. */

import { Command } from 'commander';
import { DateTime, Interval } from 'luxon';

import { buildSlaCalendarRegistry, findSlaCalendar, InvalidSlaCalendarError, UnknownSlaCalendarError, type SlaCalendarRegistry } from '../../calendar/business-calendars';
import { readWeeklyCalendarFile } from '../../calendar/calendar-file';
import { computeDueInstant, NoOpenTimeError } from '../../calendar/sla-calendar';
import { DeskConfigurationError, loadDeskConfiguration } from '../../config/desk-configuration';
import { exampleDeskConfiguration, type DeskConfiguration } from '../../domain/desks';
import { formatTargetDuration, InvalidSlaPolicyError, parseTargetDuration } from '../../domain/sla';
import { CommandError } from '../connections';
import { printFields, printJson } from '../print';

/** Exit status for bad input; CommandError reserves 2 for usage errors. */
const usageErrorExitCode = 2;

/** UTC offset at the end of the time of day: `Z`, `+02`, `+0200` or `+02:00`. */
const offsetPattern = /(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/;

/** ISO 8601 dates without a time of day: calendar (`2026-03-27`, `20260327`, `2026-03`, `2026`), week (`2026-W13-5`) and ordinal (`2026-086`). */
const dateOnlyPattern = /^\d{4}(?:-?\d{2}(?:-?\d{2})?|-?W\d{2}(?:-?\d)?|-?\d{3})?$/;

const instantExample = 'for example 2026-03-27T16:00:00Z';

/**
 * Parses an ISO 8601 instant: a date, a time of day and a UTC offset (`Z` or
 * `+02:00`). A date alone or a local time without offset names no instant,
 * so both are rejected.
 *
 * @throws CommandError with exit status 2 naming the option, the value and the fix.
 * @example
 *   parseInstantOption('2026-03-27T16:00:00Z', '--start');
 */
export function parseInstantOption(text: string, option: string): DateTime {
  const trimmed = text.trim();
  const instant = DateTime.fromISO(trimmed, { setZone: true });
  if (!instant.isValid) {
    throw new CommandError(`invalid ${option} '${text}': ${instant.invalidExplanation ?? 'not an ISO 8601 instant'}; use an ISO 8601 instant with offset, ${instantExample}`, usageErrorExitCode);
  }

  // luxon reads a date alone as midnight and a time alone as today, so the T
  // between date and time is required. The offset belongs to the time of day,
  // after the T, because a date's own dashes look like one: 2026-03-27 ends in "-27".
  const timeSeparator = trimmed.search(/[tT]/);
  if (timeSeparator < 0 && dateOnlyPattern.test(trimmed)) {
    const example = /^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? `${trimmed}T00:00:00Z for midnight UTC` : '2026-03-27T00:00:00Z';
    throw new CommandError(`invalid ${option} '${text}': a date alone names no instant; add a time of day and a UTC offset, for example ${example}`, usageErrorExitCode);
  }
  if (timeSeparator < 0) {
    throw new CommandError(`invalid ${option} '${text}': a time of day without a date names no instant; write the date, T and the time with offset, ${instantExample}`, usageErrorExitCode);
  }
  if (!offsetPattern.test(trimmed.slice(timeSeparator + 1))) {
    throw new CommandError(`invalid ${option} '${text}': the instant has no UTC offset; add Z or an offset such as +01:00, ${instantExample}`, usageErrorExitCode);
  }
  return instant;
}

/** A duration of zero in the form of `parseTargetDuration`, such as `0m` or `0d0h`. */
const zeroDurationPattern = /^(?:0+d)?(?:0+h)?(?:0+m)?$/;

/**
 * Parses `--target` like `parseTargetDuration`, but also accepts a zero
 * duration such as `0m`: a target of zero is due at the start instant. SLA
 * policies keep rejecting zero targets.
 *
 * @throws InvalidSlaPolicyError naming the value when it is not days, hours and minutes.
 * @example
 *   parseTargetOption('1h30m'); // 90
 *   parseTargetOption('0m'); // 0
 */
export function parseTargetOption(text: string): number {
  const trimmed = text.trim();
  if (trimmed !== '' && zeroDurationPattern.test(trimmed)) {
    return 0;
  }
  return parseTargetDuration(text, '--target');
}

/**
 * Parses a comma-separated list of ISO 8601 intervals written `start/end`,
 * both instants with offset, each ending after it starts.
 *
 * @throws CommandError with exit status 2 naming the bad interval.
 * @example
 *   parsePauseList('2026-03-27T17:00:00Z/2026-03-30T07:00:00Z');
 */
export function parsePauseList(text: string): Interval[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part, index) => {
      const bounds = part.split('/');
      if (bounds.length !== 2) {
        throw new CommandError(`invalid pause '${part}' in --pauses: write each pause as start/end, two ISO 8601 instants with offset, for example 2026-03-27T17:00:00Z/2026-03-30T07:00:00Z`, usageErrorExitCode);
      }

      const start = parseInstantOption(bounds[0]!, `start of pause ${index + 1} in --pauses`);
      const end = parseInstantOption(bounds[1]!, `end of pause ${index + 1} in --pauses`);
      if (end <= start) {
        throw new CommandError(`invalid pause '${part}' in --pauses: it ends before or when it starts; put the earlier instant first`, usageErrorExitCode);
      }
      return Interval.fromDateTimes(start, end);
    });
}

/**
 * Builds the calendars of a desk configuration (the built-in example desks
 * without `--config`) and of the weekly calendar file, when one is given.
 */
function loadCalendars(configurationFile: string | undefined, calendarFile: string | undefined): SlaCalendarRegistry {
  const configuration: DeskConfiguration = configurationFile === undefined ? exampleDeskConfiguration : loadDeskConfiguration(configurationFile);
  const weeklyCalendars = calendarFile === undefined ? [] : readWeeklyCalendarFile(calendarFile);
  return buildSlaCalendarRegistry({ desks: configuration.desks, specialistGroups: configuration.specialistGroups ?? [], weeklyCalendars });
}

function builtInCalendarHelp(): string {
  const lines = [...loadCalendars(undefined, undefined).values()].map((calendar) => `  ${calendar.name.padEnd(16)} ${calendar.description}`);
  return [
    '',
    'Calendars without --config:',
    ...lines,
    '',
    'With --config <file>, the desks and specialist groups of that desk configuration',
    'give desk:<id> and group:<id> instead. --calendars <file> adds weekly calendars',
    'by name (see docs/sla.md).',
    '',
    'Example:',
    '  sundesk sla due --calendar desk:emea --start 2026-03-27T15:00:00Z --target 4h',
  ].join('\n');
}

/** Turns the calendar modules' errors about bad input into usage errors; other errors pass through. */
function asUsageError(error: unknown): unknown {
  if (
    error instanceof UnknownSlaCalendarError ||
    error instanceof InvalidSlaCalendarError ||
    error instanceof InvalidSlaPolicyError ||
    error instanceof NoOpenTimeError ||
    error instanceof DeskConfigurationError
  ) {
    return new CommandError(error.message, usageErrorExitCode);
  }
  return error;
}

interface DueOptions {
  calendar: string;
  start: string;
  target: string;
  pauses?: string;
  config?: string;
  calendars?: string;
  json?: boolean;
}

function runDue(options: DueOptions): void {
  const start = parseInstantOption(options.start, '--start');
  const targetMinutes = parseTargetOption(options.target);
  const pauses = options.pauses === undefined ? [] : parsePauseList(options.pauses);
  const registry = loadCalendars(options.config, options.calendars);
  const calendar = findSlaCalendar(registry, options.calendar);

  const dueAt = computeDueInstant(calendar, start, targetMinutes, pauses);

  const localDueAt = dueAt.setZone(calendar.timeZone);
  if (options.json) {
    printJson({
      calendar: calendar.name,
      calendarTimeZone: calendar.timeZone,
      start: start.toUTC().toISO(),
      targetMinutes,
      pauses: pauses.map((pause) => ({ start: pause.start!.toUTC().toISO(), end: pause.end!.toUTC().toISO() })),
      dueAt: dueAt.toUTC().toISO(),
      dueAtLocal: localDueAt.toISO(),
    });
    return;
  }

  const localStart = start.setZone(calendar.timeZone);
  printFields([
    ['calendar', `${calendar.name}, ${calendar.description}`],
    ['start', `${start.toUTC().toISO()}  ${localStart.toFormat('ccc yyyy-MM-dd HH:mm')} ${calendar.timeZone}`],
    ['target', `${formatTargetDuration(targetMinutes)} = ${targetMinutes} minutes of open calendar time`],
    ['pauses', pauses.length === 0 ? 'none' : pauses.map((pause) => `${pause.start!.toUTC().toISO()}/${pause.end!.toUTC().toISO()}`).join(', ')],
    ['due (UTC)', dueAt.toUTC().toISO()!],
    ...(calendar.timeZone === 'UTC' ? [] : [[`due (${calendar.timeZone})`, `${localDueAt.toISO()}  ${localDueAt.toFormat('ccc yyyy-MM-dd HH:mm')}`] as [string, string]]),
  ]);
}

/**
 * Builds the `sla` command group. `sla due` computes a due instant with the
 * same functions as the ticket workflow's calendar activity.
 *
 * @example
 *   program.addCommand(slaCommand());
 */
export function slaCommand(): Command {
  const sla = new Command('sla').description('SLA targets on business calendars');

  sla
    .command('due')
    .description('print the instant at which a target falls due on a calendar, in UTC and in the calendar\'s time zone')
    .requiredOption('--calendar <name>', 'calendar to count on, for example 24x7, follow-the-sun or desk:emea (listed below)')
    .requiredOption('--start <instant>', 'ISO 8601 instant with offset at which the clock starts, for example 2026-03-27T15:00:00Z')
    .requiredOption('--target <duration>', 'open calendar time until due, as days, hours and minutes: 90m, 4h, 1h30m, 3d (a day is 24 hours of open time); 0m is due at the start')
    .option('--pauses <intervals>', 'comma-separated ISO 8601 intervals start/end during which the clock is paused')
    .option('--config <file>', 'desk configuration file (YAML or JSON) whose desks and specialist groups give calendars; default: the built-in example desks')
    .option('--calendars <file>', 'file (YAML or JSON) of weekly calendars with opening hours, breaks and holidays')
    .option('--json', 'print JSON')
    .addHelpText('after', builtInCalendarHelp)
    .action((options: DueOptions) => {
      try {
        runDue(options);
      } catch (error) {
        throw asUsageError(error);
      }
    });

  return sla;
}
