/**
 * Jest runs the TypeScript tests in test/ through swc, which strips types
 * without checking them (`npm run build` runs tsc, which does).
 *
 * test/setup/global-setup.ts starts one PostgreSQL server and one Temporal
 * dev server for the whole run. Test files reach them through
 * test/setup/test-environment.ts.
 *
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
  },
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',

  // Hooks count too: a beforeAll that bundles workflow code and starts
  // workers takes several seconds on a busy 2-core machine.
  testTimeout: 120_000,

  // Two test files at a time, for a 2-core machine. Most of a Temporal test
  // waits on the servers, so a second worker fills that time. More workers
  // would make the CPU-bound parts (webpack bundling of workflow code, the
  // test server's JVM start-up) compete with the shared servers. Each
  // time-skipping test server gets only 5 s to start.
  maxWorkers: 2,
};
