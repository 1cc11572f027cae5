import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';

import { createDeskActivities } from '../activities';
import { TicketClient } from '../src/client/ticket-client';
import type { StoreDatabase } from '../src/store/database';
import { ticketStateQuery } from '../workflows/messages';
import { createTestStore, eventually, nextWinterMonday, silentLogger, startDeskWorkers } from './support/desk-harness';
import { recordHistory } from './support/histories';
import { createTimeSkippingEnvironment } from './setup/test-environment';

const minuteMilliseconds = 60 * 1000;
const hourMilliseconds = 60 * minuteMilliseconds;

describe('desk whose workers are down (time skipping)', () => {
  let environment: TestWorkflowEnvironment;
  let database: StoreDatabase;
  let desk: Awaited<ReturnType<typeof startDeskWorkers>>;
  let tickets: TicketClient;

  beforeAll(async () => {
    environment = await createTimeSkippingEnvironment();
    ({ database } = await createTestStore());
    // AMER's workers are not running: only the ticket worker and the EMEA and APAC desks. The test
    // server does not skip time while an activity task waits for a worker, so the timeout is short.
    desk = await startDeskWorkers(environment.nativeConnection, environment.namespace ?? 'default', database, { deskIds: ['emea', 'apac'], deskUnreachableAfterSeconds: 2 });
    tickets = new TicketClient(environment.client, { searchAttributes: false });
  });

  afterAll(async () => {
    await desk?.stop();
    await database?.destroy();
    await environment?.teardown();
  });

  test('re-routed, escalations go on, handed back when the desk returns', async () => {
    // Monday 14:30 UTC in northern winter: EMEA owns the ticket; at 16:00 UTC it should pass to AMER.
    const monday = nextWinterMonday(await environment.currentTimeMs()).getTime();
    await environment.sleep(monday + 14.5 * hourMilliseconds - (await environment.currentTimeMs()));
    await tickets.open({ ticketId: 'SD-DOWN-1', title: 'Trading floor printers offline', description: '', customer: 'trading', customerTimeZone: 'America/New_York', impact: 'high', urgency: 'high', actor: 'trading' });
    await eventually(async () => (await tickets.state('SD-DOWN-1')).ownership?.deskId === 'emea');
    await tickets.assign('SD-DOWN-1', { actor: 'agent-emea' });

    // AMER does not pick up within 2 s, so at 16:00:02 the ticket goes to the first desk to come on duty: APAC at 23:00 UTC.
    await environment.sleep(monday + 16.25 * hourMilliseconds - (await environment.currentTimeMs()));
    await eventually(async () => (await tickets.state('SD-DOWN-1')).reroutedFrom === 'amer');
    const rerouted = await tickets.state('SD-DOWN-1');
    expect(rerouted.ownership?.deskId).toBe('apac');
    expect(rerouted.ownership?.onDutyFrom).toBe(new Date(monday + 23 * hourMilliseconds).toISOString());
    const rerouteEvent = rerouted.recentEvents.find((event) => event.type === 'rerouted');
    expect(rerouteEvent?.details).toMatchObject({ unreachableDeskId: 'amer', toDeskId: 'apac' });
    expect(rerouteEvent?.occurredAt.slice(0, 16)).toBe(new Date(monday + 16 * hourMilliseconds).toISOString().slice(0, 16));

    // Meanwhile the resolution clock (P1: 4 hours on 24x7) reaches 75 % at 17:30 UTC.
    await environment.sleep(monday + 18 * hourMilliseconds - (await environment.currentTimeMs()));
    const meanwhile = await tickets.state('SD-DOWN-1');
    const warning = meanwhile.recentEvents.find((event) => event.type === 'sla_escalated' && event.details.clock === 'resolution');
    expect(warning?.details.level).toBe('warning');
    expect(Date.parse(warning!.occurredAt)).toBeGreaterThanOrEqual(monday + 17.5 * hourMilliseconds);
    expect(Date.parse(warning!.occurredAt)).toBeLessThanOrEqual(monday + 17.5 * hourMilliseconds + 2 * minuteMilliseconds);
    expect(meanwhile.ownership?.deskId).toBe('apac');

    // AMER's workers come back at 18:00 UTC, while AMER is still on duty (until 24:00 UTC).
    const amerWorker = await Worker.create({
      connection: environment.nativeConnection,
      namespace: environment.namespace ?? 'default',
      taskQueue: 'desk-amer',
      activities: createDeskActivities({ deskId: 'amer', logger: silentLogger }),
    });
    await amerWorker.runUntil(async () => {
      // Re-routed tickets check every 15 minutes whether their scheduled desk picks up again.
      await environment.sleep(20 * minuteMilliseconds);
      await eventually(async () => (await environment.client.workflow.getHandle('SD-DOWN-1').query(ticketStateQuery)).reroutedFrom === null);
    });

    const handedBack = await tickets.state('SD-DOWN-1');
    expect(handedBack.ownership?.deskId).toBe('amer');
    expect(handedBack.ownership?.shiftEndsAt).toBe(new Date(monday + 24 * hourMilliseconds).toISOString());
    const handBack = handedBack.recentEvents.find((event) => event.type === 'handed_back');
    expect(handBack?.details.receivedOn).toBe('desk-amer');

    await tickets.resolve('SD-DOWN-1', { actor: 'agent-amer' });
    await tickets.confirm('SD-DOWN-1', { actor: 'trading' });
    await environment.client.workflow.getHandle('SD-DOWN-1').result();
    await recordHistory(environment.client.workflow.getHandle('SD-DOWN-1'), 'ticket-unreachable-desk');
  });
});
