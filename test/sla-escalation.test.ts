import type { TestWorkflowEnvironment } from '@temporalio/testing';

import { TicketClient } from '../src/client/ticket-client';
import type { TicketEvent } from '../src/domain/ticket';
import type { NotificationChannel } from '../src/notifications/notification-channel';
import type { StoreDatabase } from '../src/store/database';
import { listTicketNotifications } from '../src/store/notification-store';
import { listTicketEvents } from '../src/store/ticket-store';
import { eventually, startTimeSkippingDesk, type TimeSkippingDesk } from './support/desk-harness';
import { recordHistory } from './support/histories';

const minuteMilliseconds = 60 * 1000;

function escalations(events: readonly TicketEvent[]): Array<{ clock: unknown; level: unknown; at: string }> {
  return events.filter((event) => event.type === 'sla_escalated').map((event) => ({ clock: event.details.clock, level: event.details.level, at: event.occurredAt }));
}

/** Compares instants to the second: the workflow's clock is exact, the expected values are computed from recorded instants. */
function atSecond(milliseconds: number): string {
  return new Date(milliseconds).toISOString().slice(0, 19);
}

describe('SLA escalation (time skipping)', () => {
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

  test('P1 levels fire once, at their instants, never after resolution', async () => {
    await tickets.open({ ticketId: 'SD-SLA-1', title: 'Payment gateway down', description: '', customer: 'shop', customerTimeZone: 'Europe/Berlin', impact: 'high', urgency: 'high', actor: 'shop' });
    await eventually(async () => (await tickets.state('SD-SLA-1')).sla !== null);

    const started = await tickets.state('SD-SLA-1');
    const openedAt = Date.parse(started.sla!.records.response.runStartedAt);
    // Default policy, P1 on 24x7: response 15 minutes, resolution 4 hours; levels at 75, 100 and 150 %.
    expect(started.sla!.records.response.targetMinutes).toBe(15);
    expect(started.sla!.records.resolution.targetMinutes).toBe(240);
    expect(started.sla!.snapshots.resolution.dueAt?.slice(0, 19)).toBe(atSecond(openedAt + 240 * minuteMilliseconds));
    expect(started.slaBreached).toBe(false);

    await environment.sleep(20 * minuteMilliseconds);
    await eventually(async () => (await tickets.state('SD-SLA-1')).slaBreached);
    expect(escalations((await tickets.state('SD-SLA-1')).recentEvents).map((entry) => [entry.clock, entry.level, entry.at.slice(0, 19)])).toEqual([
      ['response', 'warning', atSecond(openedAt + 11.25 * minuteMilliseconds)],
      ['response', 'breach', atSecond(openedAt + 15 * minuteMilliseconds)],
    ]);

    // The first response stops the response clock before its 150 % level (22.5 minutes).
    await tickets.assign('SD-SLA-1', { actor: 'agent-1' });
    await environment.sleep(2 * 60 * minuteMilliseconds);
    await tickets.resolve('SD-SLA-1', { actor: 'agent-1', notes: 'failed over to the standby gateway' });
    await environment.sleep(6 * 60 * minuteMilliseconds);

    const resolved = await tickets.state('SD-SLA-1');
    expect(resolved.status).toBe('resolved');
    expect(resolved.sla!.snapshots.resolution.state).toBe('stopped');
    expect(escalations(resolved.recentEvents).map((entry) => `${String(entry.clock)}:${String(entry.level)}`)).toEqual(['response:warning', 'response:breach']);

    await tickets.confirm('SD-SLA-1', { actor: 'shop' });
    await environment.client.workflow.getHandle('SD-SLA-1').result();
    const stored = await listTicketEvents(database, 'SD-SLA-1');
    expect(stored.filter((event) => event.type === 'sla_escalated')).toHaveLength(2);

    // Each level went through the notification activity into the outbox, addressed by its actions.
    const notifications = await listTicketNotifications(database, 'SD-SLA-1');
    expect(notifications.map((notification) => [notification.kind, notification.payload.level, notification.recipients])).toEqual([
      ['sla_escalation', 'warning', [`desk-lead:${started.ownership!.deskId}`]],
      ['sla_escalation', 'breach', ['duty-manager']],
    ]);
    expect(notifications.every((notification) => notification.deliveries.every((delivery) => delivery.status === 'delivered'))).toBe(true);
    await recordHistory(environment.client.workflow.getHandle('SD-SLA-1'), 'ticket-sla-escalation');
  });

  test('pending on the customer pauses the resolution clock', async () => {
    await tickets.open({ ticketId: 'SD-SLA-2', title: 'Laptop screen flickers', description: '', customer: 'ana', customerTimeZone: 'Europe/Berlin', impact: 'high', urgency: 'high', actor: 'ana' });
    await eventually(async () => (await tickets.state('SD-SLA-2')).sla !== null);
    await tickets.assign('SD-SLA-2', { actor: 'agent-2' });
    const openedAt = Date.parse((await tickets.state('SD-SLA-2')).sla!.records.resolution.runStartedAt);

    await environment.sleep(60 * minuteMilliseconds);
    await tickets.setPending('SD-SLA-2', { actor: 'agent-2', reason: 'customer', note: 'asked for a photo of the screen' });
    await eventually(async () => (await tickets.state('SD-SLA-2')).sla!.snapshots.resolution.state === 'paused');
    const pausedAt = Date.parse((await tickets.state('SD-SLA-2')).sla!.records.resolution.pauses[0]!.start);

    await environment.sleep(5 * 60 * minuteMilliseconds);
    expect(escalations((await tickets.state('SD-SLA-2')).recentEvents).filter((entry) => entry.clock === 'resolution')).toEqual([]);

    await tickets.customerReply('SD-SLA-2', { actor: 'ana', text: 'photo attached' });
    await eventually(async () => (await tickets.state('SD-SLA-2')).sla!.snapshots.resolution.state === 'running');
    const clock = (await tickets.state('SD-SLA-2')).sla!;
    const resumedAt = Date.parse(clock.records.resolution.pauses[0]!.end!);

    // 240 minutes of target minus what ran before the pause.
    const elapsedBeforePauseMilliseconds = pausedAt - openedAt;
    expect(clock.snapshots.resolution.dueAt?.slice(0, 19)).toBe(atSecond(resumedAt + 240 * minuteMilliseconds - elapsedBeforePauseMilliseconds));
    expect(clock.snapshots.resolution.remainingMinutes).toBeGreaterThan(170);
  });

  test('priority change keeps stopped clocks', async () => {
    await tickets.open({ ticketId: 'SD-SLA-3', title: 'Warehouse scanners offline', description: '', customer: 'warehouse', customerTimeZone: 'Europe/Berlin', impact: 'high', urgency: 'high', actor: 'warehouse' });
    await eventually(async () => (await tickets.state('SD-SLA-3')).sla !== null);
    await environment.sleep(5 * minuteMilliseconds);
    await tickets.assign('SD-SLA-3', { actor: 'agent-3' });
    await eventually(async () => (await tickets.state('SD-SLA-3')).sla!.snapshots.response.state === 'stopped');
    const before = (await tickets.state('SD-SLA-3')).sla!;

    // P1 to P2: the resolution target grows from 4 to 8 hours; the response was given at 5 of its 15 minutes.
    await environment.sleep(60 * minuteMilliseconds);
    await tickets.changePriority('SD-SLA-3', { actor: 'agent-3', urgency: 'medium' });
    await eventually(async () => (await tickets.state('SD-SLA-3')).sla!.records.resolution.targetMinutes === 480);

    const after = (await tickets.state('SD-SLA-3')).sla!;
    expect(after.records.response).toEqual(before.records.response);
    expect(after.snapshots.response).toEqual(before.snapshots.response);
    expect(after.snapshots.response.state).toBe('stopped');
    expect(after.snapshots.response.remainingMinutes).toBeCloseTo(10, 0);
    expect(after.records.resolution.carriedElapsedMinutes).toBeCloseTo(65, 0);
    expect(after.snapshots.resolution.state).toBe('running');
    await recordHistory(environment.client.workflow.getHandle('SD-SLA-3'), 'ticket-priority-change');
  });
});

describe('notifications that cannot be delivered', () => {
  let desk: TimeSkippingDesk;
  const failedAttempts: string[] = [];

  beforeAll(async () => {
    const brokenChannel: NotificationChannel = {
      name: 'pager',
      deliver: async (notification) => {
        failedAttempts.push(notification.notificationId);
        throw new Error('connection refused by the pager gateway');
      },
    };
    desk = await startTimeSkippingDesk({ notificationChannels: [brokenChannel] });
  });

  afterAll(async () => {
    await desk?.stop();
  });

  test('a failing channel is retried and never holds the ticket up', async () => {
    const { environment, database, tickets } = desk;
    await tickets.open({ ticketId: 'SD-SLA-PAGER', title: 'Mail relay rejects all mail', description: '', customer: 'it', customerTimeZone: 'Europe/Berlin', impact: 'high', urgency: 'high', actor: 'it' });
    await eventually(async () => (await tickets.state('SD-SLA-PAGER')).sla !== null);

    await environment.sleep(20 * minuteMilliseconds);
    await eventually(async () => (await tickets.state('SD-SLA-PAGER')).slaBreached);

    // The ticket goes on to its closure while the pager keeps failing.
    await tickets.assign('SD-SLA-PAGER', { actor: 'agent-9' });
    await tickets.resolve('SD-SLA-PAGER', { actor: 'agent-9', notes: 'relay certificate renewed' });
    await tickets.confirm('SD-SLA-PAGER', { actor: 'it' });
    await eventually(async () => (await tickets.state('SD-SLA-PAGER')).status === 'closed');

    await eventually(async () => {
      const notifications = await listTicketNotifications(database, 'SD-SLA-PAGER');
      const pager = notifications.flatMap((notification) => notification.deliveries.filter((delivery) => delivery.channel === 'pager'));
      return notifications.length === 2 && pager.every((delivery) => delivery.status === 'failed' && delivery.attempts >= 2);
    }, 60_000);
    const notifications = await listTicketNotifications(database, 'SD-SLA-PAGER');
    expect(notifications.flatMap((notification) => notification.deliveries.filter((delivery) => delivery.channel === 'outbox').map((delivery) => delivery.status))).toEqual(['delivered', 'delivered']);
    expect(notifications[0]!.deliveries.find((delivery) => delivery.channel === 'pager')?.lastError).toMatch(/connection refused by the pager gateway/);
    expect(new Set(failedAttempts).size).toBe(2);
  });
});
