/**
 * Table types of the ticket store, as kysely sees them. The migrations under
 * migrations/ create these tables; keep both in step.
 */

import type { ColumnType, Generated, Selectable } from 'kysely';

/** A timestamptz column: written as a Date or ISO string, read as a Date. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** A jsonb column: written as a JSON string, read as the parsed value. */
type Json<T> = ColumnType<T, string, string>;

export interface DesksTable {
  id: string;
  name: string;
  time_zone: string;
  task_queue: string;
  definition: Json<Record<string, unknown>>;
  updated_at: Timestamp;
}

export interface TicketsTable {
  id: string;
  title: string;
  description: string;
  customer: string;
  customer_time_zone: string;
  impact: string;
  urgency: string;
  priority: number;
  status: string;
  pending_reason: string | null;
  owner_desk_id: string | null;
  assignment_group: string;
  support_level: string;
  assignee: string | null;
  opened_at: Timestamp;
  resolved_at: Timestamp | null;
  closed_at: Timestamp | null;
  closed_without_confirmation: boolean;
  first_contact_resolution: boolean;
  hand_off_count: number;
  transfer_count: number;
  reopen_count: number;
  refused_message_count: number;
  sla_breached: ColumnType<boolean, boolean | undefined, boolean>;
  /** Due instant of the response target while its clock runs; null once answered or paused. */
  response_due_at: Timestamp | null;
  /** Due instant of the resolution target while its clock runs; null while paused or once resolved. */
  resolution_due_at: Timestamp | null;
  /** Sequence of the newest event this row reflects; a projection never moves it backwards. */
  last_event_sequence: number;
  updated_at: Timestamp;
}

export interface TicketEventsTable {
  ticket_id: string;
  sequence: number;
  type: string;
  actor: string;
  desk_id: string | null;
  occurred_at: Timestamp;
  reason: string | null;
  details: Json<Record<string, unknown>>;
  recorded_at: Generated<Timestamp>;
}

/** The notification outbox: one row per notification, written once. */
export interface NotificationsTable {
  /** Notification id chosen by the caller, for example `SD-1:sla:resolution:breach`. */
  id: string;
  ticket_id: string;
  kind: string;
  /** Roles or addresses, for example `duty-manager` or `assignee:alice`. */
  recipients: string[];
  subject: string;
  payload: Json<Record<string, unknown>>;
  /** Instant at which the ticket raised the notification. */
  created_at: Timestamp;
  /** Instant at which the outbox row was written. */
  stored_at: ColumnType<Date, Date | string | undefined, never>;
}

/** Delivery state of one notification on one channel, including the `outbox` channel itself. */
export interface NotificationDeliveriesTable {
  notification_id: string;
  channel: string;
  /** `pending`, `delivered` or `failed`. */
  status: string;
  attempts: number;
  /** Message of the latest failed attempt; kept after a later success. */
  last_error: string | null;
  last_attempt_at: Timestamp | null;
  delivered_at: Timestamp | null;
}

export interface StoreSchema {
  desks: DesksTable;
  tickets: TicketsTable;
  ticket_events: TicketEventsTable;
  notifications: NotificationsTable;
  notification_deliveries: NotificationDeliveriesTable;
}

export type TicketRow = Selectable<TicketsTable>;
export type TicketEventRow = Selectable<TicketEventsTable>;
export type NotificationRow = Selectable<NotificationsTable>;
export type NotificationDeliveryRow = Selectable<NotificationDeliveriesTable>;
