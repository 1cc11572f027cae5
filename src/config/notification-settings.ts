/**
 * The `notifications` key of the organisation settings file (SUNDESK_SETTINGS),
 * which configures the channels besides the always-on outbox table:
 *
 *   { "notifications": { "webhook": { "url": "http://127.0.0.1:9000/hooks/sundesk", "timeoutSeconds": 5, "headers": { "authorization": "Bearer …" } } } }
 *
 * SUNDESK_WEBHOOK_URL overrides the webhook URL, so the file may leave `url`
 * out, and enables the webhook with the default timeout when the file
 * configures none.
 */

import { reservedWebhookHeaders } from '../notifications/webhook-channel';

/** Target URL, timeout and headers of the webhook channel. */
export interface WebhookSettings {
  /** http or https URL that receives a POST per notification. */
  url: string;
  /** Seconds a request may take, response body included, before it counts as failed. */
  timeoutSeconds: number;
  /** Extra request headers, for example `authorization`, which are never logged. */
  headers: Record<string, string>;
}

export interface NotificationSettings {
  /** Null when no webhook is configured. */
  webhook: WebhookSettings | null;
}

/** Timeout of a webhook request when the settings give none. */
export const defaultWebhookTimeoutSeconds = 10;

/** Environment variable that overrides `notifications.webhook.url`. */
export const webhookUrlVariable = 'SUNDESK_WEBHOOK_URL';

export const defaultNotificationSettings: NotificationSettings = { webhook: null };

/** Thrown for a `notifications` value that cannot be used; the message names the setting, the bad value and the fix. */
export class InvalidNotificationSettingsError extends Error {
  override name = 'InvalidNotificationSettingsError';
}

const headerNamePattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const headerValuePattern = /^[\t\x20-\x7E\x80-\xFF]*$/;
const exampleUrl = 'http://127.0.0.1:9000/hooks/sundesk';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rejectUnknownKeys(value: Record<string, unknown>, path: string, allowed: readonly string[]): void {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new InvalidNotificationSettingsError(`unknown key ${path}.${unknown[0]}: use only ${allowed.map((key) => `${path}.${key}`).join(', ')}`);
  }
}

/** Checks a webhook URL. `source` names the setting or variable it came from, for the error message. */
function validateWebhookUrl(value: unknown, source: string): string {
  let parsed: URL | undefined;
  try {
    parsed = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    parsed = undefined;
  }

  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new InvalidNotificationSettingsError(`invalid ${source} ${JSON.stringify(value)}: use an absolute http or https URL, for example ${exampleUrl}`);
  }
  return parsed.toString();
}

function validateTimeoutSeconds(value: unknown): number {
  if (value === undefined) {
    return defaultWebhookTimeoutSeconds;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidNotificationSettingsError(`invalid notifications.webhook.timeoutSeconds ${JSON.stringify(value)}: use a number of seconds greater than 0, for example 5`);
  }
  return value;
}

/** Checks the extra headers. Error messages name a bad header but never show its value, which may be a secret. */
function validateHeaders(value: unknown): Record<string, string> {
  if (value === undefined) {
    return {};
  }
  if (!isPlainObject(value)) {
    throw new InvalidNotificationSettingsError(`invalid notifications.webhook.headers ${JSON.stringify(value)}: use an object of header names to string values, for example { "authorization": "Bearer …" }`);
  }

  const headers: Record<string, string> = {};
  for (const [name, headerValue] of Object.entries(value)) {
    if (!headerNamePattern.test(name)) {
      throw new InvalidNotificationSettingsError(`invalid header name ${JSON.stringify(name)} in notifications.webhook.headers: use letters, digits and - only, for example authorization`);
    }
    if (reservedWebhookHeaders.includes(name.toLowerCase())) {
      throw new InvalidNotificationSettingsError(`header ${name} in notifications.webhook.headers is set by sundesk itself: remove it from the settings`);
    }
    if (typeof headerValue !== 'string' || !headerValuePattern.test(headerValue)) {
      throw new InvalidNotificationSettingsError(`invalid value of header ${name} in notifications.webhook.headers (a ${typeof headerValue}): use a string on one line`);
    }
    headers[name.toLowerCase()] = headerValue;
  }
  return headers;
}

/**
 * Validates the `notifications` value of the settings file and applies
 * SUNDESK_WEBHOOK_URL from `environment`. Undefined (no key in the file)
 * gives no webhook unless the variable is set.
 *
 * @throws InvalidNotificationSettingsError naming the setting or the variable, the bad value and the fix.
 * @example
 *   parseNotificationSettings({ webhook: { url: 'http://127.0.0.1:9000/hooks/sundesk', timeoutSeconds: 5 } }, {});
 *   // { webhook: { url: 'http://127.0.0.1:9000/hooks/sundesk', timeoutSeconds: 5, headers: {} } }
 */
export function parseNotificationSettings(value: unknown, environment: NodeJS.ProcessEnv = process.env): NotificationSettings {
  if (value !== undefined && !isPlainObject(value)) {
    throw new InvalidNotificationSettingsError(`invalid notifications ${JSON.stringify(value)}: use an object such as { "webhook": { "url": "${exampleUrl}" } }, or leave the key out`);
  }
  const notifications = value ?? {};
  rejectUnknownKeys(notifications, 'notifications', ['webhook']);

  const webhook = notifications.webhook;
  if (webhook !== undefined && !isPlainObject(webhook)) {
    throw new InvalidNotificationSettingsError(`invalid notifications.webhook ${JSON.stringify(webhook)}: use an object with url and optional timeoutSeconds and headers`);
  }
  if (webhook !== undefined) {
    rejectUnknownKeys(webhook, 'notifications.webhook', ['url', 'timeoutSeconds', 'headers']);
  }

  // The file's URL is checked even when the variable overrides it, so the file stays usable without the variable.
  const urlFromFile = webhook?.url === undefined ? undefined : validateWebhookUrl(webhook.url, 'notifications.webhook.url');
  const urlFromEnvironment = environment[webhookUrlVariable]?.trim();
  const url = urlFromEnvironment === undefined || urlFromEnvironment === '' ? urlFromFile : validateWebhookUrl(urlFromEnvironment, webhookUrlVariable);
  if (url === undefined && webhook !== undefined) {
    throw new InvalidNotificationSettingsError(`missing notifications.webhook.url: set it, for example to ${exampleUrl}, or set ${webhookUrlVariable}`);
  }
  if (url === undefined) {
    return defaultNotificationSettings;
  }

  return { webhook: { url, timeoutSeconds: validateTimeoutSeconds(webhook?.timeoutSeconds), headers: validateHeaders(webhook?.headers) } };
}
