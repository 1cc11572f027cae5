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
 * Every problem of the file is reported at once, one per line with the line
 * and column of the bad value and its path, as for the desk configuration.
 * Desks and specialist groups come from the desk configuration file instead
 * (src/config/desk-configuration.ts).
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';

import { LineCounter, parseDocument, type Document } from 'yaml';

import { formatConfigurationPath, type ConfigurationPath } from '../config/desk-configuration-schema';
import { checkWeeklyCalendarDefinition, closestName, InvalidSlaCalendarError, type SlaCalendarIssue, type WeeklyCalendarDefinition } from './business-calendars';

/** Top-level fields of a calendar file. */
const calendarFileFields: readonly string[] = ['calendars'];

const fileHint = 'pass the path of a YAML or JSON file with a "calendars" list of weekly calendars (see docs/sla.md)';

/** A problem of a calendar file, with the place of the bad value where the parser could find it. */
export interface LocatedSlaCalendarIssue extends SlaCalendarIssue {
  /** 1-based line of the bad value, or of its nearest enclosing value. */
  line?: number;
  /** 1-based column of that value. */
  column?: number;
}

/**
 * Thrown for a calendar file that cannot be parsed or has invalid values. The
 * message lists every problem as `file:line:column: path: message`.
 */
export class InvalidCalendarFileError extends InvalidSlaCalendarError {
  override name = 'InvalidCalendarFileError';

  constructor(
    readonly file: string,
    readonly issues: readonly LocatedSlaCalendarIssue[],
  ) {
    const count = `${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}`;
    super(`calendar file ${file} is invalid (${count}):\n${issues.map((issue) => `  ${formatLocatedIssue(file, issue)}`).join('\n')}`);
  }
}

function formatLocatedIssue(file: string, issue: LocatedSlaCalendarIssue): string {
  const place = issue.line === undefined ? file : `${file}:${issue.line}:${issue.column ?? 1}`;
  return `${place}: ${formatConfigurationPath(issue.path)}: ${issue.message}`;
}

/** Describes why a file cannot be read in words, without the system call and path that Node.js puts in its message. */
function readFailureReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'file not found';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return `the file cannot be read (${code ?? (error as Error).message.split('\n')[0]})`;
  }
}

/** Finds the line and column of the value at `valuePath`, or of its nearest enclosing value. */
function locate(document: Document, lineCounter: LineCounter, valuePath: ConfigurationPath): { line?: number; column?: number } {
  for (let length = valuePath.length; length >= 0; length -= 1) {
    const node = length === 0 ? document.contents : document.getIn(valuePath.slice(0, length), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range !== undefined) {
      const position = lineCounter.linePos(range[0]);
      return { line: position.line, column: position.col };
    }
  }
  return {};
}

/** Parses the file's text, or throws the syntax errors with their lines. */
function parseCalendarText(text: string, file: string, document: Document): unknown {
  if (path.extname(file).toLowerCase() === '.json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new InvalidCalendarFileError(file, [{ path: [], message: `invalid JSON: ${(error as Error).message.split('\n')[0]}` }]);
    }
  }

  if (document.errors.length > 0) {
    throw new InvalidCalendarFileError(
      file,
      document.errors.map((error) => ({ path: [], message: `invalid YAML: ${(error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '')}`, line: error.linePos?.[0].line, column: error.linePos?.[0].col })),
    );
  }
  return document.toJS() as unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the parsed file: its fields, each calendar, and that no two calendars share a name. */
function checkCalendarFile(content: unknown): { definitions: WeeklyCalendarDefinition[]; issues: SlaCalendarIssue[] } {
  if (!isRecord(content)) {
    return { definitions: [], issues: [{ path: [], message: 'expected an object with a "calendars" list of weekly calendars' }] };
  }

  const issues: SlaCalendarIssue[] = [];
  for (const key of Object.keys(content).filter((candidate) => !calendarFileFields.includes(candidate))) {
    const suggestion = closestName(key, calendarFileFields);
    issues.push({ path: [key], message: `unknown field '${key}': ${suggestion === undefined ? '' : `did you mean '${suggestion}'? `}a calendar file has the fields ${calendarFileFields.join(', ')}` });
  }

  const { calendars } = content;
  if (!Array.isArray(calendars)) {
    const found = calendars === undefined ? 'missing' : 'not a list';
    issues.push({ path: ['calendars'], message: `${found}: list the weekly calendars, each with name, timeZone and weeklyHours` });
    return { definitions: [], issues };
  }

  const definitions: WeeklyCalendarDefinition[] = [];
  const indexByName = new Map<string, number>();
  calendars.forEach((entry: unknown, index: number) => {
    const checked = checkWeeklyCalendarDefinition(entry, ['calendars', index]);
    issues.push(...checked.issues);

    const name = isRecord(entry) && typeof entry.name === 'string' ? entry.name : undefined;
    const firstIndex = name === undefined ? undefined : indexByName.get(name);
    if (name !== undefined && firstIndex !== undefined) {
      issues.push({ path: ['calendars', index, 'name'], message: `duplicate calendar name '${name}': calendars[${firstIndex}] has it already; give each calendar its own name` });
    } else if (name !== undefined) {
      indexByName.set(name, index);
    }

    if (checked.definition !== undefined) {
      definitions.push(checked.definition);
    }
  });

  return { definitions, issues };
}

/**
 * Reads and checks a file of weekly calendars.
 *
 * @throws InvalidSlaCalendarError with one line when the file cannot be read,
 *   naming the file and the fix. InvalidCalendarFileError, a subclass, when it
 *   cannot be parsed or has invalid values, listing every problem.
 * @example
 *   const weeklyCalendars = readWeeklyCalendarFile('sla-calendars.json');
 */
export function readWeeklyCalendarFile(file: string): WeeklyCalendarDefinition[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InvalidSlaCalendarError(`cannot read calendar file ${file}: ${readFailureReason(error)}; ${fileHint}`);
  }

  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true });
  const content = parseCalendarText(text, file, document);

  const { definitions, issues } = checkCalendarFile(content);
  if (issues.length > 0) {
    // A JSON file is nearly always valid YAML, so the YAML document can still locate its values.
    const locatable = document.errors.length === 0;
    const located: LocatedSlaCalendarIssue[] = issues.map((issue) => ({ ...issue, ...(locatable ? locate(document, lineCounter, issue.path) : {}) }));
    located.sort((left, right) => (left.line ?? Number.MAX_SAFE_INTEGER) - (right.line ?? Number.MAX_SAFE_INTEGER) || (left.column ?? 0) - (right.column ?? 0));
    throw new InvalidCalendarFileError(file, located);
  }
  return definitions;
}
