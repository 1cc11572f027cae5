/**
 * Reads weekly SLA calendars from a file, for `sundesk sla due --calendars`.
 * The file is JSON when its name ends in `.json`, YAML otherwise:
 *
 * ```json
 * {
 *   "calendars": [
 *     { "name": "uk-office", "timeZone": "Europe/London",
 *       "weeklyHours": [{ "weekdays": [1, 2, 3, 4, 5], "start": "09:00", "end": "17:30" }],
 *       "breaks": [{ "start": "12:30", "end": "13:00" }], "holidays": ["2026-12-25"] }
 *   ]
 * }
 * ```
 *
 * Desks and specialist groups come from the desk configuration file instead
 * (src/config/desk-configuration.ts).
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';

import { parse as parseYaml } from 'yaml';

import { InvalidSlaCalendarError, validateWeeklyCalendarDefinition, type WeeklyCalendarDefinition } from './business-calendars';

function parseCalendarText(text: string, file: string): unknown {
  const isJson = path.extname(file).toLowerCase() === '.json';
  try {
    return isJson ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new InvalidSlaCalendarError(`invalid ${isJson ? 'JSON' : 'YAML'} in calendar file ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
}

/**
 * Reads and checks a file of weekly calendars.
 *
 * @throws InvalidSlaCalendarError naming the file and the path of a bad value, or saying why the file cannot be read.
 * @example
 *   const weeklyCalendars = readWeeklyCalendarFile('sla-calendars.json');
 */
export function readWeeklyCalendarFile(file: string): WeeklyCalendarDefinition[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InvalidSlaCalendarError(`cannot read calendar file ${file}: ${(error as Error).message}`);
  }

  const content = parseCalendarText(text, file);
  const calendars = typeof content === 'object' && content !== null && !Array.isArray(content) ? (content as Record<string, unknown>).calendars : undefined;
  if (!Array.isArray(calendars)) {
    throw new InvalidSlaCalendarError(`invalid calendar file ${file}: expected an object with a "calendars" list of weekly calendars`);
  }

  return calendars.map((calendar, index) => {
    try {
      return validateWeeklyCalendarDefinition(calendar, `calendars[${index}]`);
    } catch (error) {
      throw error instanceof InvalidSlaCalendarError ? new InvalidSlaCalendarError(`${error.message} (in ${file})`) : error;
    }
  });
}
