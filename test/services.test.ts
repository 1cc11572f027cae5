/**
 * Smoke tests of the real servers that the tests and `npm start` run on:
 * the shared test PostgreSQL server and Temporal dev server, the Java
 * time-skipping test server, and the embedded PGlite server.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';

import { Client as TemporalClient, Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { Client as PostgresClient, Pool } from 'pg';

import { ticketSearchAttributeTypes, ticketStatusKey } from '../src/domain/search-attributes';
import { startEmbeddedPostgres } from '../src/services/embedded-postgres';
import { startPostgresServer } from '../src/services/postgres-server';
import { startTemporalDevServer } from '../src/services/temporal-dev-server';
import {
  createTimeSkippingEnvironment,
  testDatabaseUrl,
  testTemporalAddress,
  testTemporalNamespace,
} from './setup/test-environment';

const dayMilliseconds = 24 * 60 * 60 * 1000;

function expectedIndexedValueTypes(): Record<string, number | undefined> {
  const expected: Record<string, number | undefined> = {};
  for (const [name, type] of Object.entries(ticketSearchAttributeTypes)) {
    expected[name] = encodeSearchAttributeIndexedValueType(type.toUpperCase() as 'KEYWORD' | 'INT' | 'BOOL' | 'DATETIME');
  }
  return expected;
}

async function queryOneRow<Row>(connectionString: string, sql: string): Promise<Row> {
  const client = new PostgresClient({ connectionString });
  await client.connect();
  try {
    const result = await client.query(sql);
    return result.rows[0] as Row;
  } finally {
    await client.end();
  }
}

/**
 * PGlite loads Node's modules with import(), which Jest supports only when
 * Node runs with --experimental-vm-modules (scripts/test.sh sets it).
 * Without the flag the whole Jest process crashes, so check first.
 */
function assertDynamicImportSupported(): void {
  if (!('SourceTextModule' in vm)) {
    throw new Error(
      "PGlite needs Node's --experimental-vm-modules flag under Jest: run 'npm test', " +
        "or set NODE_OPTIONS='--experimental-vm-modules' before 'npx jest'.",
    );
  }
}

function temporaryDirectory(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

describe('test PostgreSQL server', () => {
  test('answers select 1 in database sundesk', async () => {
    const row = await queryOneRow<{ one: number; database: string }>(
      testDatabaseUrl(),
      'select 1 as one, current_database() as database',
    );

    expect(row.one).toBe(1);
    expect(row.database).toBe('sundesk');
  });

  test('keeps a given data directory across restarts', async () => {
    const dataDirectory = temporaryDirectory('sundesk-postgres-data-test-');
    try {
      const first = await startPostgresServer({ dataDirectory });
      try {
        const client = new PostgresClient({ connectionString: first.connectionString });
        await client.connect();
        await client.query('create table kept (value text)');
        await client.query("insert into kept values ('before restart')");
        await client.end();
      } finally {
        await first.stop();
      }

      const second = await startPostgresServer({ dataDirectory });
      try {
        const row = await queryOneRow<{ value: string }>(second.connectionString, 'select value from kept');
        expect(row.value).toBe('before restart');
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDirectory, { recursive: true, force: true });
    }
  });
});

describe('Temporal dev server', () => {
  test('lists the ticket search attributes', async () => {
    const connection = await Connection.connect({ address: testTemporalAddress() });
    try {
      const response = await connection.operatorService.listSearchAttributes({ namespace: testTemporalNamespace() });

      const registered = response.customAttributes ?? {};
      for (const [name, expectedType] of Object.entries(expectedIndexedValueTypes())) {
        expect({ name, type: registered[name] }).toEqual({ name, type: expectedType });
      }
    } finally {
      await connection.close();
    }
  });

  test('restores a removed search attribute and keeps workflows in its SQLite file', async () => {
    const directory = temporaryDirectory('sundesk-dev-server-test-');
    const databaseFile = path.join(directory, 'temporal.sqlite');
    const namespace = 'sundesk-test';
    const removedAttribute = 'ResolutionDue';
    try {
      const first = await startTemporalDevServer({ uiPort: null, databaseFile, namespace });
      try {
        const connection = await Connection.connect({ address: first.address });
        const client = new TemporalClient({ connection, namespace });
        // No worker polls this task queue, so the workflow stays open across the restart.
        await client.workflow.start('workflowWithoutWorker', {
          taskQueue: 'no-worker',
          workflowId: 'SD-RESTART-1',
          typedSearchAttributes: [{ key: ticketStatusKey, value: 'new' }],
        });
        await connection.operatorService.removeSearchAttributes({ namespace, searchAttributes: [removedAttribute] });
        await connection.close();
      } finally {
        await first.stop();
      }

      const second = await startTemporalDevServer({ uiPort: null, databaseFile, namespace });
      try {
        const connection = await Connection.connect({ address: second.address });
        const client = new TemporalClient({ connection, namespace });

        const response = await connection.operatorService.listSearchAttributes({ namespace });
        expect(response.customAttributes?.[removedAttribute]).toBe(expectedIndexedValueTypes()[removedAttribute]);

        const description = await client.workflow.getHandle('SD-RESTART-1').describe();
        expect(description.status.name).toBe('RUNNING');
        expect(description.typedSearchAttributes.get(ticketStatusKey)).toBe('new');
        await connection.close();
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('time-skipping test server', () => {
  test('sleeps one day in far less real time', async () => {
    const environment = await createTimeSkippingEnvironment();
    try {
      expect(environment.supportsTimeSkipping).toBe(true);
      const serverTimeBefore = await environment.currentTimeMs();
      const wallClockBefore = Date.now();

      await environment.sleep('1 day');

      expect((await environment.currentTimeMs()) - serverTimeBefore).toBeGreaterThanOrEqual(dayMilliseconds);
      expect(Date.now() - wallClockBefore).toBeLessThan(10_000);
    } finally {
      await environment.teardown();
    }
  });
});

describe('embedded PGlite server', () => {
  beforeAll(() => {
    assertDynamicImportSupported();
  });

  test('serves concurrent clients and keeps data across a restart', async () => {
    const dataDirectory = temporaryDirectory('sundesk-embedded-test-');
    try {
      const first = await startEmbeddedPostgres({ dataDirectory });
      try {
        const writer = new PostgresClient({ connectionString: first.connectionString });
        const reader = new PostgresClient({ connectionString: first.connectionString });
        await Promise.all([writer.connect(), reader.connect()]);
        await writer.query('create table kept (value text)');
        await writer.query("insert into kept values ('written by the first client')");
        const seen = await reader.query<{ value: string }>('select value from kept');
        await Promise.all([writer.end(), reader.end()]);
        expect(seen.rows).toEqual([{ value: 'written by the first client' }]);

        const pool = new Pool({ connectionString: first.connectionString, max: 4 });
        const counts = await Promise.all(
          [1, 2, 3, 4].map(async () => (await pool.query<{ count: string }>('select count(*) from kept')).rows[0]?.count),
        );
        await pool.end();
        expect(counts).toEqual(['1', '1', '1', '1']);

        // A fresh cluster takes seconds to create, so the lock check shares this one.
        await expect(startEmbeddedPostgres({ dataDirectory })).rejects.toThrow(/already open in this process/);
      } finally {
        await first.stop();
      }

      const second = await startEmbeddedPostgres({ dataDirectory });
      try {
        const row = await queryOneRow<{ value: string; database: string }>(
          second.connectionString,
          'select value, current_database() as database from kept',
        );
        expect(row).toEqual({ value: 'written by the first client', database: 'sundesk' });
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDirectory, { recursive: true, force: true });
    }
  });
});
