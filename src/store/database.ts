import { Kysely, PostgresDialect } from 'kysely';
import { Pool } from 'pg';

import type { StoreSchema } from './schema';

export type StoreDatabase = Kysely<StoreSchema>;

/**
 * Opens a connection pool to the ticket store. The caller owns the result and
 * must `destroy()` it to end the pool.
 *
 * @example
 *   const database = createStoreDatabase('postgres://127.0.0.1:5432/sundesk');
 *   await database.destroy();
 */
export function createStoreDatabase(connectionString: string, options: { maxConnections?: number } = {}): StoreDatabase {
  const pool = new Pool({ connectionString, max: options.maxConnections ?? 10 });

  // An idle connection that the server closes (restart, failover) emits 'error' on the pool;
  // without a listener that would end the process. The pool drops the connection and opens a new one.
  pool.on('error', (error) => {
    process.stderr.write(`ticket store: idle PostgreSQL connection closed: ${error.message}\n`);
  });

  return new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool }) });
}
