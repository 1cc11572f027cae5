/**
 * Builds the workers of a desk process. Every process serves the ticket task
 * queue (workflows, store and calendar activities); each desk it hosts adds a
 * worker on that desk's own task queue. Embedded mode hosts every desk in one
 * process; production runs one process per desk (see workers/main.ts).
 */

import { bundleWorkflowCode, Worker, type NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Logger } from 'pino';

import { createDeskActivities, createTicketActivities } from '../activities';
import { createNotificationActivities } from '../activities/notification-activities';
import { ticketTaskQueue, type DeskConfiguration } from '../src/domain/desks';
import type { ConfirmationPolicy } from '../src/config/organisation';
import type { NotificationChannel } from '../src/notifications/notification-channel';
import { defaultSlaPolicy, type SlaPolicy } from '../src/domain/sla';
import type { StoreDatabase } from '../src/store/database';

export interface DeskWorkersOptions {
  connection: NativeConnection;
  namespace: string;
  database: StoreDatabase;
  deskConfiguration: () => DeskConfiguration;
  /** Desks whose task queues this process serves; every desk when absent. */
  deskIds?: string[];
  logger: Logger;
  /** A bundle built earlier, to skip bundling (tests that start workers often). */
  workflowBundle?: WorkflowBundleWithSourceMap;
  /** Returns the customer-confirmation policy in force; the default policy when absent. */
  confirmationPolicy?: () => ConfirmationPolicy;
  /** Task queue of the ticket workflows; `sundesk-tickets` when absent. */
  ticketTaskQueue?: string;
  /** Seconds a desk's workers may take to pick up a hand-off before the desk counts as unreachable; 60 when absent. */
  deskUnreachableAfterSeconds?: number;
  /** Returns the SLA policy in force; the desk configuration's policy, else the default policy, when absent. */
  slaPolicy?: () => SlaPolicy;
  /** Workflows kept in the worker's cache; the SDK default when absent. */
  maxCachedWorkflows?: number;
  /** Notification channels besides the outbox, which is always on; none when absent. */
  notificationChannels?: NotificationChannel[];
}

let cachedBundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/**
 * Bundles the workflow code once per process; later calls reuse the bundle.
 *
 * @example
 *   const workflowBundle = await bundleTicketWorkflows();
 */
export function bundleTicketWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  cachedBundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: quietBundlerLogger });
  return cachedBundle;
}

const ignore = (): void => undefined;
const quietBundlerLogger = { trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore, log: ignore };

/**
 * Creates the ticket worker and one worker per hosted desk. The caller runs them,
 * for example with `Promise.all(workers.map((worker) => worker.run()))`, and
 * stops them with `worker.shutdown()`.
 *
 * @throws Error naming an unknown desk id.
 * @example
 *   const workers = await createDeskWorkers({ connection, namespace: 'default', database, deskConfiguration: () => configuration, logger });
 */
export async function createDeskWorkers(options: DeskWorkersOptions): Promise<Worker[]> {
  const configuration = options.deskConfiguration();
  const knownDeskIds = configuration.desks.map((desk) => desk.id);
  const deskIds = options.deskIds ?? knownDeskIds;
  for (const deskId of deskIds) {
    if (!knownDeskIds.includes(deskId)) {
      throw new Error(`unknown desk '${deskId}': use one of ${knownDeskIds.join(', ')}`);
    }
  }

  const workflowBundle = options.workflowBundle ?? (await bundleTicketWorkflows());
  const ticketWorker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.ticketTaskQueue ?? ticketTaskQueue,
    workflowBundle,
    activities: {
      ...createTicketActivities({ database: options.database, deskConfiguration: options.deskConfiguration, confirmationPolicy: options.confirmationPolicy, slaPolicy: options.slaPolicy ?? (() => options.deskConfiguration().slaPolicy ?? defaultSlaPolicy), deskUnreachableAfterSeconds: options.deskUnreachableAfterSeconds, logger: options.logger }),
      ...createNotificationActivities({ database: options.database, channels: options.notificationChannels ?? [], logger: options.logger }),
    },
    maxCachedWorkflows: options.maxCachedWorkflows,
  });

  const deskWorkers = await Promise.all(
    configuration.desks
      .filter((desk) => deskIds.includes(desk.id))
      .map((desk) =>
        Worker.create({
          connection: options.connection,
          namespace: options.namespace,
          taskQueue: desk.taskQueue,
          activities: createDeskActivities({ deskId: desk.id, logger: options.logger.child({ deskId: desk.id }) }),
        }),
      ),
  );

  return [ticketWorker, ...deskWorkers];
}
