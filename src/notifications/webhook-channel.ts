import type { WebhookSettings } from '../config/notification-settings';
import type { Notification } from './notification';
import type { ChannelDeliveryOptions, NotificationChannel } from './notification-channel';

/** Version of the JSON body that the webhook channel sends. It changes only when a field changes meaning or goes away. */
export const webhookPayloadVersion = 1;

/** Header that carries the notification id, so that a receiver can drop a repeated delivery. */
export const idempotencyKeyHeader = 'idempotency-key';

/** Headers that the channel sets itself and that the settings may not override. */
export const reservedWebhookHeaders: readonly string[] = ['content-type', idempotencyKeyHeader];

/** Characters of the receiver's response body kept in an error message. */
const maxResponseExcerptCharacters = 200;

/** Thrown when a webhook delivery fails; the message names the URL and the HTTP status or the cause. */
export class WebhookDeliveryError extends Error {
  override name = 'WebhookDeliveryError';

  constructor(
    message: string,
    /** HTTP status of the response, or null when no response arrived (timeout, network error, cancellation). */
    readonly status: number | null,
  ) {
    super(message);
  }
}

/**
 * Returns the URL as error messages and logs show it: without user name,
 * password and query string, which may carry secrets. A secret in the path
 * still shows, so keep secrets in the `headers` setting.
 *
 * @example
 *   describeWebhookUrl('https://user:secret@hooks.example/sundesk?token=abc'); // 'https://hooks.example/sundesk?…'
 */
export function describeWebhookUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}${parsed.search === '' ? '' : '?…'}`;
}

function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > maxResponseExcerptCharacters ? `${line.slice(0, maxResponseExcerptCharacters)}…` : line;
}

function hasMessage(value: unknown): value is { message: string; cause?: unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}

/**
 * Returns the innermost message of a fetch error, such as `connect ECONNREFUSED 127.0.0.1:9000`
 * for `fetch failed`. Errors are recognised by shape, not `instanceof`, because
 * an error from another realm (a Jest sandbox, a worker thread) fails that check.
 */
function causeMessage(error: unknown): string {
  let current: unknown = error;
  while (hasMessage(current) && hasMessage(current.cause)) {
    current = current.cause;
  }
  return hasMessage(current) ? current.message : String(current);
}

/**
 * Creates a channel that POSTs each notification as JSON to one URL. The body
 * is the notification with `"version": 1`. The request carries
 * `content-type: application/json`, the notification id in `idempotency-key`
 * and the configured headers. A response with a 2xx status is a delivery. Any
 * other status (redirects are not followed), a network error, a timeout
 * after `timeoutSeconds` or the activity's cancellation rejects with a
 * WebhookDeliveryError.
 *
 * @example
 *   const webhook = createWebhookChannel({ url: 'http://127.0.0.1:9000/hooks/sundesk', timeoutSeconds: 5, headers: {} });
 *   await webhook.deliver(notification, { signal: new AbortController().signal });
 */
export function createWebhookChannel(settings: WebhookSettings, name = 'webhook'): NotificationChannel {
  const shownUrl = describeWebhookUrl(settings.url);

  return {
    name,

    async deliver(notification: Notification, options: ChannelDeliveryOptions): Promise<void> {
      const timeoutSignal = AbortSignal.timeout(settings.timeoutSeconds * 1000);
      const signal = AbortSignal.any([options.signal, timeoutSignal]);
      const headers = { ...settings.headers, 'content-type': 'application/json', [idempotencyKeyHeader]: notification.notificationId };
      const body = JSON.stringify({ version: webhookPayloadVersion, ...notification });

      let status: number;
      let statusText: string;
      let responseText: string;
      try {
        const response = await fetch(settings.url, { method: 'POST', headers, body, signal, redirect: 'manual' });
        status = response.status;
        statusText = response.statusText;
        responseText = await response.text();
      } catch (error) {
        if (timeoutSignal.aborted) {
          throw new WebhookDeliveryError(`POST ${shownUrl} timed out after ${settings.timeoutSeconds} s without a complete response`, null);
        }
        if (options.signal.aborted) {
          throw new WebhookDeliveryError(`POST ${shownUrl} was cancelled with the activity`, null);
        }
        throw new WebhookDeliveryError(`POST ${shownUrl} failed: ${causeMessage(error)}`, null);
      }

      if (status < 200 || status > 299) {
        const responseExcerpt = excerpt(responseText);
        throw new WebhookDeliveryError(`POST ${shownUrl} returned HTTP ${status}${statusText === '' ? '' : ` ${statusText}`}${responseExcerpt === '' ? '' : `: ${responseExcerpt}`}; the receiver must respond with a 2xx status`, status);
      }
    },
  };
}
