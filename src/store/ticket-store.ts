import { sql } from 'kysely';

import type { DeskConfiguration } from '../domain/desks';
import type { TicketEvent, TicketState } from '../domain/ticket';
import type { StoreDatabase } from './database';
import type { TicketEventRow, TicketRow } from './schema';

/**
 * Inserts ticket events; an event already stored (same ticket and sequence) is
 * left as it is, so an activity retried after a crash never writes it twice.
 *
 * @returns how many events were new.
 * @example
 *   await insertTicketEvents(database, [openedEvent]); // 1, then 0 on a retry
 */
export async function insertTicketEvents(database: StoreDatabase, events: readonly TicketEvent[]): Promise<number> {
  if (events.length === 0) {
    return 0;
  }

  const result = await database
    .insertInto('ticket_events')
    .values(
      events.map((event) => ({
        ticket_id: event.ticketId,
        sequence: event.sequence,
        type: event.type,
        actor: event.actor,
        desk_id: event.deskId,
        occurred_at: event.occurredAt,
        reason: event.reason,
        details: JSON.stringify(event.details),
      })),
    )
    .onConflict((conflict) => conflict.columns(['ticket_id', 'sequence']).doNothing())
    .executeTakeFirst();

  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

function runningDueAt(state: TicketState, kind: 'response' | 'resolution'): string | null {
  const snapshot = state.sla?.snapshots[kind];
  return snapshot?.state === 'running' ? snapshot.dueAt : null;
}

/**
 * Writes the ticket's current state and its new events in one transaction.
 * The ticket row moves only forwards: a projection older than the stored row
 * (a retried or delayed activity) changes nothing.
 *
 * @example
 *   await projectTicket(database, state, state.recentEvents.slice(-2));
 */
export async function projectTicket(database: StoreDatabase, state: TicketState, events: readonly TicketEvent[]): Promise<void> {
  const row = {
    id: state.ticketId,
    title: state.title,
    description: state.description,
    customer: state.customer,
    customer_time_zone: state.customerTimeZone,
    impact: state.impact,
    urgency: state.urgency,
    priority: state.priority,
    status: state.status,
    pending_reason: state.pendingReason,
    owner_desk_id: state.ownership?.deskId ?? null,
    assignment_group: state.assignmentGroup,
    support_level: state.supportLevel,
    assignee: state.assignee,
    opened_at: state.openedAt,
    resolved_at: state.resolvedAt,
    closed_at: state.closedAt,
    closed_without_confirmation: state.closedWithoutConfirmation,
    first_contact_resolution: state.firstContactResolution,
    hand_off_count: state.handOffCount,
    transfer_count: state.transferCount,
    reopen_count: state.reopenCount,
    refused_message_count: state.refusedMessageCount,
    sla_breached: state.slaBreached ?? false,
    response_due_at: runningDueAt(state, 'response'),
    resolution_due_at: runningDueAt(state, 'resolution'),
    last_event_sequence: state.lastSequence,
    updated_at: new Date(),
  };

  await database.transaction().execute(async (transaction) => {
    await insertTicketEvents(transaction, events);

    const { id: _id, ...changes } = row;
    await transaction
      .insertInto('tickets')
      .values(row)
      .onConflict((conflict) =>
        conflict
          .column('id')
          .doUpdateSet(changes)
          .where('tickets.last_event_sequence', '<=', sql<number>`excluded.last_event_sequence`),
      )
      .execute();
  });
}

/**
 * Reads one ticket row, or undefined when the store has none with that id.
 *
 * @example
 *   const ticket = await findTicket(database, 'SD-1001');
 */
export async function findTicket(database: StoreDatabase, ticketId: string): Promise<TicketRow | undefined> {
  return database.selectFrom('tickets').selectAll().where('id', '=', ticketId).executeTakeFirst();
}

/**
 * Reads a ticket's event trail in sequence order.
 *
 * @example
 *   const events = await listTicketEvents(database, 'SD-1001');
 */
export async function listTicketEvents(database: StoreDatabase, ticketId: string): Promise<TicketEventRow[]> {
  return database.selectFrom('ticket_events').selectAll().where('ticket_id', '=', ticketId).orderBy('sequence').execute();
}

/**
 * Stores the desk definitions so that reports can join tickets to desks.
 *
 * @example
 *   await saveDesks(database, exampleDeskConfiguration);
 */
export async function saveDesks(database: StoreDatabase, configuration: DeskConfiguration): Promise<void> {
  for (const desk of configuration.desks) {
    const row = {
      id: desk.id,
      name: desk.name,
      time_zone: desk.timeZone,
      task_queue: desk.taskQueue,
      definition: JSON.stringify(desk),
      updated_at: new Date(),
    };

    await database
      .insertInto('desks')
      .values(row)
      .onConflict((conflict) => conflict.column('id').doUpdateSet({ name: row.name, time_zone: row.time_zone, task_queue: row.task_queue, definition: row.definition, updated_at: row.updated_at }))
      .execute();
  }
}
