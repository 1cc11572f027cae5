/**
 * The benchmark's surroundings: the servers it starts for itself (a Temporal
 * dev server and a PostgreSQL server, both on 127.0.0.1) and a description of
 * the machine and the versions, which every results file carries.
 */

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Kysely, PostgresDialect } from 'kysely';
import { Pool } from 'pg';

import { startPostgresServer, type PostgresServer } from '../src/services/postgres-server';
import type { StoreDatabase } from '../src/store/database';
import type { StoreSchema } from '../src/store/schema';
import { startTemporalDevServer, type TemporalDevServer } from '../src/services/temporal-dev-server';
import { findTemporalCli, findTestServerLauncher } from '../src/services/tools';

/** The servers of one benchmark run. */
export interface BenchServers {
  temporal: TemporalDevServer;
  postgres: PostgresServer;
  /** Seconds each server took to accept clients. */
  startupSeconds: { temporal: number; postgres: number };
  /** Stops both servers; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts a headless, in-memory Temporal dev server and a temporary PostgreSQL
 * server, one after the other so that neither start competes with the other
 * for the cores.
 *
 * @example
 *   const servers = await startBenchServers();
 *   await servers.stop();
 */
export async function startBenchServers(): Promise<BenchServers> {
  const temporalStartedAt = performance.now();
  const temporal = await startTemporalDevServer({ uiPort: null });
  const temporalSeconds = (performance.now() - temporalStartedAt) / 1000;

  let postgres: PostgresServer;
  const postgresStartedAt = performance.now();
  try {
    postgres = await startPostgresServer();
  } catch (error) {
    await temporal.stop();
    throw error;
  }
  const postgresSeconds = (performance.now() - postgresStartedAt) / 1000;

  return {
    temporal,
    postgres,
    startupSeconds: { temporal: temporalSeconds, postgres: postgresSeconds },
    stop: async () => {
      await Promise.allSettled([temporal.stop(), postgres.stop()]);
    },
  };
}

/**
 * Opens a store like `createStoreDatabase` does, but on a pool that reports
 * connection errors through `onError` instead of raising them. pg's
 * `Pool.end()` resolves before the closed connections' sockets are gone, so
 * stopping the server right after `destroy()` can send an error to such a
 * connection, and a pool without an error listener then ends the process.
 *
 * @example
 *   const database = createBenchStoreDatabase(servers.postgres.connectionString, 8, (error) => logger.warn({ err: error }, 'store connection closed'));
 */
export function createBenchStoreDatabase(connectionString: string, maxConnections: number, onError: (error: Error) => void): StoreDatabase {
  const pool = new Pool({ connectionString, max: maxConnections });
  pool.on('error', onError);
  return new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool }) });
}

/** The machine and software of a run, as the results file records them. */
export interface MachineDescription {
  cpuCores: number;
  cpuModel: string;
  totalMemoryMegabytes: number;
  platform: string;
  /** One-, five- and fifteen-minute load averages when the run started and when it ended. */
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[] | null;
  nodeVersion: string;
  temporalSdkVersion: string;
  temporalCliVersion: string;
  postgresVersion: string | null;
  /** Version of the Java time-skipping test server, from its jar's name; null when the set-up did not install it. */
  testServerVersion: string | null;
  javaVersion: string | null;
  gitCommit: string | null;
  /** Whether the working tree had changes that are not committed, so the figures may belong to code that no commit holds. */
  gitWorkingTreeChanged: boolean | null;
}

/**
 * Describes the machine, the versions in use and the git state of the repository.
 *
 * @example
 *   const machine = await describeMachine(servers.postgres.connectionString, os.loadavg());
 */
export async function describeMachine(databaseUrl: string, loadAverageAtStart: number[]): Promise<MachineDescription> {
  const repositoryRoot = path.resolve(__dirname, '..', '..');

  return {
    cpuCores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    totalMemoryMegabytes: Math.round(os.totalmem() / 2 ** 20),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverageAtStart,
    loadAverageAtEnd: null,
    nodeVersion: process.version,
    temporalSdkVersion: (require('@temporalio/worker/package.json') as { version: string }).version,
    temporalCliVersion: commandOutput(findTemporalCli(), ['--version']) ?? 'unknown',
    postgresVersion: await readPostgresVersion(databaseUrl),
    testServerVersion: readTestServerVersion(),
    javaVersion: commandOutput('java', ['-version'])?.split('\n')[0] ?? null,
    gitCommit: commandOutput('git', ['-C', repositoryRoot, 'rev-parse', 'HEAD']),
    gitWorkingTreeChanged: gitWorkingTreeChanged(repositoryRoot),
  };
}

/** Rounds to two decimals, for load averages and ratios in the results file. */
export function roundToHundredths(value: number): number {
  return Math.round(value * 100) / 100;
}

async function readPostgresVersion(databaseUrl: string): Promise<string | null> {
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const result = await pool.query<{ server_version: string }>('show server_version');
    return result.rows[0]?.server_version ?? null;
  } finally {
    await pool.end();
  }
}

function readTestServerVersion(): string | null {
  try {
    const libraryDirectory = path.join(path.dirname(findTestServerLauncher()), 'lib');
    const jar = readdirSync(libraryDirectory).find((name) => /^temporal-test-server-.*\.jar$/.test(name));
    return jar?.replace(/^temporal-test-server-/, '').replace(/\.jar$/, '') ?? null;
  } catch {
    return null;
  }
}

function gitWorkingTreeChanged(repositoryRoot: string): boolean | null {
  const status = commandOutput('git', ['-C', repositoryRoot, 'status', '--porcelain', '--untracked-files=no']);
  return status === null ? null : status !== '';
}

/** Runs a short command and returns its trimmed output (standard output, else standard error, where `java -version` writes), or null when it fails. */
function commandOutput(command: string, commandArguments: string[]): string | null {
  const result = spawnSync(command, commandArguments, { encoding: 'utf8', timeout: 10_000 });
  if (result.error !== undefined || result.status !== 0) {
    return null;
  }

  const output = result.stdout.trim();
  return output === '' ? result.stderr.trim() : output;
}
