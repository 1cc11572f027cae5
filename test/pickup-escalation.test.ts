/**
 * Automatic functional escalation on a time-skipping server. A ticket that no
 * agent picks up moves to the next group after the policy's waiting time,
 * counted on the hours of the group whose queue contains it. A group that is
 * off duty is notified when its shift starts.
 */

import type { TestWorkflowEnvironment } from '@temporalio/testing';

import { validateOpenTicketInput, type TicketClient } from '../src/client/ticket-client';
import { exampleDeskConfiguration, type DeskConfiguration } from '../src/domain/desks';
import { defaultSlaPolicy, type SlaPolicy } from '../src/domain/sla';
import type { StoreDatabase } from '../src/store/database';
import { listTicketNotifications } from '../src/store/notification-store';
import { listTicketEvents } from '../src/store/ticket-store';
import { eventually, nextWinterMonday, startTimeSkippingDesk, type TimeSkippingDesk } from './support/desk-harness';
import { recordHistory } from './support/histories';

const minuteMilliseconds = 60 * 1000;
const hourMilliseconds = 60 * minuteMilliseconds;
const dayMilliseconds = 24 * hourMilliseconds;

/** The example desks plus two specialist groups: network L2 in Warsaw and network L3 in New York, both 09:00-17:00 on weekdays. */
const deskConfiguration: DeskConfiguration = {
  ...exampleDeskConfiguration,
  specialistGroups: [
    { id: 'network-l2', name: 'Network L2 (Warsaw)', supportLevel: 'L2', timeZone: 'Europe/Warsaw', shifts: [{ weekdays: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' }], holidays: [] },
    { id: 'network-l3', name: 'Network L3 (New York)', supportLevel: 'L3', timeZone: 'America/New_York', shifts: [{ weekdays: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' }], holidays: [] },
  ],
};

const slaPolicy: SlaPolicy = {
  ...defaultSlaPolicy,
  rules: [...defaultSlaPolicy.rules, { priority: 3, customerGroup: 'executives', response: { targetMinutes: 10, calendar: '24x7' }, resolution: { targetMinutes: 240, calendar: '24x7' } }],
  pickupEscalations: [
    { fromGroup: 'service-desk', notPickedUpWithinMinutes: 30, toGroup: 'network-l2', supportLevel: 'L2' },
    { fromGroup: 'network-l2', notPickedUpWithinMinutes: 120, toGroup: 'network-l3', supportLevel: 'L3' },
  ],
};

type StoredEvent = Awaited<ReturnType<typeof listTicketEvents>>[number];

/** Lists the escalation entries of a stored trail as `type group instant-to-the-minute`. */
function escalationTrail(events: readonly StoredEvent[]): string[] {
  return events
    .filter((event) => event.type === 'transferred' || event.type === 'group_notified')
    .map((event) => `${event.type} ${String(event.type === 'transferred' ? event.details.to : event.details.assignmentGroup)} ${event.occurred_at.toISOString().slice(0, 16)}`);
}

function minute(milliseconds: number): string {
  return new Date(milliseconds).toISOString().slice(0, 16);
}

describe('automatic functional escalation (time skipping)', () => {
  let environment: TestWorkflowEnvironment;
  let database: StoreDatabase;
  let tickets: TicketClient;
  let desk: TimeSkippingDesk;
  let monday: number;

  beforeAll(async () => {
    desk = await startTimeSkippingDesk({ deskConfiguration, slaPolicy });
    ({ environment, database, tickets } = desk);
    monday = nextWinterMonday(await environment.currentTimeMs()).getTime();
  });

  afterAll(async () => {
    await desk?.stop();
  });

  test('an unpicked ticket climbs the support lines on each group’s own hours', async () => {
    // Monday 14:00 UTC: EMEA owns the ticket; the service desk has 30 minutes of EMEA's hours to pick it up.
    await environment.sleep(monday + 14 * hourMilliseconds - (await environment.currentTimeMs()));
    await tickets.open({ ticketId: 'SD-PICKUP-1', title: 'Branch office VPN drops every hour', description: '', customer: 'branch-krakow', customerTimeZone: 'Europe/Warsaw', impact: 'medium', urgency: 'medium', actor: 'branch-krakow' });
    await eventually(async () => (await tickets.state('SD-PICKUP-1')).pickup?.escalation !== null && (await tickets.state('SD-PICKUP-1')).pickup !== undefined);
    const waiting = await tickets.state('SD-PICKUP-1');
    expect(waiting.pickup?.escalation).toMatchObject({ toGroup: 'network-l2', calendar: 'desk:emea', notPickedUpWithinMinutes: 30 });
    expect(waiting.pickup?.escalation?.dueAt.slice(0, 16)).toBe(minute(monday + 14.5 * hourMilliseconds));

    // Network L2 works 08:00-16:00 UTC: 90 of its 120 minutes pass on Monday, the last 30 on Tuesday from 08:00 UTC.
    // Then network L3 is off duty until 14:00 UTC (09:00 in New York) and hears of the ticket then.
    await environment.sleep(monday + dayMilliseconds + 15 * hourMilliseconds - (await environment.currentTimeMs()));
    await eventually(async () => (await tickets.state('SD-PICKUP-1')).assignmentGroup === 'network-l3' && (await tickets.state('SD-PICKUP-1')).pickup?.groupNotifiedAt !== null);

    const trail = await listTicketEvents(database, 'SD-PICKUP-1');
    expect(escalationTrail(trail)).toEqual([
      `transferred network-l2 ${minute(monday + 14.5 * hourMilliseconds)}`,
      `group_notified network-l2 ${minute(monday + 14.5 * hourMilliseconds)}`,
      `transferred network-l3 ${minute(monday + dayMilliseconds + 8.5 * hourMilliseconds)}`,
      `group_notified network-l3 ${minute(monday + dayMilliseconds + 14 * hourMilliseconds)}`,
    ]);
    const firstMove = trail.find((event) => event.type === 'transferred');
    expect(firstMove?.actor).toBe('sundesk');
    expect(firstMove?.reason).toBe('not picked up by service-desk within 30m of desk:emea open time');

    // Each group heard of the ticket through the notification outbox when it was on duty.
    await eventually(async () => (await listTicketNotifications(database, 'SD-PICKUP-1')).filter((notification) => notification.kind === 'group_escalation').length === 2);
    const groupNotices = (await listTicketNotifications(database, 'SD-PICKUP-1')).filter((notification) => notification.kind === 'group_escalation');
    expect(groupNotices.map((notification) => [notification.recipients, notification.createdAt.slice(0, 16)])).toEqual([
      [['group:network-l2'], minute(monday + 14.5 * hourMilliseconds)],
      [['group:network-l3'], minute(monday + dayMilliseconds + 14 * hourMilliseconds)],
    ]);

    const escalated = await tickets.state('SD-PICKUP-1');
    expect(escalated.supportLevel).toBe('L3');
    expect(escalated.escalationCount).toBe(2);
    expect(escalated.ownership?.deskId).not.toBeNull();
    // No rule leaves network L3, so the watch plans no further move.
    expect(escalated.pickup?.escalation).toBeNull();

    // An agent of network L3 picks the ticket up: the watch ends.
    await tickets.assign('SD-PICKUP-1', { actor: 'l3-agent' });
    await eventually(async () => (await tickets.state('SD-PICKUP-1')).pickup === null);
    await recordHistory(environment.client.workflow.getHandle('SD-PICKUP-1'), 'ticket-pickup-escalation');
  });

  test('a ticket picked up in time stays with its group', async () => {
    await tickets.open({ ticketId: 'SD-PICKUP-2', title: 'Printer on floor 3 jams', description: '', customer: 'office', customerTimeZone: 'Europe/Warsaw', impact: 'low', urgency: 'low', actor: 'office' });
    await eventually(async () => (await tickets.state('SD-PICKUP-2')).pickup?.escalation !== undefined && (await tickets.state('SD-PICKUP-2')).pickup !== null);
    await environment.sleep(10 * minuteMilliseconds);
    await tickets.assign('SD-PICKUP-2', { actor: 'agent-emea' });

    await environment.sleep(2 * dayMilliseconds);
    const state = await tickets.state('SD-PICKUP-2');
    expect(state.assignmentGroup).toBe('service-desk');
    expect(state.pickup).toBeNull();
    expect((await listTicketEvents(database, 'SD-PICKUP-2')).some((event) => event.type === 'transferred')).toBe(false);
  });

  test('a customer group chooses its own SLA rule', async () => {
    await tickets.open({ ticketId: 'SD-GROUP-1', title: 'Board room projector dead', description: '', customer: 'ceo-office', customerGroup: 'executives', customerTimeZone: 'Europe/Warsaw', impact: 'medium', urgency: 'medium', actor: 'ceo-office' });
    await tickets.open({ ticketId: 'SD-GROUP-2', title: 'Meeting room projector dead', description: '', customer: 'sales', customerTimeZone: 'Europe/Warsaw', impact: 'medium', urgency: 'medium', actor: 'sales' });
    await eventually(async () => (await tickets.state('SD-GROUP-1')).sla !== null && (await tickets.state('SD-GROUP-2')).sla !== null);

    const executive = await tickets.state('SD-GROUP-1');
    expect(executive.customerGroup).toBe('executives');
    expect(executive.sla!.records.response).toMatchObject({ targetMinutes: 10, calendar: '24x7' });

    const general = await tickets.state('SD-GROUP-2');
    expect(general.customerGroup).toBeNull();
    expect(general.sla!.records.response).toMatchObject({ targetMinutes: 120 });
    expect(general.sla!.records.response.calendar).toMatch(/^desk:/);
  });

  test('an invalid customer group is rejected before opening', () => {
    const ticket = { ticketId: 'SD-GROUP-3', title: 'Projector', description: '', customer: 'x', customerGroup: 'board room', customerTimeZone: 'UTC', impact: 'low', urgency: 'low', actor: 'x' } as const;

    expect(() => validateOpenTicketInput(ticket)).toThrow("invalid customer group 'board room': use letters, digits, '.', '_', ':' or '-' (at most 64), for example executives, or leave it out");
  });
});
