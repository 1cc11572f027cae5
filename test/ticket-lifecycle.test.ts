import type { TestWorkflowEnvironment } from '@temporalio/testing';

import { TicketChangeRefusedError, TicketClient } from '../src/client/ticket-client';
import type { OpenTicketInput, TicketState, TicketStatus } from '../src/domain/ticket';
import type { StoreDatabase } from '../src/store/database';
import { listTicketEvents } from '../src/store/ticket-store';
import { ticketStateQuery, type TicketCommand, type TicketCommandName } from '../workflows/messages';
import type { ticketWorkflow } from '../workflows/ticket';
import { Worker } from '@temporalio/worker';

import { createTicketActivities } from '../activities';
import { exampleDeskConfiguration } from '../src/domain/desks';
import { bundleTicketWorkflows } from '../workers/desk-workers';
import { createTestStore, eventually, nextWinterMonday, silentLogger, startDeskWorkers } from './support/desk-harness';
import { recordHistory } from './support/histories';
import { createTimeSkippingEnvironment } from './setup/test-environment';

const dayMilliseconds = 24 * 60 * 60 * 1000;
let ticketNumber = 0;

function newTicket(overrides: Partial<OpenTicketInput> = {}): OpenTicketInput {
  ticketNumber += 1;
  return {
    ticketId: `SD-LIFE-${ticketNumber}`,
    title: 'Shared drive is read-only',
    description: 'Finance cannot save month-end files.',
    customer: 'finance',
    customerTimeZone: 'Europe/Stockholm',
    impact: 'medium',
    urgency: 'medium',
    actor: 'finance-lead',
    ...overrides,
  };
}

/** A valid payload for every message, so the table below tests only the status rules. */
const validRequests: { [Name in TicketCommandName]: Extract<TicketCommand, { name: Name }>['request'] } = {
  assign: { actor: 'agent-1' },
  transfer: { actor: 'agent-1', assignmentGroup: 'storage-l2', supportLevel: 'L2' },
  setPending: { actor: 'agent-1', reason: 'vendor' },
  resume: { actor: 'agent-1' },
  resolve: { actor: 'agent-1', notes: 'remounted the share read-write' },
  confirm: { actor: 'finance-lead' },
  reject: { actor: 'finance-lead', reason: 'still read-only for the controllers' },
  cancel: { actor: 'agent-1', reason: 'duplicate' },
  comment: { actor: 'agent-1', text: 'looking into it' },
  workNote: { actor: 'agent-1', text: 'quota on the NAS volume hit 100 %' },
  customerReply: { actor: 'finance-lead', text: 'thanks, it works' },
  changePriority: { actor: 'agent-1', impact: 'high' },
};

type Outcome = TicketStatus | 'refused';

/** Status after each message, per starting status: the lifecycle as the desk documents it. */
const transitions: Record<'new' | 'assigned' | 'pending' | 'resolved', Record<TicketCommandName, Outcome>> = {
  new: { assign: 'assigned', transfer: 'new', setPending: 'pending', resume: 'refused', resolve: 'resolved', confirm: 'refused', reject: 'refused', cancel: 'cancelled', comment: 'new', workNote: 'new', customerReply: 'new', changePriority: 'new' },
  assigned: { assign: 'assigned', transfer: 'assigned', setPending: 'pending', resume: 'refused', resolve: 'resolved', confirm: 'refused', reject: 'refused', cancel: 'cancelled', comment: 'assigned', workNote: 'assigned', customerReply: 'assigned', changePriority: 'assigned' },
  // The pending fixture waits on the customer, so a customer reply resumes it.
  pending: { assign: 'assigned', transfer: 'assigned', setPending: 'pending', resume: 'assigned', resolve: 'resolved', confirm: 'refused', reject: 'refused', cancel: 'cancelled', comment: 'pending', workNote: 'pending', customerReply: 'assigned', changePriority: 'pending' },
  resolved: { assign: 'refused', transfer: 'refused', setPending: 'refused', resume: 'refused', resolve: 'refused', confirm: 'closed', reject: 'assigned', cancel: 'cancelled', comment: 'resolved', workNote: 'resolved', customerReply: 'resolved', changePriority: 'refused' },
};

describe('ticket lifecycle (time skipping)', () => {
  let environment: TestWorkflowEnvironment;
  let database: StoreDatabase;
  let desk: Awaited<ReturnType<typeof startDeskWorkers>>;
  let tickets: TicketClient;

  async function openRouted(overrides: Partial<OpenTicketInput> = {}): Promise<string> {
    const ticket = newTicket(overrides);
    await tickets.open(ticket);
    await eventually(async () => (await tickets.state(ticket.ticketId)).ownership !== null);
    return ticket.ticketId;
  }

  async function ticketIn(status: keyof typeof transitions): Promise<string> {
    const ticketId = await openRouted();
    if (status === 'assigned') {
      await tickets.assign(ticketId, { actor: 'agent-1' });
    } else if (status === 'pending') {
      await tickets.setPending(ticketId, { actor: 'agent-1', reason: 'customer' });
    } else if (status === 'resolved') {
      await tickets.resolve(ticketId, { actor: 'agent-1' });
    }
    return ticketId;
  }

  function update(ticketId: string, name: TicketCommandName, request: unknown): Promise<TicketState> {
    return tickets.change(ticketId, name, request);
  }

  beforeAll(async () => {
    environment = await createTimeSkippingEnvironment();
    ({ database } = await createTestStore());
    desk = await startDeskWorkers(environment.nativeConnection, environment.namespace ?? 'default', database);
    tickets = new TicketClient(environment.client, { searchAttributes: false });
  });

  afterAll(async () => {
    await desk?.stop();
    await database?.destroy();
    await environment?.teardown();
  });

  const cases = (Object.keys(transitions) as Array<keyof typeof transitions>).flatMap((from) =>
    (Object.keys(transitions[from]) as TicketCommandName[]).map((name) => [from, name, transitions[from][name]] as const),
  );

  test.each(cases)('from %s, %s gives %s', async (from, name, outcome) => {
    const ticketId = await ticketIn(from);
    const before = await tickets.state(ticketId);

    const sent = update(ticketId, name, validRequests[name]);
    if (outcome === 'refused') {
      await expect(sent).rejects.toThrow(TicketChangeRefusedError);
      const after = await tickets.state(ticketId);
      expect(after.status).toBe(from);
      expect(after.lastSequence).toBe(before.lastSequence);
      return;
    }

    const after = await sent;
    expect(after.status).toBe(outcome);
    expect(after.lastSequence).toBeGreaterThan(before.lastSequence);
  });

  test.each([
    ['missing actor', 'comment', { text: 'hello' }, /missing or invalid 'actor'/],
    ['unknown field', 'comment', { actor: 'a', text: 'hello', colour: 'red' }, /unknown field 'colour'/],
    ['wrong type', 'resolve', { actor: 'a', firstContact: 'yes' }, /invalid 'firstContact' "yes"/],
    ['bad pending reason', 'setPending', { actor: 'a', reason: 'lunch' }, /invalid 'reason' "lunch"/],
    ['reject without reason', 'cancel', { actor: 'a' }, /missing or invalid 'reason'/],
    ['impact outside matrix', 'changePriority', { actor: 'a', impact: 'galactic' }, /invalid impact 'galactic'/],
    ['payload not an object', 'assign', 'agent-1', /must be a JSON object/],
    ['unsupported version', 'assign', { actor: 'a', version: 2 }, /unsupported version 2/],
  ] as const)('update with %s is refused, nothing recorded', async (_case, name, request, reason) => {
    const ticketId = await openRouted();
    const before = await tickets.state(ticketId);

    await expect(update(ticketId, name, request)).rejects.toThrow(reason);
    expect((await tickets.state(ticketId)).lastSequence).toBe(before.lastSequence);
  });

  test('bad signals become refused events', async () => {
    const ticketId = await openRouted();
    const handle = environment.client.workflow.getHandle(ticketId);

    await handle.signal('comment', { text: 'no actor' });
    await handle.signal('escalateToTheMoon', { actor: 'a' });
    await handle.signal('confirm', { actor: 'a' });
    await eventually(async () => (await tickets.state(ticketId)).refusedMessageCount === 3);

    const refused = (await tickets.state(ticketId)).recentEvents.filter((event) => event.type === 'refused');
    expect(refused[0]?.reason).toMatch(/missing or invalid 'actor'/);
    expect(refused[1]?.reason).toMatch(/unknown signal 'escalateToTheMoon'/);
    expect(refused[2]?.reason).toMatch(/only a resolved ticket can be confirmed/);
    expect((await tickets.state(ticketId)).status).toBe('new');

    await eventually(async () => (await listTicketEvents(database, ticketId)).filter((event) => event.type === 'refused').length === 3);
  });

  test('early signals keep their arrival order', async () => {
    // The workflow starts on a queue that no worker polls yet, so all six signals
    // reach it in its first activation, before its handlers exist.
    const ticket = newTicket();
    const taskQueue = 'sundesk-tickets-early-signals';
    const handle = await environment.client.workflow.start<typeof ticketWorkflow>('ticketWorkflow', { workflowId: ticket.ticketId, taskQueue, args: [{ ticket, searchAttributes: false }] });
    await handle.signal('assign', { actor: 'agent-1' });
    await handle.signal('resolve', { actor: 'agent-1' });
    await handle.signal('reject', { actor: 'finance-lead', reason: 'not fixed' });
    await handle.signal('assign', { actor: 'agent-2' });
    await handle.signal('resolve', { actor: 'agent-2' });
    await handle.signal('confirm', { actor: 'finance-lead' });

    const worker = await Worker.create({
      connection: environment.nativeConnection,
      namespace: environment.namespace ?? 'default',
      taskQueue,
      workflowBundle: await bundleTicketWorkflows(),
      activities: createTicketActivities({ database, deskConfiguration: () => exampleDeskConfiguration, logger: silentLogger }),
    });
    const result = await worker.runUntil(handle.result());

    expect(result.recentEvents.map((event) => event.type)).toEqual(['opened', 'routed', 'assigned', 'resolved', 'rejected', 'reopened', 'assigned', 'resolved', 'confirmed', 'closed']);
    expect(result.refusedMessageCount).toBe(0);
    await recordHistory(handle, 'ticket-early-signals');
  });

  test('repeated request id takes effect once', async () => {
    const ticketId = await openRouted();
    const handle = environment.client.workflow.getHandle(ticketId);

    await tickets.comment(ticketId, { actor: 'crm', requestId: 'crm-1', text: 'first delivery' });
    await tickets.comment(ticketId, { actor: 'crm', requestId: 'crm-1', text: 'first delivery' });
    await handle.signal('comment', { actor: 'crm', requestId: 'crm-2', text: 'via signal' });
    await handle.signal('comment', { actor: 'crm', requestId: 'crm-2', text: 'via signal' });
    await handle.signal('comment', { actor: 'crm', requestId: 'crm-1', text: 'first delivery' });
    await tickets.workNote(ticketId, { actor: 'crm', requestId: 'crm-3', text: 'barrier' });

    const comments = (await tickets.state(ticketId)).recentEvents.filter((event) => event.type === 'commented');
    expect(comments.map((event) => event.details.text)).toEqual(['first delivery', 'via signal']);
  });

  test('customer reply resumes pending, never reopens', async () => {
    const pendingId = await ticketIn('pending');
    const resumed = await tickets.customerReply(pendingId, { actor: 'finance-lead', text: 'here is the screenshot' });
    expect(resumed.status).toBe('assigned');
    expect(resumed.recentEvents.slice(-2).map((event) => event.type)).toEqual(['customer_replied', 'resumed']);

    const vendorPending = await ticketIn('assigned');
    await tickets.setPending(vendorPending, { actor: 'agent-1', reason: 'vendor' });
    expect((await tickets.customerReply(vendorPending, { actor: 'finance-lead', text: 'any news?' })).status).toBe('pending');

    const resolvedId = await ticketIn('resolved');
    const stillResolved = await tickets.customerReply(resolvedId, { actor: 'finance-lead', text: 'I will check tomorrow' });
    expect(stillResolved.status).toBe('resolved');
    expect(stillResolved.reopenCount).toBe(0);
  });

  test('priority change recomputes follow-the-sun', async () => {
    const ticketId = await openRouted({ impact: 'low', urgency: 'low' });
    expect((await tickets.state(ticketId)).followsTheSun).toBe(false);

    const raised = await tickets.changePriority(ticketId, { actor: 'duty-manager', impact: 'high', urgency: 'high' });
    expect(raised.priority).toBe(1);
    expect(raised.followsTheSun).toBe(true);
    expect(raised.recentEvents.at(-1)?.details).toMatchObject({ from: 5, to: 1 });
  });

  test('signal-with-start opens once and comments twice', async () => {
    const ticket = newTicket();
    await tickets.openOrComment(ticket, { actor: 'monitoring', requestId: 'alert-1', text: 'disk 95 %' });
    await tickets.openOrComment({ ...ticket, title: 'ignored second title' }, { actor: 'monitoring', requestId: 'alert-2', text: 'disk 99 %' });
    await eventually(async () => (await tickets.state(ticket.ticketId)).recentEvents.filter((event) => event.type === 'commented').length === 2);

    const state = await tickets.state(ticket.ticketId);
    expect(state.title).toBe('Shared drive is read-only');
    expect(state.recentEvents.slice(0, 2).map((event) => event.type)).toEqual(['opened', 'routed']);
  });

  test('default policy reminds on business days, never closes', async () => {
    // Thursday 10:00 UTC in northern winter; EMEA (Warsaw) owns the ticket.
    const thursday = nextWinterMonday(await environment.currentTimeMs()).getTime() + 3 * dayMilliseconds;
    await environment.sleep(thursday + 10 * 60 * 60 * 1000 - (await environment.currentTimeMs()));

    const ticketId = await openRouted({ impact: 'high', urgency: 'low' });
    await tickets.resolve(ticketId, { actor: 'agent-1' });
    await eventually(async () => (await tickets.state(ticketId)).confirmation !== null);

    const clock = (await tickets.state(ticketId)).confirmation!;
    // Reminders after 2 and 4 business days: Monday and Wednesday, same time of day.
    expect(clock.reminderInstants.map((instant) => instant.slice(0, 16))).toEqual([
      new Date(thursday + 4 * dayMilliseconds + 10 * 60 * 60 * 1000).toISOString().slice(0, 16),
      new Date(thursday + 6 * dayMilliseconds + 10 * 60 * 60 * 1000).toISOString().slice(0, 16),
    ]);
    expect(clock.autoCloseAt).toBeNull();

    await environment.sleep(30 * dayMilliseconds);
    await eventually(async () => (await tickets.state(ticketId)).confirmation?.remindersSent === 2);
    const state = await tickets.state(ticketId);
    expect(state.status).toBe('resolved');
    expect(state.recentEvents.filter((event) => event.type === 'reminder_sent')).toHaveLength(2);

    const closed = await tickets.confirm(ticketId, { actor: 'finance-lead' });
    expect(closed.closedWithoutConfirmation).toBe(false);
    await environment.client.workflow.getHandle(ticketId).result();
    await recordHistory(environment.client.workflow.getHandle(ticketId), 'ticket-confirmation-reminders');
  });

  test('continue-as-new under a burst loses nothing', async () => {
    const ticket = newTicket();
    const handle = await environment.client.workflow.start<typeof ticketWorkflow>('ticketWorkflow', {
      workflowId: ticket.ticketId,
      taskQueue: 'sundesk-tickets',
      args: [{ ticket, searchAttributes: false, historyEventLimit: 60 }],
    });
    const firstRunId = handle.firstExecutionRunId;

    await Promise.all(Array.from({ length: 150 }, (_unused, index) => handle.signal('comment', { actor: 'burst', requestId: `burst-${index}`, text: `comment ${index}` })));
    await eventually(async () => (await listTicketEvents(database, ticket.ticketId)).filter((event) => event.type === 'commented').length === 150, 60_000);

    // The run records the burst, then continues as new in a later workflow task.
    await eventually(async () => (await environment.client.workflow.getHandle(ticket.ticketId).describe()).runId !== firstRunId);
    const description = await environment.client.workflow.getHandle(ticket.ticketId).describe();
    expect(description.runId).not.toBe(firstRunId);

    await tickets.resolve(ticket.ticketId, { actor: 'agent-1' });
    await tickets.confirm(ticket.ticketId, { actor: 'finance-lead' });
    const result = await environment.client.workflow.getHandle<typeof ticketWorkflow>(ticket.ticketId).result();
    expect(result.status).toBe('closed');

    const events = await listTicketEvents(database, ticket.ticketId);
    expect(events.map((event) => event.sequence)).toEqual(events.map((_event, index) => index + 1));
    expect(result.lastSequence).toBe(events.length);
    const texts = new Set(events.filter((event) => event.type === 'commented').map((event) => event.details.text));
    expect(texts.size).toBe(150);

    await recordHistory(environment.client.workflow.getHandle(ticket.ticketId, firstRunId), 'ticket-continue-as-new-first-run');
  });

  test('query after close still answers', async () => {
    const ticketId = await ticketIn('resolved');
    await tickets.confirm(ticketId, { actor: 'finance-lead' });
    await environment.client.workflow.getHandle(ticketId).result();

    const state = await environment.client.workflow.getHandle(ticketId).query(ticketStateQuery);
    expect(state.status).toBe('closed');
    await expect(tickets.comment(ticketId, { actor: 'a', text: 'too late' })).rejects.toThrow(/closed or cancelled/);
  });
});
