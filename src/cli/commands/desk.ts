/** `sundesk desk …`: who is on duty, where tickets go next, a week's coverage, and configuration checks. */

import { Command } from 'commander';
import { Kysely, PostgresDialect } from 'kysely';
import { DateTime } from 'luxon';
import { Pool } from 'pg';

import { renderCoverageChart } from '../../calendar/coverage-chart';
import { computeWeekCoverage, weekCoverageToJson } from '../../calendar/desk-coverage';
import { deskStructureOf } from '../../calendar/desk-routing';
import { computeDutyReport, type DeskDutyStatus, type DutyReport } from '../../calendar/desk-status';
import { DeskConfigurationError, formatConfigurationPath, loadDeskConfiguration } from '../../config/desk-configuration';
import { deskConfigurationFileFromEnvironment, deskConfigurationVariable, readRunningDesk, resolveSettings, runningDeskFile } from '../../config/settings';
import { exampleDeskConfiguration, type DeskConfiguration } from '../../domain/desks';
import type { PickupEscalationRule, SlaPolicy, SlaTarget, SlaTargetRule } from '../../domain/sla';
import type { TicketStatus } from '../../domain/ticket';
import type { StoreSchema } from '../../store/schema';
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

/** Origin of the configuration that a command uses. */
type ConfigurationOrigin = '--config' | typeof deskConfigurationVariable | 'running desk' | 'built-in example';

/** A configuration and where it came from, for the headings of the output. */
export interface LoadedConfiguration {
  configuration: DeskConfiguration;
  /** The file, or `built-in example`. */
  source: string;
  origin: ConfigurationOrigin;
}

/**
 * Loads the desk configuration that a CLI command uses: the `--config` file,
 * else the file that SUNDESK_DESK_CONFIG names, else the file that a running
 * `sundesk up` publishes, else the built-in example.
 *
 * @throws CommandError listing the problems of a bad file.
 * @example
 *   const { configuration } = loadConfigurationOption(options.config);
 */
export function loadConfigurationOption(option: string | undefined): LoadedConfiguration {
  const fromEnvironment = deskConfigurationFileFromEnvironment();
  const fromRunningDesk = option === undefined && fromEnvironment === undefined ? readRunningDesk()?.deskConfigurationPath : undefined;

  let file: string;
  let origin: ConfigurationOrigin;
  if (option !== undefined) {
    [file, origin] = [option, '--config'];
  } else if (fromEnvironment !== undefined) {
    [file, origin] = [fromEnvironment, deskConfigurationVariable];
  } else if (fromRunningDesk !== undefined) {
    [file, origin] = [fromRunningDesk, 'running desk'];
  } else {
    return { configuration: exampleDeskConfiguration, source: 'built-in example', origin: 'built-in example' };
  }

  try {
    return { configuration: loadDeskConfiguration(file), source: file, origin };
  } catch (error) {
    if (!(error instanceof DeskConfigurationError)) {
      throw error;
    }
    if (origin === 'running desk') {
      // The running desk ignores an invalid change and keeps its last valid configuration, which this command cannot see.
      throw new CommandError(
        `${error.message}\nthe running desk uses this file (published in ${runningDeskFile()}) and keeps its last valid configuration until the file is fixed: ` +
          'fix the file, or pass --config <file> to show another one',
        1,
      );
    }
    throw new CommandError(error.message, 1);
  }
}

/** Names the configuration and its origin for the heading, for example `/srv/desks.yaml (the running desk's file)`. */
function describeSource(loaded: LoadedConfiguration): string {
  switch (loaded.origin) {
    case 'running desk':
      return `${loaded.source} (the running desk's file)`;
    case deskConfigurationVariable:
      return `${loaded.source} (from ${deskConfigurationVariable})`;
    default:
      return loaded.source;
  }
}

/** Ticket statuses that count as open work of the owning desk. */
const openTicketStatuses: readonly TicketStatus[] = ['new', 'assigned', 'pending'];

/** Time to wait for the ticket store before `desk status` goes on without ticket counts. */
const ticketStoreConnectTimeoutMilliseconds = 3_000;

/** Open tickets per owning desk in the ticket store, or the reason why they were not counted. */
type OpenTicketCounts =
  | {
      available: true;
      /** When the store was read (ISO, UTC). The counts are of that moment, whatever instant `--at` names. */
      countedAt: string;
      total: number;
      /** The configuration's desks in order (0 when a desk owns none), then other owners. `deskId` is null for tickets not routed yet. */
      perDesk: Array<{ deskId: string | null; openTickets: number }>;
    }
  | { available: false; reason: string };

/**
 * Counts the open tickets (new, assigned or pending) per owning desk in the
 * ticket store of DATABASE_URL or of the running desk. Never throws: a
 * missing or unreachable store comes back as a reason.
 */
async function countOpenTickets(configuration: DeskConfiguration): Promise<OpenTicketCounts> {
  const databaseUrl = resolveSettings().databaseUrl;
  if (databaseUrl === undefined) {
    return { available: false, reason: "no ticket store found: set DATABASE_URL or start the desk ('npm start') to count them" };
  }

  let database: Kysely<StoreSchema> | undefined;
  try {
    const pool = new Pool({ connectionString: databaseUrl, max: 1, connectionTimeoutMillis: ticketStoreConnectTimeoutMilliseconds });
    database = new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool }) });
    const rows = await database
      .selectFrom('tickets')
      .select((expression) => ['owner_desk_id', expression.fn.countAll<string>().as('open_tickets')])
      .where('status', 'in', openTicketStatuses)
      .groupBy('owner_desk_id')
      .execute();
    const countOf = new Map(rows.map((row) => [row.owner_desk_id, Number(row.open_tickets)]));

    const configuredDeskIds = configuration.desks.map((desk) => desk.id);
    const otherOwners = [...countOf.keys()].filter((deskId) => deskId === null || !configuredDeskIds.includes(deskId)).sort((left, right) => (left ?? '').localeCompare(right ?? ''));
    const perDesk = [...configuredDeskIds, ...otherOwners].map((deskId) => ({ deskId, openTickets: countOf.get(deskId) ?? 0 }));
    return { available: true, countedAt: new Date().toISOString(), total: perDesk.reduce((sum, entry) => sum + entry.openTickets, 0), perDesk };
  } catch (error) {
    const store = databaseUrl.replace(/:[^:@/]*@/, ':***@');
    return { available: false, reason: `reading the ticket store ${store} failed: ${(error as Error).message}` };
  } finally {
    await database?.destroy().catch(() => undefined);
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
    // A desk on duty around the clock is still on duty at its shift's end: its shift goes on.
    return Date.parse(handOff.toDeskOnDutyFrom) > Date.parse(handOff.at) ? `keeps them (next shift ${handOff.toDeskOnDutyFrom})` : 'keeps them (its shift goes on)';
  }
  if (Date.parse(handOff.toDeskOnDutyFrom) > Date.parse(handOff.at)) {
    return `${handOff.toDeskId}, waits until ${handOff.toDeskOnDutyFrom}`;
  }

  return handOff.toDeskId;
}

function printDutyReport(report: DutyReport, loaded: LoadedConfiguration, openTickets: OpenTicketCounts): void {
  process.stdout.write(`at ${report.at}\n`);
  process.stdout.write(`configuration: ${describeSource(loaded)} (${describeStructure(loaded.configuration)})\n`);
  process.stdout.write(`on duty: ${report.desksOnDuty.length === 0 ? 'no desk' : report.desksOnDuty.join(', ')}\n`);
  if (openTickets.available) {
    process.stdout.write(`open tickets: ${openTickets.total} at ${openTickets.countedAt} (new, assigned or pending)\n\n`);
  } else {
    process.stdout.write(`open tickets: not counted, ${openTickets.reason}\n\n`);
  }

  const openTicketsOf = new Map(openTickets.available ? openTickets.perDesk.map((entry) => [entry.deskId, entry.openTickets]) : []);
  const ticketColumn = openTickets.available ? ['open tickets'] : [];
  printTable(
    ['desk', 'local time', 'on duty', 'shift ends (UTC)', 'hands off to', 'next shift (UTC)', ...ticketColumn],
    report.desks.map((status) => [
      status.deskId,
      status.localTime,
      describeDuty(status.onDuty, status.holiday),
      status.shiftEndsAt ?? '-',
      describeHandOff(status),
      status.nextShiftStartsAt ?? '-',
      ...(openTickets.available ? [String(openTicketsOf.get(status.deskId) ?? 0)] : []),
    ]),
  );

  // Open tickets of desks that the file does not list are shown here, because they keep that owner until their next routing decision.
  const otherOwners = openTickets.available ? openTickets.perDesk.filter((entry) => entry.deskId === null || !report.desks.some((status) => status.deskId === entry.deskId)) : [];
  if (otherOwners.length > 0) {
    const owners = otherOwners.map((entry) => `${entry.deskId ?? 'not routed yet'} ${entry.openTickets}`).join(', ');
    process.stdout.write(`open tickets of desks not in this configuration: ${owners}\n`);
  }

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
    .description('show which desks are on duty at an instant, where their tickets go at shift end, and the open tickets per desk')
    .option('--config <file>', `desk configuration file, YAML or JSON (default: ${deskConfigurationVariable}, else the running desk's file, else the built-in example)`)
    .option('--at <instant>', 'ISO 8601 instant with offset to evaluate (default: now); open tickets are always counted now')
    .option('--json', 'print JSON')
    .action(async (options: { config?: string; at?: string; json?: boolean }) => {
      const instant = options.at === undefined ? DateTime.utc() : parseInstant(options.at, '--at');
      const loaded = loadConfigurationOption(options.config);
      const report = computeDutyReport(loaded.configuration, instant);
      const openTickets = await countOpenTickets(loaded.configuration);

      if (options.json) {
        printJson({ configuration: loaded.source, configurationOrigin: loaded.origin, ...report, openTickets });
        return;
      }
      printDutyReport(report, loaded, openTickets);
    });
}

function coverageCommand(): Command {
  return new Command('coverage')
    .description('chart one week of desk coverage in UTC, with gaps and overlaps marked')
    .option('--config <file>', `desk configuration file, YAML or JSON (default: ${deskConfigurationVariable}, else the running desk's file, else the built-in example)`)
    .option('--week <date>', 'ISO 8601 date inside the UTC week to chart, Monday to Sunday (default: this week)')
    .option('--ascii', 'draw the chart with ASCII characters only')
    .option('--json', 'print JSON: shifts, holiday closures, gaps and overlaps')
    .action((options: { config?: string; week?: string; ascii?: boolean; json?: boolean }) => {
      const day = options.week === undefined ? DateTime.utc() : parseWeekDay(options.week, '--week');
      const loaded = loadConfigurationOption(options.config);
      const coverage = computeWeekCoverage(loaded.configuration, day);

      if (options.json) {
        printJson({ configuration: loaded.source, configurationOrigin: loaded.origin, ...weekCoverageToJson(coverage) });
        return;
      }
      process.stdout.write(`configuration: ${describeSource(loaded)} (${describeStructure(loaded.configuration)})\n`);
      process.stdout.write(renderCoverageChart(coverage, { ascii: options.ascii }));
    });
}

/**
 * Formats minutes as hours and minutes (`1h30m`, `40h`) without days, because
 * `1d` would read as one business day on a desk calendar, where 24 hours of
 * open time are three 8-hour days.
 */
function formatHoursAndMinutes(totalMinutes: number): string {
  const totalSeconds = Math.round(totalMinutes * 60);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;

  const text = [hours > 0 ? `${hours}h` : '', minutes > 0 ? `${minutes}m` : '', seconds > 0 ? `${seconds}s` : ''].join('');
  return text === '' ? '0m' : text;
}

function describeTarget(target: SlaTarget): string {
  return `${formatHoursAndMinutes(target.targetMinutes)} on ${target.calendar}`;
}

function describeRuleScope(rule: SlaTargetRule): string {
  const limits = [rule.ticketType === undefined ? '' : `ticketType ${rule.ticketType}`, rule.customerGroup === undefined ? '' : `customerGroup ${rule.customerGroup}`].filter((limit) => limit !== '');
  return limits.length === 0 ? 'every ticket' : limits.join(', ');
}

function describePickupEscalation(rule: PickupEscalationRule): string {
  const priorities = rule.priorities === undefined ? 'every priority' : rule.priorities.map((priority) => `P${priority}`).join(', ');
  const group = rule.fromGroup ?? `any group but ${rule.toGroup}`;
  return `${priorities} in ${group}, not picked up within ${formatHoursAndMinutes(rule.notPickedUpWithinMinutes)} -> ${rule.toGroup} (${rule.supportLevel})`;
}

/** Prints the SLA policy of a checked file: the targets per priority with their calendars, then levels, pauses, reopen and pickup escalations. */
function printSlaPolicySummary(policy: SlaPolicy | undefined): void {
  if (policy === undefined) {
    process.stdout.write('SLA policy: the file has no sla section, so the desk uses the default policy.\n\n');
    return;
  }

  process.stdout.write(`SLA policy '${policy.name}':\n`);
  // Sorted by priority, with each priority's general rule first.
  const specificity = (rule: SlaTargetRule): number => (rule.ticketType === undefined && rule.customerGroup === undefined ? 0 : 1);
  const rules = [...policy.rules].sort((left, right) => left.priority - right.priority || specificity(left) - specificity(right));
  printTable(
    ['priority', 'applies to', 'response', 'resolution'],
    rules.map((rule) => [`P${rule.priority}`, describeRuleScope(rule), describeTarget(rule.response), describeTarget(rule.resolution)]),
  );

  const levels = policy.escalationLevels.map((level) => `${level.name} at ${level.percentOfTarget} %`).join(', ');
  const pauses = policy.pausingPendingReasons.length === 0 ? 'never pauses' : `pauses while pending on ${policy.pausingPendingReasons.join(', ')}`;
  process.stdout.write(`escalation levels: ${levels}\n`);
  process.stdout.write(`resolution clock: ${pauses}; a reopen ${policy.reopenBehaviour === 'resume' ? 'resumes it' : 'restarts it'}\n`);
  for (const rule of policy.pickupEscalations ?? []) {
    process.stdout.write(`pickup escalation: ${describePickupEscalation(rule)}\n`);
  }
  process.stdout.write('\n');
}

function checkCommand(): Command {
  return new Command('check')
    .description('validate a desk configuration file and print its SLA policy and coverage, without starting anything; exits with 1 when invalid')
    .argument('<config>', 'desk configuration file, YAML or JSON')
    .option('--week <date>', 'ISO 8601 date inside the UTC week to chart (default: this week)')
    .option('--ascii', 'draw the chart with ASCII characters only')
    .option('--json', 'print JSON: { valid, issues } or { valid, structure, followTheSunPriorities, slaPolicy, coverage }')
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
        printJson({ file, valid: true, structure: deskStructureOf(configuration), followTheSunPriorities: configuration.followTheSunPriorities, slaPolicy: configuration.slaPolicy ?? null, coverage: weekCoverageToJson(coverage) });
        return;
      }

      const groups = configuration.specialistGroups ?? [];
      const counted = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;
      process.stdout.write(`${file} is valid: ${counted(configuration.desks.length, 'desk')}, ${counted(groups.length, 'specialist group')}; ${describeStructure(configuration)}.\n\n`);
      printSlaPolicySummary(configuration.slaPolicy);
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
