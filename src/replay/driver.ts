/**
 * Drives a replay log through real ticket workflows on the time-skipping test
 * server, at the log's own pace. The log's instants are shifted by whole weeks
 * onto the server's clock, so weekdays and UTC times of day match the log.
 *
 * The driver cuts the log into clock steps. A step starts at the instant of
 * its first event, and the driver advances the server's clock to it. The
 * server fires every timer due until then at its exact instant. The driver
 * then delivers the step's events as signals, in order per ticket. A step ends before the next
 * duty boundary (an instant at which a desk comes on or goes off duty) and is
 * at most `clockStepMinutes` wide. So no event crosses a hand-off: each one
 * reaches its workflow while the same desks are on duty as at its recorded
 * instant, up to one step early, and its trail keeps the recorded instant.
 * Without duty boundaries the driver cuts at every quarter hour of UTC, the
 * finest granularity of UTC offsets in use, where every shift boundary of a
 * real time zone falls.
 */

import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

import { fourLevelPriorityMatrix } from '../domain/priority';
import type { OpenTicketInput } from '../domain/ticket';
import { TicketClient } from '../client/ticket-client';
import type { ReplayEvent, ReplayLog } from './ticket-event-log';

const weekMilliseconds = 7 * 24 * 60 * 60 * 1000;

/** Widest clock step between two duty boundaries, unless the caller sets another (see the module comment and docs/benchmarks.md). */
export const defaultClockStepMinutes = 60;

/** Grid of the clock steps when no duty boundaries are known: a quarter hour of UTC. */
const quarterHourMilliseconds = 15 * 60 * 1000;

export interface ReplayDriverOptions {
  environment: TestWorkflowEnvironment;
  log: ReplayLog;
  /** Widest clock step (see the module comment); `defaultClockStepMinutes` when absent. Used only with `dutyBoundaries`. */
  clockStepMinutes?: number;
  /**
   * Epoch milliseconds on the server's clock within [from, until] at which a
   * desk comes on or goes off duty, in time order (see `dutyBoundaries` in
   * src/calendar/duty-boundaries.ts). Without it, steps are cut at every quarter hour.
   */
  dutyBoundaries?: (fromMilliseconds: number, untilMilliseconds: number) => number[];
  /** Whether the server has the ticket search attributes registered. */
  searchAttributes?: boolean;
  /** Called after each batch with the events delivered so far. */
  onProgress?: (deliveredEvents: number, totalEvents: number) => void;
}

/** What the driver delivered; the report adds what the desk recorded. */
export interface ReplayDelivery {
  ticketIds: string[];
  deliveredEvents: number;
  /** Clock steps the driver took: each one advanced the server's clock once and waited for the desk's reactions. */
  clockSteps: number;
  /** Signals the server did not accept (for example to a ticket that had already closed), with the reason. */
  failedDeliveries: Array<{ ticketId: string; action: string; reason: string }>;
  /** Milliseconds added to every log instant to place it on the server's clock. */
  clockOffsetMilliseconds: number;
  logStartsAt: string;
  logEndsAt: string;
}

interface ScheduledEvent {
  event: ReplayEvent;
  /** Position in the ticket's own event list; part of the request id. */
  index: number;
  atMilliseconds: number;
}

function signalFor(event: ReplayEvent, requestId: string): { name: string; payload: Record<string, unknown> } {
  const envelope: Record<string, unknown> = { actor: event.actor, requestId, occurredAt: event.occurredAt };
  if (event.assignmentGroup !== null) {
    envelope.assignmentGroup = event.assignmentGroup;
  }
  if (event.supportLevel !== null) {
    envelope.supportLevel = event.supportLevel;
  }

  switch (event.action) {
    case 'queue':
      return { name: 'transfer', payload: envelope };
    case 'assign':
      return { name: 'assign', payload: { ...envelope, assignee: event.actor } };
    case 'pending':
      return { name: 'setPending', payload: { ...envelope, reason: event.pendingReason ?? 'other', note: event.note ?? undefined } };
    case 'resolve':
      return { name: 'resolve', payload: { ...envelope, firstContact: event.firstContact, notes: event.note ?? '' } };
    case 'confirm':
      return { name: 'confirm', payload: { actor: event.actor, requestId, occurredAt: event.occurredAt } };
    case 'reject':
      return { name: 'reject', payload: { actor: event.actor, requestId, occurredAt: event.occurredAt, reason: event.note ?? 'work resumed after the resolution' } };
    case 'cancel':
      return { name: 'cancel', payload: { ...envelope, reason: event.note ?? 'cancelled in the source log' } };
    case 'comment':
      return { name: 'comment', payload: { ...envelope, text: event.note ?? '(no text)' } };
    case 'open':
      throw new Error('open events start a workflow; they are not signals');
  }
}

/**
 * Replays every ticket of the log. Returns once every event has been delivered;
 * the workflows may still be recording the last ones (see `waitForStore`).
 *
 * @example
 *   const delivery = await driveReplay({ environment, log: await readReplayLog(path, { limit: 200 }) });
 */
export async function driveReplay(options: ReplayDriverOptions): Promise<ReplayDelivery> {
  const { environment, log } = options;
  const client: Client = environment.client;
  // Replay logs use four impact levels (BPI Challenge 2013: Low, Medium, High, Major).
  // NOTE: replayed tickets run without SLA clocks. Evaluating business calendars at every
  // event made the replay of 200 incidents several times slower; SLA attainment of a
  // replayed log is not reported yet.
  const tickets = new TicketClient(client, { searchAttributes: options.searchAttributes ?? false, priorityMatrix: fourLevelPriorityMatrix, slaClocks: false, notifications: false });

  const schedule: ScheduledEvent[] = [];
  const ticketsById = new Map(log.tickets.map((ticket) => [ticket.ticketId, ticket]));
  for (const ticket of log.tickets) {
    ticket.events.forEach((event, index) => schedule.push({ event, index, atMilliseconds: Date.parse(event.occurredAt) }));
  }
  schedule.sort((left, right) => left.atMilliseconds - right.atMilliseconds);

  const logStart = schedule[0]?.atMilliseconds ?? 0;
  const logEnd = schedule.at(-1)?.atMilliseconds ?? 0;
  const serverStart = await environment.currentTimeMs();
  const clockOffsetMilliseconds = Math.max(0, Math.ceil((serverStart - logStart) / weekMilliseconds)) * weekMilliseconds;

  const failedDeliveries: ReplayDelivery['failedDeliveries'] = [];
  let delivered = 0;
  let serverNow = serverStart;

  const deliver = async (scheduled: ScheduledEvent): Promise<void> => {
    const { event, index } = scheduled;
    const requestId = `${event.ticketId}#${index}`;
    try {
      if (event.action === 'open') {
        const ticket = ticketsById.get(event.ticketId)!;
        const input: OpenTicketInput = {
          ticketId: ticket.ticketId,
          title: ticket.title,
          description: event.note ?? '',
          customer: ticket.customer,
          customerTimeZone: ticket.customerTimeZone,
          impact: event.impact ?? 'medium',
          urgency: event.urgency ?? 'medium',
          actor: event.actor,
          assignmentGroup: event.assignmentGroup ?? undefined,
          supportLevel: event.supportLevel ?? undefined,
          occurredAt: event.occurredAt,
        };
        await tickets.open(input);
        return;
      }

      const signal = signalFor(event, requestId);
      await client.workflow.getHandle(event.ticketId).signal(signal.name, signal.payload);
    } catch (error) {
      failedDeliveries.push({ ticketId: event.ticketId, action: event.action, reason: (error as Error).message });
    }
  };

  // Duty boundaries on the log's clock: the server's boundaries moved back by the offset.
  const boundaries = options.dutyBoundaries?.(logStart + clockOffsetMilliseconds, logEnd + clockOffsetMilliseconds).map((instant) => instant - clockOffsetMilliseconds);
  const widestStepMilliseconds = (options.clockStepMinutes ?? defaultClockStepMinutes) * 60 * 1000;
  if (!(widestStepMilliseconds > 0)) {
    throw new Error(`invalid clock step of ${String(options.clockStepMinutes)} minutes: use a positive number of minutes`);
  }
  let nextBoundaryIndex = 0;
  const stepEndAfter = (stepStart: number): number => {
    if (boundaries === undefined) {
      return (Math.floor(stepStart / quarterHourMilliseconds) + 1) * quarterHourMilliseconds;
    }
    while (nextBoundaryIndex < boundaries.length && boundaries[nextBoundaryIndex]! <= stepStart) {
      nextBoundaryIndex += 1;
    }
    return Math.min(boundaries[nextBoundaryIndex] ?? Number.POSITIVE_INFINITY, stepStart + widestStepMilliseconds);
  };

  let position = 0;
  let steps = 0;
  while (position < schedule.length) {
    const stepStart = schedule[position]!.atMilliseconds;
    const stepEnd = stepEndAfter(stepStart);
    const batch: ScheduledEvent[] = [];
    while (position < schedule.length && schedule[position]!.atMilliseconds < stepEnd) {
      batch.push(schedule[position]!);
      position += 1;
    }
    steps += 1;

    const target = stepStart + clockOffsetMilliseconds;
    if (target > serverNow) {
      await environment.sleep(target - serverNow);
      serverNow = target;
    }

    // Events of one ticket go out in order; different tickets in parallel.
    const byTicket = new Map<string, ScheduledEvent[]>();
    for (const scheduled of batch) {
      const list = byTicket.get(scheduled.event.ticketId) ?? [];
      list.push(scheduled);
      byTicket.set(scheduled.event.ticketId, list);
    }
    await Promise.all(
      [...byTicket.values()].map(async (list) => {
        for (const scheduled of list) {
          await deliver(scheduled);
        }
      }),
    );

    delivered += batch.length;
    options.onProgress?.(delivered, schedule.length);
  }

  return {
    ticketIds: log.tickets.map((ticket) => ticket.ticketId),
    deliveredEvents: delivered,
    clockSteps: steps,
    failedDeliveries,
    clockOffsetMilliseconds,
    logStartsAt: new Date(logStart).toISOString(),
    logEndsAt: new Date(logEnd).toISOString(),
  };
}
