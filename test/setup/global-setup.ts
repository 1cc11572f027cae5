/**
 * Jest global set-up: starts one real PostgreSQL server and one Temporal dev
 * server for the whole test run and hands their addresses to the test files
 * (see test-environment.ts). A server whose variable is already set, such
 * as SUNDESK_TEST_DATABASE_URL, is not started, and the tests use the preset one.
 */

import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { isProcessRunning } from '../../src/services/child-process';
import { startPostgresServer } from '../../src/services/postgres-server';
import { startTemporalDevServer } from '../../src/services/temporal-dev-server';
import {
  testServersFile,
  testServersFilePrefix,
  testServerVariables,
  type TestServerAddresses,
} from './test-environment';

/** What global-teardown.ts needs; Jest runs both in the same context. */
export interface StartedTestServers {
  stopFunctions: Array<() => Promise<void>>;
  addressesFile: string;
}

/** Key on globalThis under which global-teardown.ts finds the servers. */
export const startedTestServersKey = 'sundeskStartedTestServers';

/** A server for the run: the one this set-up started (with its stop function) or a preset one (stop is null). */
interface ProvidedServer<Address> {
  address: Address;
  stop: (() => Promise<void>) | null;
}

/**
 * Starts the shared test servers and publishes their addresses in
 * process.env (inherited by Jest's workers) and in a JSON file named after
 * this process's pid.
 *
 * @example
 * // jest.config.js
 * globalSetup: '<rootDir>/test/setup/global-setup.ts'
 */
export default async function globalSetup(): Promise<void> {
  const starts = [provideDatabase(), provideTemporal()] as const;
  let database: Awaited<(typeof starts)[0]>;
  let temporal: Awaited<(typeof starts)[1]>;
  try {
    [database, temporal] = await Promise.all(starts);
  } catch (error) {
    // One server failed to start: stop the other before reporting the failure.
    const results = await Promise.allSettled(starts);
    for (const result of results) {
      if (result.status === 'fulfilled' && result.value.stop !== null) {
        await result.value.stop();
      }
    }
    throw error;
  }

  const addresses: TestServerAddresses = {
    databaseUrl: database.address,
    temporalAddress: temporal.address.address,
    temporalNamespace: temporal.address.namespace,
  };
  process.env[testServerVariables.databaseUrl] = addresses.databaseUrl;
  process.env[testServerVariables.temporalAddress] = addresses.temporalAddress;
  process.env[testServerVariables.temporalNamespace] = addresses.temporalNamespace;

  removeStaleAddressesFiles();
  const addressesFile = testServersFile(process.pid);
  writeFileSync(addressesFile, `${JSON.stringify(addresses, null, 2)}\n`);

  const stopFunctions = [database.stop, temporal.stop].filter((stop): stop is () => Promise<void> => stop !== null);
  const started: StartedTestServers = { stopFunctions, addressesFile };
  (globalThis as Record<string, unknown>)[startedTestServersKey] = started;
}

/** Removes the addresses files of earlier runs that were killed before their teardown. */
function removeStaleAddressesFiles(): void {
  const directory = os.tmpdir();
  for (const name of readdirSync(directory)) {
    if (!name.startsWith(testServersFilePrefix) || !name.endsWith('.json')) {
      continue;
    }

    const jestProcessId = Number(name.slice(testServersFilePrefix.length, -'.json'.length));
    if (Number.isInteger(jestProcessId) && !isProcessRunning(jestProcessId)) {
      rmSync(path.join(directory, name), { force: true });
    }
  }
}

async function provideDatabase(): Promise<ProvidedServer<string>> {
  const preset = process.env[testServerVariables.databaseUrl];
  if (preset) {
    return { address: preset, stop: null };
  }

  const server = await startPostgresServer();
  return { address: server.connectionString, stop: server.stop };
}

async function provideTemporal(): Promise<ProvidedServer<{ address: string; namespace: string }>> {
  const presetAddress = process.env[testServerVariables.temporalAddress];
  if (presetAddress) {
    const namespace = process.env[testServerVariables.temporalNamespace] || 'default';
    return { address: { address: presetAddress, namespace }, stop: null };
  }

  const server = await startTemporalDevServer({ uiPort: null });
  return { address: { address: server.address, namespace: server.namespace }, stop: server.stop };
}
