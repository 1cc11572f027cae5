/**
 * Starts and stops the Temporal CLI dev server (`temporal server start-dev`):
 * the Temporal server of `npm start` (with a SQLite file) and of the tests
 * (in memory). It listens on 127.0.0.1 only and has the ticket search
 * attributes registered in its namespace.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';

import { ticketSearchAttributeTypes } from '../domain/search-attributes';
import {
  assertPortAvailable,
  findFreePort,
  hasExited,
  isProcessRunning,
  readCommandLine,
  readFileTail,
  readPidFile,
  sleep,
  stopChildProcess,
  stopOnProcessExit,
} from './child-process';
import { findTemporalCli } from './tools';

/** Settings of {@link startTemporalDevServer}; every field is optional. */
export interface TemporalDevServerOptions {
  /** Port of the gRPC frontend on 127.0.0.1, or a free port when absent. */
  port?: number;
  /** Port of the Web UI on 127.0.0.1, or a free port when absent. Null runs the server without the UI (headless). */
  uiPort?: number | null;
  /** SQLite file that keeps workflows across restarts, created with its folder when missing. The server keeps everything in memory when absent. */
  databaseFile?: string;
  /** Namespace that the server creates at start and in which the ticket search attributes are registered (default "default"). */
  namespace?: string;
  /** File that receives the server's output (appended). When absent, a temporary file that `stop()` removes. */
  logFile?: string;
  /** Maximum time to wait until the server accepts a client (default 60 000 ms). */
  startupTimeoutMilliseconds?: number;
}

/** A running dev server, as returned by {@link startTemporalDevServer}. */
export interface TemporalDevServer {
  /** gRPC address for clients and workers, e.g. "127.0.0.1:7233". */
  address: string;
  namespace: string;
  /** URL of the Web UI, or null when the server runs headless. */
  uiUrl: string | null;
  /** File that receives the server's output. */
  logFile: string;
  /** Stops the server (SIGTERM, then SIGKILL after 10 s). A second call waits for the first. */
  stop(): Promise<void>;
}

/** Start of the names of temporary log files: `<prefix><pid of the starting process>-<time>.log`. */
const temporaryLogPrefix = 'sundesk-temporal-dev-server-';
const defaultStartupTimeoutMilliseconds = 60_000;
const stopGracePeriodMilliseconds = 10_000;
const maxPortAttempts = 3;

/**
 * Starts `temporal server start-dev` bound to 127.0.0.1 and resolves once a
 * client can connect and the namespace exists. Every entry of
 * `ticketSearchAttributeTypes` is registered in the namespace, also in a
 * SQLite file that an earlier start created without some of them, because
 * the CLI applies `--search-attribute` only when it creates a namespace.
 * Throws when the server exits or does not accept clients in time (the
 * message contains the end of its log), or when the file contains a search
 * attribute of the same name with another type.
 *
 * @example
 * const server = await startTemporalDevServer({ uiPort: null });
 * const connection = await Connection.connect({ address: server.address });
 * // ...
 * await connection.close();
 * await server.stop();
 */
export async function startTemporalDevServer(options: TemporalDevServerOptions = {}): Promise<TemporalDevServer> {
  const namespace = options.namespace ?? 'default';
  const databaseFile = options.databaseFile === undefined ? undefined : path.resolve(options.databaseFile);
  if (databaseFile !== undefined) {
    mkdirSync(path.dirname(databaseFile), { recursive: true });
  }

  const ownsLogFile = options.logFile === undefined;
  if (ownsLogFile) {
    stopOrphanedTemporaryServers();
  }
  const logFile = path.resolve(
    options.logFile ?? path.join(os.tmpdir(), `${temporaryLogPrefix}${process.pid}-${Date.now()}.log`),
  );
  mkdirSync(path.dirname(logFile), { recursive: true });

  const cli = findTemporalCli();
  if (options.port !== undefined) {
    await assertPortAvailable(options.port, 'Temporal dev server (gRPC)');
  }
  if (options.uiPort !== undefined && options.uiPort !== null) {
    await assertPortAvailable(options.uiPort, 'Temporal Web UI');
  }

  const portIsFixed = options.port !== undefined;
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await findFreePort());
    const uiPort = options.uiPort === null ? null : (options.uiPort ?? (await findFreePort()));
    try {
      return await startOnce({ cli, port, uiPort, namespace, databaseFile, logFile, ownsLogFile, options });
    } catch (error) {
      const portWasTaken = error instanceof PortInUseError;
      if (!portWasTaken || portIsFixed || attempt >= maxPortAttempts) {
        throw error;
      }
    }
  }
}

/** Raised when the server exited because one of the ports we picked was taken meanwhile. */
class PortInUseError extends Error {}

interface StartAttempt {
  cli: string;
  port: number;
  uiPort: number | null;
  namespace: string;
  databaseFile: string | undefined;
  logFile: string;
  ownsLogFile: boolean;
  options: TemporalDevServerOptions;
}

async function startOnce(attempt: StartAttempt): Promise<TemporalDevServer> {
  const address = `127.0.0.1:${attempt.port}`;
  const child = spawnDevServer(attempt);
  const removeExitHook = stopOnProcessExit(child, 'SIGKILL');
  const serverPidFile = `${attempt.logFile}.pid`;
  if (attempt.ownsLogFile && child.pid !== undefined) {
    writeFileSync(serverPidFile, `${child.pid}\n`);
  }

  const stop = async (): Promise<void> => {
    await stopChildProcess(child, { signal: 'SIGTERM', gracePeriodMilliseconds: stopGracePeriodMilliseconds });
    removeExitHook();
  };

  try {
    const connection = await waitUntilAcceptingClients(child, address, attempt);
    try {
      await registerTicketSearchAttributes(connection, attempt.namespace, attempt.databaseFile);
    } finally {
      await connection.close();
    }

    // The client may have reached another server on the same port if ours failed to bind.
    if (hasExited(child)) {
      throw exitedDuringStartup(child, address, attempt.logFile);
    }
  } catch (error) {
    await stop();
    throw error;
  }

  let stopped: Promise<void> | null = null;
  return {
    address,
    namespace: attempt.namespace,
    uiUrl: attempt.uiPort === null ? null : `http://127.0.0.1:${attempt.uiPort}`,
    logFile: attempt.logFile,
    stop: async () => {
      stopped ??= stop().then(() => {
        if (attempt.ownsLogFile) {
          rmSync(attempt.logFile, { force: true });
          rmSync(serverPidFile, { force: true });
        }
      });
      await stopped;
    },
  };
}

/**
 * Stops the servers with a temporary log file whose starting process is gone
 * (for example a killed test run, which runs no exit hooks) and removes their
 * log files. Each such server has `<log file>.pid` with its pid.
 */
function stopOrphanedTemporaryServers(): void {
  const temporaryDirectory = os.tmpdir();
  const logNamePattern = new RegExp(`^${temporaryLogPrefix}(\\d+)-\\d+\\.log$`);
  let names: string[];
  try {
    names = readdirSync(temporaryDirectory);
  } catch {
    return;
  }

  for (const name of names) {
    const ownerPid = Number(logNamePattern.exec(name)?.[1] ?? Number.NaN);
    if (!Number.isInteger(ownerPid) || isProcessRunning(ownerPid)) {
      continue;
    }

    const logFile = path.join(temporaryDirectory, name);
    const serverPid = readPidFile(`${logFile}.pid`);
    if (serverPid !== null && isTemporalDevServer(serverPid)) {
      process.kill(serverPid, 'SIGTERM');
    }
    rmSync(logFile, { force: true });
    rmSync(`${logFile}.pid`, { force: true });
  }
}

/** Checks that `pid` runs `temporal server start-dev`, so a reused pid is never signalled. */
function isTemporalDevServer(pid: number): boolean {
  const commandLine = readCommandLine(pid);
  return commandLine !== null && path.basename(commandLine[0] ?? '') === 'temporal' && commandLine.includes('start-dev');
}

function spawnDevServer(attempt: StartAttempt): ChildProcess {
  const commandArguments = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(attempt.port)];

  if (attempt.uiPort === null) {
    commandArguments.push('--headless');
  } else {
    commandArguments.push('--ui-port', String(attempt.uiPort));
  }

  if (attempt.databaseFile !== undefined) {
    commandArguments.push('--db-filename', attempt.databaseFile);
  }

  // The server always creates the "default" namespace, so it needs no flag.
  if (attempt.namespace !== 'default') {
    commandArguments.push('--namespace', attempt.namespace);
  }

  for (const [name, type] of Object.entries(ticketSearchAttributeTypes)) {
    commandArguments.push('--search-attribute', `${name}=${type}`);
  }

  commandArguments.push('--log-level', 'warn');

  const logDescriptor = openSync(attempt.logFile, 'a');
  try {
    return spawn(attempt.cli, commandArguments, { stdio: ['ignore', logDescriptor, logDescriptor] });
  } finally {
    closeSync(logDescriptor);
  }
}

/** Polls until a client connects and the namespace is described; returns that connection. */
async function waitUntilAcceptingClients(
  child: ChildProcess,
  address: string,
  attempt: StartAttempt,
): Promise<Connection> {
  const timeoutMilliseconds = attempt.options.startupTimeoutMilliseconds ?? defaultStartupTimeoutMilliseconds;
  const deadline = Date.now() + timeoutMilliseconds;

  if (child.pid === undefined) {
    const spawnError = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw new Error(
      `Could not run the Temporal CLI ${attempt.cli}: ${spawnError.message}. Run 'npm run setup' to install it again.`,
    );
  }

  let lastError: unknown = null;
  while (Date.now() < deadline) {
    if (hasExited(child)) {
      throw exitedDuringStartup(child, address, attempt.logFile);
    }

    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: attempt.namespace });
        return connection;
      } catch (error) {
        await connection.close();
        throw error;
      }
    } catch (error) {
      lastError = error;
    }

    await sleep(100);
  }

  throw new Error(
    `Temporal dev server did not accept clients on ${address} within ${timeoutMilliseconds} ms ` +
      `(last error: ${describeError(lastError)}). Its output is in ${attempt.logFile}:\n` +
      readFileTail(attempt.logFile, 20),
  );
}

function exitedDuringStartup(child: ChildProcess, address: string, logFile: string): Error {
  const output = readFileTail(logFile, 20);
  const exitStatus = child.signalCode === null ? `exit code ${child.exitCode}` : `signal ${child.signalCode}`;
  const message =
    `Temporal dev server for ${address} exited during start-up with ${exitStatus}. ` +
    `Its output is in ${logFile}:\n${output}`;

  if (/address already in use/i.test(output)) {
    return new PortInUseError(message);
  }
  return new Error(message);
}

/**
 * Adds each ticket search attribute that the namespace lacks and rejects a
 * namespace that has one under the same name with another type.
 */
async function registerTicketSearchAttributes(
  connection: Connection,
  namespace: string,
  databaseFile: string | undefined,
): Promise<void> {
  const registered = await connection.operatorService.listSearchAttributes({ namespace });
  const existing = registered.customAttributes ?? {};

  const missing: Record<string, number> = {};
  for (const [name, typeName] of Object.entries(ticketSearchAttributeTypes)) {
    const expectedType = indexedValueType(typeName);
    const actualType = existing[name];

    if (actualType === undefined || actualType === null) {
      missing[name] = expectedType;
      continue;
    }

    if (actualType !== expectedType) {
      const store = databaseFile === undefined ? 'the in-memory store' : `the database file ${databaseFile}`;
      throw new Error(
        `Search attribute ${name} in namespace ${namespace} has type ${indexedValueTypeName(actualType)} in ${store}, ` +
          `but sundesk needs ${typeName}. Remove it with 'temporal operator search-attribute remove --name ${name}' ` +
          `or start with a new database file.`,
      );
    }
  }

  if (Object.keys(missing).length === 0) {
    return;
  }

  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
}

/** Maps a CLI type name such as "Keyword" to the API's IndexedValueType number. */
function indexedValueType(typeName: string): number {
  const upperCaseName = typeName.toUpperCase();
  const knownType = Object.values(SearchAttributeType).find((type) => type === upperCaseName);
  const encoded = knownType === undefined ? undefined : encodeSearchAttributeIndexedValueType(knownType);
  if (encoded === undefined) {
    throw new Error(
      `Unknown search attribute type "${typeName}" in ticketSearchAttributeTypes; ` +
        `use one of Text, Keyword, Int, Double, Bool, Datetime, KeywordList.`,
    );
  }
  return encoded;
}

function indexedValueTypeName(value: number): string {
  for (const type of Object.values(SearchAttributeType)) {
    if (encodeSearchAttributeIndexedValueType(type) === value) {
      return type;
    }
  }
  return `unknown (${value})`;
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}
