/**
 * One whole replay: a time-skipping test server, the desk's workers on it, the
 * driver, and the report. Used by `sundesk replay` and by the replay tests.
 */

import { NativeConnection } from '@temporalio/worker';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DateTime } from 'luxon';
import type { Logger } from 'pino';

import { dutyBoundaries } from '../calendar/duty-boundaries';
import { exampleDeskConfiguration, type DeskConfiguration } from '../domain/desks';
import { findTestServerLauncher } from '../services/tools';
import type { StoreDatabase } from '../store/database';
import { migrateToLatest } from '../store/migrate';
import { saveDesks } from '../store/ticket-store';
import { createDeskWorkers } from '../../workers/desk-workers';
import { driveReplay } from './driver';
import { buildReplayReport, waitForStore, type ReplayReport } from './report';
import type { ReplayLog } from './ticket-event-log';

export interface RunReplayOptions {
  log: ReplayLog;
  database: StoreDatabase;
  logger: Logger;
  deskConfiguration?: DeskConfiguration;
  /** Widest clock step of the driver in minutes; the driver's default when absent (see src/replay/driver.ts). */
  clockStepMinutes?: number;
  /** A time-skipping environment to reuse; the replay starts (and stops) its own when absent. */
  environment?: TestWorkflowEnvironment;
  onProgress?: (deliveredEvents: number, totalEvents: number) => void;
}

/**
 * Creates a time-skipping environment from the Java test server that the set-up installed.
 *
 * @example
 *   const environment = await createTimeSkippingEnvironment();
 *   await environment.teardown();
 */
export async function createTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: findTestServerLauncher() } } });
}

/**
 * Returns the replay driver's duty boundaries for a desk configuration, in
 * epoch milliseconds on the server's clock.
 *
 * @example
 *   await driveReplay({ environment, log, dutyBoundaries: replayDutyBoundaries(exampleDeskConfiguration) });
 */
export function replayDutyBoundaries(configuration: DeskConfiguration): (fromMilliseconds: number, untilMilliseconds: number) => number[] {
  return (fromMilliseconds, untilMilliseconds) => dutyBoundaries(configuration, DateTime.fromMillis(fromMilliseconds, { zone: 'utc' }), DateTime.fromMillis(untilMilliseconds, { zone: 'utc' }));
}

/**
 * Replays the log through real ticket workflows and reports what the desk recorded.
 * Rows of the log's ticket ids left by an earlier replay are deleted first,
 * because a replay owns the ids of its log.
 *
 * @example
 *   const report = await runReplay({ log, database, logger });
 */
export async function runReplay(options: RunReplayOptions): Promise<ReplayReport> {
  const startedAt = Date.now();
  const deskConfiguration = options.deskConfiguration ?? exampleDeskConfiguration;
  const ticketIds = options.log.tickets.map((ticket) => ticket.ticketId);

  await migrateToLatest(options.database);
  await saveDesks(options.database, deskConfiguration);
  for (let start = 0; start < ticketIds.length; start += 1000) {
    const chunk = ticketIds.slice(start, start + 1000);
    await options.database.deleteFrom('ticket_events').where('ticket_id', 'in', chunk).execute();
    await options.database.deleteFrom('tickets').where('id', 'in', chunk).execute();
  }

  const environment = options.environment ?? (await createTimeSkippingEnvironment());
  const connection: NativeConnection = environment.nativeConnection;
  const workers = await createDeskWorkers({
    connection,
    namespace: environment.namespace ?? 'default',
    database: options.database,
    deskConfiguration: () => deskConfiguration,
    logger: options.logger,
  });
  const running = Promise.all(workers.map((worker) => worker.run()));

  try {
    const delivery = await driveReplay({
      environment,
      log: options.log,
      clockStepMinutes: options.clockStepMinutes,
      dutyBoundaries: replayDutyBoundaries(deskConfiguration),
      onProgress: options.onProgress,
    });
    await waitForStore(options.database, environment.client, options.log, { timeoutMilliseconds: 60_000 });

    const wallTimeSeconds = (Date.now() - startedAt) / 1000;
    const report = await buildReplayReport(options.database, options.log, delivery, wallTimeSeconds);
    for (const failure of delivery.failedDeliveries.slice(0, 20)) {
      options.logger.warn({ ticketId: failure.ticketId, action: failure.action, reason: failure.reason }, 'replay event not delivered');
    }
    return report;
  } finally {
    for (const worker of workers) {
      if (worker.getState() === 'RUNNING') {
        worker.shutdown();
      }
    }
    await running;
    if (options.environment === undefined) {
      await environment.teardown();
    }
  }
}
