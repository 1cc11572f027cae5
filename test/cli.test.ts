import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

import type { StoreDatabase } from '../src/store/database';
import { findTicket, listTicketEvents } from '../src/store/ticket-store';
import { createTestStore, eventually, startDeskWorkers } from './support/desk-harness';
import { testTemporalAddress } from './setup/test-environment';

const run = promisify(execFile);

// Test files share one dev server, so each file's workers poll a queue of their own.
const ticketTaskQueue = 'sundesk-tickets-cli-test';
const cli = path.resolve(__dirname, '../bin/sundesk');

interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

describe('sundesk CLI against the dev server and PostgreSQL', () => {
  let database: StoreDatabase;
  let databaseUrl: string;
  let nativeConnection: NativeConnection;
  let connection: Connection;
  let desk: Awaited<ReturnType<typeof startDeskWorkers>>;
  const dataDirectory = mkdtempSync(path.join(tmpdir(), 'sundesk-cli-'));

  /** The CLI's desk configuration file, for the commands that check groups against it; the built-in example when undefined. */
  let cliDeskConfiguration: string | undefined;

  async function sundesk(...args: string[]): Promise<CliResult> {
    const environment = {
      ...process.env,
      TEMPORAL_ADDRESS: testTemporalAddress(),
      DATABASE_URL: databaseUrl,
      SUNDESK_DATA_DIR: dataDirectory,
      SUNDESK_ACTOR: 'agent-cli',
      SUNDESK_TASK_QUEUE: ticketTaskQueue,
      ...(cliDeskConfiguration === undefined ? {} : { SUNDESK_DESK_CONFIG: cliDeskConfiguration }),
    };
    try {
      const { stdout, stderr } = await run(process.execPath, [cli, ...args], { env: environment });
      return { exitCode: 0, stdout, stderr };
    } catch (error) {
      const failure = error as { code: number; stdout: string; stderr: string };
      return { exitCode: failure.code, stdout: failure.stdout, stderr: failure.stderr };
    }
  }

  beforeAll(async () => {
    ({ database, databaseUrl } = await createTestStore());
    nativeConnection = await NativeConnection.connect({ address: testTemporalAddress() });
    connection = await Connection.connect({ address: testTemporalAddress() });
    desk = await startDeskWorkers(nativeConnection, 'default', database, { ticketTaskQueue });
  });

  afterAll(async () => {
    await desk?.stop();
    await nativeConnection?.close();
    await connection?.close();
    await database?.destroy();
    rmSync(dataDirectory, { recursive: true, force: true });
  });

  test('open, show, resolve, confirm; events in PostgreSQL', async () => {
    const opened = await sundesk('ticket', 'open', '--id', 'SD-CLI-1', '--title', 'Printer on floor 3 jams', '--impact', 'high', '--urgency', 'medium', '--time-zone', 'Europe/Warsaw', '--json');
    expect(opened.stderr).toBe('');
    expect(opened.exitCode).toBe(0);
    const openedJson = JSON.parse(opened.stdout) as { created: boolean; state: { priority: number } };
    expect(openedJson.created).toBe(true);
    expect(openedJson.state.priority).toBe(2);

    await eventually(async () => (await findTicket(database, 'SD-CLI-1'))?.owner_desk_id != null);
    const shown = await sundesk('ticket', 'show', 'SD-CLI-1', '--json');
    expect(shown.exitCode).toBe(0);
    const shownJson = JSON.parse(shown.stdout) as { workflow: { status: string; ownership: { deskId: string } }; store: { ticket: { status: string; owner_desk_id: string } } };
    expect(shownJson.workflow.status).toBe('new');
    expect(shownJson.store.ticket.status).toBe('new');
    expect(shownJson.store.ticket.owner_desk_id).toBe(shownJson.workflow.ownership.deskId);

    const resolved = await sundesk('ticket', 'resolve', 'SD-CLI-1', '--notes', 'replaced the fuser unit', '--json');
    expect(resolved.exitCode).toBe(0);
    expect((JSON.parse(resolved.stdout) as { status: string }).status).toBe('resolved');

    const confirmed = await sundesk('ticket', 'confirm', 'SD-CLI-1', '--actor', 'printer-owner');
    expect(confirmed.exitCode).toBe(0);
    expect(confirmed.stdout).toMatch(/status:\s+closed/);

    await eventually(async () => (await findTicket(database, 'SD-CLI-1'))?.status === 'closed');
    const events = await listTicketEvents(database, 'SD-CLI-1');
    expect(events.map((event) => event.type)).toEqual(['opened', 'routed', 'resolved', 'confirmed', 'closed']);
    expect(events.find((event) => event.type === 'resolved')?.actor).toBe('agent-cli');
    expect(events.find((event) => event.type === 'confirmed')?.actor).toBe('printer-owner');

    const client = new Client({ connection });
    await eventually(async () => {
      const found: string[] = [];
      for await (const workflow of client.workflow.list({ query: "TicketStatus = 'closed' AND WorkflowId = 'SD-CLI-1'" })) {
        found.push(workflow.workflowId);
      }
      return found.includes('SD-CLI-1');
    });
  });

  test('opening the same id twice changes nothing', async () => {
    const first = await sundesk('ticket', 'open', '--id', 'SD-CLI-2', '--title', 'VPN drops every hour');
    expect(first.exitCode).toBe(0);
    const second = await sundesk('ticket', 'open', '--id', 'SD-CLI-2', '--title', 'Another title');
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toMatch(/already open; nothing changed/);
    expect(second.stdout).toMatch(/VPN drops every hour/);

    await eventually(async () => (await findTicket(database, 'SD-CLI-2'))?.resolution_due_at != null);
    const shown = await sundesk('ticket', 'show', 'SD-CLI-2');
    expect(shown.exitCode).toBe(0);
    expect(shown.stdout).toMatch(/SLA clocks:/);
    expect(shown.stdout).toMatch(/resolution\s+running\s+desk:\w+\s+24h00m/);
  });

  test('closed ticket id is never reused', async () => {
    await sundesk('ticket', 'open', '--id', 'SD-CLI-4', '--title', 'Password reset');
    await sundesk('ticket', 'resolve', 'SD-CLI-4');
    await sundesk('ticket', 'confirm', 'SD-CLI-4');
    await eventually(async () => (await findTicket(database, 'SD-CLI-4'))?.status === 'closed');

    const reopened = await sundesk('ticket', 'open', '--id', 'SD-CLI-4', '--title', 'Another request');
    expect(reopened.exitCode).toBe(1);
    expect(reopened.stderr).toMatch(/ticket 'SD-CLI-4' already existed and is closed or cancelled/);

    const stored = await findTicket(database, 'SD-CLI-4');
    expect(stored?.status).toBe('closed');
    expect(stored?.title).toBe('Password reset');
  });

  test('impact outside the matrix is rejected before anything starts', async () => {
    const result = await sundesk('ticket', 'open', '--id', 'SD-CLI-BAD', '--title', 'x', '--impact', 'severe');
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/invalid impact 'severe'/);
    expect(result.stderr).toMatch(/use one of high, medium, low/);
    expect(await findTicket(database, 'SD-CLI-BAD')).toBeUndefined();
  });

  test.each([
    ['--clock-step-minutes', '1e2'],
    ['--clock-step-minutes', '0x10'],
    ['--limit', '5.0'],
    ['--limit', 'abc'],
  ])('replay rejects %s %s before reading the log', async (flag, value) => {
    const result = await sundesk('replay', 'missing-log.csv', flag, value);

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`argument '${value}' is invalid. Use a whole number greater than 0 for ${flag}.`);
    expect(result.stderr).not.toContain('missing-log.csv');
  });

  test('unknown ticket id names the id', async () => {
    const result = await sundesk('ticket', 'confirm', 'SD-DOES-NOT-EXIST');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/ticket 'SD-DOES-NOT-EXIST' not found/);
  });

  test('confirm before resolve is refused and stores nothing', async () => {
    await sundesk('ticket', 'open', '--id', 'SD-CLI-3', '--title', 'Laptop will not boot');
    await eventually(async () => (await findTicket(database, 'SD-CLI-3'))?.last_event_sequence === 2);

    const result = await sundesk('ticket', 'confirm', 'SD-CLI-3');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/only a resolved ticket can be confirmed; resolve it first/);

    const events = await listTicketEvents(database, 'SD-CLI-3');
    expect(events.map((event) => event.type)).toEqual(['opened', 'routed']);
  });

  test('escalate moves to a higher line, desk keeps the ticket', async () => {
    await sundesk('ticket', 'open', '--id', 'SD-CLI-5', '--title', 'Database replica lags', '--impact', 'high');
    await eventually(async () => (await findTicket(database, 'SD-CLI-5'))?.owner_desk_id != null);
    const ownerBefore = (await findTicket(database, 'SD-CLI-5'))?.owner_desk_id;

    // The example with an SLA policy lists network-l2 (L2) and network-l3 (L3) as specialist groups.
    cliDeskConfiguration = path.resolve(__dirname, '../examples/desks/with-sla-policy.yaml');
    try {
      const escalated = await sundesk('ticket', 'escalate', 'SD-CLI-5', '--group', 'network-l3', '--json');
      expect(escalated.exitCode).toBe(0);
      const state = JSON.parse(escalated.stdout) as { assignmentGroup: string; supportLevel: string; escalationCount: number; ownership: { deskId: string } };
      expect(state.assignmentGroup).toBe('network-l3');
      expect(state.supportLevel).toBe('L3');
      expect(state.escalationCount).toBe(1);
      expect(state.ownership.deskId).toBe(ownerBefore);
      const trail = await listTicketEvents(database, 'SD-CLI-5');
      expect(trail.find((event) => event.type === 'transferred')?.reason).toBe('functional escalation to network-l3 (L3)');

      const unknownGroup = await sundesk('ticket', 'escalate', 'SD-CLI-5', '--group', 'network-l9');
      expect(unknownGroup.exitCode).toBe(2);
      expect(unknownGroup.stderr).toMatch(/unknown specialist group 'network-l9': use one of network-l2 \(L2\), network-l3 \(L3\)/);

      const wrongLevel = await sundesk('ticket', 'escalate', 'SD-CLI-5', '--group', 'network-l2', '--level', 'L3');
      expect(wrongLevel.exitCode).toBe(2);
      expect(wrongLevel.stderr).toMatch(/invalid --level 'L3': network-l2 is an L2 group/);

      const noteOnTransfer = await sundesk('ticket', 'transfer', 'SD-CLI-5', '--group', 'no-such-group');
      expect(noteOnTransfer.exitCode).toBe(0);
      expect(noteOnTransfer.stderr).toMatch(/'no-such-group' is not a specialist group/);
    } finally {
      cliDeskConfiguration = undefined;
    }
  });

  test('open notes a customer group without rules', async () => {
    cliDeskConfiguration = path.resolve(__dirname, '../examples/desks/with-sla-policy.yaml');
    try {
      const wrongCase = await sundesk('ticket', 'open', '--id', 'SD-CLI-GROUP', '--title', 'Board room screen', '--customer-group', 'Executives');
      expect(wrongCase.exitCode).toBe(0);
      expect(wrongCase.stderr).toContain("note: no SLA rule names the customer group 'Executives' (did you mean 'executives'?), so the policy's general rules apply");

      const known = await sundesk('ticket', 'open', '--id', 'SD-CLI-GROUP-2', '--title', 'Board room screen', '--customer-group', 'executives');
      expect(known.exitCode).toBe(0);
      expect(known.stderr).not.toContain('note:');
    } finally {
      cliDeskConfiguration = undefined;
    }
  });

  test('desk status answers for a given instant', async () => {
    const result = await sundesk('desk', 'status', '--at', '2026-12-07T09:00:00Z', '--json');
    expect(result.exitCode).toBe(0);
    const status = JSON.parse(result.stdout) as { desks: Array<{ deskId: string; onDuty: boolean; handsOffTo: string | null; shiftEndsAt: string | null }> };
    const emea = status.desks.find((entry) => entry.deskId === 'emea');
    expect(emea?.onDuty).toBe(true);
    expect(emea?.shiftEndsAt).toBe('2026-12-07T16:00:00.000Z');
    expect(emea?.handsOffTo).toBe('amer');
    expect(status.desks.find((entry) => entry.deskId === 'amer')?.onDuty).toBe(false);

    const bad = await sundesk('desk', 'status', '--at', 'next tuesday');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/invalid --at 'next tuesday'/);
  });
});
