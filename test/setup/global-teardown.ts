/**
 * Jest global teardown: stops the servers that global-setup.ts started and
 * removes the file with their addresses.
 */

import { rmSync } from 'node:fs';

import { startedTestServersKey, type StartedTestServers } from './global-setup';

/**
 * Stops every server of the run, also when one of them fails to stop, and
 * then throws the first error.
 *
 * @example
 * // jest.config.js
 * globalTeardown: '<rootDir>/test/setup/global-teardown.ts'
 */
export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as Record<string, unknown>)[startedTestServersKey] as StartedTestServers | undefined;
  if (started === undefined) {
    return;
  }

  const results = await Promise.allSettled(started.stopFunctions.map((stop) => stop()));
  rmSync(started.addressesFile, { force: true });
  delete (globalThis as Record<string, unknown>)[startedTestServersKey];

  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure !== undefined) {
    throw failure.reason;
  }
}
