/**
 * Tests of the replay log readers: the BPI Challenge 2013 adapter against the
 * real log, and both readers against small files written to a temporary
 * folder. No server is needed.
 *
 * The real log is read from `bpic2013-incidents.csv.gz` in the folder that
 * SUNDESK_DATASETS_DIR names, or else in `shared/datasets` beside the
 * repository folder (test/support/datasets.ts).
 */

import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

import { parse } from 'csv-parse/sync';
import { IANAZone } from 'luxon';

import { ownerCountryTimeZones, readBpic2013Log, timeZoneForOwnerCountry } from '../src/replay/bpic2013';
import { readGenericLog } from '../src/replay/generic-log';
import { detectReplayLogFormat, readReplayLog, ReplayLogError } from '../src/replay/read-log';
import type { ReplayEvent, ReplayLog, ReplayTicket } from '../src/replay/ticket-event-log';
import { bpic2013LogPath } from './support/datasets';

const bpicHeader =
  'SR Number,Change Date+Time,Status,Sub Status,Activity,Activity Level,Involved ST Function Div,' +
  'Involved Org line 3,Involved ST,Involved ST 2,ST Level,SR Latest Impact,Product,Country,Owner Country,' +
  'Owner First Name,Resource';

/** Raw rows of the real log, parsed without the adapter, for independent counts. */
interface RawBpicRow {
  'SR Number': string;
  'Change Date+Time': string;
  Status: string;
  'Sub Status': string;
  'Owner Country': string;
}

function lastEvent(ticket: ReplayTicket): ReplayEvent {
  const event = ticket.events[ticket.events.length - 1];
  if (event === undefined) {
    throw new Error(`ticket ${ticket.ticketId} has no events`);
  }
  return event;
}

function actionsOf(ticket: ReplayTicket | undefined): string[] {
  return ticket?.events.map((event) => event.action) ?? [];
}

function isResolvedAtEnd(ticket: ReplayTicket): boolean {
  const lastStateChange = [...ticket.events].reverse().find((event) => event.action !== 'comment');
  return lastStateChange?.action === 'resolve';
}

describe('BPI Challenge 2013 log', () => {
  let fullLog: ReplayLog;
  let rawRows: RawBpicRow[];

  beforeAll(async () => {
    if (!existsSync(bpic2013LogPath)) {
      throw new Error(
        `BPI Challenge 2013 log not found at ${bpic2013LogPath}: put shared/datasets beside the repository or set SUNDESK_DATASETS_DIR`,
      );
    }

    fullLog = await readBpic2013Log(bpic2013LogPath);
    rawRows = parse(gunzipSync(await readFile(bpic2013LogPath)), { bom: true, columns: true }) as RawBpicRow[];
  }, 60_000);

  test('full log counts', () => {
    expect(fullLog.tickets).toHaveLength(7554);
    expect(fullLog.rowCount).toBe(65533);
    expect(fullLog.rejectedRows).toEqual([]);
    expect(rawRows).toHaveLength(65533);
  });

  test('tickets open first, in time order', () => {
    const withoutOpenFirst: string[] = [];
    const withSecondOpen: string[] = [];
    const withoutImpactOrUrgency: string[] = [];
    const outOfTimeOrder: string[] = [];

    for (const ticket of fullLog.tickets) {
      const [openEvent, ...laterEvents] = ticket.events;
      if (openEvent?.action !== 'open') {
        withoutOpenFirst.push(ticket.ticketId);
      }
      if (laterEvents.some((event) => event.action === 'open')) {
        withSecondOpen.push(ticket.ticketId);
      }
      if (openEvent?.impact === null || openEvent?.urgency !== 'medium') {
        withoutImpactOrUrgency.push(ticket.ticketId);
      }

      const instants = ticket.events.map((event) => Date.parse(event.occurredAt));
      if (instants.some((instant, index) => index > 0 && instant < (instants[index - 1] ?? instant))) {
        outOfTimeOrder.push(ticket.ticketId);
      }
    }

    expect(withoutOpenFirst).toEqual([]);
    expect(withSecondOpen).toEqual([]);
    expect(withoutImpactOrUrgency).toEqual([]);
    expect(outOfTimeOrder).toEqual([]);
  });

  test('first 200 incidents end with confirm', async () => {
    const firstSrNumbers: string[] = [];
    const lastRowBySrNumber = new Map<string, RawBpicRow>();
    for (const row of rawRows) {
      const srNumber = row['SR Number'];
      if (!lastRowBySrNumber.has(srNumber)) {
        if (firstSrNumbers.length === 200) {
          break;
        }
        firstSrNumbers.push(srNumber);
      }

      const previous = lastRowBySrNumber.get(srNumber);
      if (previous === undefined || Date.parse(row['Change Date+Time']) >= Date.parse(previous['Change Date+Time'])) {
        lastRowBySrNumber.set(srNumber, row);
      }
    }
    const lastStatuses = [...lastRowBySrNumber.values()].map((row) => `${row.Status}/${row['Sub Status']}`);
    expect(lastStatuses.filter((status) => status === 'Completed/Closed')).toHaveLength(199);
    expect(lastStatuses.filter((status) => status === 'Completed/In Call')).toHaveLength(1);

    const limitedLog = await readBpic2013Log(bpic2013LogPath, { limit: 200 });
    const rawRowCount = rawRows.filter((row) => lastRowBySrNumber.has(row['SR Number'])).length;
    expect(limitedLog.tickets.map((ticket) => ticket.ticketId)).toEqual(firstSrNumbers.map((srNumber) => `SD-${srNumber}`));
    expect(limitedLog.rowCount).toBe(rawRowCount);
    expect(limitedLog.tickets.filter((ticket) => lastEvent(ticket).action === 'confirm')).toHaveLength(200);
  });

  test('event counts per action', () => {
    const countByAction: Record<string, number> = {};
    for (const event of fullLog.tickets.flatMap((ticket) => ticket.events)) {
      countByAction[event.action] = (countByAction[event.action] ?? 0) + 1;
    }

    expect(countByAction).toEqual({
      open: 7554,
      queue: 11544,
      assign: 33460,
      pending: 6657,
      resolve: 8125,
      reject: 580,
      confirm: 7455,
      cancel: 1,
      comment: 173,
    });
  });

  test('first-contact resolutions at the end', () => {
    const firstContactEndings = fullLog.tickets.filter((ticket) => {
      const resolveEvent = ticket.events[ticket.events.length - 2];
      return lastEvent(ticket).action === 'confirm' && resolveEvent?.action === 'resolve' && resolveEvent.firstContact;
    });
    expect(firstContactEndings).toHaveLength(1882);
  });

  test('ticket end states', () => {
    const endActions = fullLog.tickets.map((ticket) => lastEvent(ticket).action);
    expect(endActions.filter((action) => action === 'confirm')).toHaveLength(7455);
    expect(endActions.filter((action) => action === 'cancel')).toHaveLength(1);
    expect(fullLog.tickets.filter(isResolvedAtEnd)).toHaveLength(90);
    expect(endActions.filter((action) => ['assign', 'queue', 'pending'].includes(action))).toHaveLength(8);
  });

  test('reject precedes every reopen', () => {
    const reopensWithoutReject: string[] = [];
    const rejectsWithoutResolve: string[] = [];
    const rejectsAtAnotherInstant: string[] = [];
    let reopenCount = 0;

    for (const ticket of fullLog.tickets) {
      let resolved = false;
      ticket.events.forEach((event, index) => {
        const previous = ticket.events[index - 1];
        const where = `${ticket.ticketId} event ${index}`;

        if (event.action === 'resolve') {
          resolved = true;
        }
        if (event.action === 'reject') {
          if (!resolved) {
            rejectsWithoutResolve.push(where);
          }
          resolved = false;
        }
        if (['queue', 'assign', 'pending'].includes(event.action)) {
          if (resolved) {
            reopensWithoutReject.push(where);
          }
          if (previous?.action === 'reject') {
            reopenCount += 1;
            if (previous.occurredAt !== event.occurredAt) {
              rejectsAtAnotherInstant.push(where);
            }
          }
        }
      });
    }

    expect(reopensWithoutReject).toEqual([]);
    expect(rejectsWithoutResolve).toEqual([]);
    expect(rejectsAtAnotherInstant).toEqual([]);
    expect(reopenCount).toBe(580);
  });

  test('nothing follows confirm or cancel', () => {
    const eventsAfterEnd = fullLog.tickets.filter((ticket) => {
      const endIndex = ticket.events.findIndex((event) => event.action === 'confirm' || event.action === 'cancel');
      return endIndex !== -1 && endIndex !== ticket.events.length - 1;
    });

    expect(eventsAfterEnd.map((ticket) => ticket.ticketId)).toEqual([]);
  });

  test('owner country table covers the log', () => {
    const ownerCountries = new Set(rawRows.map((row) => row['Owner Country'].trim()));
    const uncovered = [...ownerCountries].filter(
      (country) => country !== '0' && country !== '' && ownerCountryTimeZones[country.toLowerCase()] === undefined,
    );
    expect(uncovered).toEqual([]);

    for (const zone of Object.values(ownerCountryTimeZones)) {
      expect(IANAZone.isValidZone(zone)).toBe(true);
    }
    expect(timeZoneForOwnerCountry('RUSSIAN FEDERATION')).toBe('Europe/Moscow');
    expect(timeZoneForOwnerCountry('Atlantis')).toBe('Europe/Brussels');
  });

  test('format detection picks the adapter', async () => {
    expect(await detectReplayLogFormat(bpic2013LogPath)).toBe('bpic2013');

    const log = await readReplayLog(bpic2013LogPath, { limit: 3 });
    expect(log.tickets).toHaveLength(3);
  });
});

describe('replay logs written by the test', () => {
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'sundesk-replay-'));
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  async function writeLog(name: string, lines: string[], compress = false): Promise<string> {
    const filePath = path.join(folder, name);
    const text = lines.join('\r\n') + '\r\n';
    await writeFile(filePath, compress ? gzipSync(text) : text);
    return filePath;
  }

  function bpicRow(
    srNumber: string,
    time: string,
    status: string,
    subStatus: string,
    ownerCountry = 'Sweden',
    resource = 'se-Maja',
  ): string {
    return [
      srNumber,
      time,
      status,
      subStatus,
      `${status}-${subStatus}`,
      `${status}-${subStatus}-L1`,
      'A1_1',
      'Org line A1',
      'G7',
      'G7',
      'L1',
      'High',
      'PROD9',
      'se',
      ownerCountry,
      'Maja',
      resource,
    ].join(',');
  }

  const smallBpicLines = [
    '\uFEFF' + bpicHeader,
    bpicRow('1-000000001', '2012-01-10T09:00:00+01:00', 'Queued', 'Awaiting Assignment'),
    bpicRow('1-000000001', 'yesterday at nine', 'Accepted', 'In Progress'),
    bpicRow('1-000000001', '2012-01-10T09:30:00+01:00', 'Accepted', 'In Progress'),
    bpicRow('1-000000001', '2012-01-10T09:45:00+01:00', 'Completed', 'Parked'),
    bpicRow('', '2012-01-10T10:00:00+01:00', 'Completed', 'Resolved'),
    bpicRow('1-000000001', '2012-01-10T11:00:00+01:00', 'Completed', 'Resolved'),
    bpicRow('1-000000001', '2012-01-11T08:00:00+01:00', 'Accepted', 'Wait - User'),
    bpicRow('1-000000001', '2012-01-12T08:00:00+01:00', 'Completed', 'Resolved'),
    bpicRow('1-000000001', '2012-01-15T08:00:00+01:00', 'Completed', 'Closed'),
    bpicRow('1-000000002', '2012-01-10T12:05:00+01:00', 'Completed', 'In Call', '0', ''),
    bpicRow('1-000000002', '2012-01-10T12:00:00+01:00', 'Queued', 'Awaiting Assignment', '0', ''),
    bpicRow('1-000000003', '2012-02-01T10:00:00+01:00', 'Accepted', 'Wait - Vendor', 'THAILAND'),
    bpicRow('1-000000003', '2012-02-02T10:00:00+01:00', 'Completed', 'Cancelled', 'THAILAND'),
  ];

  test('BPIC rows with errors are rejected', async () => {
    const logPath = await writeLog('small-bpic.csv.gz', smallBpicLines, true);

    const log = await readBpic2013Log(logPath);

    expect(log.rowCount).toBe(13);
    expect(log.rejectedRows.map((row) => row.line)).toEqual([3, 5, 6]);
    expect(log.rejectedRows[0]?.ticketId).toBe('SD-1-000000001');
    expect(log.rejectedRows[0]?.reason).toContain("'yesterday at nine'");
    expect(log.rejectedRows[1]?.reason).toContain("'Completed/Parked'");
    expect(log.rejectedRows[2]?.ticketId).toBeNull();
    expect(log.rejectedRows[2]?.reason).toContain('missing SR Number');
    expect(log.tickets.map((ticket) => ticket.ticketId)).toEqual(['SD-1-000000001', 'SD-1-000000002', 'SD-1-000000003']);
  });

  test('BPIC rows map to lifecycle events', async () => {
    const logPath = await writeLog('small-bpic-mapping.csv.gz', smallBpicLines, true);

    const [reopened, inCall, cancelled] = (await readBpic2013Log(logPath)).tickets;

    expect(actionsOf(reopened)).toEqual(['open', 'queue', 'assign', 'resolve', 'reject', 'pending', 'resolve', 'confirm']);
    expect(reopened?.events[0]).toMatchObject({
      impact: 'high',
      urgency: 'medium',
      assignmentGroup: 'G7',
      supportLevel: 'L1',
      actor: 'se-Maja',
      note: 'Queued/Awaiting Assignment',
    });
    expect(reopened?.events[4]?.occurredAt).toBe('2012-01-11T08:00:00+01:00');
    expect(reopened?.events[5]?.pendingReason).toBe('customer');
    expect(reopened).toMatchObject({ title: 'PROD9 incident 1-000000001', customer: 'Sweden', customerTimeZone: 'Europe/Stockholm' });

    expect(actionsOf(inCall)).toEqual(['open', 'queue', 'resolve', 'confirm']);
    expect(inCall?.events[2]?.firstContact).toBe(true);
    expect(inCall?.events[0]?.actor).toBe('Maja');
    expect(inCall).toMatchObject({ customer: 'unknown', customerTimeZone: 'Europe/Brussels' });

    expect(actionsOf(cancelled)).toEqual(['open', 'pending', 'cancel']);
    expect(cancelled?.events[1]?.pendingReason).toBe('vendor');
    expect(cancelled?.customerTimeZone).toBe('Asia/Bangkok');
  });

  test('BPIC closed before later rows', async () => {
    const logPath = await writeLog('bpic-reopened-after-close.csv', [
      bpicHeader,
      bpicRow('1-000000004', '2012-03-01T10:00:00+01:00', 'Accepted', 'In Progress'),
      bpicRow('1-000000004', '2012-03-01T11:00:00+01:00', 'Completed', 'Closed'),
      bpicRow('1-000000004', '2012-03-02T11:00:00+01:00', 'Accepted', 'In Progress'),
      bpicRow('1-000000004', '2012-03-02T12:00:00+01:00', 'Completed', 'Resolved'),
      bpicRow('1-000000004', '2012-03-02T12:30:00+01:00', 'Completed', 'Resolved'),
      bpicRow('1-000000004', '2012-03-03T12:00:00+01:00', 'Completed', 'Closed'),
    ]);

    const log = await readBpic2013Log(logPath);

    expect(actionsOf(log.tickets[0])).toEqual(['open', 'assign', 'resolve', 'reject', 'assign', 'resolve', 'comment', 'confirm']);
  });

  test('BPIC limit stops at next incident', async () => {
    const logPath = await writeLog('small-bpic-limit.csv.gz', smallBpicLines, true);

    const log = await readBpic2013Log(logPath, { limit: 2 });

    expect(log.tickets.map((ticket) => ticket.ticketId)).toEqual(['SD-1-000000001', 'SD-1-000000002']);
    expect(log.rowCount).toBe(11);
    expect(log.rejectedRows).toHaveLength(3);
  });

  test('BPIC header without needed columns', async () => {
    const logPath = await writeLog('not-bpic.csv', ['SR Number,Change Date+Time,Status', '1-1,2012-01-01T00:00:00+01:00,Queued']);

    await expect(readBpic2013Log(logPath)).rejects.toThrow(/lacks the BPI Challenge 2013 columns Sub Status, Involved ST/);
  });

  test('missing file names the path', async () => {
    const missingPath = path.join(folder, 'no-such-log.csv.gz');

    await expect(readReplayLog(missingPath)).rejects.toThrow(ReplayLogError);
    await expect(readReplayLog(missingPath)).rejects.toThrow(`replay log not found: ${missingPath}`);
    await expect(readBpic2013Log(missingPath)).rejects.toThrow(`replay log not found: ${missingPath}`);
  });

  test('invalid limit is rejected', async () => {
    const logPath = await writeLog('limit-check.csv.gz', smallBpicLines, true);

    await expect(readBpic2013Log(logPath, { limit: 0 })).rejects.toThrow('invalid ticket limit 0');
    await expect(readGenericLog(logPath, { limit: 1.5 })).rejects.toThrow('invalid ticket limit 1.5');
  });

  test('damaged gzip file', async () => {
    const compressed = gzipSync(smallBpicLines.join('\r\n'));
    const logPath = path.join(folder, 'truncated.csv.gz');
    await writeFile(logPath, compressed.subarray(0, compressed.length - 20));

    await expect(readBpic2013Log(logPath)).rejects.toThrow(/failed to decompress replay log .*truncated\.csv\.gz/);
  });

  const jsonLines = [
    JSON.stringify({
      ticketId: 'SD-100',
      occurredAt: '2012-05-01T08:00:00+02:00',
      action: 'open',
      actor: 'ops-bot',
      impact: 'high',
      urgency: 'high',
      assignmentGroup: 'Service Desk',
      supportLevel: 'L1',
      title: 'Mail server down',
      customer: 'ACME Warsaw',
      customerTimeZone: 'Europe/Warsaw',
    }),
    JSON.stringify({ ticketId: 'SD-100', occurredAt: '2012-05-01T06:30:00Z', action: 'assign', actor: 'olek' }),
    JSON.stringify({ ticketId: 'SD-100', occurredAt: '2012-05-01T09:00:00+02:00', action: 'pending', actor: 'olek', pendingReason: 'vendor' }),
    '',
    JSON.stringify({ ticketId: 'SD-100', occurredAt: '2012-05-01T11:00:00+02:00', action: 'resolve', actor: 'olek', firstContact: false, note: 'restarted' }),
    JSON.stringify({ ticketId: 'SD-100', occurredAt: '2012-05-01T10:00:00+02:00', action: 'stop', actor: 'olek' }),
    JSON.stringify({ ticketId: 'SD-100', occurredAt: '2012-05-01 12:00', action: 'confirm', actor: 'customer' }),
    '{"ticketId": "SD-100", "occurredAt": ',
    JSON.stringify({ ticketId: 'SD-101', occurredAt: '2012-05-02T08:00:00+02:00', action: 'open', actor: 'ops-bot', impact: 'severe', urgency: 'low' }),
    JSON.stringify({ ticketId: 'SD-102', occurredAt: '2012-05-02T09:00:00+02:00', action: 'open', actor: 'ops-bot', impact: 'low', urgency: 'low', customerTimeZone: 'Mars/Olympus' }),
    JSON.stringify({ ticketId: 'SD-103', occurredAt: '2012-05-02T09:00:00+02:00', action: 'pending', actor: 'ops-bot' }),
    JSON.stringify({ ticketId: 'SD-104', occurredAt: '2012-05-02T10:00:00+02:00', action: 'open', actor: 'ops-bot', impact: 'low', urgency: 'low', colour: 'red' }),
    JSON.stringify({ ticketId: 'SD-105', occurredAt: '2012-05-02T10:00:00+02:00', action: 'open', actor: 'ops-bot', impact: 'medium', urgency: 'low' }),
    JSON.stringify({ ticketId: 'SD-105', occurredAt: '2012-05-02T09:59:00+02:00', action: 'comment', actor: 'ops-bot', note: 'early' }),
    JSON.stringify({ ticketId: 'SD-105', occurredAt: '2012-05-02T10:30:00+02:00', action: 'open', actor: 'ops-bot', impact: 'medium', urgency: 'low' }),
    JSON.stringify({ ticketId: 'SD-105', occurredAt: '2012-05-02T10:40:00+02:00', action: 'comment', actor: 'ops-bot', firstContact: true }),
  ];

  test('generic JSON Lines log', async () => {
    const logPath = await writeLog('events.jsonl.gz', jsonLines, true);

    const log = await readGenericLog(logPath);

    expect(log.rowCount).toBe(15);
    expect(log.tickets.map((ticket) => ticket.ticketId)).toEqual(['SD-100', 'SD-105']);
    expect(log.tickets[0]).toMatchObject({ title: 'Mail server down', customer: 'ACME Warsaw', customerTimeZone: 'Europe/Warsaw' });
    expect(actionsOf(log.tickets[0])).toEqual(['open', 'assign', 'pending', 'resolve']);
    expect(log.tickets[0]?.events[2]).toMatchObject({ pendingReason: 'vendor', impact: null, note: null, firstContact: false });
    expect(log.tickets[1]).toMatchObject({ title: 'Ticket SD-105', customer: 'unknown', customerTimeZone: 'UTC' });
    expect(actionsOf(log.tickets[1])).toEqual(['open']);
  });

  test('generic JSON Lines validation errors', async () => {
    const logPath = await writeLog('events-with-errors.jsonl', jsonLines);

    const log = await readGenericLog(logPath);
    const reasonByLine = new Map(log.rejectedRows.map((row) => [row.line, row.reason]));

    expect([...reasonByLine.keys()]).toEqual([6, 7, 8, 9, 10, 11, 12, 14, 15, 16]);
    expect(reasonByLine.get(6)).toContain("invalid action 'stop'");
    expect(reasonByLine.get(7)).toContain("invalid occurredAt '2012-05-01 12:00'");
    expect(reasonByLine.get(8)).toContain('invalid JSON');
    expect(reasonByLine.get(9)).toContain("invalid impact 'severe'");
    expect(reasonByLine.get(10)).toContain("invalid customerTimeZone 'Mars/Olympus'");
    expect(reasonByLine.get(11)).toContain('missing pendingReason');
    expect(reasonByLine.get(12)).toContain("unknown field 'colour'");
    expect(reasonByLine.get(14)).toContain("comes before the ticket's open event on line 13");
    expect(reasonByLine.get(15)).toContain('already opened on line 13');
    expect(reasonByLine.get(16)).toContain('firstContact true is only allowed on resolve events');
    expect(log.rejectedRows.find((row) => row.line === 8)?.ticketId).toBeNull();
    expect(log.rejectedRows.find((row) => row.line === 11)?.ticketId).toBe('SD-103');
  });

  test('generic log without open', async () => {
    const logPath = await writeLog('no-open.jsonl', [
      JSON.stringify({ ticketId: 'SD-200', occurredAt: '2012-05-01T08:00:00+02:00', action: 'assign', actor: 'olek' }),
    ]);

    const log = await readGenericLog(logPath);

    expect(log.tickets).toEqual([]);
    expect(log.rejectedRows[0]?.reason).toContain('ticket SD-200 has no open event');
  });

  const csvLines = [
    'ticketId,occurredAt,action,actor,assignmentGroup,supportLevel,impact,urgency,pendingReason,firstContact,note,title,customer,customerTimeZone',
    'SD-300,2012-06-01T09:00:00-04:00,open,phone,Service Desk,L1,medium,high,,,,Printer jams,Plant Greensboro,America/New_York',
    'SD-300,2012-06-01T09:05:00-04:00,resolve,agent-7,Service Desk,L1,,,,true,"cleared the tray, tested",,,',
    'SD-300,2012-06-01T09:06:00-04:00,confirm,customer,,,,,,,,,,',
    'SD-301,2012-06-01T10:00:00-04:00,open,phone,Service Desk,L1,medium,urgent,,,,,,',
    'SD-302,2012-06-01T10:00:00-04:00,open,phone',
    'SD-303,2012-06-01T11:00:00-04:00,open,phone,Service Desk,L1,low,low,,yes,,,,',
    'SD-304,2012-06-01T11:00:00-04:00,open,phone,Network,L2,major,high,,,,Core switch,HQ,Europe/Stockholm',
    'SD-304,2012-06-01T11:10:00-04:00,pending,phone,Network,L2,,,change,,"waits for change ""CH-17""",,,',
  ];

  test('generic CSV log', async () => {
    const logPath = await writeLog('events.csv.gz', csvLines, true);

    const log = await readGenericLog(logPath);

    expect(log.rowCount).toBe(8);
    expect(log.tickets.map((ticket) => ticket.ticketId)).toEqual(['SD-300', 'SD-304']);
    expect(log.tickets[0]).toMatchObject({ title: 'Printer jams', customer: 'Plant Greensboro', customerTimeZone: 'America/New_York' });
    expect(actionsOf(log.tickets[0])).toEqual(['open', 'resolve', 'confirm']);
    expect(log.tickets[0]?.events[1]).toMatchObject({ firstContact: true, note: 'cleared the tray, tested', impact: null });
    expect(log.tickets[0]?.events[2]).toMatchObject({ assignmentGroup: null, supportLevel: null });
    expect(log.tickets[1]?.events[1]).toMatchObject({ pendingReason: 'change', note: 'waits for change "CH-17"' });
  });

  test('generic CSV validation errors', async () => {
    const logPath = await writeLog('events-with-errors.csv', csvLines);

    const log = await readGenericLog(logPath);

    expect(log.rejectedRows.map((row) => row.line)).toEqual([5, 6, 7]);
    expect(log.rejectedRows[0]?.reason).toContain("invalid urgency 'urgent'");
    expect(log.rejectedRows[1]?.reason).toContain('row has 4 fields but the header has 14');
    expect(log.rejectedRows[2]?.reason).toContain("invalid firstContact 'yes'");
  });

  test('generic CSV header errors', async () => {
    const unknownColumnPath = await writeLog('unknown-column.csv', ['ticketId,occurredAt,action,actor,Priority']);
    const missingColumnPath = await writeLog('missing-column.csv', ['ticketId,occurredAt,action']);

    await expect(readGenericLog(unknownColumnPath)).rejects.toThrow("unknown columns 'Priority'");
    await expect(readGenericLog(missingColumnPath)).rejects.toThrow('lacks the required columns actor');
  });

  test('generic log limit', async () => {
    const logPath = await writeLog('events-limit.csv', csvLines);

    const log = await readGenericLog(logPath, { limit: 1 });

    expect(log.tickets.map((ticket) => ticket.ticketId)).toEqual(['SD-300']);
    expect(log.rowCount).toBe(3);
    expect(log.rejectedRows).toEqual([]);
  });

  test('generic log with unknown extension', async () => {
    const logPath = await writeLog('events.txt', csvLines);

    await expect(readGenericLog(logPath)).rejects.toThrow('name it .csv, .csv.gz, .jsonl or .jsonl.gz');
  });

  test('format detection and explicit format', async () => {
    const bpicPath = await writeLog('detect-bpic.csv.gz', smallBpicLines, true);
    const bpicWithoutBomPath = await writeLog('detect-bpic-plain.csv', smallBpicLines.map((line) => line.replace('\uFEFF', '')));
    const genericPath = await writeLog('detect-generic.csv', csvLines);

    expect(await detectReplayLogFormat(bpicPath)).toBe('bpic2013');
    expect(await detectReplayLogFormat(bpicWithoutBomPath)).toBe('bpic2013');
    expect(await detectReplayLogFormat(genericPath)).toBe('generic');
    expect((await readReplayLog(bpicPath)).tickets).toHaveLength(3);
    expect((await readReplayLog(genericPath)).tickets).toHaveLength(2);
    await expect(readReplayLog(genericPath, { format: 'bpic2013' })).rejects.toThrow('lacks the BPI Challenge 2013 columns');
  });
});
