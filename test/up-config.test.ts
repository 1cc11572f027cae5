/**
 * The running desk with a desk configuration file. Desk workers read the file
 * through a DeskConfigurationSource, so a rewritten file routes the next
 * ticket and the next hand-off without a worker restart. An invalid rewrite
 * keeps the last valid configuration. Then the commands around it:
 * `sundesk up --config` with a bad file, `desk status` with open tickets per
 * desk, and workers/main.ts with bad settings (`npm run build` first).
 *
 * The tickets run in a namespace of their own on the shared dev server, so
 * that neither their ticket task queue nor the desk task queues (desk-alpha,
 * …) meet the workers of other test files.
 */

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';

import { Client, Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { NativeConnection } from '@temporalio/worker';
import pino from 'pino';

import { TicketClient } from '../src/client/ticket-client';
import { DeskConfigurationSource } from '../src/config/desk-configuration';
import type { RunningDesk } from '../src/config/settings';
import { ticketSearchAttributeTypes } from '../src/domain/search-attributes';
import type { StoreDatabase } from '../src/store/database';
import { findTicket, listTicketEvents } from '../src/store/ticket-store';
import { ConfiguredDeskWorkers } from '../workers/configured-desk-workers';
import { createTestStore, eventually } from './support/desk-harness';
import { testTemporalAddress } from './setup/test-environment';

const run = promisify(execFile);
const cli = path.resolve(__dirname, '../bin/sundesk');
const workerMain = path.resolve(__dirname, '../dist/workers/main.js');

interface ProcessResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Variables that would point a command at a developer's own desk. Every run below sets the ones it needs. */
const inheritedVariables = ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'SUNDESK_DATA_DIR', 'SUNDESK_DESK_CONFIG', 'SUNDESK_DESKS'];

/** Runs a Node.js script with a clean environment plus `variables`, and kills it after 60 s so that a regression cannot leave a desk running. */
async function runNode(script: string, args: string[], variables: Record<string, string>): Promise<ProcessResult> {
  const environment: NodeJS.ProcessEnv = { ...process.env };
  for (const name of inheritedVariables) {
    delete environment[name];
  }

  try {
    const { stdout, stderr } = await run(process.execPath, [script, ...args], { env: { ...environment, ...variables }, timeout: 60_000 });
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { exitCode: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

/** Registers a new namespace with the ticket search attributes and returns its name. */
async function registerTestNamespace(connection: Connection): Promise<string> {
  const namespace = `sundesk-config-${randomBytes(4).toString('hex')}`;
  await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });

  const searchAttributes: Record<string, number> = {};
  for (const [name, type] of Object.entries(ticketSearchAttributeTypes)) {
    searchAttributes[name] = encodeSearchAttributeIndexedValueType(type.toUpperCase() as 'KEYWORD' | 'INT' | 'BOOL' | 'DATETIME')!;
  }
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  return namespace;
}

/** `HH:mm` of an instant in UTC. */
function utcTime(instant: Date): string {
  return instant.toISOString().slice(11, 16);
}

/** Returns the YAML of a desk on duty every day from 00:00 to 24:00 UTC. */
function roundTheClockDesk(id: string): string {
  return `  - id: ${id}
    name: Desk ${id}
    timeZone: UTC
    shifts:
      - { weekdays: mon-sun, start: "00:00", end: "24:00" }
`;
}

describe('desk workers with a configuration file', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'sundesk-up-config-'));
  const file = path.join(folder, 'desks.yaml');
  const logLines: string[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logLines.push(chunk.toString());
        callback();
      },
    }),
  );

  let database: StoreDatabase;
  let databaseUrl: string;
  let connection: Connection;
  let nativeConnection: NativeConnection;
  let namespace: string;
  let workers: ConfiguredDeskWorkers | undefined;
  let tickets: TicketClient;

  /** The end of alpha's only shift in the first file: the first full minute at least 20 s from now. */
  const alphaShiftEnd = new Date(Math.ceil((Date.now() + 20_000) / 60_000) * 60_000);

  /** Replaces the file the way the docs ask: write a new file, then rename it over the old one. */
  function replaceConfiguration(text: string): void {
    const next = `${file}.next`;
    writeFileSync(next, text);
    renameSync(next, file);
  }

  function openTicket(ticketId: string, impact: 'high' | 'low') {
    return tickets.open({ ticketId, title: `config test ${ticketId}`, description: '', customer: 'config-test', customerTimeZone: 'UTC', impact, urgency: impact, actor: 'config-test' });
  }

  async function ownerOf(ticketId: string): Promise<string | null | undefined> {
    return (await findTicket(database, ticketId))?.owner_desk_id;
  }

  beforeAll(async () => {
    ({ database, databaseUrl } = await createTestStore());
    connection = await Connection.connect({ address: testTemporalAddress() });
    namespace = await registerTestNamespace(connection);
    nativeConnection = await NativeConnection.connect({ address: testTemporalAddress() });
    tickets = new TicketClient(new Client({ connection, namespace }));

    // alpha alone, in a ring, on duty for two hours until alphaShiftEnd: its P1 tickets follow the sun then.
    replaceConfiguration(`structure: { type: follow-the-sun, ring: [alpha] }
desks:
  - id: alpha
    name: Desk alpha
    timeZone: UTC
    shifts:
      - { weekdays: mon-sun, start: "${utcTime(new Date(alphaShiftEnd.getTime() - 2 * 60 * 60 * 1000))}", end: "${utcTime(alphaShiftEnd)}" }
`);
    const source = new DeskConfigurationSource(file, logger);
    workers = await ConfiguredDeskWorkers.start({ connection: nativeConnection, namespace, database, deskConfiguration: () => source.current(), logger, checkIntervalMilliseconds: 200 });
  });

  afterAll(async () => {
    await workers?.stop();
    await nativeConnection?.close();
    await connection?.close();
    await database?.destroy();
    rmSync(folder, { recursive: true, force: true });
  });

  test('ticket routes to the desk of the file', async () => {
    await openTicket('SD-CFG-1', 'high');
    await eventually(async () => (await ownerOf('SD-CFG-1')) != null);

    expect(await ownerOf('SD-CFG-1')).toBe('alpha');
    const routed = (await listTicketEvents(database, 'SD-CFG-1')).find((event) => event.type === 'routed');
    expect(routed?.details).toMatchObject({ deskId: 'alpha', shiftEndsAt: alphaShiftEnd.toISOString(), followsTheSun: true });

    const desks = await database.selectFrom('desks').select('id').execute();
    expect(desks.map((desk) => desk.id)).toEqual(['alpha']);
  });

  test('rewritten file routes the next ticket and the hand-off', async () => {
    // bravo is a new desk, on duty around the clock, after alpha in the ring.
    replaceConfiguration(`structure: { type: follow-the-sun, ring: [alpha, bravo] }
desks:
  - id: alpha
    name: Desk alpha
    timeZone: UTC
    shifts:
      - { weekdays: mon-sun, start: "${utcTime(new Date(alphaShiftEnd.getTime() - 2 * 60 * 60 * 1000))}", end: "${utcTime(alphaShiftEnd)}" }
${roundTheClockDesk('bravo')}`);

    await openTicket('SD-CFG-2', 'low');
    await eventually(async () => (await ownerOf('SD-CFG-2')) != null);
    expect(await ownerOf('SD-CFG-2')).toBe('bravo');
    // A decided ownership stays until the ticket's next decision, here alpha's shift end.
    expect(await ownerOf('SD-CFG-1')).toBe('alpha');

    await workers!.settled();
    expect(workers!.taskQueues()).toContain('desk-bravo');
    const desks = await database.selectFrom('desks').select('id').orderBy('id').execute();
    expect(desks.map((desk) => desk.id)).toEqual(['alpha', 'bravo']);

    const bravoQueue = await connection.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: 'desk-bravo', kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    });
    expect(bravoQueue.pollers?.length ?? 0).toBeGreaterThan(0);

    // At alpha's shift end the ticket goes to bravo, received by the worker started for the new desk.
    const handOffWait = alphaShiftEnd.getTime() - Date.now() + 30_000;
    await eventually(async () => (await ownerOf('SD-CFG-1')) === 'bravo', handOffWait);
    const handedOff = (await listTicketEvents(database, 'SD-CFG-1')).find((event) => event.type === 'handed_off');
    expect(handedOff?.occurred_at.toISOString()).toBe(alphaShiftEnd.toISOString());
    expect(handedOff?.details).toMatchObject({ fromDeskId: 'alpha', toDeskId: 'bravo', receivedOn: 'desk-bravo' });
  }, 150_000);

  test('invalid rewrite keeps the last valid configuration', async () => {
    replaceConfiguration(`structure: centralized
desks:
  - id: charlie
    name: Desk charlie
    timeZone: Europe/Warsav
    shifts:
      - { weekdays: mon-sun, start: "00:00", end: "24:00" }
`);

    await openTicket('SD-CFG-3', 'low');
    await eventually(async () => (await ownerOf('SD-CFG-3')) != null);
    expect(await ownerOf('SD-CFG-3')).toBe('bravo');

    const rejections = logLines.filter((line) => line.includes('changed desk configuration is invalid'));
    expect(rejections).toHaveLength(1);
    expect(rejections[0]).toContain("desks[0].timeZone: unknown time zone 'Europe/Warsav'");

    // The fixed file applies at once.
    replaceConfiguration(`structure: centralized
desks:
${roundTheClockDesk('charlie')}`);
    await openTicket('SD-CFG-4', 'low');
    await eventually(async () => (await ownerOf('SD-CFG-4')) != null);
    expect(await ownerOf('SD-CFG-4')).toBe('charlie');
  });

  test('desk status counts open tickets per desk', async () => {
    const dataDirectory = path.join(folder, 'data');
    const result = await runNode(cli, ['desk', 'status', '--config', file, '--json'], { DATABASE_URL: databaseUrl, SUNDESK_DATA_DIR: dataDirectory });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);

    // SD-CFG-1 to SD-CFG-3 belong to bravo now. The file no longer lists bravo, so it comes after the file's desks.
    const status = JSON.parse(result.stdout) as { configurationOrigin: string; openTickets: { available: boolean; total: number; perDesk: Array<{ deskId: string | null; openTickets: number }> } };
    expect(status.configurationOrigin).toBe('--config');
    expect(status.openTickets.available).toBe(true);
    expect(status.openTickets.perDesk).toEqual([
      { deskId: 'charlie', openTickets: 1 },
      { deskId: 'bravo', openTickets: 3 },
    ]);
    expect(status.openTickets.total).toBe(4);

    const table = await runNode(cli, ['desk', 'status', '--config', file], { DATABASE_URL: databaseUrl, SUNDESK_DATA_DIR: dataDirectory });
    expect(table.stdout).toMatch(/^open tickets: 4 at \S+ \(new, assigned or pending\)$/m);
    expect(table.stdout).toMatch(/^desk +local time +on duty +shift ends \(UTC\) +hands off to +next shift \(UTC\) +open tickets$/m);
    expect(table.stdout).toMatch(/^charlie +.* 1$/m);
    expect(table.stdout).toMatch(/^open tickets of desks not in this configuration: bravo 3$/m);
  });

  test('desk status uses the file of the running desk', async () => {
    const dataDirectory = path.join(folder, 'running');
    mkdirSync(dataDirectory, { recursive: true });
    const published: RunningDesk = { temporalAddress: testTemporalAddress(), namespace, databaseUrl, webUiUrl: null, processId: process.pid, deskConfigurationPath: file };
    writeFileSync(path.join(dataDirectory, 'sundesk-up.json'), JSON.stringify(published));

    const result = await runNode(cli, ['desk', 'status', '--json'], { SUNDESK_DATA_DIR: dataDirectory });
    expect(result.exitCode).toBe(0);
    const status = JSON.parse(result.stdout) as { configuration: string; configurationOrigin: string; desksOnDuty: string[]; openTickets: { total: number } };
    expect(status.configuration).toBe(file);
    expect(status.configurationOrigin).toBe('running desk');
    expect(status.desksOnDuty).toEqual(['charlie']);
    expect(status.openTickets.total).toBe(4);

    const table = await runNode(cli, ['desk', 'status'], { SUNDESK_DATA_DIR: dataDirectory });
    expect(table.stdout).toContain(`configuration: ${file} (the running desk's file) (centralized on desk charlie)`);
  });
});

describe('sundesk up and workers/main.ts with bad settings', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'sundesk-up-bad-'));
  const badFile = path.join(folder, 'bad.yaml');
  const goodFile = path.join(folder, 'good.yaml');

  beforeAll(() => {
    writeFileSync(
      badFile,
      `structure: centralized
desks:
  - id: alpha
    name: Desk alpha
    timeZone: Europe/Warsav
    shifts:
      - { weekdays: mon-fri, start: "08:00", end: "17:00" }
`,
    );
    writeFileSync(goodFile, `structure: follow-the-sun\ndesks:\n${roundTheClockDesk('alpha')}${roundTheClockDesk('bravo')}`);
  });

  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  test('up --config with an invalid file starts nothing', async () => {
    const dataDirectory = path.join(folder, 'data-option');
    const result = await runNode(cli, ['up', '--config', badFile, '--port', '7391', '--ui-port', '8391', '--database-port', '54391'], { SUNDESK_DATA_DIR: dataDirectory });

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`desk configuration ${badFile} is invalid (1 problem):`);
    expect(result.stderr).toContain(`${badFile}:5:15: desks[0].timeZone: unknown time zone 'Europe/Warsav'`);
    expect(result.stderr).toContain('nothing was started: fix the file that --config names');
    expect(result.stdout).toBe('');
    expect(existsSync(path.join(dataDirectory, 'sundesk-up.json'))).toBe(false);
    expect(existsSync(path.join(dataDirectory, 'pglite'))).toBe(false);
  });

  test('up with an invalid SUNDESK_DESK_CONFIG starts nothing', async () => {
    const dataDirectory = path.join(folder, 'data-variable');
    const result = await runNode(cli, ['up', '--port', '7392', '--ui-port', '8392', '--database-port', '54392'], { SUNDESK_DATA_DIR: dataDirectory, SUNDESK_DESK_CONFIG: badFile });

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`${badFile}:5:15: desks[0].timeZone`);
    expect(result.stderr).toContain('fix the file that SUNDESK_DESK_CONFIG names');
    expect(existsSync(path.join(dataDirectory, 'pglite'))).toBe(false);
  });

  test('worker process rejects an invalid file', async () => {
    const result = await runNode(workerMain, [], { DATABASE_URL: 'postgres://127.0.0.1:9/unused', SUNDESK_DESK_CONFIG: badFile });

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`${badFile}:5:15: desks[0].timeZone: unknown time zone 'Europe/Warsav'`);
    expect(result.stderr).toContain('fix the file that SUNDESK_DESK_CONFIG names');
  });

  test('worker process rejects unknown SUNDESK_DESKS ids', async () => {
    const result = await runNode(workerMain, [], { DATABASE_URL: 'postgres://127.0.0.1:9/unused', SUNDESK_DESK_CONFIG: goodFile, SUNDESK_DESKS: 'alpha, zulu' });

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`invalid SUNDESK_DESKS 'alpha, zulu': ${goodFile} has no desk 'zulu'. Use ids from alpha, bravo`);
  });

  test('worker process checks SUNDESK_DESKS against the built-in example', async () => {
    const result = await runNode(workerMain, [], { DATABASE_URL: 'postgres://127.0.0.1:9/unused', SUNDESK_DESKS: 'emea,alpha' });

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("the built-in example has no desk 'alpha'. Use ids from apac, emea, amer");
  });
});
