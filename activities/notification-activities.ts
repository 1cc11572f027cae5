import { ApplicationFailure, asyncLocalStorage } from '@temporalio/activity';
import type { Logger } from 'pino';

import { outboxChannelName, type DeliveryReport, type Notification, type NotificationDelivery } from '../src/notifications/notification';
import type { NotificationChannel } from '../src/notifications/notification-channel';
import { InvalidNotificationError, validateNotification } from '../src/notifications/validate-notification';
import type { StoreDatabase } from '../src/store/database';
import { recordDeliveryAttempt, storeNotification, type StoredNotification } from '../src/store/notification-store';

export interface NotificationActivityDependencies {
  database: StoreDatabase;
  /** Channels besides the outbox, which is always added. Names must be unique and must not be `outbox`. */
  channels: readonly NotificationChannel[];
  logger: Logger;
}

/**
 * Thrown when at least one channel failed, so that Temporal retries the
 * activity. The message names each failed channel and its error.
 */
export class NotificationDeliveryError extends Error {
  override name = 'NotificationDeliveryError';

  constructor(
    message: string,
    /** Names of the channels that failed on this attempt. */
    readonly failedChannels: string[],
  ) {
    super(message);
  }
}

/** Failure type of a notification that no retry can store; the activity fails without retries. */
export const invalidNotificationFailureType = 'InvalidNotification';

const channelNamePattern = /^[a-z][a-z0-9-]*$/;

function validateChannels(channels: readonly NotificationChannel[]): void {
  const seen = new Set<string>([outboxChannelName]);
  for (const channel of channels) {
    if (!channelNamePattern.test(channel.name)) {
      throw new Error(`invalid notification channel name ${JSON.stringify(channel.name)}: use lowercase letters, digits and hyphens, starting with a letter, for example webhook`);
    }
    if (seen.has(channel.name)) {
      throw new Error(`duplicate notification channel name '${channel.name}': give every channel its own name (the outbox channel is added automatically)`);
    }
    seen.add(channel.name);
  }
}

/** Strips the store's bookkeeping, so that channels receive the notification as the caller raised it. */
function deliverableNotification(stored: StoredNotification): Notification {
  const { storedAt: _storedAt, deliveries: _deliveries, ...notification } = stored;
  return notification;
}

/** The activity's cancellation signal, or a signal that never aborts when the function runs outside an activity (a direct call in a test). */
function cancellationSignal(): AbortSignal {
  return asyncLocalStorage.getStore()?.cancellationSignal ?? new AbortController().signal;
}

/**
 * Builds the notification activity. It runs on the ticket task queue next to
 * the ticket activities.
 *
 * @throws Error for a channel with an invalid or duplicate name.
 * @example
 *   const activities = createNotificationActivities({ database, channels: [createWebhookChannel(settings.webhook)], logger });
 *   await activities.deliverNotification(notification);
 */
export function createNotificationActivities(dependencies: NotificationActivityDependencies) {
  const { database, channels, logger } = dependencies;
  validateChannels(channels);
  const channelNames = channels.map((channel) => channel.name);

  return {
    /**
     * Stores the notification in the outbox and delivers it on every other
     * channel that has not had it yet. Storing is idempotent: a notification
     * whose id is already stored keeps its stored copy, which the channels
     * then receive. Each attempt on a channel is counted with its error in
     * the store.
     *
     * @throws ApplicationFailure (non-retryable, type `InvalidNotification`) for a notification that fails validation.
     * @throws NotificationDeliveryError naming the failed channels, so Temporal retries; delivered channels are skipped on the retry.
     * @example
     *   const report = await deliverNotification({ notificationId: 'SD-1:sla:resolution:breach', ticketId: 'SD-1', kind: 'sla_escalation', recipients: ['duty-manager'], subject: 'SD-1 breached its resolution target', payload: {}, createdAt: '2026-03-02T09:00:00Z' });
     */
    async deliverNotification(input: Notification): Promise<DeliveryReport> {
      let notification: Notification;
      try {
        notification = validateNotification(input);
      } catch (error) {
        if (error instanceof InvalidNotificationError) {
          throw ApplicationFailure.nonRetryable(error.message, invalidNotificationFailureType);
        }
        throw error;
      }

      const { newlyStored, stored } = await storeNotification(database, notification, channelNames);
      const log = logger.child({ ticketId: stored.ticketId, notificationId: stored.notificationId });
      if (newlyStored) {
        log.info({ kind: stored.kind, recipients: stored.recipients }, 'notification stored in the outbox');
      } else {
        log.info('notification already in the outbox; delivering the stored copy to the remaining channels');
      }

      const deliveries = new Map<string, NotificationDelivery>(stored.deliveries.map((delivery) => [delivery.channel, delivery]));
      const remainingChannels = channels.filter((channel) => deliveries.get(channel.name)?.status !== 'delivered');
      const deliverable = deliverableNotification(stored);
      const signal = cancellationSignal();

      const failures = await Promise.all(
        remainingChannels.map(async (channel): Promise<string | undefined> => {
          const attemptedAt = new Date();
          let failure: string | undefined;
          try {
            await channel.deliver(deliverable, { signal });
          } catch (error) {
            failure = error instanceof Error ? error.message : String(error);
          }

          const delivery = await recordDeliveryAttempt(database, stored.notificationId, channel.name, failure === undefined ? { delivered: true } : { delivered: false, error: failure }, attemptedAt);
          if (delivery !== undefined) {
            deliveries.set(channel.name, delivery);
          }
          if (failure === undefined) {
            log.info({ channel: channel.name, attempts: delivery?.attempts }, 'notification delivered');
            return undefined;
          }
          log.warn({ channel: channel.name, attempts: delivery?.attempts, error: failure }, 'notification delivery failed; the activity retries');
          return `${channel.name}: ${failure}`;
        }),
      );

      const failed = failures.filter((failure): failure is string => failure !== undefined);
      if (failed.length > 0) {
        const failedChannels = remainingChannels.filter((_channel, index) => failures[index] !== undefined).map((channel) => channel.name);
        throw new NotificationDeliveryError(
          `notification ${stored.notificationId} of ticket ${stored.ticketId} not delivered on ${failedChannels.join(', ')} (${failed.join('; ')}); a retry delivers to the failed channels only`,
          failedChannels,
        );
      }

      return {
        notificationId: stored.notificationId,
        ticketId: stored.ticketId,
        newlyStored,
        deliveredNow: [...(newlyStored ? [outboxChannelName] : []), ...remainingChannels.map((channel) => channel.name)],
        deliveries: [...deliveries.values()],
      };
    },
  };
}

export type NotificationActivities = ReturnType<typeof createNotificationActivities>;
