import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { parse } from 'csv-parse';

import { readReplayLog } from '../src/replay/read-log';
import type { ReplayReport } from '../src/replay/report';
import { runReplay } from '../src/replay/run-replay';
import type { StoreDatabase } from '../src/store/database';
import { bpic2013LogPath } from './support/datasets';
import { createTestStore, silentLogger } from './support/desk-harness';
import { createTimeSkippingEnvironment } from './setup/test-environment';

interface RawRow {
  incident: string;
  subStatus: string;
  group: string;
  level: string;
}

/** Reads the first `limit` incidents of the raw log, independently of the adapter under test. */
async function readRawIncidents(limit: number): Promise<Map<string, RawRow[]>> {
  const incidents = new Map<string, RawRow[]>();
  const parser = createReadStream(bpic2013LogPath).pipe(createGunzip()).pipe(parse({ columns: true, bom: true }));
  for await (const record of parser as AsyncIterable<Record<string, string>>) {
    const incident = record['SR Number']!;
    if (!incidents.has(incident) && incidents.size === limit) {
      break;
    }
    const rows = incidents.get(incident) ?? [];
    rows.push({ incident, subStatus: record['Sub Status']!, group: record['Involved ST']!, level: record['ST Level']! });
    incidents.set(incident, rows);
  }
  return incidents;
}

describe('replay of the BPI Challenge 2013 log (time skipping)', () => {
  let environment: TestWorkflowEnvironment;
  let database: StoreDatabase;
  let report: ReplayReport;
  let raw: Map<string, RawRow[]>;

  beforeAll(async () => {
    environment = await createTimeSkippingEnvironment();
    ({ database } = await createTestStore());
    raw = await readRawIncidents(200);

    const log = await readReplayLog(bpic2013LogPath, { limit: 200 });
    report = await runReplay({ log, database, logger: silentLogger, environment });
  }, 15 * 60_000);

  afterAll(async () => {
    await database?.destroy();
    await environment?.teardown();
  });

  test('every incident the log closes ends closed', () => {
    const closedByLog = [...raw.values()].filter((rows) => ['Closed', 'In Call'].includes(rows.at(-1)!.subStatus)).length;

    expect(report.ticketsReplayed).toBe(200);
    expect(closedByLog).toBe(200);
    expect(report.ticketsTheLogCloses).toBe(closedByLog);
    expect(report.ticketsClosed).toBe(closedByLog);
    expect(report.ticketsStillOpen).toBe(0);
    expect(report.ticketsNotClosedAsLogged).toEqual([]);
  });

  test('no event was lost or refused', () => {
    expect(report.failedDeliveries).toBe(0);
    expect(report.refusedMessages).toBe(0);
    expect(report.rejectedLogRows).toBe(0);
  });

  test('support lines reached match the log', () => {
    const reaching = (level: string): number => [...raw.values()].filter((rows) => rows.some((row) => row.level.includes(level))).length;

    expect(report.ticketsReachingL2).toBe(reaching('L2'));
    expect(report.ticketsReachingL3).toBe(reaching('L3'));
  });

  test('ping-pong transfers match the log', () => {
    let transfers = 0;
    const tickets = new Set<string>();
    for (const rows of raw.values()) {
      const held = new Set([rows[0]!.group]);
      let current = rows[0]!.group;
      for (const row of rows.slice(1)) {
        if (row.group !== current) {
          if (held.has(row.group)) {
            transfers += 1;
            tickets.add(row.incident);
          }
          held.add(row.group);
          current = row.group;
        }
      }
    }

    expect(report.pingPongTransfers).toBe(transfers);
    expect(report.ticketsWithPingPong).toBe(tickets.size);
  });

  test('first-contact resolutions match In Call endings', () => {
    // In Call: solved while the customer was on the line. It counts as first contact
    // when no other group touched the incident and nothing was resolved before.
    const firstContact = [...raw.values()].filter((rows) => {
      const last = rows.at(-1)!;
      const sameGroup = rows.every((row) => row.group === rows[0]!.group);
      const earlierCompletion = rows.slice(0, -1).some((row) => ['Resolved', 'Closed', 'In Call'].includes(row.subStatus));
      return last.subStatus === 'In Call' && sameGroup && !earlierCompletion;
    }).length;

    expect(firstContact).toBeGreaterThan(0);
    expect(report.firstContactResolutions).toBe(firstContact);
  });
});
