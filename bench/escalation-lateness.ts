/**
 * Measurement 6, second half: the precision of SLA escalation timers under
 * load. Tickets are opened through `TicketClient` at the same steady intake
 * rate, for the same seconds, as the bare timer workflows of
 * timer-lateness.ts, and no agent responds to them. An SLA policy made for the run
 * gives every priority a response target of the timer delay on the `24x7`
 * calendar with one escalation level at 100 %. So each ticket sets exactly one
 * escalation timer that is due within the run, `delaySeconds` after its SLA
 * clock starts.
 *
 * Lateness is the escalation event's `details.firedAt` (the workflow's clock
 * at the workflow task that met the deadline) minus `details.at` (the due
 * instant). That is the point that the bare timer's `latenessToWorkflowTask`
 * measures, so the two p99 figures divide.
 */

import os from 'node:os';

import type { Priority } from '../src/domain/priority';
import { defaultSlaPolicy, validateSlaPolicy, type SlaPolicy } from '../src/domain/sla';
import { createBenchDeskConfiguration, nextWholeMinute } from './bench-desks';
import { benchTicket, type BenchContext } from './context';
import { cpuSecondsBetween, type CpuReading } from './cpu-usage';
import { achievedRatePerSecond, startAtSteadyRate, summarizeDurations, summarizeInSegments, waitUntil, type DurationSummary, type SegmentSummary } from './statistics';

export interface EscalationLatenessResult {
  intakeRatePerSecond: number;
  intakeSeconds: number;
  /** Response target of every priority, so the seconds from a ticket's SLA clock start to its escalation's due instant. */
  responseTargetSeconds: number;
  ticketCount: number;
  /** Tickets opened and escalated before the timed intake, not counted in any figure. */
  warmUpTicketCount: number;
  /** Open calls per second that the client achieved, from the first call to the last. */
  achievedIntakeRatePerSecond: number;
  /** Shift end of the first benchmark desk while the section ran (ISO instant), far enough ahead that no ticket hands off. */
  handOffAt: string;
  /** The SLA policy that the worker used for the section. */
  slaPolicy: SlaPolicy;
  /** From the due instant to the workflow's clock at the task that met the deadline (`details.firedAt − details.at`). */
  latenessToWorkflowTask: DurationSummary | null;
  /** The same lateness in four consecutive quarters of the tickets in opening order. A rise shows a queue building up. */
  latenessToWorkflowTaskByIntakeQuarter: SegmentSummary[];
  /** From the due instant to the event's row in the store (`recorded_at`, PostgreSQL's clock on the same machine). */
  latenessToStored: DurationSummary | null;
  /** From the client's open call to the ticket's first workflow task (its `opened_at`), where its SLA clock starts. */
  openingDelay: DurationSummary | null;
  /** The opening delay in four consecutive quarters of the tickets in opening order. */
  openingDelayByIntakeQuarter: SegmentSummary[];
  /** CPU seconds each process spent from the first open call until every escalation event was in the store. */
  cpuSeconds: CpuReading;
  /** The machine's 1-, 5- and 15-minute load averages over the same span; other work on the machine shows here. */
  loadAverages: { atStart: number[]; atEnd: number[] };
}

/** Settings of {@link measureEscalationLateness}, the same as the bare timer measurement's. */
export interface EscalationLatenessSettings {
  ratePerSecond: number;
  intakeSeconds: number;
  /** Seconds from a ticket's SLA clock start to its escalation's due instant. */
  delaySeconds: number;
}

const warmUpTicketCount = 20;
/** Time that the escalations may take to reach the store after every open call returned, the delay included. */
const escalationTimeoutMilliseconds = 120_000;
const storePollIntervalMilliseconds = 500;
/** Minimum time from the section's start to the hand-off. A longer section moves the hand-off further ahead. */
const minimumHandOffLeadMilliseconds = 60 * 60 * 1000;
const allPriorities: Priority[] = [1, 2, 3, 4, 5];

/**
 * Builds the SLA policy of the section. Every priority gets a response target
 * of `responseTargetSeconds` and a resolution target of one day, both on the
 * `24x7` calendar. One escalation level at 100 % notifies the duty manager and
 * marks the ticket breached. The pending reasons and the reopen behaviour are
 * `defaultSlaPolicy`'s.
 *
 * @throws InvalidSlaPolicyError when `responseTargetSeconds` is not a positive number.
 * @example
 *   createEscalationSlaPolicy(5).rules[0].response; // { targetMinutes: 0.0833…, calendar: '24x7' }
 */
export function createEscalationSlaPolicy(responseTargetSeconds: number): SlaPolicy {
  const policy: SlaPolicy = {
    ...defaultSlaPolicy,
    name: 'bench-escalations',
    rules: allPriorities.map((priority) => ({
      priority,
      response: { targetMinutes: responseTargetSeconds / 60, calendar: '24x7' },
      resolution: { targetMinutes: 24 * 60, calendar: '24x7' },
    })),
    escalationLevels: [{ name: 'breach', percentOfTarget: 100, actions: ['notify_duty_manager', 'mark_breached'] }],
  };

  // The product's own check, so the worker gets a policy that a configuration file could contain.
  return validateSlaPolicy(policy);
}

/**
 * Opens `ratePerSecond` tickets a second for `intakeSeconds` under an SLA
 * policy whose response target is `delaySeconds`, waits until every ticket's
 * escalation is in the store, and summarises how late the escalations fired.
 * Twenty warm-up tickets go first and are not counted. The worker gets the
 * benchmark desks with that policy for the section and the same desks
 * without it afterwards.
 *
 * @throws RangeError for a setting that is not a positive number.
 * @throws Error naming how many tickets have no escalation event when they are not all in the store two minutes after every open call returned.
 * @example
 *   const escalations = await measureEscalationLateness(context, { ratePerSecond: 20, intakeSeconds: 20, delaySeconds: 5 });
 *   console.log(escalations.latenessToWorkflowTask?.p99Milliseconds);
 */
export async function measureEscalationLateness(context: BenchContext, settings: EscalationLatenessSettings): Promise<EscalationLatenessResult> {
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new RangeError(`invalid escalation setting ${name} ${value}: use a number greater than 0`);
    }
  }

  const ticketCount = Math.max(1, Math.round(settings.ratePerSecond * settings.intakeSeconds));
  const warmUpCount = Math.min(warmUpTicketCount, ticketCount);
  const slaPolicy = createEscalationSlaPolicy(settings.delaySeconds);
  // Upper bound of the section's duration: two intakes (warm-up and timed), each followed by the delay and the wait for the store.
  const longestSectionMilliseconds = (warmUpCount / settings.ratePerSecond + settings.intakeSeconds + 2 * settings.delaySeconds) * 1000 + 2 * escalationTimeoutMilliseconds;
  const handOffAt = nextWholeMinute(new Date(Date.now() + Math.max(minimumHandOffLeadMilliseconds, 2 * longestSectionMilliseconds)));
  const desks = createBenchDeskConfiguration(handOffAt);
  await context.host.configure({ ...desks, slaPolicy });

  try {
    context.progress(`escalations: warming up with ${warmUpCount} tickets`);
    await openAndAwaitEscalations(context, `${context.runId}-escalation-warm-up`, warmUpCount, settings.ratePerSecond);

    context.progress(`escalations: ${ticketCount} tickets at ${settings.ratePerSecond}/s, each escalating ${settings.delaySeconds} s after its SLA clock starts, with no agent response`);
    const cpuBefore = context.readCpu();
    const loadAveragesAtStart = os.loadavg();
    const intake = await openAndAwaitEscalations(context, `${context.runId}-escalation`, ticketCount, settings.ratePerSecond);
    const cpuSeconds = cpuSecondsBetween(cpuBefore, context.readCpu());
    const loadAverages = { atStart: loadAveragesAtStart, atEnd: os.loadavg() };

    const latenessToWorkflowTask = intake.escalations.map((escalation) => escalation.firedAtEpochMilliseconds - escalation.dueAtEpochMilliseconds);
    const openingDelay = intake.escalations.map((escalation) => escalation.openedAtEpochMilliseconds - escalation.openCalledAtEpochMilliseconds);
    return {
      intakeRatePerSecond: settings.ratePerSecond,
      intakeSeconds: settings.intakeSeconds,
      responseTargetSeconds: settings.delaySeconds,
      ticketCount,
      warmUpTicketCount: warmUpCount,
      achievedIntakeRatePerSecond: achievedRatePerSecond(ticketCount, intake.intakeSeconds),
      handOffAt: handOffAt.toISOString(),
      slaPolicy,
      latenessToWorkflowTask: summarizeDurations(latenessToWorkflowTask),
      latenessToWorkflowTaskByIntakeQuarter: summarizeInSegments(latenessToWorkflowTask, 4),
      latenessToStored: summarizeDurations(intake.escalations.map((escalation) => escalation.storedAtEpochMilliseconds - escalation.dueAtEpochMilliseconds)),
      openingDelay: summarizeDurations(openingDelay),
      openingDelayByIntakeQuarter: summarizeInSegments(openingDelay, 4),
      cpuSeconds,
      loadAverages,
    };
  } finally {
    // Later work in this worker process gets the desks without the section's short targets.
    await context.host.configure(desks);
  }
}

/** One ticket's escalation, with the instants around it in epoch milliseconds. */
interface StoredEscalation {
  ticketId: string;
  openCalledAtEpochMilliseconds: number;
  openedAtEpochMilliseconds: number;
  dueAtEpochMilliseconds: number;
  firedAtEpochMilliseconds: number;
  storedAtEpochMilliseconds: number;
}

/** Opens `count` tickets with ids `<prefix>-<index>` at the steady rate and waits until each one's escalation is in the store. Returns the escalations in opening order. */
async function openAndAwaitEscalations(
  context: BenchContext,
  idPrefix: string,
  count: number,
  ratePerSecond: number,
): Promise<{ intakeSeconds: number; escalations: StoredEscalation[] }> {
  const { calls, intakeSeconds } = await startAtSteadyRate(count, ratePerSecond, async (index) => {
    const ticketId = `${idPrefix}-${index}`;
    const openCalledAtEpochMilliseconds = Date.now();
    const opened = await context.tickets.open(benchTicket(ticketId, index));
    if (!opened.created) {
      throw new Error(`ticket '${ticketId}' already exists (${opened.existing ?? 'unknown state'}), so its escalation would not be this run's: use a fresh run id`);
    }
    return { ticketId, openCalledAtEpochMilliseconds };
  });
  const openedTickets = await Promise.all(calls);
  const ticketIds = openedTickets.map((ticket) => ticket.ticketId);

  // A timed-out wait alone is no error, because the last events may arrive after the last poll. The rows read next decide.
  await waitUntil(async () => (await countEscalatedTickets(context, ticketIds)) === ticketIds.length, {
    intervalMilliseconds: storePollIntervalMilliseconds,
    timeoutMilliseconds: escalationTimeoutMilliseconds,
  });
  const rows = await readEscalationRows(context, ticketIds);
  const missingIds = ticketIds.filter((ticketId) => !rows.has(ticketId));
  if (missingIds.length > 0) {
    throw new Error(
      `escalations: ${missingIds.length} of ${ticketIds.length} tickets have no response escalation event in the store ` +
        `${escalationTimeoutMilliseconds / 1000} s after every open call returned (first missing: ${missingIds[0] ?? 'none'}); ` +
        `look for 'SLA clocks not started' or failed activities in the worker log, or lower --timer-rate`,
    );
  }

  const escalations = openedTickets.map(({ ticketId, openCalledAtEpochMilliseconds }) => ({ ...rows.get(ticketId)!, openCalledAtEpochMilliseconds }));
  return { intakeSeconds, escalations };
}

async function countEscalatedTickets(context: BenchContext, ticketIds: readonly string[]): Promise<number> {
  const result = await context.store.query<{ count: number }>(
    "select count(distinct ticket_id)::int as count from ticket_events where type = 'sla_escalated' and ticket_id = any($1)",
    [ticketIds],
  );
  return result.rows[0]?.count ?? 0;
}

/** Reads each ticket's response-clock escalation event and its `opened_at`, by ticket id. */
async function readEscalationRows(context: BenchContext, ticketIds: readonly string[]): Promise<Map<string, Omit<StoredEscalation, 'openCalledAtEpochMilliseconds'>>> {
  const result = await context.store.query<{ ticket_id: string; details: Record<string, unknown>; recorded_at: Date; opened_at: Date }>(
    `select e.ticket_id, e.details, e.recorded_at, t.opened_at
       from ticket_events e join tickets t on t.id = e.ticket_id
      where e.type = 'sla_escalated' and e.ticket_id = any($1)
      order by e.ticket_id, e.sequence`,
    [ticketIds],
  );

  const rows = new Map<string, Omit<StoredEscalation, 'openCalledAtEpochMilliseconds'>>();
  for (const row of result.rows) {
    // The policy's resolution target is a day, so only the response clock escalates. The check keeps any other event out.
    if (row.details.clock !== 'response' || rows.has(row.ticket_id)) {
      continue;
    }
    rows.set(row.ticket_id, {
      ticketId: row.ticket_id,
      openedAtEpochMilliseconds: row.opened_at.getTime(),
      dueAtEpochMilliseconds: instantOf(row.details, 'at', row.ticket_id),
      firedAtEpochMilliseconds: instantOf(row.details, 'firedAt', row.ticket_id),
      storedAtEpochMilliseconds: row.recorded_at.getTime(),
    });
  }
  return rows;
}

/** Reads an ISO instant from an event's details. An event without it was written by a ticket workflow older than this benchmark. */
function instantOf(details: Record<string, unknown>, key: 'at' | 'firedAt', ticketId: string): number {
  const value = details[key];
  const epochMilliseconds = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(epochMilliseconds)) {
    throw new Error(`ticket '${ticketId}': its sla_escalated event has no valid details.${key} (${JSON.stringify(value)}), so the worker ran an older ticket workflow: rebuild with npm run build`);
  }
  return epochMilliseconds;
}
