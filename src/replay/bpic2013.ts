/**
 * Adapter for the BPI Challenge 2013 incident log of Volvo IT Belgium's VINST
 * system (van Dongen, Weber, Ferreira, De Weerdt: BPI Challenge 2013,
 * 4TU.ResearchData, doi:10.4121/uuid:500573e6-accc-4b0c-9576-aa5468b10cee).
 * The log is a gzip CSV in UTF-8 with a byte-order mark and one row per
 * status change. The adapter reads the columns SR Number, Change Date+Time,
 * Status, Sub Status, Involved ST, ST Level, SR Latest Impact, Product, Owner
 * Country, Owner First Name and Resource, and ignores the others.
 *
 * Mapping to the generic ticket-event format (docs/replay-format.md has the
 * same rules as a table):
 *
 * - Ticket id is `SD-` + SR Number. Title is `<Product> incident <SR Number>`.
 *   Customer is the Owner Country of the incident's first row, or `unknown`
 *   when that is `0` or empty. The customer's time zone comes from
 *   `ownerCountryTimeZones`, and is `Europe/Brussels` (Volvo IT Belgium) for
 *   countries outside it.
 * - Each incident's rows are sorted by time (stable) before mapping.
 * - The first row yields an `open` event (impact = SR Latest Impact in lower
 *   case, urgency = `medium` because the log records none), followed by the
 *   event for that row's own status at the same instant.
 * - Queued/Awaiting Assignment is `queue`. Accepted/In Progress and
 *   Accepted/Assigned are `assign`. The Accepted/Wait sub statuses are
 *   `pending`: Wait - User and Wait - Customer with reason customer, Wait -
 *   Vendor with vendor, Wait - Implementation with change, plain Wait with
 *   other.
 * - Completed/Resolved is `resolve`, or `comment` when the ticket is already
 *   resolved.
 * - Completed/Closed is `resolve` unless the ticket is already resolved. On
 *   the incident's last row it is followed by `confirm`. On an earlier row it
 *   is only that `resolve` (or a `comment` when already resolved), because
 *   closed is terminal in ITIL and the later rows show that the resolution was
 *   rejected.
 * - Completed/In Call follows the Closed rule, but its `resolve` has
 *   firstContact true.
 * - Completed/Cancelled on the last row is `cancel`. On an earlier row it is a
 *   `comment`, for the same reason as an early Closed.
 * - Unmatched/Unmatched is `comment`.
 * - A `queue`, `assign` or `pending` while the ticket is resolved is preceded
 *   by a `reject` at the same instant: the customer's rejection reopens it.
 * - Every event carries actor = Resource (else Owner First Name, else
 *   `bpic2013`), assignmentGroup = Involved ST, supportLevel = ST Level, and
 *   note = the source `Status/Sub Status`.
 *
 * A row goes to `rejectedRows` when its SR Number is missing, its time is not
 * ISO 8601 with an offset, or its Status/Sub Status pair or SR Latest Impact
 * is unknown. The same holds for a row with the wrong number of fields. The
 * rest of the log is still read.
 */

import { fourLevelPriorityMatrix, impactLevels, type Impact } from '../domain/priority';
import type { PendingReason } from '../domain/ticket';
import {
  parseInstantWithOffset,
  readCsvRecords,
  ReplayLogError,
  validateTicketLimit,
  type ReplayLogReadOptions,
} from './generic-log';
import type { RejectedLogRow, ReplayAction, ReplayEvent, ReplayLog, ReplayTicket } from './ticket-event-log';

/** First characters of the log's header after the byte-order mark. read-log.ts detects the format with them. */
export const bpic2013HeaderStart = 'SR Number,Change Date+Time';

/** Zone for customers whose Owner Country is `0`, empty or not in the table, because Volvo IT Belgium ran the desk. */
export const defaultBpic2013TimeZone = 'Europe/Brussels';

/**
 * IANA time zone per Owner Country, keyed by the country name in lower case.
 * The table covers every Owner Country value of the 2013 log except `0`.
 * The log records a country, not a site, so each country maps to the zone of
 * its capital. For countries with several zones (USA, Brazil, Canada, Russia,
 * Australia, Indonesia, Chile, Spain) that is a choice, not a fact of the log.
 */
export const ownerCountryTimeZones: Readonly<Record<string, string>> = {
  argentina: 'America/Argentina/Buenos_Aires',
  australia: 'Australia/Sydney',
  austria: 'Europe/Vienna',
  belgium: 'Europe/Brussels',
  brazil: 'America/Sao_Paulo',
  canada: 'America/Toronto',
  chile: 'America/Santiago',
  china: 'Asia/Shanghai',
  'czech republic': 'Europe/Prague',
  denmark: 'Europe/Copenhagen',
  france: 'Europe/Paris',
  germany: 'Europe/Berlin',
  india: 'Asia/Kolkata',
  indonesia: 'Asia/Jakarta',
  italy: 'Europe/Rome',
  japan: 'Asia/Tokyo',
  korea: 'Asia/Seoul',
  malaysia: 'Asia/Kuala_Lumpur',
  netherlands: 'Europe/Amsterdam',
  peru: 'America/Lima',
  poland: 'Europe/Warsaw',
  romania: 'Europe/Bucharest',
  'russian federation': 'Europe/Moscow',
  singapore: 'Asia/Singapore',
  'south africa': 'Africa/Johannesburg',
  spain: 'Europe/Madrid',
  sweden: 'Europe/Stockholm',
  thailand: 'Asia/Bangkok',
  turkey: 'Europe/Istanbul',
  'united kingdom': 'Europe/London',
  usa: 'America/New_York',
};

/**
 * Looks up the customer's time zone for an Owner Country value of the log.
 * The match ignores case and surrounding spaces.
 *
 * @returns an IANA zone name, `Europe/Brussels` for unknown countries.
 * @example
 *   timeZoneForOwnerCountry('POLAND'); // 'Europe/Warsaw'
 *   timeZoneForOwnerCountry('0'); // 'Europe/Brussels'
 */
export function timeZoneForOwnerCountry(ownerCountry: string): string {
  return ownerCountryTimeZones[ownerCountry.trim().toLowerCase()] ?? defaultBpic2013TimeZone;
}

/**
 * Reads the BPI Challenge 2013 incident log (gzip or plain CSV) into the
 * generic ticket-event format, with the mapping rules of this module.
 *
 * Tickets come out in the file order of their incidents. With `limit`, the
 * reader keeps the first `limit` SR Numbers in file order and stops at the
 * first row of the next incident. `rowCount` counts the data rows read, which
 * with a limit excludes that next incident's row. An incident whose rows are
 * all rejected counts towards the limit but yields no ticket.
 *
 * @throws ReplayLogError for a missing or damaged file, or a header without
 *   the columns the mapping needs. RangeError for an invalid limit.
 * @example
 *   const log = await readBpic2013Log('bpic2013-incidents.csv.gz', { limit: 200 });
 *   console.log(log.tickets[0]?.ticketId); // 'SD-1-364285768'
 */
export async function readBpic2013Log(path: string, options: ReplayLogReadOptions = {}): Promise<ReplayLog> {
  validateTicketLimit(options.limit);

  const rowsByIncident = new Map<string, IncidentRow[]>();
  const rejectedRows: RejectedLogRow[] = [];
  let columns: ColumnIndexes | null = null;
  let rowCount = 0;

  for await (const record of readCsvRecords(path)) {
    if (columns === null) {
      columns = findColumns(path, record.fields);
      continue;
    }

    const srNumber = (record.fields[columns['SR Number']] ?? '').trim();
    const isNewIncident = srNumber !== '' && !rowsByIncident.has(srNumber);
    if (isNewIncident && options.limit !== undefined && rowsByIncident.size >= options.limit) {
      // The log groups each incident's rows, so no row of the selected
      // incidents follows the first row of the next one.
      break;
    }

    rowCount += 1;
    if (isNewIncident) {
      rowsByIncident.set(srNumber, []);
    }

    const parsed = parseIncidentRow(record.line, record.fields, columns);
    if (!parsed.valid) {
      rejectedRows.push({ line: record.line, ticketId: srNumber === '' ? null : ticketIdFor(srNumber), reason: parsed.reason });
      continue;
    }

    rowsByIncident.get(srNumber)?.push(parsed.row);
  }

  if (columns === null) {
    throw new ReplayLogError(`replay log ${path} is empty: expected the BPI Challenge 2013 header starting with ${bpic2013HeaderStart}`);
  }

  const tickets: ReplayTicket[] = [];
  for (const [srNumber, rows] of rowsByIncident) {
    if (rows.length > 0) {
      tickets.push(mapIncident(srNumber, rows));
    }
  }

  return { tickets, rejectedRows, rowCount };
}

// ---------------------------------------------------------------------------
// Columns and rows

const neededColumns = [
  'SR Number',
  'Change Date+Time',
  'Status',
  'Sub Status',
  'Involved ST',
  'ST Level',
  'SR Latest Impact',
  'Product',
  'Owner Country',
  'Owner First Name',
  'Resource',
] as const;

type NeededColumn = (typeof neededColumns)[number];

interface ColumnIndexes extends Record<NeededColumn, number> {
  fieldCount: number;
}

function findColumns(path: string, header: readonly string[]): ColumnIndexes {
  const missingColumns = neededColumns.filter((column) => !header.includes(column));
  if (missingColumns.length > 0) {
    throw new ReplayLogError(
      `replay log ${path} lacks the BPI Challenge 2013 columns ${missingColumns.join(', ')}: ` +
        `pass the original VINST incident log, or convert the file to the generic format and pass format 'generic'`,
    );
  }

  const indexes = { fieldCount: header.length } as ColumnIndexes;
  for (const column of neededColumns) {
    indexes[column] = header.indexOf(column);
  }
  return indexes;
}

/** The log's Status/Sub Status pairs, by what they mean for the ticket. */
type SourceStatus =
  | { kind: 'work'; action: 'queue' | 'assign' }
  | { kind: 'pending'; reason: PendingReason }
  | { kind: 'resolved' }
  | { kind: 'inCall' }
  | { kind: 'closed' }
  | { kind: 'cancelled' }
  | { kind: 'unmatched' };

const sourceStatuses: ReadonlyMap<string, SourceStatus> = new Map<string, SourceStatus>([
  ['Queued/Awaiting Assignment', { kind: 'work', action: 'queue' }],
  ['Accepted/In Progress', { kind: 'work', action: 'assign' }],
  ['Accepted/Assigned', { kind: 'work', action: 'assign' }],
  ['Accepted/Wait - User', { kind: 'pending', reason: 'customer' }],
  ['Accepted/Wait - Customer', { kind: 'pending', reason: 'customer' }],
  ['Accepted/Wait - Vendor', { kind: 'pending', reason: 'vendor' }],
  ['Accepted/Wait - Implementation', { kind: 'pending', reason: 'change' }],
  ['Accepted/Wait', { kind: 'pending', reason: 'other' }],
  ['Completed/Resolved', { kind: 'resolved' }],
  ['Completed/In Call', { kind: 'inCall' }],
  ['Completed/Closed', { kind: 'closed' }],
  ['Completed/Cancelled', { kind: 'cancelled' }],
  ['Unmatched/Unmatched', { kind: 'unmatched' }],
]);

interface IncidentRow {
  line: number;
  occurredAt: string;
  instantMillis: number;
  status: SourceStatus;
  /** `Status/Sub Status` as written in the log. */
  statusText: string;
  actor: string;
  assignmentGroup: string | null;
  supportLevel: string | null;
  impact: Impact;
  product: string;
  ownerCountry: string;
}

type RowParse = { valid: true; row: IncidentRow } | { valid: false; reason: string };

function parseIncidentRow(line: number, fields: readonly string[], columns: ColumnIndexes): RowParse {
  if (fields.length !== columns.fieldCount) {
    return { valid: false, reason: `row has ${fields.length} fields but the header has ${columns.fieldCount}` };
  }

  const field = (column: NeededColumn): string => (fields[columns[column]] ?? '').trim();

  if (field('SR Number') === '') {
    return { valid: false, reason: 'missing SR Number: every row needs the incident id' };
  }

  const occurredAt = field('Change Date+Time');
  const instant = parseInstantWithOffset(occurredAt);
  if (instant === null) {
    return {
      valid: false,
      reason: `invalid Change Date+Time '${occurredAt}': expected ISO 8601 with offset, for example 2010-03-31T15:59:42+01:00`,
    };
  }

  const statusText = `${field('Status')}/${field('Sub Status')}`;
  const status = sourceStatuses.get(statusText);
  if (status === undefined) {
    return {
      valid: false,
      reason: `unknown Status/Sub Status '${statusText}': expected one of ${[...sourceStatuses.keys()].join(', ')}`,
    };
  }

  const impactText = field('SR Latest Impact');
  const impact = impactLevels(fourLevelPriorityMatrix).find((candidate) => candidate === impactText.toLowerCase());
  if (impact === undefined) {
    return { valid: false, reason: `unknown SR Latest Impact '${impactText}': expected Low, Medium, High or Major` };
  }

  const actor = field('Resource') || field('Owner First Name') || 'bpic2013';
  return {
    valid: true,
    row: {
      line,
      occurredAt,
      instantMillis: instant.toMillis(),
      status,
      statusText,
      actor,
      assignmentGroup: field('Involved ST') || null,
      supportLevel: field('ST Level') || null,
      impact,
      product: field('Product'),
      ownerCountry: field('Owner Country'),
    },
  };
}

// ---------------------------------------------------------------------------
// Mapping an incident's rows to events

function ticketIdFor(srNumber: string): string {
  return `SD-${srNumber}`;
}

function mapIncident(srNumber: string, rows: readonly IncidentRow[]): ReplayTicket {
  const sortedRows = [...rows].sort((first, second) => first.instantMillis - second.instantMillis);
  const ticketId = ticketIdFor(srNumber);
  const events: ReplayEvent[] = [];
  let resolved = false;

  sortedRows.forEach((row, index) => {
    const isFirstRow = index === 0;
    const isLastRow = index === sortedRows.length - 1;
    const push = (action: ReplayAction, details: Partial<ReplayEvent> = {}): void => {
      events.push(eventFromRow(ticketId, row, action, details));
    };

    if (isFirstRow) {
      push('open', { impact: row.impact, urgency: 'medium' });
    }

    const status = row.status;
    switch (status.kind) {
      case 'work':
      case 'pending':
        if (resolved) {
          push('reject');
          resolved = false;
        }
        if (status.kind === 'work') {
          push(status.action);
        } else {
          push('pending', { pendingReason: status.reason });
        }
        break;

      case 'resolved':
        push(resolved ? 'comment' : 'resolve');
        resolved = true;
        break;

      case 'inCall':
      case 'closed':
        if (!resolved) {
          push('resolve', { firstContact: status.kind === 'inCall' });
          resolved = true;
        } else if (!isLastRow) {
          push('comment');
        }
        if (isLastRow) {
          push('confirm');
        }
        break;

      case 'cancelled':
        push(isLastRow ? 'cancel' : 'comment');
        break;

      case 'unmatched':
        push('comment');
        break;
    }
  });

  const firstRow = sortedRows[0];
  const ownerCountry = firstRow?.ownerCountry ?? '';
  const knownCountry = ownerCountry !== '' && ownerCountry !== '0';
  return {
    ticketId,
    title: `${firstRow?.product ?? ''} incident ${srNumber}`.trim(),
    customer: knownCountry ? ownerCountry : 'unknown',
    customerTimeZone: knownCountry ? timeZoneForOwnerCountry(ownerCountry) : defaultBpic2013TimeZone,
    events,
  };
}

function eventFromRow(ticketId: string, row: IncidentRow, action: ReplayAction, details: Partial<ReplayEvent>): ReplayEvent {
  return {
    ticketId,
    occurredAt: row.occurredAt,
    action,
    actor: row.actor,
    assignmentGroup: row.assignmentGroup,
    supportLevel: row.supportLevel,
    impact: null,
    urgency: null,
    pendingReason: null,
    firstContact: false,
    note: row.statusText,
    ...details,
  };
}

