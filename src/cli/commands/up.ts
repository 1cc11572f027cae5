/** `sundesk up`: the all-in-one desk: Temporal dev server, ticket store, and workers for every desk. */

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { NativeConnection } from '@temporalio/worker';
import { Command } from 'commander';
import type { Logger } from 'pino';

import { deskStructureOf } from '../../calendar/desk-routing';
import { DeskConfigurationError, DeskConfigurationSource, formatIssue } from '../../config/desk-configuration';
import { defaultPorts, deskConfigurationFileFromEnvironment, deskConfigurationVariable, resolveSettings, runningDeskFile, type RunningDesk } from '../../config/settings';
import { exampleDeskConfiguration, type DeskConfiguration } from '../../domain/desks';
import { createLogger } from '../../logging';
import { startEmbeddedPostgres } from '../../services/embedded-postgres';
import { startTemporalDevServer } from '../../services/temporal-dev-server';
import { createStoreDatabase } from '../../store/database';
import { migrateToLatest } from '../../store/migrate';
import { ConfiguredDeskWorkers } from '../../../workers/configured-desk-workers';
import { installRuntimeLogger } from '../../../workers/runtime-logger';
import { CommandError } from '../connections';
import { loadOrganisationSettings, type OrganisationSettings } from '../../config/organisation';
import { createConfiguredNotificationChannels } from '../../notifications/configured-channels';
import { describeWebhookUrl } from '../../notifications/webhook-channel';

/** The desk configuration that `up` runs. */
interface DeskConfigurationInForce {
  /** Returns the configuration in force now. */
  current: () => DeskConfiguration;
  /** Absolute path of the file, which is re-read when it changes. Absent for the built-in example. */
  file?: string;
}

/**
 * Opens the desk configuration file (`--config`, else SUNDESK_DESK_CONFIG), or
 * the built-in example when neither names one.
 *
 * @throws CommandError listing every problem of an invalid or missing file.
 */
function openDeskConfiguration(option: string | undefined, logger: Logger): DeskConfigurationInForce {
  const file = option ?? deskConfigurationFileFromEnvironment();
  if (file === undefined) {
    return { current: () => exampleDeskConfiguration };
  }

  const absoluteFile = path.resolve(file);
  try {
    const source = new DeskConfigurationSource(absoluteFile, logger);
    return { current: () => source.current(), file: absoluteFile };
  } catch (error) {
    if (!(error instanceof DeskConfigurationError)) {
      throw error;
    }
    logger.error({ file: absoluteFile, issues: error.issues.map((issue) => formatIssue(absoluteFile, issue)) }, 'desk configuration is invalid; nothing started');
    const origin = option === undefined ? `the file that ${deskConfigurationVariable} names` : 'the file that --config names';
    throw new CommandError(`${error.message}\nnothing was started: fix ${origin} and start again ('sundesk desk check ${absoluteFile}' checks it without starting anything)`, 1);
  }
}

/** Describes the configuration in force for the start-up summary. */
function describeConfiguration(configuration: DeskConfigurationInForce): string {
  const structure = deskStructureOf(configuration.current()).type;
  if (configuration.file === undefined) {
    return `built-in example (${structure}; pass --config <file> or set ${deskConfigurationVariable} to use your own desks)`;
  }

  return `${configuration.file} (${structure}; re-read when it changes)`;
}

/**
 * Builds the `up` command.
 *
 * @example
 *   program.addCommand(upCommand());
 */
export function upCommand(): Command {
  return new Command('up')
    .description('start the all-in-one desk: Temporal dev server with Web UI, ticket store, and workers for every desk')
    .option('--port <port>', 'Temporal frontend port on 127.0.0.1', String(defaultPorts.temporal))
    .option('--ui-port <port>', 'Temporal Web UI port on 127.0.0.1', String(defaultPorts.webUi))
    .option('--database-port <port>', 'port of the embedded PostgreSQL on 127.0.0.1 (unless DATABASE_URL is set)', String(defaultPorts.embeddedPostgres))
    .option('--config <file>', `desk configuration file, YAML or JSON, re-read when it changes (default: ${deskConfigurationVariable}, else the built-in example)`)
    .action(async (options: { port: string; uiPort: string; databasePort: string; config?: string }) => {
      const settings = resolveSettings();
      let organisationSettings: OrganisationSettings;
      try {
        organisationSettings = loadOrganisationSettings();
      } catch (error) {
        throw new CommandError((error as Error).message);
      }
      const dataDirectory = settings.dataDirectory;
      mkdirSync(dataDirectory, { recursive: true });

      const logFile = path.join(dataDirectory, 'logs', 'sundesk.log');
      const logger = createLogger({ name: 'sundesk-up', file: logFile });
      installRuntimeLogger(logger);
      const stopActions: Array<() => Promise<void>> = [];
      const say = (line: string): void => {
        process.stdout.write(`${line}\n`);
      };

      // Before anything starts: an invalid file stops the command with its problems listed.
      const deskConfiguration = openDeskConfiguration(options.config, logger);

      let publishedAddresses = false;
      const stopEverything = async (): Promise<void> => {
        for (const stop of stopActions.reverse()) {
          await stop().catch((error: unknown) => logger.error({ error }, 'stop failed'));
        }
        // Only this desk's own file: a failed second start must not hide a running desk from the CLI.
        if (publishedAddresses) {
          rmSync(runningDeskFile(dataDirectory), { force: true });
        }
      };

      const startOrExplain = async <Server>(what: string, start: () => Promise<Server>): Promise<Server> => {
        try {
          return await start();
        } catch (error) {
          logger.error({ error }, `${what} failed to start`);
          throw new CommandError(
            `${what} failed to start: ${(error as Error).message}. Another desk may be running: stop it, or start this one with other ports ` +
              `(npm start -- --port 7244 --ui-port 8244 --database-port 54339) and another data folder (SUNDESK_DATA_DIR=data-2 npm start -- …)`,
          );
        }
      };

      try {
        // The ticket store starts first: its data-folder lock tells a second desk on the same folder to stop before it starts anything else.
        const postgres = process.env.DATABASE_URL === undefined
          ? await startOrExplain('the embedded PostgreSQL', () => startEmbeddedPostgres({ dataDirectory: path.join(dataDirectory, 'pglite'), port: Number(options.databasePort) }))
          : { connectionString: process.env.DATABASE_URL, stop: async () => undefined };
        stopActions.push(() => postgres.stop());

        const temporal = process.env.TEMPORAL_ADDRESS === undefined
          ? await startOrExplain('the Temporal dev server', () =>
              startTemporalDevServer({
                port: Number(options.port),
                uiPort: Number(options.uiPort),
                databaseFile: path.join(dataDirectory, 'temporal.sqlite'),
                logFile: path.join(dataDirectory, 'logs', 'temporal.log'),
              }),
            )
          : { address: process.env.TEMPORAL_ADDRESS, namespace: settings.namespace, uiUrl: null, stop: async () => undefined };
        stopActions.push(() => temporal.stop());
        say(`Temporal      ${temporal.address} (namespace ${temporal.namespace})`);

        const database = createStoreDatabase(postgres.connectionString, { maxConnections: 8 });
        stopActions.push(() => database.destroy());
        const applied = await migrateToLatest(database);
        say(`Ticket store  ${postgres.connectionString.replace(/:[^:@/]*@/, ':***@')}${applied.length > 0 ? ` (applied ${applied.join(', ')})` : ''}`);

        // The workers save the desks to the store now and again after every change of the file.
        const connection = await NativeConnection.connect({ address: temporal.address });
        stopActions.push(() => connection.close());
        const { confirmationPolicy, notifications } = organisationSettings;
        const workers = await ConfiguredDeskWorkers.start({
          connection,
          namespace: temporal.namespace,
          database,
          deskConfiguration: deskConfiguration.current,
          confirmationPolicy: () => confirmationPolicy,
          notificationChannels: createConfiguredNotificationChannels(notifications),
          ticketTaskQueue: settings.ticketTaskQueue,
          logger,
        });
        stopActions.push(() => workers.stop());

        const published: RunningDesk = {
          temporalAddress: temporal.address,
          namespace: temporal.namespace,
          databaseUrl: postgres.connectionString,
          webUiUrl: temporal.uiUrl,
          processId: process.pid,
          ...(deskConfiguration.file === undefined ? {} : { deskConfigurationPath: deskConfiguration.file }),
        };
        writeFileSync(runningDeskFile(dataDirectory), `${JSON.stringify(published, null, 2)}\n`);
        publishedAddresses = true;

        say(`Configuration ${describeConfiguration(deskConfiguration)}`);
        say(`Desks         ${deskConfiguration.current().desks.map((desk) => `${desk.id} (${desk.timeZone})`).join(', ')}`);
        say(`SLA policy    ${deskConfiguration.current().slaPolicy?.name ?? 'default'} (the desk configuration's 'sla' section)`);
        say(`Notifications outbox table in PostgreSQL${notifications.webhook === null ? '' : `, webhook ${describeWebhookUrl(notifications.webhook.url)}`}`);
        say(`Web UI        ${temporal.uiUrl ?? '(not started: TEMPORAL_ADDRESS is set)'}`);
        say(`Logs          ${logFile}`);
        say('');
        say('Try, in another terminal:');
        say("  npx sundesk ticket open --title 'VPN is down' --impact high --urgency high --time-zone Europe/Warsaw");
        say('  npx sundesk desk status');
        say('Press Ctrl-C to stop the desk; tickets are kept in the data folder for the next start.');
        logger.info({ temporalAddress: temporal.address, dataDirectory, deskConfigurationPath: deskConfiguration.file ?? 'built-in example' }, 'desk started');

        const stopRequested = new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);

          // npm does not pass a SIGTERM on to this grandchild process; when the
          // process that started the desk is gone, stop instead of running orphaned.
          const parentProcessId = process.ppid;
          setInterval(() => {
            if (process.ppid !== parentProcessId) {
              logger.info({ parentProcessId }, 'the starting process ended');
              resolve();
            }
          }, 1000).unref();
        });
        const workerFailed = workers.failure.catch((error: unknown) => {
          throw new CommandError(`a desk worker failed: ${(error as Error).message}; the desk stops (details in ${logFile})`);
        });
        await Promise.race([stopRequested, workerFailed]);
        say('stopping the desk…');
      } finally {
        await stopEverything();
        logger.info('desk stopped');
      }
    });
}
