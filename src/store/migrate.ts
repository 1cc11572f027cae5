import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';

import type { StoreDatabase } from './database';
import * as tickets from './migrations/0001-tickets';
import * as slaColumns from './migrations/0002-sla-columns';
import * as notifications from './migrations/0003-notifications';

/** Migrations in the order they apply; imported statically so the same list works from TypeScript and from dist/. */
const migrations: Record<string, Migration> = {
  '0001-tickets': tickets,
  '0002-sla-columns': slaColumns,
  '0003-notifications': notifications,
};

const provider: MigrationProvider = {
  getMigrations: async () => migrations,
};

/** Thrown when a migration fails; names the migration and keeps the database error as the cause. */
export class MigrationFailedError extends Error {
  override name = 'MigrationFailedError';
}

/**
 * Applies every pending migration of the ticket store, in order. Safe to call
 * on every start: applied migrations are skipped.
 *
 * @returns the names of the migrations applied by this call.
 * @example
 *   const applied = await migrateToLatest(database); // ['0001-tickets'] on an empty database
 */
export async function migrateToLatest(database: StoreDatabase): Promise<string[]> {
  const migrator = new Migrator({ db: database, provider, migrationTableName: 'sundesk_migrations', migrationLockTableName: 'sundesk_migration_lock' });

  const result: MigrationResultSet = await migrator.migrateToLatest();
  const failed = result.results?.find((migration) => migration.status === 'Error');
  if (result.error !== undefined || failed !== undefined) {
    throw new MigrationFailedError(
      `migration ${failed?.migrationName ?? '(unknown)'} failed: ${String((result.error as Error | undefined)?.message ?? result.error)}`,
      { cause: result.error },
    );
  }

  return (result.results ?? []).filter((migration) => migration.status === 'Success').map((migration) => migration.migrationName);
}
