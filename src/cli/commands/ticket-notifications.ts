/** `sundesk ticket notifications <ticketId>`: a ticket's notifications and their delivery state per channel. */

import type { Command } from 'commander';

import { listTicketNotifications, type StoredNotification } from '../../store/notification-store';
import { findTicket } from '../../store/ticket-store';
import { CommandError, openStore } from '../connections';
import { printFields, printJson, printTable } from '../print';

function printNotification(notification: StoredNotification): void {
  printFields([
    ['notification', notification.notificationId],
    ['kind', notification.kind],
    ['created at', notification.createdAt],
    ['recipients', notification.recipients.join(', ')],
    ['subject', notification.subject],
  ]);
  printTable(
    ['channel', 'status', 'attempts', 'last attempt', 'delivered at', 'last error'],
    notification.deliveries.map((delivery) => [delivery.channel, delivery.status, String(delivery.attempts), delivery.lastAttemptAt ?? '-', delivery.deliveredAt ?? '-', delivery.lastError ?? '']),
  );
}

/**
 * Adds `notifications <ticketId>` to the `ticket` command group. It reads the
 * ticket store only, so it works while Temporal is down.
 *
 * @example
 *   addTicketNotificationsCommand(ticket);
 */
export function addTicketNotificationsCommand(ticket: Command): void {
  ticket
    .command('notifications <ticketId>')
    .description("list a ticket's notifications, oldest first, with their delivery state on each channel")
    .option('--json', 'print JSON')
    .action(async (ticketId: string, options: { json?: boolean }) => {
      const database = openStore();
      try {
        const notifications = await listTicketNotifications(database, ticketId);
        if (notifications.length === 0 && (await findTicket(database, ticketId)) === undefined) {
          throw new CommandError(`ticket '${ticketId}' not found in the ticket store: check the id with 'sundesk ticket list'`);
        }

        if (options.json) {
          printJson({ ticketId, notifications });
          return;
        }
        if (notifications.length === 0) {
          process.stdout.write(`ticket ${ticketId} has no notifications\n`);
          return;
        }
        notifications.forEach((notification, index) => {
          if (index > 0) {
            process.stdout.write('\n');
          }
          printNotification(notification);
        });
      } finally {
        await database.destroy();
      }
    });
}
