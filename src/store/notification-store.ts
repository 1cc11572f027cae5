import { DateTime } from 'luxon';

import { outboxChannelName, type DeliveryStatus, type Notification, type NotificationDelivery, type NotificationKind } from '../notifications/notification';
import type { StoreDatabase } from './database';
import type { NotificationDeliveryRow, NotificationRow } from './schema';

/** A notification as the outbox stores it, with its delivery state on every channel. */
export interface StoredNotification extends Notification {
  /** ISO 8601 instant in UTC at which the outbox row was written. */
  storedAt: string;
  /** The `outbox` channel first, then the other channels by name. */
  deliveries: NotificationDelivery[];
}

/** Result of one delivery attempt on one channel. */
export type DeliveryOutcome = { delivered: true } | { delivered: false; error: string };

function isoInstant(value: Date): string {
  return DateTime.fromJSDate(value, { zone: 'utc' }).toISO()!;
}

function toDelivery(row: NotificationDeliveryRow): NotificationDelivery {
  return {
    channel: row.channel,
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    lastError: row.last_error,
    lastAttemptAt: row.last_attempt_at === null ? null : isoInstant(row.last_attempt_at),
    deliveredAt: row.delivered_at === null ? null : isoInstant(row.delivered_at),
  };
}

function toStoredNotification(row: NotificationRow, deliveries: NotificationDeliveryRow[]): StoredNotification {
  const ordered = [...deliveries].sort((left, right) => {
    if (left.channel === outboxChannelName || right.channel === outboxChannelName) {
      return left.channel === outboxChannelName ? -1 : 1;
    }
    return left.channel.localeCompare(right.channel);
  });

  return {
    notificationId: row.id,
    ticketId: row.ticket_id,
    kind: row.kind as NotificationKind,
    recipients: row.recipients,
    subject: row.subject,
    payload: row.payload as Notification['payload'],
    createdAt: isoInstant(row.created_at),
    storedAt: isoInstant(row.stored_at),
    deliveries: ordered.map(toDelivery),
  };
}

/**
 * Writes a notification to the outbox together with a delivery row per
 * channel, in one transaction. The outbox row counts as the `outbox` channel's
 * delivery, so that channel is `delivered` from the start; the other channels
 * start `pending`. A notification whose id is already stored is left as it is,
 * even when the new copy differs, and only delivery rows for channels added
 * since are created.
 *
 * @returns the stored notification (the earlier copy when one existed) and whether this call wrote it.
 * @example
 *   const { newlyStored, stored } = await storeNotification(database, notification, ['webhook']);
 */
export async function storeNotification(database: StoreDatabase, notification: Notification, channelNames: readonly string[]): Promise<{ newlyStored: boolean; stored: StoredNotification }> {
  const storedAt = new Date();

  return database.transaction().execute(async (transaction) => {
    const inserted = await transaction
      .insertInto('notifications')
      .values({
        id: notification.notificationId,
        ticket_id: notification.ticketId,
        kind: notification.kind,
        recipients: notification.recipients,
        subject: notification.subject,
        payload: JSON.stringify(notification.payload),
        created_at: notification.createdAt,
        stored_at: storedAt,
      })
      .onConflict((conflict) => conflict.column('id').doNothing())
      .executeTakeFirst();

    const outboxDelivery = { notification_id: notification.notificationId, channel: outboxChannelName, status: 'delivered', attempts: 1, last_error: null, last_attempt_at: storedAt, delivered_at: storedAt };
    const otherDeliveries = channelNames
      .filter((name) => name !== outboxChannelName)
      .map((name) => ({ notification_id: notification.notificationId, channel: name, status: 'pending', attempts: 0, last_error: null, last_attempt_at: null, delivered_at: null }));
    await transaction
      .insertInto('notification_deliveries')
      .values([outboxDelivery, ...otherDeliveries])
      .onConflict((conflict) => conflict.columns(['notification_id', 'channel']).doNothing())
      .execute();

    const row = await transaction.selectFrom('notifications').selectAll().where('id', '=', notification.notificationId).executeTakeFirstOrThrow();
    const deliveries = await transaction.selectFrom('notification_deliveries').selectAll().where('notification_id', '=', notification.notificationId).execute();
    return { newlyStored: Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0, stored: toStoredNotification(row, deliveries) };
  });
}

/**
 * Records one delivery attempt on a channel: counts it, and marks the channel
 * `delivered` or `failed` with the error message. A channel already
 * `delivered` is left as it is, so a late failure of a concurrent attempt
 * never undoes a success.
 *
 * @returns the channel's delivery state after the update, or undefined when the notification has no row for the channel.
 * @example
 *   await recordDeliveryAttempt(database, 'SD-1:sla:resolution:breach', 'webhook', { delivered: false, error: 'HTTP 503' }, new Date());
 */
export async function recordDeliveryAttempt(
  database: StoreDatabase,
  notificationId: string,
  channel: string,
  outcome: DeliveryOutcome,
  attemptedAt: Date,
): Promise<NotificationDelivery | undefined> {
  const changes = outcome.delivered
    ? { status: 'delivered', delivered_at: attemptedAt, last_attempt_at: attemptedAt }
    : { status: 'failed', last_error: outcome.error, last_attempt_at: attemptedAt };

  await database
    .updateTable('notification_deliveries')
    .set((expression) => ({ ...changes, attempts: expression('attempts', '+', 1) }))
    .where('notification_id', '=', notificationId)
    .where('channel', '=', channel)
    .where('status', '<>', 'delivered')
    .execute();

  const row = await database.selectFrom('notification_deliveries').selectAll().where('notification_id', '=', notificationId).where('channel', '=', channel).executeTakeFirst();
  return row === undefined ? undefined : toDelivery(row);
}

/**
 * Reads a ticket's notifications, oldest first, each with its delivery state per channel.
 *
 * @example
 *   const notifications = await listTicketNotifications(database, 'SD-1');
 */
export async function listTicketNotifications(database: StoreDatabase, ticketId: string): Promise<StoredNotification[]> {
  const rows = await database.selectFrom('notifications').selectAll().where('ticket_id', '=', ticketId).orderBy('created_at').orderBy('id').execute();
  if (rows.length === 0) {
    return [];
  }

  const deliveries = await database
    .selectFrom('notification_deliveries')
    .selectAll()
    .where(
      'notification_id',
      'in',
      rows.map((row) => row.id),
    )
    .execute();

  return rows.map((row) =>
    toStoredNotification(
      row,
      deliveries.filter((delivery) => delivery.notification_id === row.id),
    ),
  );
}
