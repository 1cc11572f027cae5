import { DateTime } from 'luxon';

import { notificationKinds, type Notification, type NotificationKind } from './notification';

/** Thrown for a notification that cannot be stored; the message names the field, the bad value and the fix. */
export class InvalidNotificationError extends Error {
  override name = 'InvalidNotificationError';
}

const printableAsciiWithoutSpaces = /^[\x21-\x7E]+$/;
const trailingOffset = /(Z|[+-]\d{2}(:?\d{2})?)$/i;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(field: string, value: unknown, fix: string): InvalidNotificationError {
  return new InvalidNotificationError(`invalid notification ${field} ${JSON.stringify(value)}: ${fix}`);
}

/**
 * Checks a notification from outside the process (the workflow, a test) and
 * returns a copy whose `createdAt` is in UTC, the form the store returns.
 *
 * The notification id must be printable ASCII without spaces, because the
 * webhook channel sends it in an HTTP header. The subject must be one line.
 *
 * @throws InvalidNotificationError naming the field, the bad value and the fix.
 * @example
 *   const notification = validateNotification(input); // createdAt '2026-03-02T10:00:00+01:00' becomes '2026-03-02T09:00:00.000Z'
 */
export function validateNotification(input: unknown): Notification {
  if (!isPlainObject(input)) {
    throw invalid('', input, 'send an object with notificationId, ticketId, kind, recipients, subject, payload and createdAt');
  }

  const { notificationId, ticketId, kind, recipients, subject, payload, createdAt } = input;
  if (typeof notificationId !== 'string' || !printableAsciiWithoutSpaces.test(notificationId)) {
    throw invalid('notificationId', notificationId, 'use printable ASCII without spaces, for example SD-1:sla:resolution:breach');
  }
  if (typeof ticketId !== 'string' || ticketId.trim() === '') {
    throw invalid('ticketId', ticketId, 'use the id of the ticket that raises the notification, for example SD-1');
  }
  if (typeof kind !== 'string' || !notificationKinds.includes(kind as NotificationKind)) {
    throw invalid('kind', kind, `use one of ${notificationKinds.join(', ')}`);
  }

  const recipientsValid = Array.isArray(recipients) && recipients.length > 0 && recipients.every((recipient) => typeof recipient === 'string' && recipient.trim() !== '');
  if (!recipientsValid) {
    throw invalid('recipients', recipients, 'use a non-empty list of roles or addresses, for example ["duty-manager", "assignee:alice"]');
  }
  if (typeof subject !== 'string' || subject.trim() === '' || /[\r\n]/.test(subject)) {
    throw invalid('subject', subject, 'use one non-empty line of text');
  }
  if (!isPlainObject(payload)) {
    throw invalid('payload', payload, 'use a JSON object, for example { "clock": "resolution" }');
  }

  const instant = typeof createdAt === 'string' && trailingOffset.test(createdAt) ? DateTime.fromISO(createdAt, { setZone: true }) : undefined;
  if (instant === undefined || !instant.isValid) {
    throw invalid('createdAt', createdAt, 'use an ISO 8601 instant with an offset, for example 2026-03-02T09:00:00Z');
  }

  return {
    notificationId,
    ticketId,
    kind: kind as NotificationKind,
    recipients: recipients as string[],
    subject,
    payload: payload as Notification['payload'],
    createdAt: instant.toUTC().toISO()!,
  };
}
