/**
 * Reader for the generic ticket-event format (docs/replay-format.md), as CSV
 * (`.csv`, `.csv.gz`) or JSON Lines (`.jsonl`, `.jsonl.gz`).
 *
 * Every field of every row is validated. A row that fails goes to
 * `rejectedRows` with its line number and the reasons, and reading goes on.
 * Problems with the file as a whole (missing file, damaged gzip, invalid CSV
 * quoting, unknown CSV columns) raise a `ReplayLogError` instead.
 *
 * The module also contains the file helpers that the BPI Challenge 2013
 * adapter shares: opening a plain or gzip file, CSV records with line
 * numbers, instants with offsets and the ticket limit check.
 */

import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

import { CsvError, parse } from 'csv-parse';
import { DateTime, IANAZone } from 'luxon';

import { fourLevelPriorityMatrix, impactLevels, urgencyLevels, type Impact, type Urgency } from '../domain/priority';

/** Impact and urgency levels of replay logs: those of the four-level matrix that the replay uses. */
const impacts = impactLevels(fourLevelPriorityMatrix);
const urgencies = urgencyLevels(fourLevelPriorityMatrix);
import { pendingReasons, type PendingReason } from '../domain/ticket';
import type { RejectedLogRow, ReplayAction, ReplayEvent, ReplayLog, ReplayTicket } from './ticket-event-log';

/** A problem with a replay log file as a whole, as opposed to one of its rows. */
export class ReplayLogError extends Error {
  override name = 'ReplayLogError';
}

/** One CSV record and the 1-based line of the file on which it starts. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** Options of the replay log readers. */
export interface ReplayLogReadOptions {
  /** Read only the first `limit` tickets in file order (a positive whole number). */
  limit?: number;
}

/**
 * Checks a ticket limit passed to a replay log reader.
 *
 * @throws RangeError when the limit is not a positive whole number.
 * @example
 *   validateTicketLimit(200); // passes
 *   validateTicketLimit(0); // throws RangeError
 */
export function validateTicketLimit(limit: number | undefined): void {
  if (limit === undefined) {
    return;
  }

  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`invalid ticket limit ${limit}: pass a positive whole number, or no limit to read every ticket`);
  }
}

const offsetAtEndPattern = /T.*(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * Parses an ISO 8601 date and time that carries its UTC offset (`Z` or
 * `±hh:mm`), keeping that offset as the zone. A value without an offset would
 * be read in the machine's local zone, so it is refused like an invalid one.
 *
 * @returns the zoned instant, or null when the value is not such a timestamp.
 * @example
 *   parseInstantWithOffset('2010-03-31T15:59:42+01:00')?.toUTC().toISO(); // '2010-03-31T14:59:42.000Z'
 *   parseInstantWithOffset('2010-03-31T15:59:42'); // null
 */
export function parseInstantWithOffset(value: string): DateTime | null {
  if (!offsetAtEndPattern.test(value)) {
    return null;
  }

  const instant = DateTime.fromISO(value, { setZone: true });
  return instant.isValid ? instant : null;
}

const gzipMagicBytes = [0x1f, 0x8b] as const;

/**
 * Opens a replay log for reading, decompressing it when it starts with the
 * gzip magic bytes (whatever its name).
 *
 * @throws ReplayLogError naming the path when the file is missing, is not a
 *   regular file or cannot be read. Errors while streaming (for example a
 *   damaged gzip body) arrive as stream errors.
 * @example
 *   const stream = await openReplayLogFile('incidents.csv.gz');
 */
export async function openReplayLogFile(path: string): Promise<Readable> {
  let compressed: boolean;
  try {
    const stats = await stat(path);
    if (!stats.isFile()) {
      throw new ReplayLogError(`replay log ${path} is not a regular file: pass the path of a .csv, .csv.gz, .jsonl or .jsonl.gz file`);
    }

    compressed = await startsWithGzipMagicBytes(path);
  } catch (error) {
    if (error instanceof ReplayLogError) {
      throw error;
    }
    if (isNodeError(error) && error.code === 'ENOENT') {
      throw new ReplayLogError(
        `replay log not found: ${path}. Check the path. A relative path is resolved from ${process.cwd()}`,
      );
    }
    throw new ReplayLogError(`failed to read replay log ${path}: ${describeError(error)}. Check that the file is readable`);
  }

  const fileStream = createReadStream(path);
  if (!compressed) {
    return fileStream;
  }

  // pipeline() destroys the gunzip stream with any error of the file stream,
  // so the consumer gets every error from the stream it reads.
  return pipeline(fileStream, createGunzip(), ignorePipelineResult);
}

/**
 * Reads a CSV replay log (plain or gzip, with or without a byte-order mark)
 * record by record. The header is the first record. Blank lines are skipped.
 * Records may have any number of fields, so the caller decides what a short
 * row means. Line numbers are computed here, because csv-parse 7 counts a
 * CRLF inside a quoted field as two lines.
 *
 * @throws ReplayLogError naming the path for a missing file, a damaged gzip
 *   file or invalid CSV quoting.
 * @example
 *   for await (const { line, fields } of readCsvRecords('log.csv.gz')) {
 *     console.log(line, fields[0]);
 *   }
 */
export async function* readCsvRecords(path: string): AsyncGenerator<CsvRecord> {
  const source = await openReplayLogFile(path);
  const parser = parse({ bom: true, relax_column_count: true });
  pipeline(source, parser, ignorePipelineResult);

  let nextLine = 1;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      const line = nextLine;
      nextLine += 1 + countLineBreaks(record);

      const isBlankLine = record.length === 1 && record[0] === '';
      if (!isBlankLine) {
        yield { line, fields: record };
      }
    }
  } catch (error) {
    throw toReplayLogError(path, error);
  }
}

/**
 * Reads a generic ticket-event log in CSV or JSON Lines form, chosen by the
 * file name (`.csv`, `.csv.gz`, `.jsonl`, `.jsonl.gz`).
 *
 * Each ticket's rows are sorted by `occurredAt` (stable, so rows at the same
 * instant keep file order). A ticket's first event must be `open`, and it must
 * have only one. Tickets come out in the order of their first row in the file.
 * With `limit`, only rows of the first `limit` ticket ids in file order become
 * tickets. Rows of later tickets are skipped and not counted in `rowCount`.
 *
 * @throws ReplayLogError for a missing file, an unknown file extension, an
 *   invalid CSV header or a damaged file. RangeError for an invalid limit.
 * @example
 *   const log = await readGenericLog('tickets.jsonl', { limit: 10 });
 *   console.log(log.tickets.length, log.rejectedRows.length);
 */
export async function readGenericLog(path: string, options: ReplayLogReadOptions = {}): Promise<ReplayLog> {
  validateTicketLimit(options.limit);

  const form = genericLogForm(path);
  const rawRows = form === 'csv' ? readGenericCsvRows(path) : readGenericJsonLinesRows(path);
  return collectGenericLog(rawRows, options.limit);
}

// ---------------------------------------------------------------------------
// Field validation

/** Field names of a generic log row, in the column order that the docs use. */
export const genericLogEventFields = [
  'ticketId',
  'occurredAt',
  'action',
  'actor',
  'assignmentGroup',
  'supportLevel',
  'impact',
  'urgency',
  'pendingReason',
  'firstContact',
  'note',
] as const satisfies readonly (keyof ReplayEvent)[];

/** Optional ticket fields, read from the ticket's `open` row. */
export const genericLogTicketFields = ['title', 'customer', 'customerTimeZone'] as const;

const allowedFields: ReadonlySet<string> = new Set<string>([...genericLogEventFields, ...genericLogTicketFields]);
const requiredFields = ['ticketId', 'occurredAt', 'action', 'actor'] as const;

// A Record forces this list to name every ReplayAction, so a new action
// cannot be forgotten here.
const replayActionFlags: Record<ReplayAction, true> = {
  open: true,
  queue: true,
  assign: true,
  pending: true,
  resolve: true,
  confirm: true,
  reject: true,
  cancel: true,
  comment: true,
};
const replayActions = Object.keys(replayActionFlags) as ReplayAction[];

/** Defaults for ticket fields that the `open` row leaves empty. */
const defaultCustomer = 'unknown';
const defaultCustomerTimeZone = 'UTC';

/** A row as read from the file: field name to value, before validation. */
interface RawGenericRow {
  line: number;
  /** Field values, or null when the row is not a set of fields at all (invalid JSON). */
  values: Record<string, unknown> | null;
  /** Problem that makes the row unusable before field validation (invalid JSON, wrong CSV field count). */
  readProblem: string | null;
}

interface TicketDetails {
  title: string | null;
  customer: string | null;
  customerTimeZone: string | null;
}

interface ValidGenericRow {
  line: number;
  instantMillis: number;
  event: ReplayEvent;
  details: TicketDetails;
}

type RowValidation = { valid: true; row: ValidGenericRow } | { valid: false; reason: string };

function validateGenericRow(line: number, values: Record<string, unknown>): RowValidation {
  const problems: string[] = [];

  for (const field of Object.keys(values)) {
    if (!allowedFields.has(field)) {
      problems.push(`unknown field '${field}': use only ${[...allowedFields].join(', ')}`);
    }
  }

  const ticketId = readText(values, 'ticketId', true, problems);
  const occurredAt = readText(values, 'occurredAt', true, problems);
  const action = readChoice(values, 'action', replayActions, true, problems);
  const actor = readText(values, 'actor', true, problems);
  const assignmentGroup = readText(values, 'assignmentGroup', false, problems);
  const supportLevel = readText(values, 'supportLevel', false, problems);
  const impact = readChoice<Impact>(values, 'impact', impacts, false, problems);
  const urgency = readChoice<Urgency>(values, 'urgency', urgencies, false, problems);
  const pendingReason = readChoice<PendingReason>(values, 'pendingReason', pendingReasons, false, problems);
  const firstContact = readFlag(values, 'firstContact', problems);
  const note = readText(values, 'note', false, problems);
  const title = readText(values, 'title', false, problems);
  const customer = readText(values, 'customer', false, problems);
  const customerTimeZone = readText(values, 'customerTimeZone', false, problems);

  const instant = occurredAt === null ? null : parseInstantWithOffset(occurredAt);
  if (occurredAt !== null && instant === null) {
    problems.push(
      `invalid occurredAt '${occurredAt}': use an ISO 8601 date and time with offset, for example 2012-05-23T09:15:00+02:00`,
    );
  }

  if (customerTimeZone !== null && !IANAZone.isValidZone(customerTimeZone)) {
    problems.push(`invalid customerTimeZone '${customerTimeZone}': use an IANA time zone name, for example Europe/Stockholm`);
  }

  if (action === 'open') {
    if (impact === null && isEmptyValue(values['impact'])) {
      problems.push(`missing impact: an open event needs one of ${impacts.join(', ')}`);
    }
    if (urgency === null && isEmptyValue(values['urgency'])) {
      problems.push(`missing urgency: an open event needs one of ${urgencies.join(', ')}`);
    }
  }

  if (action === 'pending' && pendingReason === null && isEmptyValue(values['pendingReason'])) {
    problems.push(`missing pendingReason: a pending event needs one of ${pendingReasons.join(', ')}`);
  }
  if (action !== null && action !== 'pending' && pendingReason !== null) {
    problems.push(`pendingReason '${pendingReason}' is only allowed on pending events: leave it empty on ${action} events`);
  }
  if (action !== null && action !== 'resolve' && firstContact) {
    problems.push(`firstContact true is only allowed on resolve events: leave it false on ${action} events`);
  }

  if (problems.length > 0 || ticketId === null || occurredAt === null || action === null || actor === null || instant === null) {
    return { valid: false, reason: problems.join('; ') };
  }

  const event: ReplayEvent = {
    ticketId,
    occurredAt,
    action,
    actor,
    assignmentGroup,
    supportLevel,
    impact,
    urgency,
    pendingReason,
    firstContact,
    note,
  };
  return {
    valid: true,
    row: { line, instantMillis: instant.toMillis(), event, details: { title, customer, customerTimeZone } },
  };
}

/** Quotes a field value for an error message: text in single quotes, other JSON values as JSON. */
function quoteValue(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

function isEmptyValue(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/** Reads a text field. Empty text, null and a missing field all mean "no value". */
function readText(values: Record<string, unknown>, field: string, required: boolean, problems: string[]): string | null {
  const value = values[field];
  if (isEmptyValue(value)) {
    if (required) {
      problems.push(`missing ${field}: every row needs a ${field}`);
    }
    return null;
  }

  if (typeof value !== 'string') {
    problems.push(`invalid ${field} ${quoteValue(value)}: use a string`);
    return null;
  }

  if (required && value.trim() === '') {
    problems.push(`missing ${field}: every row needs a ${field}, and '${value}' contains only spaces`);
    return null;
  }

  return value;
}

function readChoice<T extends string>(
  values: Record<string, unknown>,
  field: string,
  allowed: readonly T[],
  required: boolean,
  problems: string[],
): T | null {
  const value = values[field];
  if (isEmptyValue(value)) {
    if (required) {
      problems.push(`missing ${field}: use one of ${allowed.join(', ')}`);
    }
    return null;
  }

  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined) {
    problems.push(`invalid ${field} ${quoteValue(value)}: use one of ${allowed.join(', ')}`);
    return null;
  }

  return match;
}

/** Reads `firstContact`: a JSON boolean, or `true`/`false` text in CSV. Missing means false. */
function readFlag(values: Record<string, unknown>, field: string, problems: string[]): boolean {
  const value = values[field];
  if (isEmptyValue(value)) {
    return false;
  }

  if (typeof value === 'boolean') {
    return value;
  }

  if (typeof value === 'string' && (value.toLowerCase() === 'true' || value.toLowerCase() === 'false')) {
    return value.toLowerCase() === 'true';
  }

  problems.push(`invalid ${field} ${quoteValue(value)}: use true or false`);
  return false;
}

// ---------------------------------------------------------------------------
// Collecting rows into tickets

async function collectGenericLog(rawRows: AsyncIterable<RawGenericRow>, limit: number | undefined): Promise<ReplayLog> {
  const rowsByTicket = new Map<string, ValidGenericRow[]>();
  const selectedTicketIds = new Set<string>();
  const rejectedRows: RejectedLogRow[] = [];
  let rowCount = 0;

  for await (const rawRow of rawRows) {
    const ticketId = ticketIdOf(rawRow.values);

    if (ticketId !== null && !selectedTicketIds.has(ticketId)) {
      if (limit !== undefined && selectedTicketIds.size >= limit) {
        continue;
      }
      selectedTicketIds.add(ticketId);
    }

    rowCount += 1;

    if (rawRow.readProblem !== null || rawRow.values === null) {
      rejectedRows.push({ line: rawRow.line, ticketId, reason: rawRow.readProblem ?? 'unreadable row' });
      continue;
    }

    const validation = validateGenericRow(rawRow.line, rawRow.values);
    if (!validation.valid) {
      rejectedRows.push({ line: rawRow.line, ticketId, reason: validation.reason });
      continue;
    }

    const ticketRows = rowsByTicket.get(validation.row.event.ticketId) ?? [];
    ticketRows.push(validation.row);
    rowsByTicket.set(validation.row.event.ticketId, ticketRows);
  }

  const tickets: ReplayTicket[] = [];
  for (const ticketId of selectedTicketIds) {
    const ticket = assembleTicket(ticketId, rowsByTicket.get(ticketId) ?? [], rejectedRows);
    if (ticket !== null) {
      tickets.push(ticket);
    }
  }

  rejectedRows.sort((first, second) => first.line - second.line);
  return { tickets, rejectedRows, rowCount };
}

function ticketIdOf(values: Record<string, unknown> | null): string | null {
  const value = values?.['ticketId'];
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

/**
 * Sorts a ticket's valid rows by time and checks that the ticket opens once,
 * first. Rows that break this go to `rejectedRows`. Returns null when the
 * ticket has no usable open event.
 */
function assembleTicket(ticketId: string, rows: ValidGenericRow[], rejectedRows: RejectedLogRow[]): ReplayTicket | null {
  const sortedRows = [...rows].sort((first, second) => first.instantMillis - second.instantMillis);

  const openRow = sortedRows.find((row) => row.event.action === 'open');
  if (openRow === undefined) {
    for (const row of sortedRows) {
      rejectedRows.push({
        line: row.line,
        ticketId,
        reason: `ticket ${ticketId} has no open event: add an open row with impact and urgency before its other rows`,
      });
    }
    return null;
  }

  const events: ReplayEvent[] = [];
  let opened = false;
  for (const row of sortedRows) {
    if (row === openRow) {
      opened = true;
      events.push(row.event);
      continue;
    }

    if (!opened) {
      rejectedRows.push({
        line: row.line,
        ticketId,
        reason: `${row.event.action} at ${row.event.occurredAt} comes before the ticket's open event on line ${openRow.line} (${openRow.event.occurredAt}): a ticket's first event must be open`,
      });
      continue;
    }

    if (row.event.action === 'open') {
      rejectedRows.push({
        line: row.line,
        ticketId,
        reason: `ticket ${ticketId} is already opened on line ${openRow.line}: a ticket has one open event, so use another ticketId or another action`,
      });
      continue;
    }

    events.push(row.event);
  }

  return {
    ticketId,
    title: openRow.details.title ?? `Ticket ${ticketId}`,
    customer: openRow.details.customer ?? defaultCustomer,
    customerTimeZone: openRow.details.customerTimeZone ?? defaultCustomerTimeZone,
    events,
  };
}

// ---------------------------------------------------------------------------
// File forms

type GenericLogForm = 'csv' | 'jsonl';

function genericLogForm(path: string): GenericLogForm {
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.csv')) {
    return 'csv';
  }
  if (name.endsWith('.jsonl')) {
    return 'jsonl';
  }
  throw new ReplayLogError(
    `unknown file extension of replay log ${path}: name it .csv, .csv.gz, .jsonl or .jsonl.gz`,
  );
}

async function* readGenericCsvRows(path: string): AsyncGenerator<RawGenericRow> {
  let header: string[] | null = null;

  for await (const record of readCsvRecords(path)) {
    if (header === null) {
      header = validateGenericCsvHeader(path, record.fields);
      continue;
    }

    const values: Record<string, unknown> = {};
    header.forEach((column, index) => {
      const cell = record.fields[index] ?? '';
      if (cell !== '') {
        values[column] = cell;
      }
    });

    // A row with the wrong number of fields is rejected, but its values still
    // name the ticket, so the ticket limit treats it like any other row.
    const readProblem =
      record.fields.length === header.length
        ? null
        : `row has ${record.fields.length} fields but the header has ${header.length}: quote values that contain commas`;
    yield { line: record.line, values, readProblem };
  }

  if (header === null) {
    throw new ReplayLogError(`replay log ${path} is empty: the first line must be a header such as ${genericLogEventFields.join(',')}`);
  }
}

function validateGenericCsvHeader(path: string, header: string[]): string[] {
  const unknownColumns = header.filter((column) => !allowedFields.has(column));
  if (unknownColumns.length > 0) {
    throw new ReplayLogError(
      `replay log ${path} has unknown columns ${unknownColumns.map((column) => `'${column}'`).join(', ')}: ` +
        `use only ${[...allowedFields].join(', ')} (names are case-sensitive)`,
    );
  }

  const duplicateColumns = header.filter((column, index) => header.indexOf(column) !== index);
  if (duplicateColumns.length > 0) {
    throw new ReplayLogError(`replay log ${path} repeats the columns ${duplicateColumns.join(', ')}: keep one of each`);
  }

  const missingColumns = requiredFields.filter((column) => !header.includes(column));
  if (missingColumns.length > 0) {
    throw new ReplayLogError(`replay log ${path} lacks the required columns ${missingColumns.join(', ')}: add them to the header`);
  }

  return header;
}

async function* readGenericJsonLinesRows(path: string): AsyncGenerator<RawGenericRow> {
  for await (const { line, text } of readTextLines(path)) {
    if (text.trim() === '') {
      continue;
    }

    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      yield { line, values: null, readProblem: `invalid JSON: ${describeError(error)}. Write one JSON object per line` };
      continue;
    }

    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      yield { line, values: null, readProblem: `expected a JSON object with the event fields, found ${JSON.stringify(parsed)}` };
      continue;
    }

    yield { line, values: parsed as Record<string, unknown>, readProblem: null };
  }
}

/** Splits a (possibly gzip) UTF-8 file into lines, without the byte-order mark and line endings. */
async function* readTextLines(path: string): AsyncGenerator<{ line: number; text: string }> {
  const source = await openReplayLogFile(path);
  source.setEncoding('utf8');

  let unfinishedText = '';
  let line = 0;
  try {
    for await (const chunk of source as AsyncIterable<string>) {
      const parts = (unfinishedText + chunk).split('\n');
      unfinishedText = parts.pop() ?? '';

      for (const part of parts) {
        line += 1;
        yield { line, text: cleanLine(part, line) };
      }
    }
  } catch (error) {
    throw toReplayLogError(path, error);
  }

  if (unfinishedText !== '') {
    line += 1;
    yield { line, text: cleanLine(unfinishedText, line) };
  }
}

function cleanLine(text: string, line: number): string {
  const withoutBom = line === 1 && text.startsWith('\uFEFF') ? text.slice(1) : text;
  return withoutBom.endsWith('\r') ? withoutBom.slice(0, -1) : withoutBom;
}

// ---------------------------------------------------------------------------
// Small helpers

async function startsWithGzipMagicBytes(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(gzipMagicBytes.length);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return bytesRead === gzipMagicBytes.length && buffer[0] === gzipMagicBytes[0] && buffer[1] === gzipMagicBytes[1];
  } finally {
    await handle.close();
  }
}

function countLineBreaks(fields: readonly string[]): number {
  let count = 0;
  for (const field of fields) {
    count += field.match(/\r\n|\r|\n/g)?.length ?? 0;
  }
  return count;
}

function toReplayLogError(path: string, error: unknown): Error {
  if (error instanceof ReplayLogError) {
    return error;
  }

  if (error instanceof CsvError) {
    return new ReplayLogError(`invalid CSV in replay log ${path}: ${error.message}. Fix the quoting on that line and read the log again`);
  }

  if (isNodeError(error) && typeof error.code === 'string' && error.code.startsWith('Z_')) {
    return new ReplayLogError(
      `failed to decompress replay log ${path}: ${error.message}. The file starts like gzip but is damaged or truncated, so copy it again`,
    );
  }

  return isErrorLike(error) ? error : new Error(String(error));
}

/**
 * Callback for pipeline(). Errors need no handling here, because pipeline()
 * destroys every stream with the error and the reader of the last stream gets
 * it. A premature close after a reader stops early is expected.
 */
function ignorePipelineResult(): void {}

// Errors are recognised by shape, not with instanceof Error, because errors
// thrown by Node's core modules come from another realm when the code runs
// inside jest's module sandbox.
function isErrorLike(error: unknown): error is Error {
  return typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string';
}

function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return isErrorLike(error) && 'code' in error;
}

function describeError(error: unknown): string {
  return isErrorLike(error) ? error.message : String(error);
}
