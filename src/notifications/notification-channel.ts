import type { Notification } from './notification';

/** Options that the notification activity passes to a channel with each delivery. */
export interface ChannelDeliveryOptions {
  /** Signal that aborts when the activity is cancelled, so the channel can stop its I/O early. */
  signal: AbortSignal;
}

/**
 * A way of delivering notifications, besides the outbox table that always
 * receives them. The notification activity calls `deliver` until it resolves
 * once, so a channel may see the same notification more than once (at-least-once
 * delivery) and should let its receiver deduplicate by `notificationId`.
 *
 * @example
 *   const printer: NotificationChannel = {
 *     name: 'stdout',
 *     async deliver(notification) {
 *       process.stdout.write(`${notification.subject}\n`);
 *     },
 *   };
 */
export interface NotificationChannel {
  /** Name in the delivery table and in error messages: lowercase letters, digits and hyphens, for example `webhook`. */
  readonly name: string;
  /** Delivers one notification, or rejects with an error whose message describes the failure, and the activity retries later. */
  deliver(notification: Notification, options: ChannelDeliveryOptions): Promise<void>;
}
