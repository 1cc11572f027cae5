import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';

import { TicketChangeRefusedError, TicketClient } from '../src/client/ticket-client';
import type { OpenTicketInput } from '../src/domain/ticket';
import type { StoreDatabase } from '../src/store/database';
import { findTicket, listTicketEvents } from '../src/store/ticket-store';
import { ticketStateQuery } from '../workflows/messages';
import type { ticketWorkflow } from '../workflows/ticket';
import { eventually, nextWinterMonday, startTimeSkippingDesk, type TimeSkippingDesk } from './support/desk-harness';
import { recordHistory } from './support/histories';

const hourMilliseconds = 60 * 60 * 1000;

function ticketInput(ticketId: string, overrides: Partial<OpenTicketInput> = {}): OpenTicketInput {
  return {
    ticketId,
    title: 'Mail server rejects logins',
    description: 'Every user of site Ghent gets "invalid password".',
    customer: 'ghent-site',
    customerTimeZone: 'Europe/Brussels',
    impact: 'high',
    urgency: 'high',
    actor: 'ana',
    ...overrides,
  };
}

describe('ticket workflow (time skipping)', () => {
  let environment: TestWorkflowEnvironment;
  let database: StoreDatabase;
  let tickets: TicketClient;
  let desk: TimeSkippingDesk;

  beforeAll(async () => {
    desk = await startTimeSkippingDesk();
    ({ environment, database, tickets } = desk);
  });

  afterAll(async () => {
    await desk?.stop();
  });

  test('hand-off at shift end runs on the receiving desk queue', async () => {
    // Monday 14:30 UTC in northern winter: only EMEA (Warsaw 08:00-17:00, UTC+1) is on duty;
    // AMER (New York 10:00-19:00, UTC-5) starts at 15:00 UTC and takes over when EMEA ends at 16:00 UTC.
    const monday = nextWinterMonday(await environment.currentTimeMs());
    const openAt = monday.getTime() + 14.5 * hourMilliseconds;
    await environment.sleep(openAt - (await environment.currentTimeMs()));

    await tickets.open(ticketInput('SD-HANDOFF-1'));
    const handle: WorkflowHandle<typeof ticketWorkflow> = environment.client.workflow.getHandle('SD-HANDOFF-1');
    await eventually(async () => (await handle.query(ticketStateQuery)).ownership !== null);

    const opened = await handle.query(ticketStateQuery);
    expect(opened.ownership?.deskId).toBe('emea');
    expect(opened.ownership?.shiftEndsAt).toBe(new Date(monday.getTime() + 16 * hourMilliseconds).toISOString());
    expect(opened.followsTheSun).toBe(true);

    await environment.sleep(2 * hourMilliseconds);
    await eventually(async () => (await handle.query(ticketStateQuery)).handOffCount === 1);

    const handedOff = await handle.query(ticketStateQuery);
    expect(handedOff.ownership?.deskId).toBe('amer');
    expect(handedOff.ownership?.shiftEndsAt).toBe(new Date(monday.getTime() + 24 * hourMilliseconds).toISOString());

    const handOffEvent = handedOff.recentEvents.find((event) => event.type === 'handed_off');
    expect(handOffEvent?.occurredAt).toBe(new Date(monday.getTime() + 16 * hourMilliseconds).toISOString());
    expect(handOffEvent?.deskId).toBe('amer');
    expect(handOffEvent?.details.receivedOn).toBe('desk-amer');

    const history = await handle.fetchHistory();
    const scheduled = (history.events ?? []).filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'acceptHandOff');
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0]?.activityTaskScheduledEventAttributes?.taskQueue?.name).toBe('desk-amer');

    await eventually(async () => (await findTicket(database, 'SD-HANDOFF-1'))?.hand_off_count === 1);
    const stored = await findTicket(database, 'SD-HANDOFF-1');
    expect(stored?.owner_desk_id).toBe('amer');

    await tickets.resolve('SD-HANDOFF-1', { actor: 'agent-amer', notes: 'rolled back the mail gateway update' });
    await tickets.confirm('SD-HANDOFF-1', { actor: 'ghent-site' });
    await handle.result();
    await recordHistory(handle, 'ticket-hand-off');
  });

  test('low priority ticket stays with its desk', async () => {
    const monday = nextWinterMonday(await environment.currentTimeMs());
    await environment.sleep(monday.getTime() + 14.5 * hourMilliseconds - (await environment.currentTimeMs()));

    await tickets.open(ticketInput('SD-STAYS-1', { impact: 'low', urgency: 'low' }));
    const handle = environment.client.workflow.getHandle('SD-STAYS-1');
    await eventually(async () => (await handle.query(ticketStateQuery)).ownership !== null);
    await environment.sleep(3 * hourMilliseconds);

    const state = await handle.query(ticketStateQuery);
    expect(state.priority).toBe(5);
    expect(state.followsTheSun).toBe(false);
    expect(state.ownership?.deskId).toBe('emea');
    expect(state.handOffCount).toBe(0);
  });

  test('resolve, reject, resolve, confirm closes with the reopen in the trail', async () => {
    await tickets.open(ticketInput('SD-REOPEN-1', { impact: 'medium', urgency: 'medium' }));

    await tickets.assign('SD-REOPEN-1', { actor: 'agent-7' });
    await tickets.resolve('SD-REOPEN-1', { actor: 'agent-7', notes: 'reset the directory password' });
    const reopened = await tickets.reject('SD-REOPEN-1', { actor: 'ghent-site', reason: 'still cannot log in from the laptop' });
    expect(reopened.status).toBe('assigned');
    expect(reopened.reopenCount).toBe(1);

    await tickets.resolve('SD-REOPEN-1', { actor: 'agent-7', notes: 'cleared the cached credentials' });
    const closed = await tickets.confirm('SD-REOPEN-1', { actor: 'ghent-site' });
    expect(closed.status).toBe('closed');

    const result = await environment.client.workflow.getHandle<typeof ticketWorkflow>('SD-REOPEN-1').result();
    expect(result.status).toBe('closed');
    expect(result.closedWithoutConfirmation).toBe(false);

    const types = result.recentEvents.map((event) => event.type);
    expect(types).toEqual(['opened', 'routed', 'assigned', 'resolved', 'rejected', 'reopened', 'resolved', 'confirmed', 'closed']);

    const storedEvents = await listTicketEvents(database, 'SD-REOPEN-1');
    expect(storedEvents.map((event) => event.type)).toEqual(types);
    expect(storedEvents.find((event) => event.type === 'reopened')?.reason).toBe('still cannot log in from the laptop');
    expect((await findTicket(database, 'SD-REOPEN-1'))?.status).toBe('closed');

    await recordHistory(environment.client.workflow.getHandle('SD-REOPEN-1'), 'ticket-reopen');
  });

  test('confirm on an unresolved ticket is refused and changes nothing', async () => {
    await tickets.open(ticketInput('SD-REFUSE-1'));
    await eventually(async () => (await tickets.state('SD-REFUSE-1')).ownership !== null);
    const before = await tickets.state('SD-REFUSE-1');

    await expect(tickets.confirm('SD-REFUSE-1', { actor: 'ghent-site' })).rejects.toThrow(TicketChangeRefusedError);
    await expect(tickets.confirm('SD-REFUSE-1', { actor: 'ghent-site' })).rejects.toThrow(/resolve it first/);

    const after = await tickets.state('SD-REFUSE-1');
    expect(after.status).toBe(before.status);
    expect(after.lastSequence).toBe(before.lastSequence);

    // A signal cannot be refused to its sender, so the workflow records the refusal instead.
    await environment.client.workflow.getHandle('SD-REFUSE-1').signal('confirm', { actor: 'ghent-site' });
    await environment.client.workflow.getHandle('SD-REFUSE-1').signal('resolve', { notes: 'no actor given' });
    await eventually(async () => (await tickets.state('SD-REFUSE-1')).refusedMessageCount === 2);
    const refused = (await tickets.state('SD-REFUSE-1')).recentEvents.filter((event) => event.type === 'refused');
    expect(refused.map((event) => event.reason)).toEqual([
      expect.stringMatching(/only a resolved ticket can be confirmed/),
      expect.stringMatching(/missing or invalid 'actor'/),
    ]);
    await eventually(async () => (await listTicketEvents(database, 'SD-REFUSE-1')).filter((event) => event.type === 'refused').length === 2);

    await tickets.cancel('SD-REFUSE-1', { actor: 'agent-7', reason: 'duplicate of SD-HANDOFF-1' });
    await environment.client.workflow.getHandle('SD-REFUSE-1').result();
    await recordHistory(environment.client.workflow.getHandle('SD-REFUSE-1'), 'ticket-refused-signals');
  });
});
