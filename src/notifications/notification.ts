/**
 * Notification vocabulary shared by the ticket workflow, the notification
 * activity, its channels and the store. Everything here is plain data with no
 * Node imports, so workflow code may import these types.
 */

/** A value that JSON can represent, as stored in the outbox's jsonb payload. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Topic of a notification. The store keeps the kind as text, so adding a kind needs no migration. */
export type NotificationKind = 'sla_escalation' | 'customer_reminder' | 'group_escalation';

export const notificationKinds: readonly NotificationKind[] = ['sla_escalation', 'customer_reminder', 'group_escalation'];

/**
 * One notification that a ticket raises. The caller chooses `notificationId`
 * so that raising the same notification again (an activity retry, a replayed
 * escalation) stores and delivers it once.
 *
 * @example
 *   const notification: Notification = {
 *     notificationId: 'SD-1:sla:resolution:breach',
 *     ticketId: 'SD-1',
 *     kind: 'sla_escalation',
 *     recipients: ['duty-manager', 'assignee:alice'],
 *     subject: 'SD-1 breached its resolution target',
 *     payload: { clock: 'resolution', level: 'breach' },
 *     createdAt: '2026-03-02T09:00:00.000Z',
 *   };
 */
export interface Notification {
  /** Unique key chosen by the caller, in printable ASCII without spaces, for example `SD-1:sla:resolution:breach`. */
  notificationId: string;
  ticketId: string;
  kind: NotificationKind;
  /**
   * Roles or addresses, for example `assignee:alice`, `desk-lead:emea`,
   * `duty-manager`, `service-owner`, `customer:acme` or `group:network-l2`.
   */
  recipients: string[];
  /** One line for people, such as an e-mail subject. */
  subject: string;
  /** Details for the receiver, stored as jsonb. */
  payload: { [key: string]: JsonValue };
  /** ISO 8601 instant with an offset at which the ticket raised the notification. The store returns it in UTC. */
  createdAt: string;
}

/** Name of the channel that every deployment has: writing the outbox row is its delivery. */
export const outboxChannelName = 'outbox';

/** State of one notification on one channel. `failed` is retried on the activity's next attempt. */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One notification's delivery state on one channel, as the store records it. */
export interface NotificationDelivery {
  channel: string;
  status: DeliveryStatus;
  /** Delivery attempts on this channel so far, failed and successful. */
  attempts: number;
  /** Message of the latest failed attempt; kept after a later success, null when no attempt failed. */
  lastError: string | null;
  /** ISO 8601 instant in UTC of the latest attempt; null before the first. */
  lastAttemptAt: string | null;
  /** ISO 8601 instant in UTC of the successful attempt; null until then. */
  deliveredAt: string | null;
}

/** Result of `deliverNotification` once every configured channel has the notification. */
export interface DeliveryReport {
  notificationId: string;
  ticketId: string;
  /** Whether this call wrote the outbox row; false when an earlier call (or attempt) already had. */
  newlyStored: boolean;
  /** Channels that this call delivered to; channels delivered by earlier attempts are not repeated. */
  deliveredNow: string[];
  /** Delivery state of every channel that the store records for this notification. */
  deliveries: NotificationDelivery[];
}
