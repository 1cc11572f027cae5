/**
 * The replay report: what the desk recorded for the replayed tickets, read back
 * from the ticket store, next to what the driver delivered.
 */

import type { Client } from '@temporalio/client';

import type { StoreDatabase } from '../store/database';
import type { TicketState } from '../domain/ticket';
import { ticketStateQuery } from '../../workflows/messages';
import type { ReplayDelivery } from './driver';
import type { ReplayLog } from './ticket-event-log';

export interface ReplayReport {
  ticketsReplayed: number;
  /** Tickets whose last log event closes them (confirm) or cancels them. */
  ticketsTheLogCloses: number;
  ticketsClosed: number;
  ticketsCancelled: number;
  ticketsStillOpen: number;
  /** Closed tickets that the desk closed by its auto-close policy, without the customer's confirmation. */
  ticketsClosedWithoutConfirmation: number;
  /** Tickets that the log closes but the desk did not (at most 20), for investigation. */
  ticketsNotClosedAsLogged: string[];
  firstContactResolutions: number;
  reopenedTickets: number;
  eventsDelivered: number;
  /** Clock steps of the driver (see src/replay/driver.ts). */
  clockSteps: number;
  failedDeliveries: number;
  refusedMessages: number;
  rejectedLogRows: number;
  handOffsPerDesk: Record<string, number>;
  ticketsReachingL2: number;
  ticketsReachingL3: number;
  /** Transfers back to a group that had held the ticket before (A to B to A). */
  pingPongTransfers: number;
  ticketsWithPingPong: number;
  logStartsAt: string;
  logEndsAt: string;
  wallTimeSeconds: number;
  ticketsPerSecond: number;
}

const terminal = new Set(['closed', 'cancelled']);

/**
 * Waits until the store reflects every replayed ticket: each ticket's row has
 * the sequence its workflow reports, twice in a row 250 ms apart, and tickets
 * that the log ends are closed or cancelled (or their workflow has settled
 * without closing, for example after a refused confirmation). Gives up after
 * `timeoutMilliseconds` without progress, so a stuck ticket shows up in the
 * report instead of hanging it.
 *
 * @example
 *   await waitForStore(database, client, log, { timeoutMilliseconds: 60_000 });
 */
export async function waitForStore(database: StoreDatabase, client: Client, log: ReplayLog, options: { timeoutMilliseconds: number }): Promise<void> {
  const ticketIds = log.tickets.map((ticket) => ticket.ticketId);

  let settled = 0;
  let lastProgressAt = Date.now();
  let matchedBefore = new Set<string>();
  while (Date.now() - lastProgressAt < options.timeoutMilliseconds) {
    const rows = ticketIds.length === 0 ? [] : await database.selectFrom('tickets').select(['id', 'status', 'last_event_sequence']).where('id', 'in', ticketIds).execute();
    const rowsById = new Map(rows.map((row) => [row.id, row]));

    const matchedNow = new Set<string>();
    let waiting = 0;
    for (const ticketId of ticketIds) {
      const row = rowsById.get(ticketId);
      if (row !== undefined && terminal.has(row.status)) {
        continue;
      }
      if (row === undefined) {
        waiting += 1;
        continue;
      }

      const state = await client.workflow.getHandle(ticketId).query<TicketState>(ticketStateQuery);
      if (state.lastSequence === row.last_event_sequence) {
        matchedNow.add(ticketId);
      }
      if (!matchedNow.has(ticketId) || !matchedBefore.has(ticketId)) {
        waiting += 1;
      }
    }
    matchedBefore = matchedNow;

    if (waiting === 0) {
      return;
    }
    const nowSettled = ticketIds.length - waiting;
    if (nowSettled > settled) {
      settled = nowSettled;
      lastProgressAt = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function levelsOf(details: Record<string, unknown>): string[] {
  return typeof details.supportLevel === 'string' ? [details.supportLevel] : [];
}

/**
 * Builds the report from the store and the driver's delivery figures.
 *
 * @example
 *   const report = await buildReplayReport(database, log, delivery, wallTimeSeconds);
 */
export async function buildReplayReport(database: StoreDatabase, log: ReplayLog, delivery: ReplayDelivery, wallTimeSeconds: number): Promise<ReplayReport> {
  const ticketIds = log.tickets.map((ticket) => ticket.ticketId);
  const rows = ticketIds.length === 0 ? [] : await database.selectFrom('tickets').selectAll().where('id', 'in', ticketIds).execute();
  const statusById = new Map(rows.map((row) => [row.id, row.status]));

  const handOffRows =
    ticketIds.length === 0
      ? []
      : await database
          .selectFrom('ticket_events')
          .select(['desk_id', (expression) => expression.fn.countAll<string>().as('count')])
          .where('type', '=', 'handed_off')
          .where('ticket_id', 'in', ticketIds)
          .groupBy('desk_id')
          .execute();

  const routingEvents =
    ticketIds.length === 0
      ? []
      : await database
          .selectFrom('ticket_events')
          .select(['ticket_id', 'type', 'details'])
          .where('type', 'in', ['opened', 'transferred', 'assigned', 'queued'])
          .where('ticket_id', 'in', ticketIds)
          .orderBy('ticket_id')
          .orderBy('sequence')
          .execute();

  const levelsByTicket = new Map<string, Set<string>>();
  const groupsHeld = new Map<string, Set<string>>();
  const ticketsWithPingPong = new Set<string>();
  let pingPongTransfers = 0;
  for (const event of routingEvents) {
    const levels = levelsByTicket.get(event.ticket_id) ?? new Set<string>();
    levelsOf(event.details).forEach((level) => levels.add(level));
    levelsByTicket.set(event.ticket_id, levels);

    const held = groupsHeld.get(event.ticket_id) ?? new Set<string>();
    if (event.type === 'opened' && typeof event.details.assignmentGroup === 'string') {
      held.add(event.details.assignmentGroup);
    }
    if (event.type === 'transferred' && typeof event.details.to === 'string') {
      if (held.has(event.details.to)) {
        pingPongTransfers += 1;
        ticketsWithPingPong.add(event.ticket_id);
      }
      held.add(event.details.to);
    }
    groupsHeld.set(event.ticket_id, held);
  }

  const reached = (level: string): number => [...levelsByTicket.values()].filter((levels) => [...levels].some((value) => value.includes(level))).length;

  return {
    ticketsReplayed: ticketIds.length,
    ticketsTheLogCloses: log.tickets.filter((ticket) => ['confirm', 'cancel'].includes(ticket.events.at(-1)?.action ?? '')).length,
    ticketsClosed: rows.filter((row) => row.status === 'closed').length,
    ticketsCancelled: rows.filter((row) => row.status === 'cancelled').length,
    ticketsStillOpen: rows.filter((row) => !terminal.has(row.status)).length,
    ticketsClosedWithoutConfirmation: rows.filter((row) => row.status === 'closed' && row.closed_without_confirmation).length,
    ticketsNotClosedAsLogged: log.tickets
      .filter((ticket) => ['confirm', 'cancel'].includes(ticket.events.at(-1)?.action ?? ''))
      .map((ticket) => ticket.ticketId)
      .filter((ticketId) => !terminal.has(statusById.get(ticketId) ?? ''))
      .slice(0, 20),
    firstContactResolutions: rows.filter((row) => row.first_contact_resolution && row.status === 'closed').length,
    reopenedTickets: rows.filter((row) => row.reopen_count > 0).length,
    eventsDelivered: delivery.deliveredEvents,
    clockSteps: delivery.clockSteps,
    failedDeliveries: delivery.failedDeliveries.length,
    refusedMessages: rows.reduce((sum, row) => sum + row.refused_message_count, 0),
    rejectedLogRows: log.rejectedRows.length,
    handOffsPerDesk: Object.fromEntries(handOffRows.map((row) => [row.desk_id ?? 'none', Number(row.count)])),
    ticketsReachingL2: reached('L2'),
    ticketsReachingL3: reached('L3'),
    pingPongTransfers,
    ticketsWithPingPong: ticketsWithPingPong.size,
    logStartsAt: delivery.logStartsAt,
    logEndsAt: delivery.logEndsAt,
    wallTimeSeconds,
    ticketsPerSecond: wallTimeSeconds > 0 ? ticketIds.length / wallTimeSeconds : 0,
  };
}
