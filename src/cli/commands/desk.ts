/** `sundesk desk …`: who is on duty, where tickets go next, a week's coverage, and configuration checks. */

import { Command } from 'commander';
import { DateTime } from 'luxon';

import { renderCoverageChart } from '../../calendar/coverage-chart';
import { computeWeekCoverage, weekCoverageToJson } from '../../calendar/desk-coverage';
import { deskStructureOf } from '../../calendar/desk-routing';
import { computeDutyReport, type DeskDutyStatus, type DutyReport } from '../../calendar/desk-status';
import { DeskConfigurationError, formatConfigurationPath, loadDeskConfiguration } from '../../config/desk-configuration';
import { exampleDeskConfiguration, type DeskConfiguration } from '../../domain/desks';
import { CommandError } from '../connections';
import { printJson, printTable } from '../print';

/** Parses an ISO 8601 instant with offset, or throws a CommandError naming it. */
export function parseInstant(text: string, option: string): DateTime {
  const instant = DateTime.fromISO(text, { setZone: true });
  if (!instant.isValid || !/([zZ]|[+-]\d{2}:?\d{2})$/.test(text)) {
    throw new CommandError(`invalid ${option} '${text}': use an ISO 8601 instant with offset, for example 2026-12-07T09:00:00Z`, 2);
  }
  return instant;
}

/**
 * Parses an ISO 8601 calendar date (`2026-03-23`) or week (`2026-W13`) as a
 * day in UTC, or throws a CommandError naming the value.
 *
 * @example
 *   parseWeekDay('2026-03-25', '--week'); // 2026-03-25T00:00:00.000Z
 */
export function parseWeekDay(text: string, option: string): DateTime {
  const day = DateTime.fromISO(text, { zone: 'utc' });
  if (!day.isValid || !/^\d{4}-(\d{2}-\d{2}|W\d{2}(-[1-7])?)$/.test(text)) {
    throw new CommandError(`invalid ${option} '${text}': use an ISO 8601 date such as 2026-03-23 (or week such as 2026-W13); the chart shows the UTC week, Monday to Sunday, that contains it`, 2);
  }
  return day;
}

/** A configuration and where it came from, for the headings of the output. */
interface LoadedConfiguration {
  configuration: DeskConfiguration;
  /** The file, or `built-in example`. */
  source: string;
}

/** Loads `--config`, or returns the built-in example; a bad file becomes a CommandError listing its problems. */
function loadConfigurationOption(file: string | undefined): LoadedConfiguration {
  if (file === undefined) {
    return { configuration: exampleDeskConfiguration, source: 'built-in example' };
  }

  try {
    return { configuration: loadDeskConfiguration(file), source: file };
  } catch (error) {
    if (error instanceof DeskConfigurationError) {
      throw new CommandError(error.message, 1);
    }
    throw error;
  }
}

function describeStructure(configuration: DeskConfiguration): string {
  const structure = deskStructureOf(configuration);
  const priorities = configuration.followTheSunPriorities.length === 0 ? 'no priority follows the sun' : `${configuration.followTheSunPriorities.map((priority) => `P${priority}`).join(', ')} follow the sun`;

  switch (structure.type) {
    case 'follow-the-sun':
      return `follow-the-sun ring ${structure.ring.join(' -> ')}; ${priorities}`;
    case 'virtual':
      return `virtual desk pooling ${structure.pool.join(', ')}; ${priorities}`;
    case 'centralized':
      return `centralized on desk ${structure.deskId}`;
    case 'local':
      return `local desks by site and time zone, fallback desk ${structure.fallbackDeskId}`;
  }
}

function describeDuty(onDuty: boolean, holiday: string | null): string {
  if (onDuty) {
    return 'yes';
  }

  return holiday === null ? 'no' : `no (${holiday})`;
}

function describeHandOff(status: DeskDutyStatus): string {
  const handOff = status.handOff;
  if (handOff === null) {
    return '-';
  }
  if (handOff.toDeskId === status.deskId) {
    return `keeps them (next shift ${handOff.toDeskOnDutyFrom})`;
  }
  if (Date.parse(handOff.toDeskOnDutyFrom) > Date.parse(handOff.at)) {
    return `${handOff.toDeskId}, waits until ${handOff.toDeskOnDutyFrom}`;
  }

  return handOff.toDeskId;
}

function printDutyReport(report: DutyReport, loaded: LoadedConfiguration): void {
  process.stdout.write(`at ${report.at}\n`);
  process.stdout.write(`configuration: ${loaded.source} (${describeStructure(loaded.configuration)})\n`);
  process.stdout.write(`on duty: ${report.desksOnDuty.length === 0 ? 'no desk' : report.desksOnDuty.join(', ')}\n\n`);

  printTable(
    ['desk', 'local time', 'on duty', 'shift ends (UTC)', 'hands off to', 'next shift (UTC)'],
    report.desks.map((status) => [
      status.deskId,
      status.localTime,
      describeDuty(status.onDuty, status.holiday),
      status.shiftEndsAt ?? '-',
      describeHandOff(status),
      status.nextShiftStartsAt ?? '-',
    ]),
  );

  if (report.specialistGroups.length > 0) {
    process.stdout.write('\n');
    printTable(
      ['specialist group', 'level', 'local time', 'on duty', 'shift ends (UTC)', 'next shift (UTC)'],
      report.specialistGroups.map((group) => [
        group.groupId,
        group.supportLevel,
        group.localTime,
        describeDuty(group.onDuty, group.holiday),
        group.shiftEndsAt ?? '-',
        group.nextShiftStartsAt ?? '-',
      ]),
    );
  }
}

function statusCommand(): Command {
  return new Command('status')
    .description('show which desks are on duty at an instant and where their tickets go at shift end')
    .option('--config <file>', 'desk configuration file, YAML or JSON (default: the built-in example)')
    .option('--at <instant>', 'ISO 8601 instant with offset to evaluate (default: now)')
    .option('--json', 'print JSON')
    .action((options: { config?: string; at?: string; json?: boolean }) => {
      const instant = options.at === undefined ? DateTime.utc() : parseInstant(options.at, '--at');
      const loaded = loadConfigurationOption(options.config);
      const report = computeDutyReport(loaded.configuration, instant);

      if (options.json) {
        printJson({ configuration: loaded.source, ...report });
        return;
      }
      printDutyReport(report, loaded);
    });
}

function coverageCommand(): Command {
  return new Command('coverage')
    .description('chart one week of desk coverage in UTC, with gaps and overlaps marked')
    .option('--config <file>', 'desk configuration file, YAML or JSON (default: the built-in example)')
    .option('--week <date>', 'ISO 8601 date inside the UTC week to chart, Monday to Sunday (default: this week)')
    .option('--ascii', 'draw the chart with ASCII characters only')
    .option('--json', 'print JSON: shifts, holiday closures, gaps and overlaps')
    .action((options: { config?: string; week?: string; ascii?: boolean; json?: boolean }) => {
      const day = options.week === undefined ? DateTime.utc() : parseWeekDay(options.week, '--week');
      const loaded = loadConfigurationOption(options.config);
      const coverage = computeWeekCoverage(loaded.configuration, day);

      if (options.json) {
        printJson({ configuration: loaded.source, ...weekCoverageToJson(coverage) });
        return;
      }
      process.stdout.write(`configuration: ${loaded.source} (${describeStructure(loaded.configuration)})\n`);
      process.stdout.write(renderCoverageChart(coverage, { ascii: options.ascii }));
    });
}

function checkCommand(): Command {
  return new Command('check')
    .description('validate a desk configuration file and print its coverage, without starting anything; exits with 1 when invalid')
    .argument('<config>', 'desk configuration file, YAML or JSON')
    .option('--week <date>', 'ISO 8601 date inside the UTC week to chart (default: this week)')
    .option('--ascii', 'draw the chart with ASCII characters only')
    .option('--json', 'print JSON: { valid, issues } or { valid, coverage }')
    .action((file: string, options: { week?: string; ascii?: boolean; json?: boolean }) => {
      const day = options.week === undefined ? DateTime.utc() : parseWeekDay(options.week, '--week');

      let configuration: DeskConfiguration;
      try {
        configuration = loadDeskConfiguration(file);
      } catch (error) {
        if (!(error instanceof DeskConfigurationError)) {
          throw error;
        }
        if (options.json) {
          printJson({ file, valid: false, issues: error.issues.map((issue) => ({ path: formatConfigurationPath(issue.path), line: issue.line ?? null, column: issue.column ?? null, message: issue.message })) });
          throw new CommandError(`${file} is invalid`, 1);
        }
        throw new CommandError(`${error.message}\nfix these and run 'sundesk desk check ${file}' again`, 1);
      }

      const coverage = computeWeekCoverage(configuration, day);
      if (options.json) {
        printJson({ file, valid: true, structure: deskStructureOf(configuration), followTheSunPriorities: configuration.followTheSunPriorities, coverage: weekCoverageToJson(coverage) });
        return;
      }

      const groups = configuration.specialistGroups ?? [];
      process.stdout.write(`${file} is valid: ${configuration.desks.length} desks, ${groups.length} specialist groups; ${describeStructure(configuration)}.\n\n`);
      process.stdout.write(renderCoverageChart(coverage, { ascii: options.ascii }));
    });
}

/**
 * Builds the `desk` command group: `status`, `coverage` and `check`.
 *
 * @example
 *   program.addCommand(deskCommand());
 */
export function deskCommand(): Command {
  return new Command('desk').description('desks, shifts, hand-offs and coverage').addCommand(statusCommand()).addCommand(coverageCommand()).addCommand(checkCommand());
}
