/**
 * A production desk-worker process: serves the ticket task queue and the task
 * queues of the desks named in SUNDESK_DESKS (comma-separated; every desk when
 * unset). Run one or more per region against a Temporal cluster and a managed
 * PostgreSQL:
 *
 *   TEMPORAL_ADDRESS=temporal:7233 DATABASE_URL=postgres://… SUNDESK_DESKS=emea node dist/workers/main.js
 */

import { NativeConnection } from '@temporalio/worker';

import { exampleDeskConfiguration } from '../src/domain/desks';
import { createLogger } from '../src/logging';
import { createStoreDatabase } from '../src/store/database';
import { migrateToLatest } from '../src/store/migrate';
import { createDeskWorkers } from './desk-workers';
import { installRuntimeLogger } from './runtime-logger';

async function main(): Promise<void> {
  const logger = createLogger({ name: 'desk-worker' });
  installRuntimeLogger(logger);

  const temporalAddress = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl === undefined) {
    throw new Error('missing DATABASE_URL: set it to the ticket store, for example postgres://sundesk@127.0.0.1:5432/sundesk');
  }
  const deskIds = process.env.SUNDESK_DESKS?.split(',').map((deskId) => deskId.trim()).filter((deskId) => deskId !== '');

  const database = createStoreDatabase(databaseUrl);
  await migrateToLatest(database);

  const connection = await NativeConnection.connect({ address: temporalAddress });
  const workers = await createDeskWorkers({ connection, namespace, database, deskConfiguration: () => exampleDeskConfiguration, deskIds, logger });
  logger.info({ temporalAddress, namespace, deskIds: deskIds ?? 'all' }, 'desk workers started');

  const stop = (): void => {
    logger.info('stopping desk workers');
    for (const worker of workers) {
      worker.shutdown();
    }
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  await Promise.all(workers.map((worker) => worker.run()));
  await connection.close();
  await database.destroy();
  logger.info('desk workers stopped');
}

main().catch((error: unknown) => {
  process.stderr.write(`desk-worker: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
