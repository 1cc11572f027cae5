import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

import { TicketClient } from '../src/client/ticket-client';
import { findTemporalCli } from '../src/services/tools';
import type { StoreDatabase } from '../src/store/database';
import { listTicketEvents } from '../src/store/ticket-store';
import { createTestStore, eventually, startDeskWorkers } from './support/desk-harness';
import { testTemporalAddress, testTemporalNamespace } from './setup/test-environment';

const run = promisify(execFile);

// Test files share one dev server, so each file's workers poll a queue of their own.
const ticketTaskQueue = 'sundesk-tickets-foreign-test';

/** Runs the real `temporal` CLI against the test dev server, as an integrator in another language would. */
async function temporalCli(...args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(findTemporalCli(), [...args, '--address', testTemporalAddress(), '--namespace', testTemporalNamespace()]);
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { exitCode: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

describe('the temporal CLI as a foreign client', () => {
  let database: StoreDatabase;
  let nativeConnection: NativeConnection;
  let connection: Connection;
  let desk: Awaited<ReturnType<typeof startDeskWorkers>>;
  let tickets: TicketClient;

  beforeAll(async () => {
    ({ database } = await createTestStore());
    nativeConnection = await NativeConnection.connect({ address: testTemporalAddress() });
    connection = await Connection.connect({ address: testTemporalAddress() });
    desk = await startDeskWorkers(nativeConnection, testTemporalNamespace(), database, { ticketTaskQueue });
    tickets = new TicketClient(new Client({ connection, namespace: testTemporalNamespace() }), { taskQueue: ticketTaskQueue });
  });

  afterAll(async () => {
    await desk?.stop();
    await nativeConnection?.close();
    await connection?.close();
    await database?.destroy();
  });

  test('signal, update and query through the CLI', async () => {
    await tickets.open({ ticketId: 'SD-FOREIGN-1', title: 'Badge reader at gate 4 offline', description: '', customer: 'facilities', customerTimeZone: 'America/Sao_Paulo', impact: 'medium', urgency: 'high', actor: 'facilities' });

    const signalled = await temporalCli('workflow', 'signal', '--workflow-id', 'SD-FOREIGN-1', '--name', 'comment', '--input', '{"actor":"bms-integration","text":"reader 4 lost power at 07:12"}');
    expect(signalled.stderr).toBe('');
    expect(signalled.exitCode).toBe(0);
    await eventually(async () => (await listTicketEvents(database, 'SD-FOREIGN-1')).some((event) => event.type === 'commented' && event.actor === 'bms-integration'));

    const badSignal = await temporalCli('workflow', 'signal', '--workflow-id', 'SD-FOREIGN-1', '--name', 'setPending', '--input', '{"actor":"bms-integration","reason":"coffee"}');
    expect(badSignal.exitCode).toBe(0);
    await eventually(async () => (await listTicketEvents(database, 'SD-FOREIGN-1')).some((event) => event.type === 'refused'));
    const refused = (await listTicketEvents(database, 'SD-FOREIGN-1')).find((event) => event.type === 'refused');
    expect(refused?.reason).toMatch(/invalid 'reason' "coffee"/);

    const refusedUpdate = await temporalCli('workflow', 'update', 'execute', '--workflow-id', 'SD-FOREIGN-1', '--name', 'confirm', '--input', '{"actor":"facilities"}');
    expect(refusedUpdate.exitCode).not.toBe(0);
    expect(refusedUpdate.stderr).toMatch(/only a resolved ticket can be confirmed/);

    const resolved = await temporalCli('workflow', 'update', 'execute', '--workflow-id', 'SD-FOREIGN-1', '--name', 'resolve', '--input', '{"actor":"agent-bra","notes":"replaced the PSU","requestId":"bms-77"}');
    expect(resolved.exitCode).toBe(0);

    const queried = await temporalCli('workflow', 'query', '--workflow-id', 'SD-FOREIGN-1', '--type', 'state', '--output', 'json');
    expect(queried.exitCode).toBe(0);
    expect(queried.stdout).toMatch(/"status":\s*"resolved"/);

    await eventually(async () => {
      const listed = await temporalCli('workflow', 'list', '--query', "TicketStatus='resolved' AND WorkflowId='SD-FOREIGN-1'", '--output', 'json');
      return listed.exitCode === 0 && listed.stdout.includes('SD-FOREIGN-1');
    });
  });
});
