/**
 * A production desk-worker process. It serves the ticket task queue
 * (SUNDESK_TASK_QUEUE, default `sundesk-tickets`) and the task queues of the
 * desks that SUNDESK_DESKS names, separated by commas. When SUNDESK_DESKS is
 * unset, it serves every desk, also desks added to the configuration file
 * later. Run one or more per region against a Temporal cluster and a managed
 * PostgreSQL:
 *
 *   TEMPORAL_ADDRESS=temporal:7233 DATABASE_URL=postgres://… SUNDESK_DESK_CONFIG=config/desks.yaml SUNDESK_DESKS=emea node dist/workers/main.js
 *
 * SUNDESK_DESK_CONFIG names the desk configuration file (YAML, or JSON when
 * the name ends in `.json`); without it the process runs the built-in example
 * desks. A changed file applies at each ticket's next routing decision without
 * a restart. A changed file that is invalid is logged and ignored, so the
 * last valid configuration stays in force.
 */

import path from 'node:path';

import { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';

import { DeskConfigurationError, DeskConfigurationSource } from '../src/config/desk-configuration';
import { deskConfigurationFileFromEnvironment, deskConfigurationVariable } from '../src/config/settings';
import { exampleDeskConfiguration, type DeskConfiguration } from '../src/domain/desks';
import { createLogger } from '../src/logging';
import { createStoreDatabase } from '../src/store/database';
import { migrateToLatest } from '../src/store/migrate';
import { loadOrganisationSettings } from '../src/config/organisation';
import { createConfiguredNotificationChannels } from '../src/notifications/configured-channels';
import { ConfiguredDeskWorkers } from './configured-desk-workers';
import { installRuntimeLogger } from './runtime-logger';

/** The desk configuration of this process and where it comes from. */
interface WorkerDeskConfiguration {
  current: () => DeskConfiguration;
  /** Absolute path of the file, or `the built-in example`. */
  origin: string;
}

/**
 * Opens the file that SUNDESK_DESK_CONFIG names, or the built-in example.
 *
 * @throws Error listing every problem of an invalid or missing file.
 */
function openDeskConfiguration(logger: Logger): WorkerDeskConfiguration {
  const file = deskConfigurationFileFromEnvironment();
  if (file === undefined) {
    return { current: () => exampleDeskConfiguration, origin: 'the built-in example' };
  }

  const absoluteFile = path.resolve(file);
  try {
    const source = new DeskConfigurationSource(absoluteFile, logger);
    return { current: () => source.current(), origin: absoluteFile };
  } catch (error) {
    if (error instanceof DeskConfigurationError) {
      throw new Error(`${error.message}\nfix the file that ${deskConfigurationVariable} names and start again ('sundesk desk check ${absoluteFile}' checks it)`);
    }
    throw error;
  }
}

/**
 * Reads SUNDESK_DESKS and checks each id against the configuration.
 * Returns undefined when the variable is unset, which means every desk.
 *
 * @throws Error naming the unknown ids and the desks that the configuration lists.
 */
function hostedDeskIds(configuration: DeskConfiguration, origin: string): string[] | undefined {
  const value = process.env.SUNDESK_DESKS;
  if (value === undefined) {
    return undefined;
  }

  const deskIds = [...new Set(value.split(',').map((deskId) => deskId.trim()).filter((deskId) => deskId !== ''))];
  const knownDeskIds = configuration.desks.map((desk) => desk.id);
  const unknownDeskIds = deskIds.filter((deskId) => !knownDeskIds.includes(deskId));
  if (unknownDeskIds.length > 0) {
    const names = unknownDeskIds.map((deskId) => `'${deskId}'`).join(', ');
    throw new Error(
      `invalid SUNDESK_DESKS '${value}': ${origin} has no desk ${names}. Use ids from ${knownDeskIds.join(', ')}, ` +
        `separated by commas, or leave SUNDESK_DESKS unset to serve every desk`,
    );
  }

  return deskIds;
}

async function main(): Promise<void> {
  const logger = createLogger({ name: 'desk-worker' });
  installRuntimeLogger(logger);

  // Every setting is checked before the process connects to anything.
  const temporalAddress = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl === undefined) {
    throw new Error('missing DATABASE_URL: set it to the ticket store, for example postgres://sundesk@127.0.0.1:5432/sundesk');
  }
  const deskConfiguration = openDeskConfiguration(logger);
  const deskIds = hostedDeskIds(deskConfiguration.current(), deskConfiguration.origin);

  const database = createStoreDatabase(databaseUrl);
  await migrateToLatest(database);

  const connection = await NativeConnection.connect({ address: temporalAddress });
  const { confirmationPolicy, notifications } = loadOrganisationSettings();
  const workers = await ConfiguredDeskWorkers.start({
    connection,
    namespace,
    database,
    deskConfiguration: deskConfiguration.current,
    confirmationPolicy: () => confirmationPolicy,
    notificationChannels: createConfiguredNotificationChannels(notifications),
    deskIds,
    ticketTaskQueue: process.env.SUNDESK_TASK_QUEUE,
    logger,
  });
  logger.info({ temporalAddress, namespace, deskIds: deskIds ?? 'all', deskConfiguration: deskConfiguration.origin, taskQueues: workers.taskQueues() }, 'desk workers started');

  const stopRequested = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  let failure: unknown;
  await Promise.race([stopRequested, workers.failure.catch((error: unknown) => (failure = error))]);

  logger.info('stopping desk workers');
  await workers.stop();
  await connection.close();
  await database.destroy();
  logger.info('desk workers stopped');
  if (failure !== undefined) {
    throw failure;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`desk-worker: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
