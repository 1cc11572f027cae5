/**
 * Shared set-up of the desk tests: a fresh database in the test PostgreSQL
 * server, migrated, and the desk's workers on a given Temporal connection.
 */

import { randomBytes } from 'node:crypto';

import type { NativeConnection, Worker } from '@temporalio/worker';
import { Client as PostgresClient } from 'pg';
import pino from 'pino';

import type { SlaPolicy } from '../../src/domain/sla';
import type { NotificationChannel } from '../../src/notifications/notification-channel';
import type { ConfirmationPolicy } from '../../src/config/organisation';
import { exampleDeskConfiguration, type DeskConfiguration } from '../../src/domain/desks';
import { createStoreDatabase, type StoreDatabase } from '../../src/store/database';
import { migrateToLatest } from '../../src/store/migrate';
import { createDeskWorkers } from '../../workers/desk-workers';
import { installRuntimeLogger } from '../../workers/runtime-logger';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

import { TicketClient } from '../../src/client/ticket-client';
import { createTimeSkippingEnvironment, testDatabaseUrl } from '../setup/test-environment';

export const silentLogger = pino({ level: 'silent' });

// Keep the SDK's worker lifecycle lines out of the test output; warnings and errors still show.
try {
  installRuntimeLogger(pino({ level: 'warn' }, pino.destination(2)), 'WARN');
} catch {
  // A runtime already exists in this test process; its logger stays.
}

/**
 * Creates an empty, migrated database in the test server and returns its URL and a store on it.
 *
 * @example
 *   const { database, databaseUrl } = await createTestStore();
 */
export async function createTestStore(): Promise<{ database: StoreDatabase; databaseUrl: string }> {
  const serverUrl = new URL(testDatabaseUrl());
  const name = `sundesk_test_${randomBytes(4).toString('hex')}`;

  const administrator = new PostgresClient({ connectionString: serverUrl.toString() });
  await administrator.connect();
  await administrator.query(`create database ${name}`);
  await administrator.end();

  serverUrl.pathname = `/${name}`;
  const databaseUrl = serverUrl.toString();
  const database = createStoreDatabase(databaseUrl);
  await migrateToLatest(database);
  return { database, databaseUrl };
}

/**
 * Starts the ticket worker and every desk's worker; `stop()` shuts them down and waits.
 *
 * @example
 *   const desk = await startDeskWorkers(environment.nativeConnection, 'default', database);
 *   await desk.stop();
 */
export async function startDeskWorkers(
  connection: NativeConnection,
  namespace: string,
  database: StoreDatabase,
  options: { deskConfiguration?: DeskConfiguration; deskIds?: string[]; confirmationPolicy?: ConfirmationPolicy; slaPolicy?: SlaPolicy; notificationChannels?: NotificationChannel[]; ticketTaskQueue?: string; deskUnreachableAfterSeconds?: number } = {},
): Promise<{ workers: Worker[]; stop: () => Promise<void> }> {
  const configuration = options.deskConfiguration ?? exampleDeskConfiguration;
  const confirmationPolicy = options.confirmationPolicy;
  const slaPolicy = options.slaPolicy;
  const workers = await createDeskWorkers({
    connection,
    namespace,
    database,
    deskConfiguration: () => configuration,
    confirmationPolicy: confirmationPolicy === undefined ? undefined : () => confirmationPolicy,
    slaPolicy: slaPolicy === undefined ? undefined : () => slaPolicy,
    notificationChannels: options.notificationChannels,
    deskIds: options.deskIds,
    ticketTaskQueue: options.ticketTaskQueue,
    deskUnreachableAfterSeconds: options.deskUnreachableAfterSeconds,
    logger: silentLogger,
  });
  const running = Promise.all(workers.map((worker) => worker.run()));

  return {
    workers,
    stop: async () => {
      for (const worker of workers) {
        if (worker.getState() === 'RUNNING') {
          worker.shutdown();
        }
      }
      await running;
    },
  };
}

/**
 * Polls `probe` until it returns true or the time runs out.
 *
 * @example
 *   await eventually(async () => (await handle.query(ticketStateQuery)).handOffCount === 1);
 */
export async function eventually(probe: () => Promise<boolean>, timeoutMilliseconds = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMilliseconds;
  while (Date.now() < deadline) {
    if (await probe()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`condition not met within ${timeoutMilliseconds} ms`);
}

/** Returns the first Monday at least a day after `fromMilliseconds` that lies in northern winter (mid November to February), at 00:00 UTC. */
export function nextWinterMonday(fromMilliseconds: number): Date {
  const day = new Date(fromMilliseconds + 24 * 60 * 60 * 1000);
  day.setUTCHours(0, 0, 0, 0);
  for (;;) {
    const month = day.getUTCMonth();
    const winter = month === 0 || month === 1 || (month === 10 && day.getUTCDate() >= 15) || month === 11;
    if (day.getUTCDay() === 1 && winter) {
      return day;
    }
    day.setUTCDate(day.getUTCDate() + 1);
  }
}

/** A time-skipping server with a fresh store, the desk's workers and a ticket client, as the time-skipping test files use them. */
export interface TimeSkippingDesk {
  environment: TestWorkflowEnvironment;
  database: StoreDatabase;
  tickets: TicketClient;
  /** Stops the workers, closes the store and the server. */
  stop: () => Promise<void>;
}

/**
 * Starts a time-skipping server, a migrated store and the desk's workers on it.
 *
 * @example
 *   const desk = await startTimeSkippingDesk({ deskIds: ['emea'] });
 *   await desk.stop();
 */
export async function startTimeSkippingDesk(options: Parameters<typeof startDeskWorkers>[3] = {}): Promise<TimeSkippingDesk> {
  const environment = await createTimeSkippingEnvironment();
  const { database } = await createTestStore();
  const workers = await startDeskWorkers(environment.nativeConnection, environment.namespace ?? 'default', database, options);

  return {
    environment,
    database,
    tickets: new TicketClient(environment.client, { searchAttributes: false }),
    stop: async () => {
      await workers.stop();
      await database.destroy();
      await environment.teardown();
    },
  };
}
