/**
 * What test files use to reach the real servers of a Jest run: the
 * PostgreSQL server and the Temporal dev server that global-setup.ts starts
 * once for all files, and a Temporal time-skipping test server per caller.
 */

import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { TestWorkflowEnvironment } from '@temporalio/testing';

import { findTestServerLauncher } from '../../src/services/tools';

/** Addresses of the shared servers of one Jest run. */
export interface TestServerAddresses {
  /** URL of the database `sundesk` in the test PostgreSQL server. */
  databaseUrl: string;
  /** gRPC address of the Temporal dev server, e.g. "127.0.0.1:41873". */
  temporalAddress: string;
  temporalNamespace: string;
}

/**
 * Environment variables that carry the addresses to the test files. Jest
 * starts its workers after the global set-up, so they inherit them. Set them
 * before `npm test` to use servers of your own instead, and the global set-up
 * then starts none of its own.
 */
export const testServerVariables = {
  databaseUrl: 'SUNDESK_TEST_DATABASE_URL',
  temporalAddress: 'SUNDESK_TEST_TEMPORAL_ADDRESS',
  temporalNamespace: 'SUNDESK_TEST_TEMPORAL_NAMESPACE',
} as const satisfies Record<keyof TestServerAddresses, string>;

/** Start of the names of the addresses files in the system temp folder. */
export const testServersFilePrefix = 'sundesk-test-servers-';

/**
 * Returns the file where the global set-up of the Jest process `jestProcessId`
 * also writes the addresses, for a worker that did not inherit the variables.
 *
 * @example
 * testServersFile(process.pid); // '/tmp/sundesk-test-servers-4242.json'
 */
export function testServersFile(jestProcessId: number): string {
  return path.join(os.tmpdir(), `${testServersFilePrefix}${jestProcessId}.json`);
}

/**
 * Returns the URL of the database `sundesk` in the test PostgreSQL server.
 * Tests that need an empty database create their own next to it. Throws
 * outside a Jest run that ran test/setup/global-setup.ts.
 *
 * @example
 * const client = new Client({ connectionString: testDatabaseUrl() });
 */
export function testDatabaseUrl(): string {
  return readTestServerAddresses().databaseUrl;
}

/**
 * Returns the gRPC address of the shared Temporal dev server.
 *
 * @example
 * const connection = await Connection.connect({ address: testTemporalAddress() });
 */
export function testTemporalAddress(): string {
  return readTestServerAddresses().temporalAddress;
}

/**
 * Returns the namespace of the shared Temporal dev server, in which the
 * ticket search attributes are registered.
 *
 * @example
 * const client = new Client({ connection, namespace: testTemporalNamespace() });
 */
export function testTemporalNamespace(): string {
  return readTestServerAddresses().temporalNamespace;
}

/**
 * Connects a test environment to the shared dev server: a real Temporal
 * server in real time, for tests that need the full server (visibility
 * queries, search attributes). `teardown()` closes the connections and leaves
 * the server running.
 *
 * @example
 * const environment = await createDevServerEnvironment();
 * // ... Worker.create({ connection: environment.nativeConnection, ... })
 * await environment.teardown();
 */
export async function createDevServerEnvironment(): Promise<TestWorkflowEnvironment> {
  return await TestWorkflowEnvironment.createFromExistingServer({
    address: testTemporalAddress(),
    namespace: testTemporalNamespace(),
  });
}

/** Attempts at starting a time-skipping server before giving up; see createTimeSkippingEnvironment. */
const maxTimeSkippingStartAttempts = 3;

/**
 * Starts a Java time-skipping test server from the launcher that
 * scripts/setup.sh writes, and returns the environment connected to it.
 * Timers skip ahead while a client awaits a workflow result or calls
 * `environment.sleep()`. Start one per test file (in beforeAll) and call
 * `teardown()` in afterAll, which kills the server.
 *
 * The SDK gives the server 5 s to accept a connection. On the 2-core build
 * machine with a load average near 6, a start through the SDK took about
 * 0.6 s with the launcher's class data archive and 1.4 s without it. A start
 * that still times out is retried, up to 3 attempts.
 *
 * @example
 * const environment = await createTimeSkippingEnvironment();
 * await environment.sleep('1 day');
 * await environment.teardown();
 */
export async function createTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const launcher = findTestServerLauncher();

  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: launcher } },
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.message.includes('did not start within');
      if (!timedOut || attempt >= maxTimeSkippingStartAttempts) {
        throw error;
      }
    }
  }
}

let cachedAddresses: TestServerAddresses | null = null;

function readTestServerAddresses(): TestServerAddresses {
  if (cachedAddresses !== null) {
    return cachedAddresses;
  }

  const fromEnvironment = addressesFromEnvironment();
  if (fromEnvironment !== null) {
    cachedAddresses = fromEnvironment;
    return fromEnvironment;
  }

  // A Jest worker is a child of the Jest process. With --runInBand the tests run in the Jest process itself.
  for (const jestProcessId of [process.ppid, process.pid]) {
    const file = testServersFile(jestProcessId);
    try {
      cachedAddresses = JSON.parse(readFileSync(file, 'utf8')) as TestServerAddresses;
      return cachedAddresses;
    } catch {
      // The file of this process is missing, so try the next.
    }
  }

  throw new Error(
    `The test servers' addresses are missing: ${testServerVariables.databaseUrl} and ${testServerVariables.temporalAddress} ` +
      `are unset and ${testServersFile(process.ppid)} does not exist. Run the tests with 'npm test' or 'npx jest', ` +
      'which run test/setup/global-setup.ts first.',
  );
}

function addressesFromEnvironment(): TestServerAddresses | null {
  const databaseUrl = process.env[testServerVariables.databaseUrl];
  const temporalAddress = process.env[testServerVariables.temporalAddress];
  if (!databaseUrl || !temporalAddress) {
    return null;
  }

  return {
    databaseUrl,
    temporalAddress,
    temporalNamespace: process.env[testServerVariables.temporalNamespace] || 'default',
  };
}
