import type { TestWorkflowEnvironment } from '@temporalio/testing';

import { TicketClient } from '../src/client/ticket-client';
import type { StoreDatabase } from '../src/store/database';
import { findTicket, listTicketEvents } from '../src/store/ticket-store';
import type { ticketWorkflow } from '../workflows/ticket';
import { eventually, nextWinterMonday, startTimeSkippingDesk, type TimeSkippingDesk } from './support/desk-harness';

const hourMilliseconds = 60 * 60 * 1000;
const dayMilliseconds = 24 * hourMilliseconds;

describe('auto-close policy (time skipping)', () => {
  let environment: TestWorkflowEnvironment;
  let database: StoreDatabase;
  let tickets: TicketClient;
  let desk: TimeSkippingDesk;

  beforeAll(async () => {
    desk = await startTimeSkippingDesk({
      confirmationPolicy: { name: 'close-after-3-business-days', reminderAfterBusinessDays: [1], autoCloseAfterBusinessDays: 3 },
    });
    ({ environment, database, tickets } = desk);
  });

  afterAll(async () => {
    await desk?.stop();
  });

  test('closes without confirmation after three business days', async () => {
    // Resolved on a winter Thursday at 10:00 UTC by EMEA (Warsaw, weekdays):
    // the reminder is due Friday 10:00 UTC, the auto-close Tuesday 10:00 UTC (the weekend does not count).
    const thursday = nextWinterMonday(await environment.currentTimeMs()).getTime() + 3 * dayMilliseconds;
    await environment.sleep(thursday + 10 * hourMilliseconds - (await environment.currentTimeMs()));

    await tickets.open({ ticketId: 'SD-AUTOCLOSE-1', title: 'New monitor for desk 4.12', description: '', customer: 'hr', customerTimeZone: 'Europe/Warsaw', impact: 'low', urgency: 'medium', ticketType: 'service_request', actor: 'hr' });
    await eventually(async () => (await tickets.state('SD-AUTOCLOSE-1')).ownership?.deskId === 'emea');
    await tickets.resolve('SD-AUTOCLOSE-1', { actor: 'agent-emea', resolutionCode: 'fulfilled' });

    const result = await environment.client.workflow.getHandle<typeof ticketWorkflow>('SD-AUTOCLOSE-1').result();
    expect(result.status).toBe('closed');
    expect(result.closedWithoutConfirmation).toBe(true);
    expect(result.closedAt?.slice(0, 16)).toBe(new Date(thursday + 5 * dayMilliseconds + 10 * hourMilliseconds).toISOString().slice(0, 16));

    const reminder = result.recentEvents.find((event) => event.type === 'reminder_sent');
    expect(reminder?.occurredAt.slice(0, 16)).toBe(new Date(thursday + dayMilliseconds + 10 * hourMilliseconds).toISOString().slice(0, 16));

    const closing = result.recentEvents.at(-1);
    expect(closing?.type).toBe('closed');
    expect(closing?.actor).toBe('sundesk');
    expect(closing?.reason).toMatch(/closed without confirmation/);
    expect(result.recentEvents.some((event) => event.type === 'confirmed')).toBe(false);

    await eventually(async () => (await findTicket(database, 'SD-AUTOCLOSE-1'))?.closed_without_confirmation === true);
    expect((await listTicketEvents(database, 'SD-AUTOCLOSE-1')).map((event) => event.type)).toEqual(['opened', 'routed', 'resolved', 'reminder_sent', 'closed']);
  });

  test('a confirmation before the deadline wins', async () => {
    await tickets.open({ ticketId: 'SD-AUTOCLOSE-2', title: 'Reset my token', description: '', customer: 'ops', customerTimeZone: 'Europe/Warsaw', impact: 'low', urgency: 'low', actor: 'ops' });
    await eventually(async () => (await tickets.state('SD-AUTOCLOSE-2')).ownership !== null);
    await tickets.resolve('SD-AUTOCLOSE-2', { actor: 'agent-emea' });
    await eventually(async () => (await tickets.state('SD-AUTOCLOSE-2')).confirmation !== null);

    const confirmed = await tickets.confirm('SD-AUTOCLOSE-2', { actor: 'ops' });
    expect(confirmed.status).toBe('closed');
    expect(confirmed.closedWithoutConfirmation).toBe(false);
    expect(confirmed.confirmation).toBeNull();
  });
});
