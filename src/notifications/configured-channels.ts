import type { NotificationSettings } from '../config/notification-settings';
import type { NotificationChannel } from './notification-channel';
import { createWebhookChannel } from './webhook-channel';

/**
 * Creates the channels that the settings configure, besides the outbox,
 * which the notification activity always adds itself.
 *
 * @returns no channels when the settings configure none.
 * @example
 *   const notificationChannels = createConfiguredNotificationChannels(loadOrganisationSettings().notifications);
 */
export function createConfiguredNotificationChannels(settings: NotificationSettings): NotificationChannel[] {
  return settings.webhook === null ? [] : [createWebhookChannel(settings.webhook)];
}
