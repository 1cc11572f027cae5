/** `sundesk ticket …`: open, show, list and change tickets. */

import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';

import { Command, InvalidArgumentError } from 'commander';
import { DateTime } from 'luxon';

import { InvalidTicketInputError, TicketChangeRefusedError, TicketClient, TicketNotFoundError } from '../../client/ticket-client';
import { buildSlaCalendarRegistry } from '../../calendar/business-calendars';
import { computeSlaClockSnapshot, type SlaClockSnapshot } from '../../calendar/sla-clock';
import { loadOrganisationSettings } from '../../config/organisation';
import { resolveSettings } from '../../config/settings';
import type { DeskConfiguration, SpecialistGroupDefinition } from '../../domain/desks';
import { defaultSlaPolicy } from '../../domain/sla';
import { impactLevels, urgencyLevels, type Impact, type Urgency } from '../../domain/priority';
import { firstLineAssignmentGroup, pendingReasons, ticketStatuses, ticketTypes, type PendingReason, type TicketState, type TicketStatus, type TicketType } from '../../domain/ticket';
import { findTicket, listTicketEvents } from '../../store/ticket-store';
import { CommandError, connectTemporal, openStore } from '../connections';
import { printFields, printJson, printTable } from '../print';
import { loadConfigurationOption } from './desk';
import { addTicketNotificationsCommand } from './ticket-notifications';

function defaultActor(): string {
  return process.env.SUNDESK_ACTOR ?? userInfo().username;
}

function newTicketId(): string {
  return `SD-${Date.now().toString(36).toUpperCase()}${randomBytes(2).toString('hex').toUpperCase()}`;
}

function choice<T extends string>(allowed: readonly T[], what: string) {
  return (value: string): T => {
    if (!allowed.includes(value as T)) {
      throw new InvalidArgumentError(`Use one of ${allowed.join(', ')} for the ${what}.`);
    }
    return value as T;
  };
}

/** Runs a ticket action and turns the client's errors into CLI errors. */
async function withTickets<Result>(action: (tickets: TicketClient) => Promise<Result>): Promise<Result> {
  const { client, connection } = await connectTemporal();
  try {
    return await action(new TicketClient(client, { priorityMatrix: loadOrganisationSettings().priorityMatrix, taskQueue: resolveSettings().ticketTaskQueue }));
  } catch (error) {
    if (error instanceof TicketNotFoundError || error instanceof TicketChangeRefusedError || error instanceof InvalidTicketInputError) {
      throw new CommandError(error.message);
    }
    throw error;
  } finally {
    await connection.close();
  }
}

function summary(state: TicketState): Array<[string, string]> {
  return [
    ['ticket', state.ticketId],
    ['type', state.ticketType],
    ['title', state.title],
    ['status', state.pendingReason === null ? state.status : `${state.status} (${state.pendingReason})`],
    ['priority', `P${state.priority} (impact ${state.impact}, urgency ${state.urgency})`],
    ...(state.customerGroup == null ? [] : [['customer group', state.customerGroup] as [string, string]]),
    ['owner desk', state.ownership === null ? 'none' : `${state.ownership.deskId} until ${state.ownership.shiftEndsAt}`],
    ['follows the sun', state.followsTheSun ? 'yes' : 'no'],
    ['assignment group', `${state.assignmentGroup} (${state.supportLevel})`],
    ['assignee', state.assignee ?? '-'],
    ['hand-offs', String(state.handOffCount)],
    ['escalations', String(state.escalationCount)],
    ...pickupSummary(state),
    ['reopened', String(state.reopenCount)],
  ];
}

/** Formats the pickup watch of a ticket waiting unassigned in a group's queue as lines of `ticket show`. */
function pickupSummary(state: TicketState): Array<[string, string]> {
  const watch = state.pickup ?? null;
  if (watch === null) {
    return [];
  }

  const lines: Array<[string, string]> = [['waiting for pickup', `in ${watch.assignmentGroup} since ${watch.waitingSince}`]];
  if (watch.groupOnDutyFrom !== null) {
    lines.push(['group notified', watch.groupNotifiedAt === null ? `when it comes on duty at ${watch.groupOnDutyFrom}` : `at ${watch.groupNotifiedAt}`]);
  }
  if (watch.escalation !== null) {
    lines.push(['escalates to', `${watch.escalation.toGroup} (${watch.escalation.supportLevel}) at ${watch.escalation.dueAt} unless picked up`]);
  }
  return lines;
}

function printState(state: TicketState, json: boolean): void {
  if (json) {
    printJson(state);
    return;
  }
  printFields(summary(state));
}

/**
 * Builds the `ticket` command group.
 *
 * @example
 *   program.addCommand(ticketCommand());
 */
export function ticketCommand(): Command {
  const ticket = new Command('ticket').description('open, show and change tickets');

  ticket
    .command('open')
    .description('open a ticket; the desk on duty takes it')
    .requiredOption('--title <text>', 'short description of the request')
    .option('--description <text>', 'details', '')
    .option('--customer <name>', 'customer who asks', defaultActor())
    .option('--time-zone <zone>', "IANA time zone of the customer's site", 'UTC')
    .option('--customer-group <name>', "customer group whose SLA rules apply (the policy's general rules when absent)")
    .option('--impact <level>', `impact, a level of the priority matrix (default matrix: ${impactLevels().join(', ')})`, 'medium')
    .option('--urgency <level>', `urgency, a level of the priority matrix (default matrix: ${urgencyLevels().join(', ')})`, 'medium')
    .option('--type <type>', `ticket type: ${ticketTypes.join(', ')}`, choice(ticketTypes, 'ticket type'), 'incident' as TicketType)
    .option('--id <ticketId>', 'ticket id (default: a new SD-… id); opening an existing id changes nothing')
    .option('--actor <name>', 'who opens the ticket', defaultActor())
    .option('--json', 'print JSON')
    .action(async (options: { title: string; description: string; customer: string; customerGroup?: string; timeZone: string; impact: Impact; urgency: Urgency; type: TicketType; id?: string; actor: string; json?: boolean }) => {
      const ticketId = options.id ?? newTicketId();
      warnAboutUnknownCustomerGroup(options.customerGroup);
      const result = await withTickets(async (tickets) => {
        const opened = await tickets.open({
          ticketId,
          title: options.title,
          description: options.description,
          customer: options.customer,
          customerTimeZone: options.timeZone,
          ...(options.customerGroup === undefined ? {} : { customerGroup: options.customerGroup }),
          impact: options.impact,
          urgency: options.urgency,
          ticketType: options.type,
          actor: options.actor,
        });
        return { ...opened, state: opened.existing === 'closed' ? undefined : await tickets.state(ticketId) };
      });

      if (result.existing === 'closed') {
        throw new CommandError(`ticket '${ticketId}' already existed and is closed or cancelled; a ticket id is never reused: open the ticket without --id or with a new id`);
      }
      if (options.json) {
        printJson(result);
        return;
      }
      process.stdout.write(result.created ? `opened ${ticketId}\n` : `${ticketId} is already open; nothing changed\n`);
      printFields(summary(result.state!));
    });

  ticket
    .command('show <ticketId>')
    .description('show a ticket: the workflow state and the stored record side by side')
    .option('--json', 'print JSON')
    .action(async (ticketId: string, options: { json?: boolean }) => {
      const state = await withTickets((tickets) => tickets.state(ticketId));
      const database = openStore();
      try {
        const stored = await findTicket(database, ticketId);
        const events = await listTicketEvents(database, ticketId);
        if (options.json) {
          printJson({ workflow: state, store: { ticket: stored ?? null, events } });
          return;
        }

        const storedValue: Record<string, string> = {
          status: stored?.status ?? '(not stored yet)',
          'owner desk': stored?.owner_desk_id ?? '-',
          'assignment group': stored === undefined ? '-' : `${stored.assignment_group} (${stored.support_level})`,
          'hand-offs': String(stored?.hand_off_count ?? '-'),
          reopened: String(stored?.reopen_count ?? '-'),
        };
        printTable(
          ['field', 'workflow', 'store'],
          summary(state).map(([label, value]) => [label, value, storedValue[label] ?? '']),
        );
        printSlaClocks(state);
        process.stdout.write('\nevents (store):\n');
        printTable(
          ['#', 'occurred at', 'event', 'actor', 'desk', 'reason'],
          events.map((event) => [String(event.sequence), event.occurred_at.toISOString(), event.type === 'transferred' ? `transferred to ${String(event.details.to)}` : event.type, event.actor, event.desk_id ?? '-', event.reason ?? '']),
        );
      } finally {
        await database.destroy();
      }
    });

  ticket
    .command('list')
    .description('list stored tickets, newest first')
    .option('--status <status>', 'only tickets in this status')
    .option('--limit <count>', 'at most this many', (value) => positiveInteger(value, '--limit'), 50)
    .option('--json', 'print JSON')
    .action(async (options: { status?: string; limit: number; json?: boolean }) => {
      const database = openStore();
      try {
        let query = database.selectFrom('tickets').selectAll().orderBy('opened_at', 'desc').limit(options.limit);
        if (options.status !== undefined) {
          if (!ticketStatuses.includes(options.status as TicketStatus)) {
            throw new CommandError(`invalid --status '${options.status}': use one of ${ticketStatuses.join(', ')}`, 2);
          }
          query = query.where('status', '=', options.status);
        }
        const rows = await query.execute();
        if (options.json) {
          printJson(rows);
          return;
        }
        printTable(
          ['ticket', 'status', 'P', 'desk', 'group', 'opened at', 'title'],
          rows.map((row) => [row.id, row.status, String(row.priority), row.owner_desk_id ?? '-', row.assignment_group, row.opened_at.toISOString(), row.title]),
        );
      } finally {
        await database.destroy();
      }
    });

  addTicketNotificationsCommand(ticket);

  const change = (name: string, description: string) =>
    ticket
      .command(`${name} <ticketId>`)
      .description(description)
      .option('--actor <name>', 'who makes the change', defaultActor())
      .option('--request-id <id>', 'your id for this change; repeating it has no further effect')
      .option('--json', 'print JSON');

  type Common = { actor: string; requestId?: string; json?: boolean };

  change('assign', 'take the ticket (or give it to --assignee)')
    .option('--assignee <name>', 'agent who works the ticket (default: the actor)')
    .option('--group <name>', 'assignment group that takes the ticket')
    .action(async (ticketId: string, options: Common & { assignee?: string; group?: string }) => {
      printState(await withTickets((tickets) => tickets.assign(ticketId, { actor: options.actor, requestId: options.requestId, assignee: options.assignee, assignmentGroup: options.group })), options.json === true);
    });

  change('transfer', "move the ticket to another assignment group's queue")
    .requiredOption('--group <name>', 'assignment group that receives the ticket')
    .option('--level <line>', "support line of that group: L1, L2 or L3 (a specialist group's own level when absent)")
    .option('--reason <text>', 'why the ticket moves; shown in the trail')
    .action(async (ticketId: string, options: Common & { group: string; level?: string; reason?: string }) => {
      const group = runningDeskConfiguration().specialistGroups?.find((candidate) => candidate.id === options.group);
      if (group !== undefined) {
        requireGroupLevel(group, options.level);
      }
      if (!/^L[1-3]$/.test(options.level ?? 'L1')) {
        throw new CommandError(`invalid --level '${options.level}': use L1, L2 or L3`, 2);
      }
      if (group === undefined && options.group !== firstLineAssignmentGroup) {
        process.stderr.write(`note: '${options.group}' is not a specialist group of the desk configuration, so no group is notified and no pickup escalation applies to its queue\n`);
      }
      const supportLevel = options.level ?? group?.supportLevel;
      printState(await withTickets((tickets) => tickets.transfer(ticketId, { actor: options.actor, requestId: options.requestId, assignmentGroup: options.group, supportLevel, reason: options.reason })), options.json === true);
    });

  change('escalate', 'escalate functionally to a 2nd or 3rd level group; the desk keeps ownership')
    .requiredOption('--group <name>', 'specialist group that takes the ticket (an id under specialistGroups of the desk configuration)')
    .option('--level <line>', "support line of that group; the group's own level when absent")
    .option('--reason <text>', 'why the ticket needs that group; shown in the trail')
    .action(async (ticketId: string, options: Common & { group: string; level?: string; reason?: string }) => {
      const groups = runningDeskConfiguration().specialistGroups ?? [];
      const group = groups.find((candidate) => candidate.id === options.group);
      if (group === undefined) {
        const known = groups.length === 0 ? 'the desk configuration has no specialistGroups: add the group there, or use ticket transfer' : `use one of ${groups.map((candidate) => `${candidate.id} (${candidate.supportLevel})`).join(', ')}`;
        throw new CommandError(`unknown specialist group '${options.group}': ${known}`, 2);
      }
      requireGroupLevel(group, options.level);
      const reason = `functional escalation to ${group.id} (${group.supportLevel})${options.reason === undefined || options.reason.trim() === '' ? '' : `: ${options.reason}`}`;
      printState(await withTickets((tickets) => tickets.transfer(ticketId, { actor: options.actor, requestId: options.requestId, assignmentGroup: group.id, supportLevel: group.supportLevel, reason })), options.json === true);
    });

  change('pending', 'put the ticket on hold')
    .requiredOption('--reason <reason>', `why it waits: ${pendingReasons.join(', ')}`, choice(pendingReasons, 'pending reason'))
    .option('--note <text>', 'what the ticket waits for')
    .action(async (ticketId: string, options: Common & { reason: PendingReason; note?: string }) => {
      printState(await withTickets((tickets) => tickets.setPending(ticketId, { actor: options.actor, requestId: options.requestId, reason: options.reason, note: options.note })), options.json === true);
    });

  change('resume', 'resume a pending ticket').action(async (ticketId: string, options: Common) => {
    printState(await withTickets((tickets) => tickets.resume(ticketId, { actor: options.actor, requestId: options.requestId })), options.json === true);
  });

  change('resolve', 'resolve the ticket; it then waits for the customer to confirm')
    .option('--code <code>', 'resolution code', 'solved')
    .option('--notes <text>', 'what was done', '')
    .option('--article <id>', 'knowledge article used')
    .option('--first-contact', 'resolved during the first contact')
    .action(async (ticketId: string, options: Common & { code: string; notes: string; article?: string; firstContact?: boolean }) => {
      printState(
        await withTickets((tickets) =>
          tickets.resolve(ticketId, { actor: options.actor, requestId: options.requestId, resolutionCode: options.code, notes: options.notes, knowledgeArticleId: options.article, firstContact: options.firstContact === true }),
        ),
        options.json === true,
      );
    });

  change('confirm', "record the customer's confirmation; the ticket closes").action(async (ticketId: string, options: Common) => {
    printState(await withTickets((tickets) => tickets.confirm(ticketId, { actor: options.actor, requestId: options.requestId })), options.json === true);
  });

  change('reject', "record the customer's rejection; the ticket reopens")
    .requiredOption('--reason <text>', 'why the resolution does not solve the problem')
    .action(async (ticketId: string, options: Common & { reason: string }) => {
      printState(await withTickets((tickets) => tickets.reject(ticketId, { actor: options.actor, requestId: options.requestId, reason: options.reason })), options.json === true);
    });

  change('cancel', 'cancel the ticket (duplicate or withdrawn)')
    .requiredOption('--reason <text>', 'why the ticket is cancelled')
    .action(async (ticketId: string, options: Common & { reason: string }) => {
      printState(await withTickets((tickets) => tickets.cancel(ticketId, { actor: options.actor, requestId: options.requestId, reason: options.reason })), options.json === true);
    });

  change('comment', 'add a comment')
    .requiredOption('--text <text>', 'the comment')
    .action(async (ticketId: string, options: Common & { text: string }) => {
      printState(await withTickets((tickets) => tickets.comment(ticketId, { actor: options.actor, requestId: options.requestId, text: options.text })), options.json === true);
    });

  change('note', 'add an internal work note (customers do not see it)')
    .requiredOption('--text <text>', 'the note')
    .action(async (ticketId: string, options: Common & { text: string }) => {
      printState(await withTickets((tickets) => tickets.workNote(ticketId, { actor: options.actor, requestId: options.requestId, text: options.text })), options.json === true);
    });

  change('reply', "record the customer's reply; it resumes a ticket pending on the customer")
    .requiredOption('--text <text>', 'the reply')
    .action(async (ticketId: string, options: Common & { text: string }) => {
      printState(await withTickets((tickets) => tickets.customerReply(ticketId, { actor: options.actor, requestId: options.requestId, text: options.text })), options.json === true);
    });

  change('priority', 'change impact and/or urgency; the priority is recomputed')
    .option('--impact <level>', 'new impact level')
    .option('--urgency <level>', 'new urgency level')
    .action(async (ticketId: string, options: Common & { impact?: string; urgency?: string }) => {
      printState(await withTickets((tickets) => tickets.changePriority(ticketId, { actor: options.actor, requestId: options.requestId, impact: options.impact, urgency: options.urgency })), options.json === true);
    });

  return ticket;
}

/** Prints each SLA clock: target, elapsed business time, remaining, and the due instant in UTC, the owning desk's zone and the viewer's zone. */
function printSlaClocks(state: TicketState): void {
  if (state.sla === null) {
    return;
  }

  const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const minutes = (value: number): string => {
    const wholeMinutes = Math.round(Math.abs(value));
    return `${Math.floor(wholeMinutes / 60)}h${String(wholeMinutes % 60).padStart(2, '0')}m`;
  };
  const local = (instant: string | null, zone: string): string => (instant === null ? '-' : DateTime.fromISO(instant).setZone(zone).toFormat('ccc yyyy-MM-dd HH:mm ZZ'));

  const clocks = evaluateClocksNow(state.sla);
  const deskZone = deskTimeZone(state.ownership?.deskId) ?? clocks.snapshots[0]!.calendarTimeZone;
  process.stdout.write(`\nSLA clocks${state.slaBreached ? ' (breached)' : ''}${clocks.fresh ? '' : ', as of their last change'}:\n`);
  printTable(
    ['clock', 'state', 'calendar', 'target', 'elapsed', 'remaining', 'due (UTC)', `due (desk, ${deskZone})`, `due (you, ${viewerZone})`],
    clocks.snapshots.map((clock) => [
      clock.kind,
      clock.state,
      clock.calendar,
      minutes(clock.targetMinutes),
      minutes(clock.elapsedBusinessMinutes),
      `${Math.round(clock.remainingMinutes) < 0 ? '-' : ''}${minutes(clock.remainingMinutes)}`,
      clock.dueAt ?? '-',
      local(clock.dueAt, deskZone),
      local(clock.dueAt, viewerZone),
    ]),
  );
}

/** Rejects a `--level` that contradicts the specialist group's own support level. */
function requireGroupLevel(group: SpecialistGroupDefinition, level: string | undefined): void {
  if (level !== undefined && level !== group.supportLevel) {
    throw new CommandError(`invalid --level '${level}': ${group.id} is an ${group.supportLevel} group; leave --level out or use ${group.supportLevel}`, 2);
  }
}

/**
 * Notes on standard error when no SLA rule of the running desk's policy names
 * the customer group, because the ticket then gets the general rules. Group
 * names are compared exactly, so the note suggests a rule's group that differs
 * only in case.
 */
function warnAboutUnknownCustomerGroup(customerGroup: string | undefined): void {
  if (customerGroup === undefined) {
    return;
  }

  let ruleGroups: string[];
  try {
    ruleGroups = (runningDeskConfiguration().slaPolicy ?? defaultSlaPolicy).rules.flatMap((rule) => (rule.customerGroup === undefined ? [] : [rule.customerGroup]));
  } catch {
    return;
  }
  if (ruleGroups.includes(customerGroup)) {
    return;
  }

  const sameButCase = ruleGroups.find((group) => group.toLowerCase() === customerGroup.toLowerCase());
  const hint = sameButCase === undefined ? '' : ` (did you mean '${sameButCase}'?)`;
  process.stderr.write(`note: no SLA rule names the customer group '${customerGroup}'${hint}, so the policy's general rules apply\n`);
}

/** Returns the time zone of a desk of the running desk's configuration, or undefined when the desk is unknown there. */
function deskTimeZone(deskId: string | undefined): string | undefined {
  try {
    return runningDeskConfiguration().desks.find((desk) => desk.id === deskId)?.timeZone;
  } catch {
    return undefined;
  }
}

/**
 * Returns the desk configuration of the running desk, found as the desk
 * commands find it (see `loadConfigurationOption`).
 *
 * @throws CommandError listing the problems of a bad file.
 */
function runningDeskConfiguration(): DeskConfiguration {
  return loadConfigurationOption(undefined).configuration;
}

/**
 * Evaluates the clock records now, on the running desk's configuration (or the
 * built-in example), as the workflow's activity would. Falls back to the
 * workflow's last evaluation when the calendars cannot be built here.
 */
function evaluateClocksNow(sla: NonNullable<TicketState['sla']>): { snapshots: SlaClockSnapshot[]; fresh: boolean } {
  try {
    const configuration = runningDeskConfiguration();
    const registry = buildSlaCalendarRegistry({ desks: configuration.desks, specialistGroups: configuration.specialistGroups });
    const now = DateTime.utc().toISO();
    const levels = (configuration.slaPolicy ?? defaultSlaPolicy).escalationLevels;
    const snapshots = [sla.records.response, sla.records.resolution].map((record) => computeSlaClockSnapshot(registry, record, levels, now));
    return { snapshots, fresh: true };
  } catch {
    return { snapshots: [sla.snapshots.response, sla.snapshots.resolution], fresh: false };
  }
}

/**
 * Parses a whole number greater than zero for an option. It must be written
 * in decimal digits only (so `1e2`, `0x10` and `5.0` are rejected) and be
 * small enough to be exact. Commander prints the option and the value before
 * the message.
 *
 * @example
 *   positiveInteger('50', '--limit'); // 50
 */
export function positiveInteger(value: string, option: string): number {
  const number = Number(value);
  if (!/^[0-9]+$/.test(value) || number <= 0) {
    throw new InvalidArgumentError(`Use a whole number greater than 0 for ${option}.`);
  }
  if (!Number.isSafeInteger(number)) {
    throw new InvalidArgumentError(`Use a whole number of at most ${Number.MAX_SAFE_INTEGER} for ${option}.`);
  }
  return number;
}
