/**
 * Where a sundesk command finds the Temporal server and the ticket store.
 * Environment variables win; otherwise the addresses that a running `sundesk up`
 * wrote to its data folder; otherwise the local defaults.
 */

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { ticketTaskQueue } from '../domain/desks';

/** Addresses that `sundesk up` writes for the other commands. */
export interface RunningDesk {
  temporalAddress: string;
  namespace: string;
  databaseUrl: string;
  webUiUrl: string | null;
  processId: number;
  /** Absolute path of the desk configuration file, which the desk re-reads when it changes. Absent when the desk runs the built-in example. */
  deskConfigurationPath?: string;
}

export interface Settings {
  dataDirectory: string;
  temporalAddress: string;
  namespace: string;
  /** Undefined when neither DATABASE_URL nor a running desk names a database. */
  databaseUrl: string | undefined;
  /** Task queue of the ticket workflows (SUNDESK_TASK_QUEUE), so that several desks can share one namespace. */
  ticketTaskQueue: string;
}

/** Default loopback ports of the embedded servers that `sundesk up` starts. */
export const defaultPorts = { temporal: 7233, webUi: 8233, embeddedPostgres: 54329 } as const;

/**
 * Returns the data folder: SUNDESK_DATA_DIR, or `data/` in the current folder.
 *
 * @example
 *   dataDirectory(); // '/home/ana/sundesk/data'
 */
export function dataDirectory(): string {
  return path.resolve(process.env.SUNDESK_DATA_DIR ?? 'data');
}

/** Environment variable that names the desk configuration file of `sundesk up` and of workers/main.ts. */
export const deskConfigurationVariable = 'SUNDESK_DESK_CONFIG';

/**
 * Returns the desk configuration file that SUNDESK_DESK_CONFIG names, or
 * undefined when it is unset or empty. The path is returned as given.
 *
 * @example
 *   deskConfigurationFileFromEnvironment(); // 'config/desks.yaml'
 */
export function deskConfigurationFileFromEnvironment(): string | undefined {
  const file = process.env[deskConfigurationVariable]?.trim();
  return file === undefined || file === '' ? undefined : file;
}

/** Path of the file in which a running `sundesk up` publishes its addresses. */
export function runningDeskFile(directory: string = dataDirectory()): string {
  return path.join(directory, 'sundesk-up.json');
}

/**
 * Reads the addresses of a running `sundesk up`, or undefined when none wrote them.
 *
 * @example
 *   readRunningDesk()?.databaseUrl;
 */
export function readRunningDesk(directory: string = dataDirectory()): RunningDesk | undefined {
  const file = runningDeskFile(directory);
  if (!existsSync(file)) {
    return undefined;
  }

  return JSON.parse(readFileSync(file, 'utf8')) as RunningDesk;
}

/**
 * Resolves the settings of a command from the environment and a running desk.
 *
 * @example
 *   const { temporalAddress, databaseUrl } = resolveSettings();
 */
export function resolveSettings(): Settings {
  const directory = dataDirectory();
  const running = readRunningDesk(directory);

  return {
    dataDirectory: directory,
    temporalAddress: process.env.TEMPORAL_ADDRESS ?? running?.temporalAddress ?? `127.0.0.1:${defaultPorts.temporal}`,
    namespace: process.env.TEMPORAL_NAMESPACE ?? running?.namespace ?? 'default',
    databaseUrl: process.env.DATABASE_URL ?? running?.databaseUrl,
    ticketTaskQueue: process.env.SUNDESK_TASK_QUEUE ?? ticketTaskQueue,
  };
}
