/** Opening the Temporal client and the ticket store for CLI commands, with errors that say what to start. */

import { Client, Connection } from '@temporalio/client';

import { resolveSettings, type Settings } from '../config/settings';
import { createStoreDatabase, type StoreDatabase } from '../store/database';

/** An error the CLI prints as it is, without a stack trace, and exits with status 1 (2 for usage errors). */
export class CommandError extends Error {
  override name = 'CommandError';

  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
  }
}

/**
 * Connects to the Temporal server that the settings name.
 *
 * @throws CommandError when the server does not answer, saying how to start one.
 * @example
 *   const { client, connection } = await connectTemporal(resolveSettings());
 */
export async function connectTemporal(settings: Settings = resolveSettings()): Promise<{ client: Client; connection: Connection }> {
  try {
    const connection = await Connection.connect({ address: settings.temporalAddress, connectTimeout: '5 seconds' });
    return { connection, client: new Client({ connection, namespace: settings.namespace }) };
  } catch (error) {
    throw new CommandError(
      `cannot reach Temporal at ${settings.temporalAddress}: ${(error as Error).message}. Start the desk with 'npm start' (or 'sundesk up'), or set TEMPORAL_ADDRESS to a running server.`,
    );
  }
}

/**
 * Opens the ticket store that the settings name.
 *
 * @throws CommandError when no database is known, saying how to name one.
 * @example
 *   const database = openStore(resolveSettings());
 */
export function openStore(settings: Settings = resolveSettings()): StoreDatabase {
  if (settings.databaseUrl === undefined) {
    throw new CommandError(`no ticket store found: start the desk with 'npm start' (it publishes its database in ${settings.dataDirectory}), or set DATABASE_URL`);
  }

  return createStoreDatabase(settings.databaseUrl, { maxConnections: 4 });
}
