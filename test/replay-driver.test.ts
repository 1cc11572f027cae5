import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DateTime } from 'luxon';

import { dutyBoundaries } from '../src/calendar/duty-boundaries';
import { exampleDeskConfiguration, type DeskConfiguration } from '../src/domain/desks';
import type { ReplayReport } from '../src/replay/report';
import { runReplay } from '../src/replay/run-replay';
import type { ReplayEvent, ReplayLog } from '../src/replay/ticket-event-log';
import type { StoreDatabase } from '../src/store/database';
import { createTestStore, silentLogger } from './support/desk-harness';
import { createTimeSkippingEnvironment } from './setup/test-environment';

const isoInstants = (instants: number[]): string[] => instants.map((instant) => new Date(instant).toISOString());

describe('duty boundaries', () => {
  test('example desks on a winter Monday', () => {
    const boundaries = dutyBoundaries(exampleDeskConfiguration, DateTime.fromISO('2026-12-07T00:00Z'), DateTime.fromISO('2026-12-08T00:00Z'));

    // APAC 23:00-08:00, EMEA 07:00-16:00, AMER 15:00-24:00 in UTC.
    expect(isoInstants(boundaries)).toEqual([
      '2026-12-07T07:00:00.000Z',
      '2026-12-07T08:00:00.000Z',
      '2026-12-07T15:00:00.000Z',
      '2026-12-07T16:00:00.000Z',
      '2026-12-07T23:00:00.000Z',
      '2026-12-08T00:00:00.000Z',
    ]);
  });

  test('desk across its DST change', () => {
    const warsawOnly: DeskConfiguration = { ...exampleDeskConfiguration, desks: [exampleDeskConfiguration.desks[1]!] };

    // Warsaw moves to summer time on Sunday 2026-03-29: 08:00-17:00 local is 07:00-16:00 UTC before, 06:00-15:00 after.
    const boundaries = dutyBoundaries(warsawOnly, DateTime.fromISO('2026-03-27T00:00Z'), DateTime.fromISO('2026-03-31T00:00Z'));

    expect(isoInstants(boundaries)).toEqual(['2026-03-27T07:00:00.000Z', '2026-03-27T16:00:00.000Z', '2026-03-30T06:00:00.000Z', '2026-03-30T15:00:00.000Z']);
  });

  test('holiday shifts left out', () => {
    const emea = exampleDeskConfiguration.desks[1]!;
    const closedOnTuesday: DeskConfiguration = { ...exampleDeskConfiguration, desks: [{ ...emea, holidays: ['2026-12-08'] }] };

    const boundaries = dutyBoundaries(closedOnTuesday, DateTime.fromISO('2026-12-07T00:00Z'), DateTime.fromISO('2026-12-10T00:00Z'));

    expect(isoInstants(boundaries)).toEqual(['2026-12-07T07:00:00.000Z', '2026-12-07T16:00:00.000Z', '2026-12-09T07:00:00.000Z', '2026-12-09T16:00:00.000Z']);
  });
});

/** Two desks in UTC, so the case does not depend on the season in which the test server's clock starts. */
const utcDesks: DeskConfiguration = {
  desks: [
    { id: 'early', name: 'Early desk', timeZone: 'UTC', taskQueue: 'desk-early', shifts: [{ weekdays: [1, 2, 3, 4, 5], start: '06:00', end: '16:00' }], holidays: [] },
    { id: 'late', name: 'Late desk', timeZone: 'UTC', taskQueue: 'desk-late', shifts: [{ weekdays: [1, 2, 3, 4, 5], start: '15:00', end: '23:00' }], holidays: [] },
  ],
  followTheSunPriorities: [1, 2],
  structure: { type: 'follow-the-sun', ring: ['early', 'late'] },
  specialistGroups: [],
};

function logEvent(occurredAt: string, action: ReplayEvent['action'], actor: string): ReplayEvent {
  return {
    ticketId: 'REPLAY-STEP-1',
    occurredAt,
    action,
    actor,
    assignmentGroup: action === 'open' ? 'service-desk' : null,
    supportLevel: null,
    impact: action === 'open' ? 'major' : null,
    urgency: action === 'open' ? 'high' : null,
    pendingReason: null,
    firstContact: false,
    note: null,
  };
}

describe('replay clock steps (time skipping)', () => {
  let environment: TestWorkflowEnvironment;
  let database: StoreDatabase;
  let report: ReplayReport;

  // A P1 ticket opened on a Monday at 14:50 UTC, while only the early desk is
  // on duty. The early desk goes off duty at 16:00, so the ticket hands off to
  // the late desk before the agent's 16:10 assignment. One 240-minute step
  // from 14:50 would deliver every event before the hand-off.
  const log: ReplayLog = {
    tickets: [
      {
        ticketId: 'REPLAY-STEP-1',
        title: 'VPN drops every few minutes',
        customer: 'customer-1',
        customerTimeZone: 'UTC',
        events: [
          logEvent('2026-01-12T14:50:00Z', 'open', 'customer-1'),
          logEvent('2026-01-12T16:10:00Z', 'assign', 'agent-late'),
          logEvent('2026-01-12T16:20:00Z', 'resolve', 'agent-late'),
          logEvent('2026-01-12T16:30:00Z', 'confirm', 'customer-1'),
        ],
      },
    ],
    rejectedRows: [],
    rowCount: 4,
  };

  beforeAll(async () => {
    environment = await createTimeSkippingEnvironment();
    ({ database } = await createTestStore());

    report = await runReplay({ log, database, logger: silentLogger, environment, deskConfiguration: utcDesks, clockStepMinutes: 240 });
  }, 5 * 60_000);

  afterAll(async () => {
    await database?.destroy();
    await environment?.teardown();
  });

  test('step cut at the shift end', async () => {
    const trail = await database.selectFrom('ticket_events').select(['type', 'desk_id', 'sequence', 'occurred_at']).where('ticket_id', '=', 'REPLAY-STEP-1').orderBy('sequence').execute();
    const types = trail.map((event) => event.type);

    expect(report.clockSteps).toBe(2);
    expect(report.ticketsClosed).toBe(1);
    expect(report.handOffsPerDesk).toEqual({ late: 1 });
    // The hand-off comes before the events that the log has after the shift end.
    expect(types.indexOf('handed_off')).toBeGreaterThan(-1);
    expect(types.indexOf('handed_off')).toBeLessThan(types.indexOf('assigned'));
    expect(new Date(trail.find((event) => event.type === 'assigned')!.occurred_at).toISOString()).toBe('2026-01-12T16:10:00.000Z');
  });
});
