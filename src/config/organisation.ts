/**
 * Organisation-wide settings: the priority matrix and the customer-confirmation
 * policy. Read from the JSON file named by SUNDESK_SETTINGS, else the defaults.
 */

import { readFileSync } from 'node:fs';

import { defaultPriorityMatrix, validatePriorityMatrix, type PriorityMatrix } from '../domain/priority';
import { defaultNotificationSettings, InvalidNotificationSettingsError, parseNotificationSettings, type NotificationSettings } from './notification-settings';

/** Reminder and auto-close rules for resolved tickets that wait for the customer's confirmation. */
export interface ConfirmationPolicy {
  name: string;
  /** Business days after the resolution at which a reminder goes to the customer. */
  reminderAfterBusinessDays: number[];
  /** Business days without a reply after which the ticket closes without confirmation; null never auto-closes. */
  autoCloseAfterBusinessDays: number | null;
}

export interface OrganisationSettings {
  priorityMatrix: PriorityMatrix;
  confirmationPolicy: ConfirmationPolicy;
  /** Notification channels besides the outbox (src/config/notification-settings.ts). */
  notifications: NotificationSettings;
}

/** The default policy: reminders after 2 and 4 business days, and no auto-close. */
export const defaultConfirmationPolicy: ConfirmationPolicy = {
  name: 'remind-never-close',
  reminderAfterBusinessDays: [2, 4],
  autoCloseAfterBusinessDays: null,
};

export const defaultOrganisationSettings: OrganisationSettings = {
  priorityMatrix: defaultPriorityMatrix,
  confirmationPolicy: defaultConfirmationPolicy,
  notifications: defaultNotificationSettings,
};

/** Thrown for a settings file that cannot be used; the message names the file and the bad value. */
export class InvalidSettingsError extends Error {
  override name = 'InvalidSettingsError';
}

function validateConfirmationPolicy(value: unknown, file: string): ConfirmationPolicy {
  const policy = value as Partial<ConfirmationPolicy> | undefined;
  if (policy === undefined) {
    return defaultConfirmationPolicy;
  }

  const days = policy.reminderAfterBusinessDays ?? [];
  if (!Array.isArray(days) || days.some((day) => !Number.isInteger(day) || day <= 0)) {
    throw new InvalidSettingsError(`${file}: invalid confirmationPolicy.reminderAfterBusinessDays ${JSON.stringify(days)}: use a list of whole numbers greater than 0`);
  }
  const autoClose = policy.autoCloseAfterBusinessDays ?? null;
  if (autoClose !== null && (!Number.isInteger(autoClose) || autoClose <= 0)) {
    throw new InvalidSettingsError(`${file}: invalid confirmationPolicy.autoCloseAfterBusinessDays ${JSON.stringify(autoClose)}: use a whole number greater than 0, or null to never auto-close`);
  }

  return { name: typeof policy.name === 'string' ? policy.name : 'custom', reminderAfterBusinessDays: [...days].sort((left, right) => left - right), autoCloseAfterBusinessDays: autoClose };
}

/** Top-level keys of the settings file. */
export const settingsFileKeys: readonly string[] = ['priorityMatrix', 'confirmationPolicy', 'notifications'];

/** Checks that the file contains a JSON object with only known keys, so that a misspelt key is not silently ignored. */
function validateSettingsKeys(content: unknown, file: string): Record<string, unknown> {
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    throw new InvalidSettingsError(`${file}: expected a JSON object with the keys ${settingsFileKeys.join(', ')}, found ${Array.isArray(content) ? 'a list' : JSON.stringify(content)}`);
  }

  const unknownKeys = Object.keys(content).filter((key) => !settingsFileKeys.includes(key));
  if (unknownKeys.length > 0) {
    const names = unknownKeys.map((key) => `'${key}'`).join(', ');
    throw new InvalidSettingsError(`${file}: unknown ${unknownKeys.length === 1 ? 'key' : 'keys'} ${names}: a settings file has only the keys ${settingsFileKeys.join(', ')}; remove or rename ${unknownKeys.length === 1 ? 'it' : 'them'}`);
  }
  return content as Record<string, unknown>;
}

/**
 * Loads the organisation settings from SUNDESK_SETTINGS (a JSON file with
 * optional `priorityMatrix`, `confirmationPolicy` and `notifications`), or
 * returns the defaults. SUNDESK_WEBHOOK_URL sets the webhook's address, with
 * or without a settings file.
 *
 * @throws InvalidSettingsError naming the file and the bad value, also for a
 *   key other than those of `settingsFileKeys`.
 * @example
 *   const { priorityMatrix } = loadOrganisationSettings();
 */
export function loadOrganisationSettings(file: string | undefined = process.env.SUNDESK_SETTINGS): OrganisationSettings {
  if (file === undefined || file === '') {
    return { ...defaultOrganisationSettings, notifications: readNotificationSettings(undefined, 'SUNDESK_WEBHOOK_URL') };
  }

  let content: unknown;
  try {
    content = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InvalidSettingsError(`cannot read settings file ${file}: ${(error as Error).message}. Fix the file or unset SUNDESK_SETTINGS`);
  }
  const parsed = validateSettingsKeys(content, file);

  let priorityMatrix = defaultPriorityMatrix;
  if (parsed.priorityMatrix !== undefined) {
    try {
      priorityMatrix = validatePriorityMatrix(parsed.priorityMatrix);
    } catch (error) {
      throw new InvalidSettingsError(`${file}: ${(error as Error).message}`);
    }
  }

  return { priorityMatrix, confirmationPolicy: validateConfirmationPolicy(parsed.confirmationPolicy, file), notifications: readNotificationSettings(parsed.notifications, file) };
}

/** Parses the `notifications` value; `source` names the file (or the variable) in the error. */
function readNotificationSettings(value: unknown, source: string): NotificationSettings {
  try {
    return parseNotificationSettings(value);
  } catch (error) {
    if (error instanceof InvalidNotificationSettingsError) {
      throw new InvalidSettingsError(`${source}: ${error.message}`);
    }
    throw error;
  }
}
